"""Property: the cleaner never raises on any text, and body + removed segments account for every
non-blank input line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.clean import Clean, classify
from newsprism.clean.lines import key, normalise
from newsprism.errors import NewsprismError
from newsprism.model import Article

# Lines drawn from every kind the rules know, mixed with arbitrary text.
NOISY = [
    "What's Your Reaction?", "like", "sad", "Physical Address", "12 Harbour St.", "Lakeview, MN 55999",
    " 3  0", "Advertisement", "Share this article", "Read more: another story", "By Ana Reyes",
    "March 3, 2026 · 10:15", "(Photo by Lee Park/Shore Images)", "AFP contributed reporting.",
    "A Message from The Daily Lantern:", "Dear readers,", "Please make a monthly contribution to support us.",
    "Content created by The Wire Desk is available without charge.", "pic.twitter.com/abc123",
    "Email [email protected]", "S\"\"", "Home | News | Sport", "PORT ALDER (Wire) — A storm hit the coast.",
    "I am a writer and my cat is called Pip; I live by the sea.",
    "The council voted 5-2 on Tuesday to approve the plan, officials said.",
]
line = st.one_of(st.sampled_from(NOISY), st.text(max_size=80))
texts = st.lists(line, max_size=30).map(lambda ls: "\n".join(ls)) | st.text(max_size=400)


def _nonblank(raw: str) -> list[tuple[int, str]]:
    return [(i, normalise(ln)) for i, ln in enumerate(raw.splitlines()) if normalise(ln)]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_classify_covers_every_nonblank_line_exactly_once(raw: str) -> None:
    res = classify(raw)
    covered = sorted(i for u in res.units for i in u.lines)
    assert covered == [i for i, _ in _nonblank(raw)]
    for u in res.units:
        assert u.kind == "body" or u.why, "every removal carries the rule that made it"


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from([None, "The council voted", "like"]))
def test_clean_never_raises_except_coded_and_loses_no_line(raw: str, title: str | None) -> None:
    doc = Article(id="p", input="prop.txt", raw_text=raw, title=title)
    try:
        Clean().process(doc)
    except NewsprismError as err:
        assert err.code in ("E201", "E203")
        return
    body = doc.clean_text or ""
    assert body
    removed = [s.text for s in doc.removed]
    for _, text in _nonblank(raw):
        assert text in body or any(text in r for r in removed), text


def _key_by_definition(text: str) -> str:
    import re
    import unicodedata

    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.sampled_from(NOISY), st.text(max_size=80),
                 st.text(alphabet="ab _-.,\u2019\u201c\u201d\u2014\u00a0\u0130\ufb01\u2460\u00df\u03a3", max_size=40)))
def test_line_key_matches_its_definition(text: str) -> None:
    # the fast paths (ASCII, typographic punctuation) give exactly the NFKC, case-folded words
    assert key(text) == _key_by_definition(text)


_KEY_TEXT = st.one_of(st.sampled_from(NOISY), st.text(max_size=80),
                     st.text(alphabet="aB _-.,\n\u2019\u201c\u201d\u2014\u00a0\u0130\ufb01\u2460\u00df", max_size=40))


@settings(max_examples=500, deadline=None)
@given(st.lists(_KEY_TEXT, max_size=8))
def test_keys_of_many_lines_are_each_lines_key(lines: list[str]) -> None:
    # joined in one pass when they allow it (plain ASCII, no line breaks), else one by one
    from newsprism.clean.lines import keys

    assert keys(lines) == [_key_by_definition(t) for t in lines]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.sampled_from(NOISY), st.text(max_size=80),
                 st.text(alphabet="aB _-.,\u2019\u201c\u201d\u2014\u00a0\u0130\ufb01\u2460\u00df\u03a3", max_size=40)))
def test_dedup_words_match_their_definition(text: str) -> None:
    import re

    from newsprism.dedup import normalise_tokens

    assert normalise_tokens(text) == re.findall(r"\w+", text.lower())
