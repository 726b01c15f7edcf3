from __future__ import annotations

from newsprism.model import Article, Rejection, Segment, Story
from newsprism.report import build_report
from newsprism.report.html import render_html

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_report_escapes_untrusted_content() -> None:
    a = Article(id="a1", input=f"in/{PAYLOAD}.txt", raw_text="", clean_text=f"Body {PAYLOAD}", title=PAYLOAD,
                outlet=PAYLOAD, removed=[Segment(PAYLOAD, "widget")])
    report = build_report([(Story(id="s1", title=PAYLOAD, article_ids=["a1"]), [a])],
                          [Rejection(input=PAYLOAD, reason=PAYLOAD)])
    html = render_html(report)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html
    assert "script-src 'none'" in html  # the page itself forbids scripts


def test_report_keeps_the_public_keys() -> None:
    a = Article(id="a1", input="x.txt", clean_text="Body", title="T", outlet="O", published="2026-03-02")
    r = build_report([(Story(id="s1", title="T", article_ids=["a1"]), [a])], [])
    assert r["version"] and r["rejected"] == []
    (s,) = r["stories"]
    assert s["id"] == "s1" and s["title"] == "T"
    (art,) = s["articles"]
    assert {k: art[k] for k in ("id", "input", "outlet", "title", "published", "clean_text", "removed")} == {
        "id": "a1", "input": "x.txt", "outlet": "O", "title": "T", "published": "2026-03-02",
        "clean_text": "Body", "removed": []}
