from __future__ import annotations

from newsprism.framing import (
    OMIT, THRESHOLD, Framing, _inflect, check_text, detect, neutralise, parse_lexicon, segments,
)
from newsprism.model import Article


def test_loaded_verb_is_flagged_with_an_inflected_neutral_alternative() -> None:
    hits = detect("Mayor caves, lets the council raise fares", title=True)
    assert [h.phrase for h in hits] == ["caves"]
    h = hits[0]
    assert h.entry.kind == "loaded_verb" and h.neutral == "reverses course" and h.entry.explanation
    past = detect("The minister slammed the report.")
    assert past[0].phrase == "slammed" and past[0].neutral == "criticised"


def test_noun_uses_and_names_are_not_flagged() -> None:
    assert detect("The cause of the blast is unknown.") == []
    assert detect("After the attack, police closed the road.") == []
    # a capitalised word inside a body sentence is taken as a name
    assert detect("Britain supplied Storm Shadow missiles.") == []


def test_quoted_words_are_marked_and_count_half() -> None:
    hits = detect('The senator said the plan was "an absurd waste".')
    assert hits and hits[0].quoted
    assert check_text('The senator said the plan was "an absurd waste".')["score"] < check_text(
        "The plan was an absurd waste.")["score"]


def test_check_text_shape_and_threshold() -> None:
    loaded = check_text("The radical mayor brazenly slammed the shocking report.")
    plain = check_text("The mayor criticised the report on Tuesday.")
    assert loaded["loaded"] and loaded["score"] >= THRESHOLD
    assert not plain["loaded"] and plain["phrases"] == []
    kinds = {p["kind"] for p in loaded["phrases"]}
    assert {"label", "intensifier", "loaded_verb"} <= kinds
    for p in loaded["phrases"]:
        assert set(p) >= {"phrase", "kind", "explanation", "neutral"}


def test_segments_cover_the_text_exactly() -> None:
    text = "Officials <b>slammed</b> the massive plan & left."
    segs = segments(text)
    assert "".join(s["text"] for s in segs) == text
    assert [s["text"] for s in segs if s["flag"]] == ["slammed", "massive"]


def test_neutralise_removes_every_flag() -> None:
    out = neutralise("The governor caved to unions after a massive, shocking protest.")
    assert detect(out) == []
    assert "governor" in out and "protest" in out


def test_inflection() -> None:
    assert _inflect("criticise", "ed") == "criticised"
    assert _inflect("reverse course", "s") == "reverses course"
    assert _inflect("hurry", "s") == "hurries"
    assert _inflect("cut", "ing") == "cutting"


def test_lexicon_parser_rejects_bad_lines() -> None:
    lex = parse_lexicon("loaded_verb\tV:zap\tstop\t0.8\tx\nintensifier\tsuper\t\t0.5\t")
    assert len(lex) == 2
    hit = detect("They zapped it; super.", lexicon=lex)
    assert [h.phrase for h in hit] == ["zapped", "super"] and hit[1].neutral == OMIT
    try:
        parse_lexicon("label\tonly-two")
    except ValueError as exc:
        assert "line 1" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("bad line accepted")


def test_framing_stage_fills_flags_and_profile() -> None:
    a = Article(id="a1", input="x", title="Council caves on fares",
                clean_text="The council voted on Monday. It was a shocking reversal. Fares rise in May.")
    Framing().process(a)
    assert any(f.in_title and f.phrase == "caves" for f in a.framing)
    assert any(f.sentence == 1 and f.phrase == "shocking" for f in a.framing)
    p = a.framing_profile
    assert p["sentences"] == 3 and p["flags"] == 2 and p["title_flags"] == 1
    assert p["by_kind"] == {"loaded_verb": 1, "intensifier": 1}
    # uses the extractor's sentences when they exist
    b = Article(id="b", input="x", clean_text="ignored", sentences=["A massive crowd.", "Calm."])
    Framing().process(b)
    assert b.framing_profile["sentences"] == 2 and b.framing[0].sentence == 0


def test_cli_framing_reads_text_and_jsonl(tmp_path) -> None:  # noqa: ANN001
    import json

    from typer.testing import CliRunner

    from newsprism.cli import app

    runner = CliRunner()
    h = runner.invoke(app, ["framing", "--help"])
    assert h.exit_code == 0 and "Example: newsprism framing" in h.output
    f = tmp_path / "draft.jsonl"
    f.write_text('{"id": "p1", "text": "The mayor caved to the <b>radical</b> lobby."}\n'
                 "A quiet council meeting ended at noon.\n\n"
                 '{"id": "p3"}\n', encoding="utf-8")
    r = runner.invoke(app, ["framing", str(f)])
    assert r.exit_code == 1  # one bad line
    recs = [json.loads(x) for x in r.output.splitlines()]
    assert [x["id"] for x in recs] == ["p1", 2, "p3"]
    assert recs[0]["loaded"] and {p["phrase"] for p in recs[0]["phrases"]} == {"caved to", "radical"}
    assert recs[1]["id"] == 2 and recs[1]["loaded"] is False and recs[1]["phrases"] == []
    assert 0.0 <= recs[1]["score"] < 0.5
    assert recs[2]["code"] == "E502"
    ok = tmp_path / "ok.txt"
    ok.write_text("Plain words only.\n", encoding="utf-8")
    assert runner.invoke(app, ["framing", str(ok)]).exit_code == 0
    assert runner.invoke(app, ["framing", str(tmp_path / "missing.txt")]).exit_code == 2
