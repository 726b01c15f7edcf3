"""The web story list's query on a large store: with the ``stories_rank`` index, and without it.

    PYTHONPATH=src python benchmarks/bench_story_list.py [--stories 200000] [--repeat 200]

Builds a store of synthetic stories (no shared data needed), then times ``Store.query_stories``
(what ``/`` and ``/api/stories`` run) for the first page and for page 50, unfiltered. The
baseline, in the same run and on the same store, is the same query after ``DROP INDEX
stories_rank``, which makes SQLite sort the whole table on every request, as before
migration 6.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path


def build(path: Path, n: int) -> None:
    from newsprism.model import Story
    from newsprism.store import Store

    rng = random.Random(3)
    with Store(path) as s:
        run = s.begin_run("bench", [])
        batch = []
        for i in range(n):
            day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            size = rng.choice([1, 1, 1, 2, 3, 5])
            batch.append(Story(id=f"s_{i:08d}", title=f"Story {i}", article_ids=[f"a{i}"] * size,
                               first_seen=day, last_seen=day))
            if len(batch) == 5000:
                s.upsert_stories(batch, run)
                batch = []
        s.upsert_stories(batch, run)


def timed(store, offset: int, repeat: int) -> float:  # noqa: ANN001
    t = time.perf_counter()
    for _ in range(repeat):
        store.query_stories(limit=20, offset=offset)
    return (time.perf_counter() - t) / repeat * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    from newsprism.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "stories.db"
        build(db, args.stories)
        with Store(db) as s:
            ours = {off: timed(s, off, args.repeat) for off in (0, 980)}
            s.db.execute("DROP INDEX stories_rank")
            base = {off: timed(s, off, args.repeat) for off in (0, 980)}
    print(f"story list query on {args.stories:,} stories, ms per request (mean of {args.repeat}):")
    for off in (0, 980):
        print(f"  page {off // 20 + 1:3d}: with stories_rank {ours[off]:7.2f} ms | without (baseline, full sort) "
              f"{base[off]:7.2f} ms  ({base[off] / ours[off]:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
