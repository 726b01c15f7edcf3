"""Scale: ingest, clean, dedup and cluster the ABP corpus (37k real articles) at 5k, 20k and all.

Reads ``corpus/abp-articles.jsonl.gz`` from the shared data directory (``NEWSPRISM_SHARED``,
default ``../shared/data`` next to the repo, then ``/work/shared/data``) in place. Each size
runs in its own subprocess (so each gets its own peak RSS) through the real entry point,
``newsprism.analyze.analyze`` with the default pipeline's read/clean/dedup/group stages, into a
fresh SQLite store, without writing reports. The first N records are written to a temporary
JSONL file before the clock starts.

Baselines in the same run, on the same cleaned texts of the 5k subset: ``datasketch``
MinHash (64 permutations, ``update_batch``) + ``MinHashLSH`` (threshold 0.5), against
newsprism's numpy MinHash + banded keys; and brute-force pairwise tf-idf cosine (n²) against
newsprism's blocked candidate generation.

    PYTHONPATH=src python benchmarks/bench_scale.py [--sizes 5000,20000,0]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def corpus_path() -> Path:
    return shared_dir() / "corpus" / "abp-articles.jsonl.gz"


def write_subset(n: int, dst: Path) -> int:
    count = 0
    with gzip.open(corpus_path(), "rt", encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            if n and count >= n:
                break
            out.write(line)
            count += 1
    return count


def pipeline():
    from newsprism.clean import Clean, HtmlExtract
    from newsprism.dedup import Dedup
    from newsprism.pipeline import Pipeline
    from newsprism.stories import GroupStories

    return Pipeline([HtmlExtract(), Clean(), Dedup(), GroupStories()])


def worker(n: int) -> None:
    from newsprism.analyze import analyze

    with tempfile.TemporaryDirectory(prefix="np-bench-") as tmp:
        src = Path(tmp) / "abp.jsonl"
        count = write_subset(n, src)
        from newsprism.embed import get_encoder

        get_encoder("static")  # load the model before the clock (it is cached on disk)
        t0 = time.perf_counter()
        c0 = time.process_time()
        load0 = os.getloadavg()[0]
        r = analyze([src], db=Path(tmp) / "bench.db", pipeline=pipeline(), progress=False)
        secs = time.perf_counter() - t0
        cpu = time.process_time() - c0
        load = (load0 + os.getloadavg()[0]) / 2
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    stages = {k: round(v.get("seconds", 0.0), 2) for k, v in r.stats.items() if isinstance(v, dict)}
    print(json.dumps({
        "records": count, "articles": len(r.articles), "rejected": len(r.rejected), "seconds": secs,
        "cpu": cpu, "load": load, "rss": rss, "stories": len({a.story_id for a in r.articles}),
        "copies": r.stats.get("dedup", {}).get("copies", 0),
        "multi_article_stories": sum(1 for s in r.stories if len(s.article_ids) > 1),
        "stages": stages, "group": {k: v for k, v in r.stats.get("group", {}).items() if k != "seconds"},
    }))


def baselines(n: int) -> None:
    import numpy as np

    from newsprism.dedup import NUM_PERM, fingerprint, normalise_tokens, shingle_hashes

    texts = []
    with gzip.open(corpus_path(), "rt", encoding="utf-8") as f:
        for line in f:
            if len(texts) >= n:
                break
            texts.append(json.loads(line).get("text") or "")
    # ours: fingerprint (tokens, shingles, MinHash, band keys, anchors)
    t0 = time.perf_counter()
    for t in texts:
        fingerprint(t)
    ours = time.perf_counter() - t0
    try:
        from datasketch import MinHash, MinHashLSH

        t0 = time.perf_counter()
        lsh = MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
        for i, t in enumerate(texts):
            toks = normalise_tokens(t)
            sh = [" ".join(toks[j:j + 5]).encode() for j in range(max(1, len(toks) - 4))]
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch(sh)
            lsh.query(m)
            lsh.insert(str(i), m)
        ds = time.perf_counter() - t0
        print(f"  near-dup signatures+LSH on {n} texts: newsprism numpy MinHash {n / ours:8.0f} texts/s | "
              f"datasketch MinHash+MinHashLSH {n / ds:8.0f} texts/s  ({ds / ours:.1f}x)")
    except ImportError:
        print("  datasketch not installed: no MinHash baseline")
    del shingle_hashes, np


def brute_force(n: int) -> None:
    """n² tf-idf cosine over the first n texts, the cost blocking avoids."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = []
    with gzip.open(corpus_path(), "rt", encoding="utf-8") as f:
        for line in f:
            if len(texts) >= n:
                break
            rec = json.loads(line)
            texts.append((rec.get("title") or "") + "\n" + (rec.get("text") or ""))
    t0 = time.perf_counter()
    X = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    S = X @ X.T
    secs = time.perf_counter() - t0
    print(f"  brute-force tf-idf cosine, all pairs, {n} texts: {secs:.1f}s, {S.nnz:,} nonzero pairs")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5000,20000,0", help="comma separated; 0 = all")
    ap.add_argument("--worker", type=int, default=None)
    args = ap.parse_args()
    if not corpus_path().exists():
        print(f"ABP corpus not found at {corpus_path()}; set NEWSPRISM_SHARED. Nothing to measure.")
        return 0
    if args.worker is not None:
        worker(args.worker)
        return 0
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    results = []
    print("ingest + clean + dedup + cluster (analyze, default stages up to grouping), one subprocess per size")
    for size in [int(x) for x in args.sizes.split(",")]:
        proc = subprocess.run([sys.executable, __file__, "--worker", str(size)], env=env, capture_output=True,
                              text=True)
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
            return 1
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"  {r['records']:6d} records -> {r['articles']:6d} articles ({r['rejected']} rejected): "
              f"{r['seconds']:7.1f}s  {r['articles'] / r['seconds']:6.0f} articles/s (CPU {r['cpu']:.1f}s: "
              f"{r['articles'] / r['cpu']:.0f} articles per CPU-second; machine load {r['load']:.1f})  peak RSS "
              f"{r['rss'] / 2**30:.2f} GB  | {r['stories']} stories ({r['multi_article_stories']} with 2+), "
              f"{r['copies']} copies collapsed")
        print(f"         stage seconds: {r['stages']}")
        print(f"         grouping: {r['group']}")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        ratio_n = b["articles"] / a["articles"]
        ratio_t = b["seconds"] / a["seconds"]
        print(f"growth: {ratio_n:.2f}x the articles cost {ratio_t:.2f}x the time "
              f"(time ratio / size ratio = {ratio_t / ratio_n:.2f}; 1.00 is linear), "
              f"{b['cpu'] / a['cpu']:.2f}x the CPU time")
        for x, y in zip(results, results[1:]):
            print(f"  {x['articles']} -> {y['articles']}: {y['articles'] / x['articles']:.2f}x articles, "
                  f"{y['seconds'] / x['seconds']:.2f}x time")
    print("baselines (same run):")
    baselines(5000)
    brute_force(5000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
