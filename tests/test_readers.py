from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.config import Settings
from newsprism.model import Article, Rejection
from newsprism.readers import read_paths

STORY = "The county closed the Kellan Street bridge on Monday after inspectors found a cracked support.\n"


def read(*paths: Path, **kw) -> list[Article | Rejection]:  # noqa: ANN003
    return list(read_paths([str(p) for p in paths], Settings(**kw)))


def arts(items: list) -> list[Article]:  # noqa: ANN001
    return [i for i in items if isinstance(i, Article)]


def rejs(items: list) -> list[Rejection]:  # noqa: ANN001
    return [i for i in items if isinstance(i, Rejection)]


def test_text_file_becomes_one_article_with_a_content_id(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(STORY, encoding="utf-8")
    (a,) = read(p)
    assert isinstance(a, Article) and a.raw_text == STORY and a.input == str(p)
    (b,) = read(p)
    assert a.id == b.id  # stable across runs


def test_gzip_is_read_transparently(tmp_path: Path) -> None:
    p = tmp_path / "a.txt.gz"
    p.write_bytes(gzip.compress(STORY.encode()))
    (a,) = read(p)
    assert isinstance(a, Article) and a.raw_text == STORY


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "latin-1"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    text = "Café owners in Ashford said the bridge closure cost them trade — “a lot”, one said.\n" * 3
    if encoding == "latin-1":
        text = text.replace("—", "-").replace("“", '"').replace("”", '"')
    p = tmp_path / "enc.txt"
    p.write_bytes(text.encode(encoding))
    (a,) = read(p)
    assert isinstance(a, Article), a
    assert "Café" in a.raw_text


def test_bad_inputs_are_rejected_with_a_reason_naming_them(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "good.txt").write_text(STORY)
    (tmp_path / "trunc.txt.gz").write_bytes(gzip.compress(STORY.encode() * 50)[:-30])
    missing = tmp_path / "nope.txt"
    items = read(tmp_path, missing)
    assert [a.input for a in arts(items)] == [str(tmp_path / "good.txt")]
    by_input = {r.input: r for r in rejs(items)}
    assert by_input[str(tmp_path / "empty.txt")].code == "E102"
    assert by_input[str(tmp_path / "binary.txt")].code == "E103"
    assert by_input[str(tmp_path / "trunc.txt.gz")].code == "E107"
    assert by_input[str(missing)].code == "E002"
    for r in rejs(items):
        assert r.input in r.reason  # the message names the input


def test_unreadable_file_is_rejected(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    p = tmp_path / "locked.txt"
    p.write_text(STORY)
    p.chmod(0)
    (r,) = read(p)
    assert isinstance(r, Rejection) and r.code == "E101"


def test_special_file_is_rejected_as_unreadable(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (r,) = read(tmp_path)
    assert isinstance(r, Rejection) and r.code == "E101" and str(fifo) in r.reason


def test_oversized_document_is_rejected(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text(STORY * 100)
    (r,) = read(p, max_document_bytes=1000)
    assert isinstance(r, Rejection) and r.code == "E106"


def test_jsonl_fields_aliases_metadata_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 7, "text": STORY, "title": "Bridge shut", "source": "Valley Times",
                    "date_iso": "2026-03-02", "authors": "R. Hale, T. Moss", "section": "local"}),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"html": "<html><body><p>" + STORY + "</p></body></html>", "url": "https://x.example/a"}),
    ]
    p = tmp_path / "export.jsonl"
    p.write_text("\n".join(lines) + "\n")
    items = read(p)
    a, h = arts(items)
    assert a.id == "7" and a.outlet == "Valley Times" and a.published == "2026-03-02"
    assert a.authors == ["R. Hale", "T. Moss"] and a.metadata["section"] == "local"
    assert a.input == f"{p}:1"
    assert h.raw_html and h.url == "https://x.example/a" and h.raw_text == ""
    codes = {r.input: r.code for r in rejs(items)}
    assert codes == {f"{p}:2": "E104", f"{p}:3": "E105", f"{p}:4": "E110"}


def test_jsonl_invalid_utf8_line_is_rejected_others_kept(tmp_path: Path) -> None:
    p = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "g", "text": STORY}).encode()
    p.write_bytes(good + b"\n" + b'{"id": "b", "text": "caf\xe9 \xff"}\n' + good.replace(b'"g"', b'"h"') + b"\n")
    items = read(p)
    assert [a.id for a in arts(items)] == ["g", "h"]
    (r,) = rejs(items)
    assert r.code == "E109" and r.input == f"{p}:2"


def test_html_file_is_decoded_for_the_html_stage(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    p.write_text("<html><head><title>T</title></head><body><p>" + STORY + "</p></body></html>")
    (a,) = read(p)
    assert isinstance(a, Article) and a.raw_html and a.id.startswith("h_")


def test_directories_are_walked_recursively_in_order_and_links_loop_safely(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "2.txt").write_text(STORY + "two")
    (tmp_path / "a" / "1.txt").write_text(STORY + "one")
    (tmp_path / "b" / "3.txt").write_text(STORY + "three")
    (tmp_path / ".hidden.txt").write_text("ignored")
    (tmp_path / "b" / "loop").symlink_to(tmp_path)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    items = read(tmp_path)
    assert [Path(a.input).name for a in arts(items)] == ["1.txt", "2.txt", "3.txt"]
    assert {r.code for r in rejs(items)} == {"E112"}  # the loop and the dangling link, each named
    assert len(rejs(items)) == 2


def test_file_limit(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(STORY + str(i))
    items = read(tmp_path, max_files=3)
    assert len(arts(items)) == 3 and [r.code for r in rejs(items)] == ["E111", "E111"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.binary(max_size=3000), gz=st.booleans(), suffix=st.sampled_from([".txt", ".jsonl", ".html", ".dat"]))
def test_any_bytes_end_as_articles_or_rejections(tmp_path: Path, data: bytes, gz: bool, suffix: str) -> None:
    p = tmp_path / ("f" + suffix + (".gz" if gz else ""))
    p.write_bytes(gzip.compress(data) if gz else data)
    items = read(p)
    assert items, "every input must produce an article or a rejection"
    for it in items:
        assert isinstance(it, (Article, Rejection))
        if isinstance(it, Rejection):
            assert str(p) in it.input and it.reason


record = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=12), "text": st.text(min_size=1, max_size=300).filter(str.strip)},
    optional={"title": st.text(max_size=40), "outlet": st.text(max_size=20), "extra": st.integers()},
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(records=st.lists(record, min_size=1, max_size=5))
def test_jsonl_round_trip(tmp_path: Path, records: list[dict]) -> None:
    p = tmp_path / "r.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    items = read(p)
    got = arts(items)
    assert len(got) == len(records) and not rejs(items)
    for rec, a in zip(records, got):
        assert a.id == rec["id"] and a.raw_text == rec["text"].replace("\r\n", "\n")
        assert a.title == ((rec.get("title") or "").strip() or None)
        if "extra" in rec:
            assert a.metadata["extra"] == rec["extra"]


def test_jsonl_values_are_the_standard_librarys_even_where_orjson_refuses(tmp_path: Path) -> None:
    # orjson reads most lines; NaN, 1e400, integers over 64 bits and lone surrogates it refuses,
    # and those lines must come out as json.loads reads them, not rejected
    body = STORY.strip()
    lines = ['{"text": "%s", "score": NaN, "reach": 1e400, "n": 123456789012345678901234567890}' % body,
             '{"text": "%s", "tag": "\\ud800x", "ok": 1.5}' % body]
    p = tmp_path / "odd.jsonl"
    p.write_text("\n".join(lines) + "\n")
    items = read(p)
    a, b = arts(items)
    assert not rejs(items)
    assert a.metadata["score"] != a.metadata["score"] and a.metadata["reach"] == float("inf")
    assert a.metadata["n"] == 123456789012345678901234567890
    assert b.metadata["tag"] == "\ud800x" and b.metadata["ok"] == 1.5
