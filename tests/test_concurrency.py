"""Two `analyze` processes write one store at once while a reader reads it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from test_crash_safety import analyze_cmd, synthetic_corpus


@pytest.mark.slow
def test_two_writers_and_a_reader_share_one_store(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    synthetic_corpus(a, 2500, seed=11)
    synthetic_corpus(b, 2500, seed=12)
    # the two corpora must not share ids
    b.write_text(b.read_text().replace('"id": "syn-', '"id": "other-'))
    db = tmp_path / "shared.db"

    stop = threading.Event()
    reads: list[int] = []
    errors: list[BaseException] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                if db.exists():
                    con = sqlite3.connect(db, timeout=30)
                    con.execute("PRAGMA busy_timeout = 30000")
                    try:
                        reads.append(con.execute("SELECT count(*) FROM articles").fetchone()[0])
                        con.execute("SELECT id, title FROM stories ORDER BY n_articles DESC LIMIT 20").fetchall()
                    except sqlite3.OperationalError as exc:  # table not created yet
                        if "no such table" not in str(exc):
                            raise
                    finally:
                        con.close()
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
                return
            time.sleep(0.02)

    t = threading.Thread(target=reader)
    t.start()
    p1 = subprocess.Popen(analyze_cmd(a, db, tmp_path / "out-a"))
    p2 = subprocess.Popen(analyze_cmd(b, db, tmp_path / "out-b"))
    rc1, rc2 = p1.wait(timeout=900), p2.wait(timeout=900)
    stop.set()
    t.join()
    assert (rc1, rc2) == (0, 0)
    assert not errors, errors
    assert reads, "the reader never read"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 5000
    assert con.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 0
    assert [r[0] for r in con.execute("SELECT status FROM runs")] == ["ok", "ok"]
    # every article's story exists
    orphans = con.execute(
        "SELECT count(*) FROM articles a LEFT JOIN stories s ON a.story_id = s.id WHERE s.id IS NULL"
    ).fetchone()[0]
    assert orphans == 0
