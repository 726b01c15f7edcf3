"""Extract stage: every extractor on short news passages written for these tests."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.extract import Extract, citation_graph, extract_article, link_story_entities
from newsprism.extract.citations import extract_citations
from newsprism.extract.dates import extract_dates
from newsprism.extract.entities import extract_entities
from newsprism.extract.quantities import extract_quantities
from newsprism.extract.sentences import sentences, split_sentences
from newsprism.model import Article, Entity
from newsprism.report import article_json
from newsprism.report.html import render_html
from newsprism.report import build_report
from newsprism.model import Story

# A fictional report, composed for these tests.
STORY = """HARBORVILLE, Norland (AP) — Norland President Ada Lindqvist said Sunday that the government would send an estimated 2,000 troops to the border.
"We will not abandon the valley," Lindqvist told reporters in the capital. "Not now, not ever."
The Lindqvist administration has promised to spend the remaining $6 billion of approved aid before Jan. 20.
Prime Minister Tomas Brenn of Norland discussed the plan with allies on Monday, his office said afterward.
According to The Harbor Ledger, the shelling killed 11 civilians over the weekend.
Opposition leader Mira Castell said the deployment was "a dangerous gamble" and that it would "only invite escalation."
The new missiles have a range of over 500 kilometers (310 miles), The New York Times reported, citing two officials.
Reuters contributed reporting."""


def _article(text: str = STORY, **kw: object) -> Article:
    a = Article(id="a1", input="fixture.txt", raw_text=text, clean_text=text, published="2026-03-16", **kw)
    return extract_article(a)


def test_sentences_handle_abbreviations_quotes_and_datelines() -> None:
    text = ("WASHINGTON (Reuters) — The U.S. Senate met on Jan. 5 at 10 a.m. with Gen. Ruiz. "
            "Officials left the U.S. The talks ended. \"It is done.\" She left.")
    got = sentences(text)
    assert got[0] == "The U.S. Senate met on Jan. 5 at 10 a.m. with Gen. Ruiz."
    assert got[1] == "Officials left the U.S."
    assert got[2:] == ["The talks ended.", "\"It is done.\"", "She left."]
    for s, e in split_sentences(text):
        assert text[s:e] in got


def test_entities_link_surname_title_and_administration() -> None:
    text = ("President Joe Biden met aides. Biden said little. Joe Biden left. "
            "The Biden administration declined to comment. Biden's aides were quiet. "
            "Donald Trump Jr. posted a video. Trump was not there. Officials in Kyiv and the Pentagon agreed.")
    idx = extract_entities(text, split_sentences(text))
    biden = [e for e in idx.entities if e.key == "joe-biden"]
    assert len(biden) == 1 and biden[0].label == "PERSON" and biden[0].name == "Joe Biden"
    assert {"Joe Biden", "Biden", "the Biden administration"} <= set(biden[0].mentions)
    # a surname is not linked to a "Jr." name
    assert any(e.key == "donald-trump-jr" for e in idx.entities)
    assert not any(e.key == "donald-trump-jr" and "Trump" in e.mentions for e in idx.entities)
    labels = {e.key: e.label for e in idx.entities}
    assert labels["kyiv"] == "GPE" and labels["pentagon"] == "ORG"


def test_story_linking_maps_a_surname_to_the_full_name() -> None:
    a = Article(id="a", input="a", entities=[Entity("Lindqvist", "PERSON", key="lindqvist")])
    b = Article(id="b", input="b", entities=[Entity("Ada Lindqvist", "PERSON", key="ada-lindqvist")])
    assert link_story_entities([a, b])["lindqvist"] == "ada-lindqvist"


def test_quantities_values_units_qualifiers_and_counted_things() -> None:
    a = _article()
    q = {x.text: x for x in a.quantities}
    troops = q["an estimated 2,000 troops"]
    assert (troops.value, troops.unit, troops.qualifier) == (2000, "troops", "approximate")
    money = q["$6 billion"]
    assert (money.value, money.unit, money.qualifier) == (6e9, "USD", "exact")
    rng = q["over 500 kilometers (310 miles)"]
    assert (rng.value, rng.unit, rng.qualifier, rng.counts) == (500, "km", "lower_bound", "range")
    civ = q["11 civilians"]
    assert (civ.value, civ.counts, civ.verb) == (11, "civilians", "killed")
    assert not any(x.value == 20 for x in a.quantities)  # "Jan. 20" is a date, not a quantity


def test_dates_resolve_against_publication() -> None:
    text = "On Sunday, officials met. Talks end Jan. 20. Troops arrived in October. It began Dec. 6, 2023. Last week, two days ago."
    got = {d.text: d for d in extract_dates(text, "2026-03-18")[0]}  # a Wednesday
    assert got["On Sunday"].value == "2026-03-15" and got["On Sunday"].relative
    assert got["Jan. 20"].value == "2027-01-20" or got["Jan. 20"].value == "2026-01-20"
    assert got["Jan. 20"].value == "2026-01-20"  # nearer to March 2026 than January 2027
    assert got["in October"].value == "2025-10"
    assert got["Dec. 6, 2023"].value == "2023-12-06" and not got["Dec. 6, 2023"].relative
    assert got["two days ago"].value == "2026-03-16"
    assert extract_dates("Sunday", None)[0][0].value is None


def test_quotes_speakers_cues_and_pronouns() -> None:
    a = _article()
    by_text = {q.text: q for q in a.quotes}
    q = by_text["We will not abandon the valley,"] if "We will not abandon the valley," in by_text else \
        by_text["We will not abandon the valley"]
    assert q.speaker == "Ada Lindqvist" and q.cue == "told" and q.direct and q.speaker_entity == "ada-lindqvist"
    cont = next(x for x in a.quotes if x.text.startswith("Not now"))
    assert cont.speaker == "Ada Lindqvist"
    indirect = next(x for x in a.quotes if x.text.startswith("the government would send"))
    assert indirect.speaker == "Ada Lindqvist" and not indirect.direct and indirect.cue == "said"
    office = next(x for x in a.quotes if x.cue == "said" and "office" in (x.speaker or ""))
    assert office.speaker == "Tomas Brenn’s office" and office.speaker_entity == "tomas-brenn"
    castell = [x for x in a.quotes if x.speaker == "Mira Castell"]
    assert {x.text for x in castell} == {"a dangerous gamble", "only invite escalation."} or \
        {x.text.rstrip(".") for x in castell} == {"a dangerous gamble", "only invite escalation"}
    outlet = next(x for x in a.quotes if x.speaker in {"The Harbor Ledger", "Harbor Ledger"})
    assert outlet.cue == "According to" and "killed 11 civilians" in outlet.text


def test_quotes_postposed_and_document_speakers() -> None:
    text = ('"The plan is sound and it is funded," the ministry wrote in a report. '
            '"Prices will fall," said Lena Ortiz, an economist at Norbank.')
    a = _article(text)
    got = {(q.speaker, q.cue) for q in a.quotes}
    assert ("the ministry", "wrote") in got
    assert ("Lena Ortiz", "said") in got


def test_citations_outlets_credits_and_generic() -> None:
    a = _article(credits=["AFP contributed reporting."])
    sources = {c.source for c in a.citations}
    assert {"The New York Times", "Reuters", "AFP"} <= sources
    text = "The army advanced, according to multiple outlets. The Washington Post reported new strikes. The Post said more."
    cits = extract_citations(text, split_sentences(text))
    assert {c.source for c in cits} == {"multiple outlets", "The Washington Post"}
    # an outlet naming itself is not a citation
    own = extract_citations("Support The Moscow Times today. Reuters reported a strike.", own_outlet="The Moscow Times")
    assert {c.source for c in own} == {"Reuters"}


def test_citation_graph_edges() -> None:
    a = _article()
    a.outlet = "Harbor Daily"
    b = _article("The Washington Post reported the strike.")
    b.id, b.outlet = "a2", "Valley News"
    g = citation_graph([a, b])
    edges = {(e["source"], e["target"]) for e in g["edges"]}
    assert ("Harbor Daily", "The New York Times") in edges and ("Valley News", "The Washington Post") in edges


def test_stage_contract_and_report() -> None:
    stage = Extract()
    assert stage.name == "extract" and stage.requires == ("clean_text",)
    assert {"sentences", "entities", "quantities", "dates", "quotes", "citations"} == set(stage.adds)
    a = stage.process(Article(id="a1", input="x", clean_text=STORY, published="2026-03-16"))
    d = article_json(a)
    assert all({"speaker", "text", "cue"} <= set(q) for q in d["quotes"]) and d["quotes"]
    assert all({"source", "text"} <= set(c) for c in d["citations"]) and d["citations"]
    assert d["entities"] and d["quantities"] and d["dates"]
    html = render_html(build_report([(Story(id="s", article_ids=["a1"]), [a])], []))
    assert "Mira Castell" in html and "quote(s)" in html


def test_untrusted_quote_text_is_escaped() -> None:
    a = _article('"<script>alert(1)</script> is fine," the mayor said on Monday.')
    html = render_html(build_report([(Story(id="s", article_ids=["a1"]), [a])], []))
    assert "<script>alert(1)" not in html


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
       | st.lists(st.sampled_from(["said", "“", "”", '"', "according to", "Mr.", "U.S.", "Jan.", "$", "5",
                                   "million", "he", "his office", ",", ".", "\n", "The Times", "Biden", " "]),
                  max_size=60).map(" ".join))
def test_extract_never_raises(text: str) -> None:
    a = Extract().process(Article(id="h", input="h", clean_text=text, published="2026-01-31"))
    assert isinstance(a.quotes, list) and isinstance(a.sentences, list)
    for q in a.quotes:
        assert q.start is None or 0 <= q.start <= q.end <= len(text)


def test_multi_part_quote_is_one_attribution_and_old_quote_style_works() -> None:
    from newsprism.extract.quotes import find_attributions

    text = ("Mayor Ines Varga spoke after the vote. ''We are not done yet,'' Varga said. "
            "''The harbor will reopen in May.''")
    spans = split_sentences(text)
    atts = find_attributions(text, spans, extract_entities(text, spans))
    (a,) = atts
    assert a.speaker == "Ines Varga" and len(a.content) == 2 and a.direct
    assert [text[s:e].strip("'") for s, e in a.quoted] == ["We are not done yet,", "The harbor will reopen in May."]


def test_stance_attributions_are_opt_in() -> None:
    from newsprism.extract.quotes import find_attributions

    text = "Senator Ada Ruiz opposes the new pipeline. It is expected that the vote will be close."
    spans = split_sentences(text)
    idx = extract_entities(text, spans)
    assert find_attributions(text, spans, idx) == []
    stance = find_attributions(text, spans, idx, stance=True)
    got = {(a.speaker, text[a.content[0][0]:a.content[0][1]]) for a in stance}
    assert ("Ada Ruiz", "the new pipeline") in got
    assert (None, "the vote will be close") in got
    assert _article(text).quotes == []  # the Extract stage reports quotes, not stances


def test_pronoun_never_resolves_to_a_name_inside_the_quote() -> None:
    text = "Lena Ortiz took questions. “I doubt that Marco Bell will win,” she said."
    a = _article(text)
    (q,) = a.quotes
    assert q.speaker == "Lena Ortiz" and q.speaker_entity == "lena-ortiz"


def test_report_has_a_citation_graph() -> None:
    a = _article()
    a.outlet = "Harbor Daily"
    r = build_report([(Story(id="s", article_ids=["a1"]), [a])], [])
    assert ("Harbor Daily", "The New York Times") in {(e["source"], e["target"]) for e in r["citation_graph"]["edges"]}
    assert "Who relies on whom" in render_html(r)


def test_quantity_bounds_and_dates_next_weekday() -> None:
    text = "Up to 300 people were evacuated and fewer than 20 were hurt. The ferry carried some 1.2 million tonnes."
    q = {x.text: x for x in extract_quantities(text)}
    assert q["Up to 300 people"].qualifier == "upper_bound"
    assert (q["fewer than 20"].value, q["fewer than 20"].qualifier) == (20, "upper_bound")
    tonnes = next(x for x in q.values() if x.unit == "t")
    assert (tonnes.value, tonnes.qualifier) == (1.2e6, "approximate")
    (d,) = extract_dates("The summit opens next Sunday.", "2026-03-18")[0]
    assert d.value == "2026-03-22"


def test_extract_rejects_non_text_with_a_coded_error() -> None:
    import pytest

    from newsprism.errors import NewsprismError

    with pytest.raises(NewsprismError) as err:
        Extract().process(Article(id="x", input="bad.jsonl:3", clean_text=123))  # type: ignore[arg-type]
    assert err.value.code == "E401" and "bad.jsonl:3" in err.value.message
