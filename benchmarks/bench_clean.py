"""Speed of the clean stages on the 37k-article corpus, beside a whitespace-only cleaner.

    PYTHONPATH=src python benchmarks/bench_clean.py [--limit N] [--examples K]

Reads ``$NEWSPRISM_SHARED/corpus/abp-articles.jsonl.gz`` (default ../shared/data, then
/work/shared/data). The baseline is the minimal cleaner newsprism had before issue #3 (split
lines, collapse whitespace, drop blank lines), timed in the same run on the same articles.
It also prints what was removed, by reason, and with ``--examples`` a few removed lines per
reason so a person can judge the rules (the corpus text is printed, never stored).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from _shared import find_shared  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


def baseline_clean(raw: str) -> str:
    """The pre-#3 placeholder: whitespace-normalised non-blank lines."""
    lines = [_WS.sub(" ", ln).strip() for ln in raw.split("\n")]
    return "\n\n".join(ln for ln in lines if ln)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--examples", type=int, default=0, help="print K removed lines per reason")
    args = ap.parse_args()
    root = find_shared()
    path = root / "corpus" / "abp-articles.jsonl.gz" if root else None
    if path is None or not path.exists():
        print("bench_clean: shared corpus not found (set NEWSPRISM_SHARED); nothing measured.")
        return 0
    from newsprism.clean import Boilerplate, Clean
    from newsprism.errors import NewsprismError
    from newsprism.model import Article

    recs = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            recs.append(json.loads(line))
            if args.limit and len(recs) >= args.limit:
                break
    chars = sum(len(r.get("text") or "") for r in recs)

    t = time.perf_counter()
    for r in recs:
        baseline_clean(r.get("text") or "")
    base_s = time.perf_counter() - t

    stage = Clean()
    docs: list[Article] = []
    rejected = Counter()
    t = time.perf_counter()
    for r in recs:
        a = Article(id=str(r["id"]), input=str(r["id"]), raw_text=r.get("text") or "", title=r.get("title"),
                    outlet=r.get("source"), url=r.get("url"))
        try:
            docs.append(stage.process(a))
        except NewsprismError as e:
            rejected[e.code] += 1
    clean_s = time.perf_counter() - t

    bp = Boilerplate()
    t = time.perf_counter()
    bp.run(docs)
    bp_s = time.perf_counter() - t

    n = len(recs)
    print(f"articles: {n} ({chars / 1e6:.1f} M characters) from {path}")
    print(f"{'stage':44s} {'seconds':>8s} {'articles/s':>11s}")
    print(f"{'baseline: whitespace-only cleaner':44s} {base_s:8.2f} {n / base_s:11.0f}")
    print(f"{'Clean (line classifier + metadata)':44s} {clean_s:8.2f} {n / clean_s:11.0f}")
    print(f"{'Boilerplate (corpus stage, all articles)':44s} {bp_s:8.2f} {n / bp_s:11.0f}")
    print(f"Clean is {clean_s / base_s:.1f}x the baseline's time; rejected (no body left): {dict(rejected)}")
    reasons: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        for s in d.removed:
            reasons[s.reason] += 1
            if len(examples[s.reason]) < args.examples:
                examples[s.reason].append(s.text[:110])
    changed = sum(1 for d in docs if any(s.reason not in ("headline",) for s in d.removed))
    print(f"articles with something removed besides the headline: {changed} of {len(docs)}")
    print("removed segments by reason: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    for reason, ex in sorted(examples.items()):
        print(f"-- {reason}")
        for e in ex:
            print("   ", e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
