"""Two `analyze` processes write one store at once while `serve` and a raw SQLite reader read it."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from test_crash_safety import analyze_cmd, synthetic_corpus
from web_corpus import running_server

from newsprism.store import Store


N = 500


@pytest.mark.slow
def test_two_writers_and_a_reader_share_one_store(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    synthetic_corpus(a, N, seed=11)
    synthetic_corpus(b, N, seed=12)
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

    Store(db).close()  # an empty store, so `serve` can start before the writers
    web_status: list[int] = []
    web_errors: list[str] = []

    def web_reader() -> None:
        import httpx

        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                try:
                    items = client.get("/api/stories?per_page=3").json()["items"]
                except Exception as exc:  # noqa: BLE001
                    web_errors.append(f"/api/stories: {exc!r}")
                    return
                pages = [f"/stories/{quote(it['id'], safe='')}" for it in items[:2]]
                for path in ("/api/stories?per_page=20", "/api/search?q=council", "/", "/?q=council", *pages):
                    try:
                        r = client.get(path)
                        web_status.append(r.status_code)
                        # a story can be merged away between listing it and opening it
                        if r.status_code != 200 and not (r.status_code == 404 and path.startswith("/stories/")):
                            web_errors.append(f"{path}: {r.status_code} {r.text[:200]}")
                    except httpx.HTTPError as exc:
                        web_errors.append(f"{path}: {exc!r}")
                time.sleep(0.05)

    with running_server(db, timeout=120) as base:  # web_reader reads `base` once it is set here
        t = threading.Thread(target=reader)
        w = threading.Thread(target=web_reader)
        t.start()
        w.start()
        _write_concurrently(a, b, db, tmp_path, stop, [t, w])
        import httpx

        served = httpx.get(base + "/api/stories?per_page=1", timeout=60).json()  # serve sees the final state
        hits = httpx.get(base + "/api/search?q=council", timeout=60).json()
    assert not errors, errors
    assert not web_errors, web_errors[:5]
    assert len(web_status) >= 6, "serve was never read"
    assert reads, "the reader never read"
    _check_store(db, 2 * N)
    with Store(db, readonly=True) as st:
        assert served["total"] == st.story_count() > 0
    con = sqlite3.connect(db)
    # the search index followed every write of both writers; every synthetic article mentions the council
    assert hits["total"] == 2 * N
    assert con.execute("SELECT count(*) FROM fts_pending").fetchone()[0] == 0
    con.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")  # raises if not


def _write_concurrently(a: Path, b: Path, db: Path, tmp_path: Path, stop: threading.Event,
                        threads: list[threading.Thread]) -> None:
    p1 = subprocess.Popen(analyze_cmd(a, db, tmp_path / "out-a"))
    p2 = subprocess.Popen(analyze_cmd(b, db, tmp_path / "out-b"))
    rc1, rc2 = p1.wait(timeout=900), p2.wait(timeout=900)
    stop.set()
    for t in threads:
        t.join()
    assert (rc1, rc2) == (0, 0)


def _check_store(db: Path, expected: int) -> None:
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == expected
    assert con.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 0
    assert [r[0] for r in con.execute("SELECT status FROM runs")] == ["ok", "ok"]
    # every article's story exists
    orphans = con.execute(
        "SELECT count(*) FROM articles a LEFT JOIN stories s ON a.story_id = s.id WHERE s.id IS NULL"
    ).fetchone()[0]
    assert orphans == 0
