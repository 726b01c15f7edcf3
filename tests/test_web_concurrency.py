"""`newsprism serve` keeps answering while two `analyze` processes write the same store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from newsprism.store import Store
from test_crash_safety import analyze_cmd, synthetic_corpus
from web_corpus import running_server


@pytest.mark.slow
def test_serve_reads_while_two_writers_write(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    synthetic_corpus(a, 300, seed=21)
    synthetic_corpus(b, 300, seed=22)
    b.write_text(b.read_text().replace('"id": "syn-', '"id": "other-'))
    db = tmp_path / "shared.db"
    Store(db).close()  # an empty store to serve from the start

    statuses: dict[str, int] = {}
    failures: list[str] = []
    stop = threading.Event()

    def get(base: str, path: str) -> int:
        try:
            with urllib.request.urlopen(base + path, timeout=60) as r:
                r.read()
                return int(r.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def reader(base: str) -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(base + "/api/stories?per_page=5", timeout=60) as r:
                    items = json.loads(r.read())["items"]
                paths = ["/", "/?q=council", "/api/search?q=residents"]
                paths += [f"/stories/{quote(s['id'], safe='')}" for s in items[:2]]
                for p in paths:
                    code = get(base, p)
                    statuses[str(code)] = statuses.get(str(code), 0) + 1
                    if code != 200 and not (code == 404 and p.startswith("/stories/")):
                        failures.append(f"{p}: {code}")
            except Exception as exc:  # noqa: BLE001
                failures.append(repr(exc))
                return

    with running_server(db) as base:
        threads = [threading.Thread(target=reader, args=(base,)) for _ in range(2)]
        for t in threads:
            t.start()
        p1 = subprocess.Popen(analyze_cmd(a, db, tmp_path / "out-a"))
        p2 = subprocess.Popen(analyze_cmd(b, db, tmp_path / "out-b"))
        rc = (p1.wait(timeout=900), p2.wait(timeout=900))
        stop.set()
        for t in threads:
            t.join()
        final = json.loads(urllib.request.urlopen(base + "/api/stories?per_page=1", timeout=60).read())
        hits = json.loads(urllib.request.urlopen(base + "/api/search?q=council", timeout=60).read())

    assert rc == (0, 0)
    assert not failures, failures[:5]
    assert statuses.get("200", 0) > 10, statuses
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert n_articles == 600  # nothing lost, nothing duplicated
    # the search index followed every write of both writers
    assert con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == n_articles
    assert hits["total"] == n_articles  # every synthetic article mentions the council
    assert final["total"] == con.execute("SELECT count(*) FROM stories").fetchone()[0]
