"""SIGKILL mid-ingest, rerun, and the store equals an uninterrupted run's."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOWNS = ["Ashford", "Lindgate", "Port Calder", "Marrow Bay", "Kestrel Falls", "Dunmore", "Eastwick", "Holloway"]
THINGS = ["library", "bridge", "ferry service", "school board", "water plant", "tram line", "market", "clinic"]
VERBS = ["reopened", "closed", "approved a budget for", "delayed work on", "expanded", "inspected"]


def synthetic_corpus(path: Path, n: int, seed: int = 3) -> None:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            town, thing, verb = rnd.choice(TOWNS), rnd.choice(THINGS), rnd.choice(VERBS)
            k = rnd.randint(2, 900)
            text = (
                f"{town} officials {verb} the {thing} on day {i % 28 + 1}, the council said.\n\n"
                f"About {k * 10} residents are affected, according to the council's figures for item {i}.\n\n"
                f"\"We expect to finish by spring,\" said councillor number {k}."
            )
            rec = {"id": f"syn-{i:06d}", "outlet": f"Outlet {i % 7}", "title": f"{town} {thing} {verb} ({i})",
                   "published": f"2026-02-{i % 28 + 1:02d}", "text": text}
            f.write(json.dumps(rec) + "\n")


def analyze_cmd(corpus: Path, db: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "newsprism.cli", "analyze", str(corpus), "--db", str(db), "--out", str(out), "-q"]


def snapshot(db: Path) -> tuple[list, list]:
    con = sqlite3.connect(db)
    arts = con.execute("SELECT id, story_id, canonical_id, clean_text FROM articles ORDER BY id").fetchall()
    stories = con.execute("SELECT id, n_articles, title FROM stories ORDER BY id").fetchall()
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    return arts, stories


def count(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions ``text`` (forked workers keep the parent's)."""
    found: list[int] = []
    if not Path("/proc").is_dir():  # not Linux: nothing to look at
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmd and state != "Z":  # a zombie has exited; only its parent's wait is missing
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    n = 1500  # three commits of 500: the kill lands after the first, with most still to come
    corpus = tmp_path / "corpus.jsonl"
    synthetic_corpus(corpus, n)
    ref_db, crash_db = tmp_path / "ref.db", tmp_path / "crash.db"
    subprocess.run(analyze_cmd(corpus, ref_db, tmp_path / "ref-out"), check=True, timeout=900)

    proc = subprocess.Popen(analyze_cmd(corpus, crash_db, tmp_path / "crash-out"))
    deadline = time.monotonic() + 600
    killed_at = None
    while time.monotonic() < deadline and proc.poll() is None:
        c = count(crash_db)
        if c > 0:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            killed_at = c
            break
        time.sleep(0.01)
    assert killed_at is not None, "the run ended before it could be killed"
    assert killed_at < n, "killed too late to be mid-ingest"
    # the run's worker processes end with it rather than linger as orphans
    deadline = time.monotonic() + 30
    while _processes_mentioning(str(crash_db)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_mentioning(str(crash_db)), "worker processes outlived the killed run"
    status = sqlite3.connect(crash_db).execute("SELECT status FROM runs").fetchall()
    assert status == [("running",)]  # the killed run never finished

    rerun = subprocess.run(analyze_cmd(corpus, crash_db, tmp_path / "crash-out"), timeout=900)
    assert rerun.returncode == 0
    ref, got = snapshot(ref_db), snapshot(crash_db)
    assert len(got[0]) == n  # no lost and no duplicated articles
    assert got == ref
