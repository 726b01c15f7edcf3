"""HTML extraction + cleaning, the Boilerplate corpus stage, and the sample corpus end to end."""

from __future__ import annotations

import json
from pathlib import Path

from newsprism.analyze import analyze
from newsprism.clean import Boilerplate, Clean, HtmlExtract
from newsprism.model import Article
from newsprism.stages import default_pipeline

DATA = Path(__file__).parent / "data" / "clean"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def test_html_page_body_metadata_and_figure_caption() -> None:
    doc = Article(id="h", input="tidewater-page.html", raw_html=(DATA / "tidewater-page.html").read_text())
    doc = Clean().process(HtmlExtract().process(doc))
    assert doc.title == "Lighthouse keeper's cottage to become a museum"
    assert doc.outlet == "The Tidewater Ledger" and doc.authors == ["Mirela Osei"]
    assert (doc.published or "").startswith("2026-02-11")
    body = doc.clean_text or ""
    assert body.startswith("The cottage that housed the keepers")
    assert "Entry to the museum will be free" in body
    for noise in ("Share this article", "Harbour wall repairs", "All rights reserved", "Advertisement", "| News |"):
        assert noise not in body
    assert doc.captions == ["The cottage at Gull Head in January. (Photo by Tomas Ibe/Ledger)"]
    assert doc.metadata["extracted_by"].startswith("trafilatura:")


def _article(i: int, outlet: str, body: list[str]) -> Article:
    a = Article(id=f"a{i}", input=f"in{i}", outlet=outlet, raw_text="\n".join(body))
    return Clean().process(a)


SITE_LINE = "The Harbour Herald is owned by its readers and has served the islands since 1921."
STORIES = [
    ["The ferry timetable changes on Monday, with two extra sailings on weekdays.",
     "The operator said the change followed a survey of 1,200 passengers last autumn.",
     "Weekend sailings are not affected by the change, the operator said."],
    ["A storm brought down power lines across the north island on Saturday night.",
     "About 900 homes were still without electricity on Sunday afternoon, the utility said.",
     "Crews from the mainland were expected to arrive by boat on Monday morning."],
    ["The island school will add a second science teacher from September, the board said.",
     "Enrolment has grown by a third in five years as young families moved to the island.",
     "The post will be paid for by a state grant for rural schools, officials said."],
    ["Fishing crews landed their largest mackerel catch in a decade this week, the harbour master said.",
     "Prices at the quayside auction fell by almost a quarter as a result of the glut.",
     "Some boats stayed in port on Friday to wait for prices to recover, skippers said."],
]


def test_boilerplate_removes_a_site_line_repeated_across_different_articles() -> None:
    docs = [_article(i, "Harbour Herald", body + [SITE_LINE]) for i, body in enumerate(STORIES)]
    stage = Boilerplate()
    docs = stage.run(docs)
    for d, body in zip(docs, STORIES, strict=True):
        assert SITE_LINE not in (d.clean_text or "")
        assert [s.reason for s in d.removed if s.text == SITE_LINE] == ["boilerplate"]
        for para in body:
            assert para in (d.clean_text or "")
    assert stage.stats["removed_lines"] == 4


def test_boilerplate_keeps_syndicated_copies_and_rare_lines() -> None:
    # one wire story printed by four outlets: every paragraph repeats, and all of it is the article
    copies = [_article(i, outlet, STORIES[0]) for i, outlet in enumerate(["Herald", "Gazette", "Post", "Star"])]
    # a line shared by only two different articles of a site is not enough evidence
    pair = [_article(10 + i, "Harbour Herald", body + [SITE_LINE]) for i, body in enumerate(STORIES[:2])]
    before = [d.clean_text for d in copies + pair]
    after = Boilerplate().run(copies + pair)
    assert [d.clean_text for d in after] == before


def test_default_pipeline_order_and_contract() -> None:
    p = default_pipeline()
    names = [s.name for s in p.stages]
    assert names[:3] == ["html", "clean", "boilerplate"]
    p.check()


def test_sample_corpus_is_analysed_and_its_noise_removed(tmp_path: Path) -> None:
    res = analyze([EXAMPLES], db=tmp_path / "x.db", out=tmp_path / "out", progress=False)
    assert res.exit_code == 0 and not res.rejected
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    arts = {a["input"].rsplit("/", 1)[-1]: a for s in report["stories"] for a in s["articles"]}
    noise = ["Physical Address", "Share this article", "What's Your Reaction?", "A Message from",
             "Follow us on Twitter", "contributed reporting", "distributed by Northern Wire",
             "(Photo by", "Marta curates regional news", "Related:", "Dear readers"]
    for name, a in arts.items():
        for n in noise:
            assert n not in a["clean_text"], (name, n)
    digest = arts["valley-daily-digest-port-calder-fire.txt"]
    assert digest["origin"] == "Northern Wire Service" and len(digest["captions"]) == 1
    courier = arts["calder-courier-port-calder-fire.txt"]
    assert courier["credits"] == ["The Northern Wire"] and courier["published"] == "2026-03-10"
    html = (tmp_path / "out" / "report.html").read_text()
    assert "removed segment" in html and "What&#39;s Your Reaction?" in html
