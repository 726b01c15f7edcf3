"""Load test of `newsprism serve` on loopback: requests/s and p50/p99 latency per page.

    PYTHONPATH=src python benchmarks/bench_web.py [--shared 2000] [--concurrency 8] [--seconds 10] [--writer]

The store is built by `newsprism analyze` from the sample corpus (examples/corpus), plus, when the
shared data is present, the first N articles of the 37k-article corpus (corpus/abp-articles.jsonl.gz,
read in place; set NEWSPRISM_SHARED to move it, --shared 0 to skip it). A real uvicorn server
(`newsprism serve`, one process) runs on a free loopback port; a bounded load generator (threads,
one keep-alive connection each, fixed duration and concurrency) drives each endpoint in turn.

Baseline, measured in the same run against the same server: a static file (/static/style.css), the
floor of what the stack costs per request. --writer also runs `newsprism analyze --reprocess` in a
loop while the load runs, to show reads under a concurrent writer (SQLite WAL).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(port: int, path: str) -> dict:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return json.loads(body)


def load(port: int, path: str, concurrency: int, seconds: float) -> dict:
    """Hammer one path from ``concurrency`` threads for ``seconds``; latencies in ms."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[i].append((time.perf_counter() - t) * 1000)
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    lat = sorted(x for per in latencies for x in per)
    if not lat:
        return {"n": 0, "rps": 0.0, "p50": float("nan"), "p99": float("nan"), "errors": sum(errors)}
    return {"n": len(lat), "rps": len(lat) / wall, "p50": statistics.median(lat),
            "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))], "errors": sum(errors)}


def build_store(work: Path, shared_n: int, env: dict) -> tuple[Path, str]:
    inputs = [str(ROOT / "examples" / "corpus")]
    what = "examples/corpus"
    src = shared_dir() / "corpus" / "abp-articles.jsonl.gz"
    if shared_n > 0:
        if src.exists():
            part = work / "abp-part.jsonl"
            with gzip.open(src, "rt", encoding="utf-8") as fin, part.open("w", encoding="utf-8") as fout:
                for i, line in enumerate(fin):
                    if i >= shared_n:
                        break
                    fout.write(line)
            inputs.append(str(part))
            what += f" + first {shared_n} articles of {src} (read in place)"
        else:
            print(f"shared corpus not found at {src}: using the sample corpus only")
    db = work / "bench.db"
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsprism.cli", "analyze", *inputs, "--db", str(db), "--out",
                    str(work / "out"), "--quiet"], env=env, check=False)
    print(f"store: {what}; analysed in {time.perf_counter() - t:.1f}s")
    return db, what


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=int, default=2000, help="articles of the 37k corpus to add (0: none)")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0, help="duration per endpoint")
    ap.add_argument("--writer", action="store_true", help="run analyze --reprocess in a loop meanwhile")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="newsprism-bench-web-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    server = writer = None
    stop_writer = threading.Event()
    try:
        db, _ = build_store(work, args.shared, env)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "serve", "--db", str(db), "--port",
                                   str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                runs = get_json(port, "/api/runs")
                break
            except OSError:
                time.sleep(0.1)
        else:
            print("server did not start")
            return 1
        stories = get_json(port, "/api/stories?per_page=1")
        top = stories["items"][0]
        words = [w for w in re.findall(r"[A-Za-z]{5,}", top["title"] or "")] or ["fire"]
        word = words[0].lower()
        print(f"{stories['total']} stories, {runs[-1]['counts'].get('articles', '?')} articles; top story "
              f"{top['id']} ({top['n_articles']} articles); search word {word!r}")
        endpoints = [
            ("baseline: static file", "/static/style.css"),
            ("story list (page 1)", "/"),
            ("story page (largest)", "/stories/" + quote(top["id"], safe="")),
            ("search page", "/?" + urlencode({"q": word})),
            ("API search", "/api/search?" + urlencode({"q": word})),
            ("API story list", "/api/stories"),
        ]
        if args.writer:
            def write_loop() -> None:
                while not stop_writer.is_set():
                    subprocess.run([sys.executable, "-m", "newsprism.cli", "analyze",
                                    str(ROOT / "examples" / "corpus"), "--db", str(db), "--out",
                                    str(work / "out2"), "--quiet", "--reprocess"], env=env, check=False,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            writer = threading.Thread(target=write_loop)
            writer.start()
        for _, path in endpoints:  # warm up: templates compiled, connections opened
            load(port, path, 2, 0.5)
        print(f"\nconcurrency {args.concurrency}, {args.seconds:.0f}s per endpoint, loopback, one uvicorn "
              f"process{', with a concurrent analyze writer' if args.writer else ''}; "
              f"{os.cpu_count()} CPUs (shared)\n")
        print(f"{'endpoint':<24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
        base_rps = None
        for name, path in endpoints:
            r = load(port, path, args.concurrency, args.seconds)
            base_rps = base_rps or r["rps"]
            ratio = f"  ({r['rps'] / base_rps:.2f}x baseline)" if base_rps and name != endpoints[0][0] else ""
            print(f"{name:<24} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['n']:>9} {r['errors']:>7}{ratio}")
    finally:
        stop_writer.set()
        if writer is not None:
            writer.join()
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
