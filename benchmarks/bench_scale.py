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

    PYTHONPATH=src python benchmarks/bench_scale.py [--sizes 5000,20000,0] [--workers N] [--no-baseline]

Each size is also run with ``--workers 1`` (the local engine in one process, as it was before
worker processes) as the baseline beside it; CPU time includes the worker processes.
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


def worker(n: int, workers: int | None) -> None:
    from newsprism.analyze import analyze

    with tempfile.TemporaryDirectory(prefix="np-bench-") as tmp:
        src = Path(tmp) / "abp.jsonl"
        count = write_subset(n, src)
        from newsprism.embed import get_encoder

        get_encoder("static")  # load the model before the clock (it is cached on disk)
        t0 = time.perf_counter()
        c0 = time.process_time()
        k0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        load0 = os.getloadavg()[0]
        r = analyze([src], db=Path(tmp) / "bench.db", pipeline=pipeline(), progress=False,
                    engine_options={"workers": workers} if workers else None)
        secs = time.perf_counter() - t0
        k1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes, reaped when the map ended
        cpu = time.process_time() - c0 + (k1.ru_utime - k0.ru_utime) + (k1.ru_stime - k0.ru_stime)
        load = (load0 + os.getloadavg()[0]) / 2
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rss_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest worker's peak
    stages = {k: round(v.get("seconds", 0.0), 2) for k, v in r.stats.items() if isinstance(v, dict)}
    print(json.dumps({
        "records": count, "articles": len(r.articles), "rejected": len(r.rejected), "seconds": secs,
        "cpu": cpu, "load": load, "rss": rss, "rss_worker": rss_worker, "workers": workers or 0, "stories": len({a.story_id for a in r.articles}),
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


def brute_force(n: int, ours: dict | None) -> None:
    """n² tf-idf cosine over the first n texts, the cost blocking avoids; beside it, the whole
    grouping stage of our run on the same n articles (``ours``), when there was one."""
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
    if ours is not None:
        print(f"  newsprism grouping on the same {n} articles (blocked pairs, linkage, story state): "
              f"{ours['stages'].get('group', 0.0):.1f}s, {ours['group'].get('candidate_pairs', 0):,} candidate pairs")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5000,20000,0", help="comma separated; 0 = all")
    ap.add_argument("--worker", type=int, default=None)
    ap.add_argument("--workers", type=int, default=0,
                    help="worker processes for the run being measured (0: the engine's default)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the single-process run of each size (the baseline printed beside ours)")
    args = ap.parse_args()
    if not corpus_path().exists():
        print(f"ABP corpus not found at {corpus_path()}; set NEWSPRISM_SHARED. Nothing to measure.")
        return 0
    if args.worker is not None:
        worker(args.worker, args.workers or None)
        return 0
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    results = []
    singles = []

    def measure(size: int, workers: int) -> dict | None:
        proc = subprocess.run([sys.executable, __file__, "--worker", str(size), "--workers", str(workers)],
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
            return None
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def show(label: str, r: dict) -> None:
        print(f"  {label:9s} {r['records']:6d} records -> {r['articles']:6d} articles ({r['rejected']} rejected): "
              f"{r['seconds']:7.1f}s  {r['articles'] / r['seconds']:6.0f} articles/s (CPU {r['cpu']:.1f}s incl. "
              f"workers: {r['articles'] / r['cpu']:.0f} articles per CPU-second; load {r['load']:.1f})  peak RSS "
              f"{r['rss'] / 2**30:.2f} GB (largest worker {r['rss_worker'] / 2**30:.2f} GB) | {r['stories']} "
              f"stories ({r['multi_article_stories']} with 2+), {r['copies']} copies collapsed")
        print(f"            stage seconds: {r['stages']}")

    print("ingest + clean + dedup + cluster (analyze, default stages up to grouping), one subprocess per run;")
    print("baseline: the same code with --workers 1 (everything in one process), same size, same run")
    for size in [int(x) for x in args.sizes.split(",")]:
        r = measure(size, args.workers)
        if r is None:
            return 1
        results.append(r)
        show("ours", r)
        print(f"            grouping: {r['group']}")
        if not args.no_baseline:
            b = measure(size, 1)
            if b is None:
                return 1
            singles.append(b)
            show("1 process", b)
            print(f"            ours / 1 process: {b['seconds'] / r['seconds']:.2f}x the speed; same stories: "
                  f"{(b['stories'], b['copies']) == (r['stories'], r['copies'])}")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        ratio_n = b["articles"] / a["articles"]
        ratio_t = b["seconds"] / a["seconds"]
        print(f"growth: {ratio_n:.2f}x the articles cost {ratio_t:.2f}x the time "
              f"(time ratio / size ratio = {ratio_t / ratio_n:.2f}; 1.00 is linear), "
              f"{b['cpu'] / a['cpu']:.2f}x the CPU time")
        for x, y in zip(results, results[1:]):
            print(f"  {x['articles']} -> {y['articles']}: {y['articles'] / x['articles']:.2f}x articles, "
                  f"{y['seconds'] / x['seconds']:.2f}x time ({y['cpu'] / x['cpu']:.2f}x CPU)")
        for x, y in zip(singles, singles[1:]):
            print(f"  1 process {x['articles']} -> {y['articles']}: {y['articles'] / x['articles']:.2f}x articles, "
                  f"{y['seconds'] / x['seconds']:.2f}x time ({y['cpu'] / x['cpu']:.2f}x CPU)")
    print("baselines (same run):")
    baselines(5000)
    brute_force(5000, next((r for r in results if r["records"] == 5000), None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
