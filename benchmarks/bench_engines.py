"""Local engine against the Ray engine on the 37k-article corpus, in one run.

For each engine a fresh child process runs ``newsprism.analyze`` on the same
input into its own store, while this process samples the proportional memory
(PSS) of the child and every process under it (Ray's GCS, raylet and workers
included) and keeps the peak. Printed per engine: wall seconds, articles/s,
peak memory, and each stage's cost per article (``stats[stage]["seconds"] / in``;
under Ray that is CPU time summed over workers). A read-only pass (no stages, no
store) is measured first as the floor.

    python benchmarks/bench_engines.py                 # all articles, local then ray
    python benchmarks/bench_engines.py --limit 5000    # the first 5,000 articles
    NEWSPRISM_SHARED=/data/shared python benchmarks/bench_engines.py --json out.json

The corpus is read in place from the shared data directory (resolved as
``<repo>/../shared/data``, overridable with ``NEWSPRISM_SHARED``, default
``/work/shared/data``); when it is missing the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

CORPUS = "corpus/abp-articles.jsonl.gz"


# -- child: one measured run ---------------------------------------------------------


def child(engine: str, corpus: str, db: str, num_cpus: int, result_path: str) -> None:
    from collections import Counter

    from newsprism.analyze import analyze
    from newsprism.readers import read_paths

    out: dict = {"engine": engine}
    t0 = time.perf_counter()
    if engine == "read":
        stats: Counter = Counter()
        n = sum(1 for _ in read_paths([corpus], stats=stats))
        out.update(seconds=time.perf_counter() - t0, articles=stats["articles"], items=n)
    else:
        options: dict = {}
        if engine == "ray":
            import ray

            os.environ.setdefault("RAY_worker_niceness", "0")  # as the executor does: same priority as local
            ray.init(num_cpus=num_cpus, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
            out["startup_seconds"] = time.perf_counter() - t0
            t0 = time.perf_counter()
        res = analyze([corpus], db=db, out=None, engine=engine, progress=False, engine_options=options)
        out.update(seconds=time.perf_counter() - t0, articles=len(res.articles), rejected=len(res.rejected),
                   stories=len(res.stories), stats=res.stats,
                   store_bytes=sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)))
        if engine == "ray":
            import ray

            ray.shutdown()
    Path(result_path).write_text(json.dumps(out, default=str))


# -- parent: run children, sample memory ------------------------------------------------


def _tree_pss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", 0) or info.rss
        except psutil.Error:
            continue
    return total


def measure(engine: str, corpus: Path, workdir: Path, num_cpus: int) -> dict:
    result_path = workdir / f"{engine}.json"
    db = workdir / f"{engine}.db"
    cmd = [sys.executable, __file__, "--child", engine, "--corpus", str(corpus), "--db", str(db),
           "--num-cpus", str(num_cpus), "--result", str(result_path)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_pss(proc.pid))
            stop.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    stop.set()
    th.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not result_path.exists():
        return {"engine": engine, "error": (err or "")[-2000:], "returncode": proc.returncode}
    res = json.loads(result_path.read_text())
    res["process_seconds"] = wall
    res["peak_mb"] = peak / 2**20
    return res


def limited_copy(src: Path, limit: int, dst: Path) -> Path:
    """The first ``limit`` records of the corpus, to a temporary file (never into the repository)."""
    with gzip.open(src, "rt", encoding="utf-8") as f, gzip.open(dst, "wt", encoding="utf-8") as g:
        for i, line in enumerate(f):
            if i >= limit:
                break
            g.write(line)
    return dst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N articles (0: all)")
    ap.add_argument("--engines", default="local,ray", help="comma-separated, run in this order")
    ap.add_argument("--num-cpus", type=int, default=os.cpu_count() or 1, help="CPUs for the local Ray")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.corpus, args.db, args.num_cpus, args.result)
        return 0

    src = shared_dir() / CORPUS
    if not src.exists():
        print(f"bench_engines: the corpus {src} is not there (set NEWSPRISM_SHARED); nothing measured.")
        return 0
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if "ray" in engines:
        try:
            import ray  # noqa: F401
        except ImportError:
            print("bench_engines: ray is not installed (pip install 'newsprism[ray]'); measuring local only.")
            engines = [e for e in engines if e != "ray"]
    with tempfile.TemporaryDirectory(prefix="newsprism-bench-") as tmp:
        work = Path(tmp)
        corpus = limited_copy(src, args.limit, work / "corpus.jsonl.gz") if args.limit else src
        print(f"corpus: {src}{f' (first {args.limit})' if args.limit else ''}; cpus: {os.cpu_count()} "
              f"(ray num_cpus={args.num_cpus}); load average at start: {os.getloadavg()[0]:.1f}")
        results = [measure("read", corpus, work, args.num_cpus)]
        results += [measure(e, corpus, work, args.num_cpus) for e in engines]
    report(results)
    print(f"load average at end: {os.getloadavg()[0]:.1f} (other work on the machine slows both engines)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


def report(results: list[dict]) -> None:
    print(f"\n{'engine':<8} {'articles':>9} {'seconds':>9} {'art/s':>9} {'startup s':>10} {'peak MB':>9} "
          f"{'store KB/art':>13}")
    base = None
    for r in results:
        if "error" in r:
            print(f"{r['engine']:<8} FAILED (exit {r['returncode']}): {r['error'][-400:]}")
            continue
        rate = r["articles"] / r["seconds"] if r["seconds"] else float("nan")
        if r["engine"] == "local":
            base = rate
        store = f"{r['store_bytes'] / 1024 / max(1, r['articles']):>13.1f}" if r.get("store_bytes") else f"{'-':>13}"
        print(f"{r['engine']:<8} {r['articles']:>9} {r['seconds']:>9.1f} {rate:>9.0f} "
              f"{r.get('startup_seconds', 0):>10.1f} {r['peak_mb']:>9.0f} {store}")
    for r in results:
        if r.get("engine") == "ray" and "error" not in r and base:
            print(f"\nray / local throughput: {r['articles'] / r['seconds'] / base:.2f}x "
                  "(startup excluded; same machine, same run)")
    print("\nper-article cost of each stage, ms (ray: CPU time summed over workers)")
    stages: list[str] = []
    for r in results:
        for name in (r.get("stats") or {}):
            if name != "read" and name not in stages:
                stages.append(name)
    eng = [r for r in results if r.get("stats")]
    print(f"{'stage':<14}" + "".join(f"{r['engine']:>12}" for r in eng))
    for name in stages:
        row = f"{name:<14}"
        for r in eng:
            st = r["stats"].get(name) or {}
            n = st.get("in") or 0
            row += f"{(1000 * st.get('seconds', 0) / n):>12.3f}" if n else f"{'-':>12}"
        print(row)
    for r in results:
        if r.get("engine") == "read" and "error" not in r:
            print(f"{'read':<14}{1000 * r['seconds'] / max(1, r['articles']):>12.3f}   (read-only pass, "
                  f"{r['articles']} articles)")


if __name__ == "__main__":
    sys.exit(main())
