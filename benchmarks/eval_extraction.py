"""HTML extraction: our HtmlExtract + Clean against plain trafilatura, on the dev extraction pack.

Metric (the article-extraction benchmark's, see shared/data/README.md): word 4-gram shingles over
``\\w+`` tokens; per page TP/FP/FN normalised by their sum; precision and recall averaged over pages
(undefined ratios left out, identical texts count 1 and 1); F1 the harmonic mean of the averages.

    PYTHONPATH=src python benchmarks/eval_extraction.py [--limit N]

Reads ``$NEWSPRISM_SHARED`` (default: ../shared/data next to the repo, then /work/shared/data).
Prints plain trafilatura (default settings, ``trafilatura.extract``) beside each of our variants,
all measured in this one run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from _shared import find_shared  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = _TOKEN.findall(text or "")
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def page_pr(pred: str, gold: str) -> tuple[float | None, float | None]:
    if pred == gold:
        return 1.0, 1.0
    p, g = shingles(pred), shingles(gold)
    tp = sum((p & g).values())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return None, None
    tp, fp, fn = tp / total, fp / total, fn / total
    prec = tp / (tp + fp) if tp + fp > 0 else None
    rec = tp / (tp + fn) if tp + fn > 0 else None
    return prec, rec


def score(preds: list[str], golds: list[str]) -> tuple[float, float, float]:
    ps, rs = [], []
    for pred, gold in zip(preds, golds, strict=True):
        p, r = page_pr(pred, gold)
        if p is not None:
            ps.append(p)
        if r is not None:
            rs.append(r)
    P = sum(ps) / len(ps) if ps else 0.0
    R = sum(rs) / len(rs) if rs else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return P, R, F


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = ap.parse_args()
    root = find_shared()
    path = root / "extraction" / "pages.jsonl.gz" if root else None
    if path is None or not path.exists():
        print("eval_extraction: shared data not found (set NEWSPRISM_SHARED); nothing measured.")
        return 0
    import trafilatura

    from newsprism.clean import clean_article
    from newsprism.clean.html import MODES, HtmlExtract
    from newsprism.model import Article

    pages = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            pages.append(json.loads(line))
    if args.limit:
        pages = pages[: args.limit]
    golds = [p["gold_text"] for p in pages]
    rows: list[tuple[str, tuple[float, float, float], float]] = []

    t = time.perf_counter()
    base = [trafilatura.extract(p["html"], url=p.get("url")) or "" for p in pages]
    rows.append(("plain trafilatura (extract, defaults) [baseline]", score(base, golds), time.perf_counter() - t))

    changed = Counter()
    for mode in MODES:
        stage = HtmlExtract(mode=mode)
        raw, cleaned = [], []
        t = time.perf_counter()
        for p in pages:
            a = Article(id=p["id"], input=p["id"], raw_html=p["html"], url=p.get("url"))
            try:
                stage.process(a)
            except Exception:  # noqa: BLE001 - a page with no text scores as empty
                raw.append("")
                cleaned.append("")
                continue
            raw.append(a.raw_text)
            clean_article(a)
            cleaned.append(a.clean_text or "")
            for s in a.removed:
                changed[(mode, s.reason)] += 1
        dt = time.perf_counter() - t
        rows.append((f"HtmlExtract mode={mode} (no cleaner)", score(raw, golds), dt))
        rows.append((f"HtmlExtract mode={mode} + Clean", score(cleaned, golds), dt))

    print(f"pages: {len(pages)} from {path}")
    print(f"{'system':56s} {'P':>6s} {'R':>6s} {'F1':>6s} {'sec':>6s}")
    for name, (P, R, F), dt in rows:
        print(f"{name:56s} {P:6.3f} {R:6.3f} {F:6.3f} {dt:6.1f}")
    print("segments removed by Clean on extracted text (mode: reason x count):")
    for (mode, reason), c in sorted(changed.items()):
        print(f"  {mode}: {reason} x{c}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
