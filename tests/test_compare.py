from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.compare import CompareStory, Summarise, compare_numbers
from newsprism.compare.claims import article_claims, find_sources, source_key
from newsprism.compare.sentences import find_numbers, split_sentences
from newsprism.framing import detect
from newsprism.model import Article, Quantity, Story

DATA = Path(__file__).parent / "data" / "compare"


def _articles() -> list[Article]:
    out = []
    for p in sorted(DATA.glob("*.txt")):
        title, _, body = p.read_text(encoding="utf-8").partition("\n\n")
        out.append(Article(id=p.stem, input=str(p), outlet=p.stem, title=title.strip(), clean_text=body))
    return out


@pytest.fixture(scope="module")
def story() -> tuple[Story, list[Article]]:
    arts = _articles()
    s = Story(id="s1", article_ids=[a.id for a in arts])
    s = CompareStory().process_story(s, arts, None)
    s = Summarise().process_story(s, arts, None)
    return s, arts


def test_numbers_precision_difference_vs_contradiction() -> None:
    n = lambda v, q="exact": {"value": v, "qualifier": q, "unit": "people"}  # noqa: E731
    assert compare_numbers(n(10000, "approximate"), n(10000)) == "precision difference"
    assert compare_numbers(n(20, "lower_bound"), n(17)) == "contradiction"
    assert compare_numbers(n(200, "lower_bound"), n(230)) == "precision difference"
    assert compare_numbers(n(12), n(15)) == "contradiction"
    assert compare_numbers(n(12), n(12)) is None


def test_fallback_number_and_sentence_finders() -> None:
    nums = find_numbers("An estimated 10,000 troops and $6 billion in aid, but at least 20 people died in 2023.")
    got = {(x["value"], x["unit"], x["qualifier"]) for x in nums}
    assert got == {(10000.0, "troops", "approximate"), (6e9, "USD", "exact"), (20.0, "people", "lower_bound")}
    assert split_sentences("Dr. Ames spoke to the U.S. team. Then it rained.\nNew line") == [
        "Dr. Ames spoke to the U.S. team.", "Then it rained.", "New line"]


def test_sources_normalise_names_and_acronyms() -> None:
    assert find_sources("Officials told The New York Times on Monday.") == {"The New York Times"}
    assert source_key("The New York Times") == source_key("NYT") == source_key("the New York Times")


def test_claims_use_extracted_fields_when_present() -> None:
    a = Article(id="x", input="x", clean_text="ignored",
                sentences=["Nine people were hurt in the crash on Monday.", "Too short."],
                quantities=[Quantity(text="Nine people", value=9, unit="people", sentence=0)])
    cs = article_claims(a)
    assert len(cs) == 1 and cs[0].numbers[0]["value"] == 9 and "monday" in cs[0].dates


def test_shared_omitted_and_single_facts(story) -> None:  # noqa: ANN001
    s, arts = story
    ids = {a.id for a in arts}
    shared = [f for f in s.facts if f["kind"] == "shared"]
    assert any("marshal" in f["text"] for f in shared)
    assert any("Marsh" in f["text"] and "order" in f["text"] for f in shared)
    for f in s.facts:
        assert set(f["supported_by"]) | set(f["omitted_by"]) == ids
        assert not set(f["supported_by"]) & set(f["omitted_by"])
    single = [f for f in s.facts if f["kind"] == "single"]
    assert any("42 injured" in f["text"] and f["supported_by"] == ["lenning-ledger"] for f in single)
    assert any("shares fell" in f["text"] and f["supported_by"] == ["coastal-wire"] for f in single)


def test_conflicts_tell_contradiction_from_precision(story) -> None:  # noqa: ANN001
    s, _ = story
    people = [c for c in s.conflicts if c["about"] == "number of people"]
    assert people and people[0]["kind"] == "contradiction"
    assert {c["article_id"] for c in people[0]["claims"]} >= {"harbour-herald", "lenning-ledger"}
    workers = [c for c in s.conflicts if c["about"] == "number of workers"]
    assert workers and workers[0]["kind"] == "precision difference"


def test_quote_differences(story) -> None:  # noqa: ANN001
    s, _ = story
    kinds = {q["kind"] for q in s.quote_differences}
    assert "trimmed" in kinds and "different speaker" in kinds
    diff = next(q for q in s.quote_differences if q["kind"] == "different speaker")
    assert {q["speaker"] for q in diff["quotes"]} >= {"Tom Okafor"}


def test_framing_and_summary(story) -> None:  # noqa: ANN001
    s, arts = story
    assert any(f["phrase"].startswith("caves") and f["article_id"] == "harbour-herald" and f["neutral"] for f in s.framing)
    assert s.summary
    ids = {a.id for a in arts}
    for sent in s.summary:
        assert sent["sources"] and set(sent["sources"]) <= ids
        assert detect(sent["text"]) == []
    # balanced: every outlet is cited somewhere in the summary
    assert set().union(*(x["sources"] for x in s.summary)) == ids


def test_one_article_story_degrades() -> None:
    a = Article(id="solo", input="x", clean_text="The bridge reopened on Friday after repairs costing $4 million.")
    s = CompareStory().process_story(Story(id="s", article_ids=["solo"]), [a], None)
    s = Summarise().process_story(s, [a], None)
    assert s.facts and s.facts[0]["supported_by"] == ["solo"] and s.conflicts == []
    assert s.summary and s.summary[0]["sources"] == ["solo"]


def test_html_report_shows_matrix_conflicts_quotes_and_escapes(story) -> None:  # noqa: ANN001
    from newsprism.report import build_report
    from newsprism.report.html import render_html

    s, arts = story
    evil = Article(id="evil", input="evil.jsonl:1", outlet="<script>alert(1)</script>",
                   title="Mayor <b>caves</b>", clean_text="The mayor slammed <img src=x onerror=alert(1)> critics today.")
    s2 = CompareStory().process_story(Story(id="s2", article_ids=["evil"]), [evil], None)
    html = render_html(build_report([(s, arts), (s2, [evil])], []))
    assert "Facts by outlet" in html and 'class="yes"' in html and 'class="no"' in html
    assert 'href="#harbour-herald"' in html and "precision difference" in html and "contradiction" in html
    assert "different speaker" in html
    assert '">caves to</mark>' in html
    # untrusted text is escaped everywhere, highlighted or not
    assert "<script>alert" not in html and "<img" not in html and "<b>caves" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html
    assert '">slammed</mark>' in html and '&lt;b&gt;<mark class="flag"' in html


def test_summary_cites_only_articles_that_give_its_numbers(story) -> None:  # noqa: ANN001
    s, arts = story
    by_id = {a.id: {n["value"] for n in find_numbers(a.text)} for a in arts}
    checked = 0
    for sent in s.summary:
        for n in find_numbers(sent["text"]):
            for src in sent["sources"]:
                assert n["value"] in by_id[src], (sent, src)
                checked += 1
    assert checked  # the fixture's summary does state numbers (deaths, workers)


def test_compare_uses_extracted_fields_after_the_extract_stage() -> None:
    from newsprism.extract import Extract

    ex = Extract()
    ex.ensure_setup()
    arts = [ex.process(a) for a in _articles()]
    assert any(a.quantities for a in arts) and any(a.quotes for a in arts)
    s = CompareStory().process_story(Story(id="s", article_ids=[a.id for a in arts]), arts, None)
    kinds = {(c["about"], c["kind"]) for c in s.conflicts}
    assert ("number of people", "contradiction") in kinds
    assert ("number of workers", "precision difference") in kinds
    assert any(q["kind"] == "different speaker" for q in s.quote_differences)


def test_a_name_the_other_outlet_also_gives_is_not_a_detail_only_one_gives() -> None:
    from newsprism.model import Entity

    a = Article(id="a", input="a", outlet="A", title="Dock strike",
                clean_text="Harbour Commissioner Maren Oyelaran said on Tuesday that the dock strike cost the port "
                           "four million pounds in lost fees over the week.",
                entities=[Entity(name="Maren Oyelaran", label="PERSON", mentions=["Maren Oyelaran"], key="maren-oyelaran")])
    # the other outlet names her too, but its extractor found no entity in that sentence
    b = Article(id="b", input="b", outlet="B", title="Port counts cost of strike",
                clean_text="The dock strike cost the port four million pounds in lost fees over the week, "
                           "Maren Oyelaran's office said on Tuesday.")
    c = Article(id="c", input="c", outlet="C", title="Strike ends",
                clean_text="The dock strike cost the port four million pounds in lost fees over the week, the "
                           "harbour board said on Tuesday, naming commissioner Tobiah Rusk as its negotiator.",
                entities=[Entity(name="Tobiah Rusk", label="PERSON", mentions=["Tobiah Rusk"], key="tobiah-rusk")])
    s = CompareStory().process_story(Story(id="s", article_ids=["a", "b", "c"]), [a, b, c], None)
    names = [(f["text"], f["supported_by"]) for f in s.facts if f.get("about") == "name"]
    assert ("Tobiah Rusk", ["c"]) in names  # only C names him, shown as a name, not a key
    assert not any("oyelaran" in t.lower() for t, _ in names)  # B names her as well
