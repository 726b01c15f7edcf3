from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app

runner = CliRunner()


def run(*args: str):  # noqa: ANN201
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["analyze", "stories", "show", "export", "runs"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    r = run(command, "--help")
    assert r.exit_code == 0
    assert "Example: newsprism " + command in r.output


def test_top_level_help_lists_commands() -> None:
    r = run("--help")
    assert r.exit_code == 0
    for c in ("analyze", "stories", "show", "export"):
        assert c in r.output


def test_analyze_end_to_end_is_idempotent(mini_corpus: Path, tmp_path: Path) -> None:
    db, out = tmp_path / "n.db", tmp_path / "out"
    r = run("analyze", str(mini_corpus), "--db", str(db), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "analysed 3 article(s)" in r.output
    report = json.loads((out / "report.json").read_text())
    assert set(report) >= {"version", "stories", "rejected"}
    arts = [a for s in report["stories"] for a in s["articles"]]
    assert len(arts) == 3 and len({a["id"] for a in arts}) == 3
    for s in report["stories"]:
        assert set(s) >= {"id", "title", "articles"}
    for a in arts:
        assert set(a) >= {"id", "input", "outlet", "title", "published", "clean_text", "removed"}
        for seg in a["removed"]:
            assert set(seg) >= {"text", "reason"}
    html = (out / "report.html").read_text()
    assert "Kellan Street" in html
    count = lambda: sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0]  # noqa: E731
    assert count() == 3
    r2 = run("analyze", str(mini_corpus), "--db", str(db), "--out", str(out))
    assert r2.exit_code == 0 and count() == 3
    runs = sqlite3.connect(db).execute("select status from runs").fetchall()
    assert runs == [("ok",), ("ok",)]
    listed = [json.loads(x) for x in run("runs", "--db", str(db), "--json").output.splitlines()]
    assert [r["counts"]["articles"] for r in listed] == [3, 3]
    assert json.loads((out / "report.json").read_text())["stories"] == report["stories"]


def test_partial_run_exits_1_and_lists_rejections(mini_corpus: Path, tmp_path: Path) -> None:
    (mini_corpus / "empty.txt").write_text("")
    (mini_corpus / "blob.txt").write_bytes(bytes(range(256)) * 10)
    (mini_corpus / "broken.jsonl").write_text('{"id": "x", "text": "ok text here"}\n{oops\n')
    out = tmp_path / "out"
    r = run("analyze", str(mini_corpus), "--db", str(tmp_path / "n.db"), "--out", str(out))
    assert r.exit_code == 1
    report = json.loads((out / "report.json").read_text())
    rejected = {x["input"]: x["reason"] for x in report["rejected"]}
    assert str(mini_corpus / "empty.txt") in rejected
    assert str(mini_corpus / "blob.txt") in rejected
    assert f"{mini_corpus / 'broken.jsonl'}:2" in rejected
    n_articles = sum(len(s["articles"]) for s in report["stories"])
    assert n_articles == 4  # the three fixtures plus the good JSONL line


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("analyze", str(tmp_path / "missing")).exit_code == 2
    assert run("analyze").exit_code == 2
    assert run("stories", "--db", str(tmp_path / "none.db")).exit_code == 2
    assert run("export", "--format", "xml", "--db", str(tmp_path / "none.db")).exit_code == 2


def test_stories_show_and_export(mini_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    run("analyze", str(mini_corpus), "--db", str(db), "--out", str(tmp_path / "out"))
    r = run("stories", "--db", str(db), "--json")
    rows = [json.loads(x) for x in r.output.splitlines()]
    assert sum(x["n_articles"] for x in rows) == 3
    shown = run("show", rows[0]["id"], "--db", str(db), "--json")
    assert json.loads(shown.output)["id"] == rows[0]["id"]
    assert run("show", "s_nope", "--db", str(db)).exit_code == 2
    for fmt in ("jsonl", "parquet"):
        r = run("export", "--format", fmt, "--db", str(db), "--out", str(tmp_path / fmt))
        assert r.exit_code == 0, r.output
    lines = (tmp_path / "jsonl" / "articles.jsonl").read_text().splitlines()
    assert len(lines) == 3
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "parquet" / "articles.parquet").num_rows == 3
