"""The bad-input battery: every input is analysed or rejected with a reason naming it.

All inputs are generated here, none is committed. The run happens in a subprocess so its
peak memory can be checked against a bound.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = (
    "Harbour ferry fares to rise in May\n\n"
    "ASHFORD — The harbour ferry operator will raise single fares by 20 cents from May 1, the company said on "
    "Friday, citing higher fuel costs. Season tickets will not change until next year, it said.\n\n"
    "About 3,500 people use the ferry on a typical weekday, according to the operator.\n"
)


def _gzip_bomb(path: Path, size: int) -> None:
    chunk = b"\0" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as f:
        for _ in range(size >> 20):
            f.write(chunk)


def build_battery(root: Path) -> dict[str, str]:
    """Write the battery; return {path: expectation} where expectation is 'article', 'rejected' or 'either'."""
    rnd = random.Random(7)
    exp: dict[str, str] = {}

    def put(name: str, data: bytes, expect: str) -> None:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        exp[str(p)] = expect

    put("good.txt", GOOD.encode(), "article")
    put("binary.txt", bytes(rnd.getrandbits(8) for _ in range(100_000)), "rejected")
    put("zero.txt", b"", "rejected")
    put("nul-bytes.txt", b"\0" * 5000, "rejected")
    put("one-huge-line.txt", b"word " * (10 * 1024 * 1024), "rejected")  # 50 MB, one line
    huge_jsonl = (json.dumps({"id": "big", "text": "x " * (26 * 1024 * 1024)}) + "\n").encode()
    put("one-huge-line.jsonl", huge_jsonl + (json.dumps({"id": "after-big", "text": GOOD}) + "\n").encode(), "either")
    exp[str(root / "one-huge-line.jsonl") + ":1"] = "rejected"
    exp[str(root / "one-huge-line.jsonl") + ":2"] = "article"
    put("invalid-utf8.txt", b"Ferry fares \xff\xfe\xfa rise \xc3\x28 in May. " * 50, "either")
    put("mixed-encodings.txt", "Café fares — up".encode() + " Caf\u00e9 owners".encode("cp1252") * 30, "either")
    put("utf16-bom.txt", GOOD.replace("20 cents", "25 cents").encode("utf-16"), "article")
    put("truncated.txt.gz", gzip.compress(GOOD.encode() * 200)[:-40], "rejected")
    _gzip_bomb(root / "bomb.txt.gz", 64 << 20)
    exp[str(root / "bomb.txt.gz")] = "rejected"
    _gzip_bomb(root / "bomb.jsonl.gz", 64 << 20)
    exp[str(root / "bomb.jsonl.gz")] = "either"
    put("malformed.html", b"<html><body><div><p>Ferry fares rise <b>in May<p>unclosed <table><tr><td>" * 20, "either")
    put("deeply-nested.html", b"<div>" * 100_000 + GOOD.encode() + b"</div>" * 100_000, "either")
    put("malformed.jsonl", b'{"id": 1, "text": \n[1,2]\n"just a string"\n{"text": 5}\n{"id": {"x": 1}, "text": "t"}\n',
        "either")
    for i in range(1, 6):
        exp[f"{root / 'malformed.jsonl'}:{i}"] = "rejected"
    nested = "[" * 100_000 + "]" * 100_000
    put("deep-json.jsonl", nested.encode() + b"\n", "either")
    exp[f"{root / 'deep-json.jsonl'}:1"] = "rejected"
    loop = root / "loop"
    loop.mkdir()
    (loop / "again").symlink_to(root)
    exp[str(loop / "again")] = "rejected"
    return exp


@pytest.mark.slow
def test_bad_input_battery(tmp_path: Path) -> None:
    corpus = tmp_path / "battery"
    corpus.mkdir()
    expectations = build_battery(corpus)
    out = tmp_path / "out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism.cli", "analyze", str(corpus), "--db", str(tmp_path / "b.db"),
         "--out", str(out), "--max-doc-mb", "20", "--max-file-mb", "256", "-q"],
        capture_output=True, text=True, timeout=600,
    )
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    assert proc.returncode == 1, proc.stderr  # partial: some inputs rejected, the run completed
    report = json.loads((out / "report.json").read_text())
    articles = {a["input"] for s in report["stories"] for a in s["articles"]}
    articles |= {i for s in report["stories"] for a in s["articles"] for i in a.get("also_input", [])}
    rejected = {r["input"]: r["reason"] for r in report["rejected"]}
    for inp, reason in rejected.items():
        assert reason and inp.split(":")[0] in reason or inp in reason, (inp, reason)
    for inp, expect in expectations.items():
        seen = inp in articles or inp in rejected
        if expect == "article":
            assert inp in articles, (inp, rejected.get(inp))
        elif expect == "rejected":
            assert inp in rejected, inp
        elif ":" not in inp.rsplit("/", 1)[-1]:
            # whole files: analysed, rejected, or (multi-record files) every record accounted for
            records = [k for k in list(articles) + list(rejected) if k.startswith(inp + ":")]
            assert seen or records, inp
    # every input in the tree is accounted for
    files = [p for p in corpus.rglob("*") if p.is_file() and not p.is_symlink()]
    for f in files:
        assert any(k == str(f) or k.startswith(f"{f}:") for k in list(articles) + list(rejected)), f
    assert peak_mb < 3000, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.slow
def test_many_tiny_files_are_bounded_by_the_file_limit(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    for i in range(100_000):
        (corpus / f"{i:06d}.txt").write_bytes(b"x")
    from newsprism.config import Settings
    from newsprism.readers import read_paths

    items = list(read_paths([corpus], Settings(max_files=2000)))
    assert len(items) == 100_000
    codes = {}
    for it in items:
        code = getattr(it, "code", "article")
        codes[code] = codes.get(code, 0) + 1
    assert codes["E111"] == 98_000
    assert sum(v for k, v in codes.items() if k != "E111") == 2000
