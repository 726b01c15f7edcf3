"""WARC, RSS/Atom and Parquet readers. Every fixture is written here, by the test."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.analyze import analyze
from newsprism.config import Settings
from newsprism.model import Article, Rejection
from newsprism.readers import read_paths

# -- fixtures written by us ------------------------------------------------------

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Ferry service to Orrin Island resumes after storm repairs</title>
<meta name="author" content="Dana Whitlow"><meta property="og:site_name" content="Coastline Ledger">
<meta name="date" content="2024-03-14"></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Ferry service to Orrin Island resumes after storm repairs</h1>
<p>The county ferry to Orrin Island carried its first passengers in three weeks on Thursday, after crews
finished replacing the landing ramp that a February storm tore loose from its pilings.</p>
<p>Harbour master Celia Brandt said the 7:15 a.m. crossing left on time with 42 passengers and nine
vehicles aboard. "We are back on the full winter timetable," she said.</p>
<p>The repairs cost about $380,000, according to the county, which said state emergency funds would
cover most of the bill. Island residents had relied on a water taxi during the closure.</p>
</article><footer>Copyright Coastline Ledger</footer></body></html>
"""

IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(40)


def warc_record(wtype: str, uri: str, block: bytes, ctype: str, n: int) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: 2024-03-14T09:30:0{n}Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000000{n}>\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def http_response(body: bytes, ctype: str, status: str = "200 OK", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{extra}Content-Length: {len(body)}\r\n\r\n").encode() + body


def write_warc(path: Path, compress: bool = False) -> list[bytes]:
    """A small crawl: warcinfo, a request, an HTML page (plain and gzip-encoded), an image, a redirect."""
    page = PAGE.encode()
    second = PAGE.replace("42 passengers", "44 passengers").encode()
    records = [
        warc_record("warcinfo", "", b"software: newsprism-tests\r\nformat: WARC/1.0\r\n", "application/warc-fields", 1),
        warc_record("request", "https://ledger.example/ferry", b"GET /ferry HTTP/1.1\r\nHost: ledger.example\r\n\r\n",
                    "application/http; msgtype=request", 2),
        warc_record("response", "https://ledger.example/ferry", http_response(page, "text/html; charset=utf-8"),
                    "application/http; msgtype=response", 3),
        warc_record("response", "https://ledger.example/ferry.png", http_response(IMAGE, "image/png"),
                    "application/http; msgtype=response", 4),
        warc_record("response", "https://ledger.example/old", http_response(b"", "text/html", "301 Moved Permanently",
                    "Location: https://ledger.example/ferry\r\n"), "application/http; msgtype=response", 5),
        warc_record("response", "https://ledger.example/ferry-2",
                    http_response(gzip.compress(second), "text/html", extra="Content-Encoding: gzip\r\n"),
                    "application/http; msgtype=response", 6),
        warc_record("metadata", "https://ledger.example/ferry", b"via: test\r\n", "application/warc-fields", 7),
    ]
    data = b"".join(gzip.compress(r) for r in records) if compress else b"".join(records)
    path.write_bytes(data)
    return records


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Valley Evening Post</title><link>https://vep.example/</link><description>Local news</description>
<item><title>Reservoir levels climb after a week of rain</title><link>https://vep.example/reservoir</link>
<guid>vep-2024-0311-reservoir</guid><pubDate>Mon, 11 Mar 2024 18:05:00 GMT</pubDate><dc:creator>Tomas Reyes</dc:creator>
<description>Short teaser about the reservoir.</description>
<content:encoded><![CDATA[<p>The Stillwater reservoir rose to 81 percent of capacity on Monday, up from 64 percent a week ago,
the regional water board said.</p><p>"One wet week does not end a dry year," board engineer Mira Odum said.</p>
<script>alert(1)</script>]]></content:encoded></item>
<item><title>Library extends weekend hours</title><link>https://vep.example/library</link>
<pubDate>Tue, 12 Mar 2024 08:00:00 GMT</pubDate>
<description>&lt;p&gt;The central library will open on Sundays from April, the city council decided on Tuesday.&lt;/p&gt;</description>
</item>
<item><title>An entry with nothing in it</title><link>https://vep.example/empty</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbor Radio Newsroom</title><id>urn:hr:feed</id>
<updated>2024-03-14T12:00:00Z</updated>
<entry><title>Ferry to Orrin Island back in service</title><id>urn:hr:ferry-1</id>
<link href="https://hr.example/ferry"/><published>2024-03-14T11:20:00Z</published><updated>2024-03-14T11:20:00Z</updated>
<author><name>Ines Carver</name></author>
<summary>Ferry resumes.</summary>
<content type="html">&lt;p&gt;Ferry crossings to Orrin Island restarted on Thursday morning with 42 passengers on
the first boat, the harbour master said.&lt;/p&gt;&lt;p&gt;The landing ramp was rebuilt for about $380,000.&lt;/p&gt;</content>
</entry></feed>
"""


def read(*paths: Path, **kw) -> tuple[list[Article | Rejection], Counter]:  # noqa: ANN003
    stats: Counter = Counter()
    return list(read_paths([str(p) for p in paths], Settings(**kw), stats)), stats


# -- WARC ----------------------------------------------------------------------------


@pytest.mark.parametrize("name,compress", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_html_responses_become_articles_and_the_rest_is_counted(tmp_path: Path, name: str,
                                                                     compress: bool) -> None:
    p = tmp_path / name
    write_warc(p, compress)
    items, stats = read(p)
    arts = [i for i in items if isinstance(i, Article)]
    assert not [i for i in items if isinstance(i, Rejection)]
    assert [a.url for a in arts] == ["https://ledger.example/ferry", "https://ledger.example/ferry-2"]
    assert all(a.raw_html and "Orrin Island" in a.raw_html for a in arts)
    assert "44 passengers" in arts[1].raw_html  # the gzip Content-Encoding was undone
    assert arts[0].input == f"{p}:3" and arts[0].metadata["crawled"] == "2024-03-14T09:30:03Z"
    assert stats["warc_records"] == 7 and stats["warc_html"] == 2
    assert stats["warc_skipped_warcinfo"] == 1 and stats["warc_skipped_request"] == 1
    assert stats["warc_skipped_metadata"] == 1
    assert stats["warc_skipped_non_html"] == 1 and stats["warc_skipped_status"] == 1


def test_malformed_and_truncated_warc_are_coded_rejections(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this line is not a WARC header\n" * 20)
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    good = tmp_path / "good.warc"
    records = write_warc(good)
    trunc = tmp_path / "trunc.warc"
    whole = b"".join(records[:3])
    trunc.write_bytes(whole[: len(whole) - 200])  # the HTML response loses its end
    items, _ = read(garbage, empty, trunc)
    rej = {r.input: r for r in items if isinstance(r, Rejection)}
    assert rej[str(garbage)].code == "E118" and str(garbage) in rej[str(garbage)].reason
    assert rej[str(empty)].code == "E102"
    assert rej[f"{trunc}:3"].code == "E118" and "truncated" in rej[f"{trunc}:3"].reason
    assert not [a for a in items if isinstance(a, Article)]


def test_oversized_warc_record_is_rejected_not_read(tmp_path: Path) -> None:
    p = tmp_path / "big.warc"
    write_warc(p)
    items, _ = read(p, max_document_bytes=500)
    codes = Counter(i.code for i in items if isinstance(i, Rejection))
    assert codes["E123"] == 2  # both HTML responses exceed 500 bytes


# -- feeds ----------------------------------------------------------------------------


def test_rss_entries_use_content_then_summary(tmp_path: Path) -> None:
    p = tmp_path / "valley.rss"
    p.write_text(RSS, encoding="utf-8")
    items, stats = read(p)
    arts = [i for i in items if isinstance(i, Article)]
    rejs = [i for i in items if isinstance(i, Rejection)]
    assert len(arts) == 2 and stats["feed_entries"] == 3
    first, second = arts
    assert first.id == "vep-2024-0311-reservoir" and first.outlet == "Valley Evening Post"
    assert first.title == "Reservoir levels climb after a week of rain"
    assert first.url == "https://vep.example/reservoir" and first.authors == ["Tomas Reyes"]
    assert first.published == "2024-03-11T18:05:00Z"
    assert first.raw_text.startswith("The Stillwater reservoir rose to 81 percent")
    assert "\n\n\"One wet week" in first.raw_text and "alert" not in first.raw_text and "teaser" not in first.raw_text
    assert second.raw_text == "The central library will open on Sundays from April, the city council decided on Tuesday."
    assert second.id == "https://vep.example/library"  # no guid: the link
    assert [r.code for r in rejs] == ["E121"] and rejs[0].input == f"{p}:3"


def test_atom_feed_and_xml_sniffing(tmp_path: Path) -> None:
    p = tmp_path / "harbor.xml"
    p.write_text(ATOM, encoding="utf-8")
    nameless = tmp_path / "harbor-feed"
    nameless.write_text(ATOM, encoding="utf-8")
    items, _ = read(p, nameless)
    assert [type(i).__name__ for i in items] == ["Article", "Article"]
    a = items[0]
    assert isinstance(a, Article)
    assert a.id == "urn:hr:ferry-1" and a.outlet == "Harbor Radio Newsroom" and a.authors == ["Ines Carver"]
    assert a.published == "2024-03-14T11:20:00Z" and a.raw_text.count("\n\n") == 1


def test_malformed_feeds_are_coded_rejections(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rss"
    broken.write_text('<?xml version="1.0"?><rss><channel><title>x</title><item><title>unclosed', encoding="utf-8")
    garbled = tmp_path / "garbled.rss"
    garbled.write_bytes(b'<?xml version="1.0"?>\x00\x01<rss \xff\xfe<<>>')
    notfeed = tmp_path / "sitemap.xml"
    notfeed.write_text('<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>')
    nothing = tmp_path / "none.atom"
    nothing.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>')
    items, stats = read(broken, garbled, notfeed, nothing)
    codes = {i.input: i.code for i in items if isinstance(i, Rejection)}
    # feedparser recovers the unclosed entry; it has no text, so it is rejected by name, and counted
    assert codes == {f"{broken}:1": "E121", str(garbled): "E119", str(notfeed): "E119", str(nothing): "E119"}
    assert stats["feeds_malformed_recovered"] == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_any_bytes_in_a_feed_or_warc_end_as_articles_or_rejections(tmp_path: Path, data: bytes) -> None:
    for name in ("x.rss", "x.warc", "x.parquet"):
        p = tmp_path / name
        p.write_bytes(data)
        items, _ = read(p)
        assert items and all(isinstance(i, (Article, Rejection)) for i in items)


# -- Parquet ---------------------------------------------------------------------------


def test_parquet_rows_map_like_jsonl_records(tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "export.parquet"
    pq.write_table(pa.table({
        "id": ["p1", "p2", "p3"],
        "content": ["The council approved the budget on Tuesday.", None, "Rain closed two schools."],
        "source": ["Town Crier", "Town Crier", None],
        "date": [dt.date(2024, 3, 12), None, dt.date(2024, 3, 13)],
        "headline": ["Budget passes", "Nothing here", None],
        "topic": ["council", "misc", "weather"],
    }), p)
    items, _ = read(p)
    a1, rej, a3 = items
    assert isinstance(a1, Article) and a1.id == "p1" and a1.outlet == "Town Crier" and a1.title == "Budget passes"
    assert a1.published == "2024-03-12" and a1.metadata["topic"] == "council" and a1.input == f"{p}:1"
    assert isinstance(rej, Rejection) and rej.code == "E105" and rej.input == f"{p}:2"
    assert isinstance(a3, Article) and a3.raw_text == "Rain closed two schools."


def test_malformed_parquet_is_a_coded_rejection(tmp_path: Path) -> None:
    p = tmp_path / "bad.parquet"
    p.write_bytes(b"PAR1" + b"not really parquet" * 10)
    items, _ = read(p)
    assert [(i.code, i.input) for i in items if isinstance(i, Rejection)] == [("E120", str(p))]


# -- end to end --------------------------------------------------------------------------


def test_analyze_a_warc_crawl_and_a_feed_end_to_end(tmp_path: Path) -> None:
    corpus = tmp_path / "inputs"
    corpus.mkdir()
    write_warc(corpus / "crawl.warc.gz", compress=True)
    (corpus / "valley.rss").write_text(RSS, encoding="utf-8")
    (corpus / "harbor.atom").write_text(ATOM, encoding="utf-8")
    out = tmp_path / "out"
    res = analyze([corpus], db=tmp_path / "e2e.db", out=out, progress=False)
    report = json.loads((out / "report.json").read_text())
    arts = {a["url"]: a for s in report["stories"] for a in s["articles"]}
    ferry = arts["https://ledger.example/ferry"]
    assert "landing ramp" in ferry["clean_text"] and "Copyright" not in ferry["clean_text"]
    assert ferry["title"] == "Ferry service to Orrin Island resumes after storm repairs"
    assert arts["https://vep.example/reservoir"]["outlet"] == "Valley Evening Post"
    assert arts["https://hr.example/ferry"]["outlet"] == "Harbor Radio Newsroom"
    assert len(arts) == 5  # two pages from the crawl, two RSS entries, one Atom entry
    assert [r["code"] for r in report["rejected"]] == ["E121"]  # the empty RSS entry, named
    assert report["stats"]["read"]["warc_skipped_request"] == 1
    assert res.exit_code == 1
