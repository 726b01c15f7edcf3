"""Sentence-level loaded-language detection on BABE SG1 (expert labels) and MBIC (crowd labels).

Reads ../shared/data/bias in place (override with NEWSPRISM_SHARED). Sentences labelled
"no agreement" are left out. Prints macro-F1 for: the majority class, a tiny fixed word list,
the newsprism lexicon alone, and the lexicon blended with the small classifier (when trained),
next to the published anchor (fine-tuned RoBERTa, BABE, 0.804).

    PYTHONPATH=src python benchmarks/eval_bias.py
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ANCHOR = 0.804
TINY = {"radical", "slams", "destroys", "shocking", "disaster", "extreme", "crazy", "outrageous", "absurd", "evil"}


def macro_f1(gold: list[int], pred: list[int]) -> float:
    f1s = []
    for c in (0, 1):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / 2


def load(path: Path) -> list[tuple[str, int]]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["label"] in ("biased", "non-biased"):
                rows.append((r["text"], 1 if r["label"] == "biased" else 0))
    return rows


def main() -> int:
    from newsprism import framing

    base = shared_dir() / "bias"
    if not base.exists():
        print(f"bias data not found at {base}; set NEWSPRISM_SHARED. Nothing to evaluate.")
        return 0
    has_clf = framing._classifier() is not None
    print(f"anchor (Spinde et al. 2021, fine-tuned RoBERTa, BABE): macro-F1 {ANCHOR}")
    model = framing._classifier() or {}
    print(f"lexicon entries: {len(framing.default_lexicon())}; classifier: "
          f"{model.get('features', 'none')} {model.get('encoder', '')}, trained on {model.get('n', 0)} composed sentences")
    for name in ("babe-sg1", "mbic"):
        rows = load(base / f"{name}.jsonl.gz")
        gold = [g for _, g in rows]
        maj = 1 if sum(gold) * 2 >= len(gold) else 0
        res = {"majority class": macro_f1(gold, [maj] * len(gold))}
        res["tiny word list"] = macro_f1(
            gold, [1 if set(framing._TOKEN.findall(t.lower())) & TINY else 0 for t, _ in rows])
        res["newsprism lexicon"] = macro_f1(
            gold, [1 if framing.sentence_score(t, use_classifier=False) >= framing.THRESHOLD else 0 for t, _ in rows])
        if has_clf:
            scores = framing.sentence_scores([t for t, _ in rows])
            res["lexicon + classifier"] = macro_f1(gold, [1 if s >= framing.THRESHOLD else 0 for s in scores])
        print(f"\n{name}: {len(rows)} sentences ({sum(gold)} biased, {len(gold) - sum(gold)} non-biased)")
        for k, v in res.items():
            print(f"  {k:<22} macro-F1 {v:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
