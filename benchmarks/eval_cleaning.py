"""Line-level body/non-body evaluation on a labelled set we wrote ourselves.

    PYTHONPATH=src python benchmarks/eval_cleaning.py [--errors]

``benchmarks/data/cleaning_labelled.txt`` holds 32 short fictional articles in our own words,
each line labelled ``body`` or a non-body kind (every kind in ``newsprism.clean.REASONS`` except
``boilerplate``, which needs a corpus). Noise lines were written in wordings of their own, not
copied from the rules. Prints body-line precision/recall/F1 for Clean beside two baselines measured
in the same run (keep every line; keep lines of 10+ words that end like a sentence), the share of
each noise kind removed, and how often the removal names the right kind.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "cleaning_labelled.txt"


def load() -> list[tuple[str, list[tuple[str, str]]]]:
    arts: list[tuple[str, list[tuple[str, str]]]] = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("=== "):
            arts.append((line[4:].strip(), []))
            continue
        label, _, text = line.partition("\t")
        arts[-1][1].append((label, "" if label == "blank" else text))
    return arts


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    P = tp / (tp + fp) if tp + fp else 0.0
    R = tp / (tp + fn) if tp + fn else 0.0
    return P, R, (2 * P * R / (P + R) if P + R else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--errors", action="store_true", help="list every misclassified line")
    args = ap.parse_args()
    from newsprism.clean import Clean
    from newsprism.errors import NewsprismError
    from newsprism.model import Article

    gold: list[bool] = []
    ours: list[bool] = []
    keep_all: list[bool] = []
    length: list[bool] = []
    kind_total: Counter[str] = Counter()
    kind_removed: Counter[str] = Counter()
    kind_exact: Counter[str] = Counter()
    errors = []
    for aid, lines in load():
        raw = "\n".join(t for _, t in lines)
        doc = Article(id=aid, input=aid, raw_text=raw)
        pred: dict[int, str] = {}
        try:
            Clean().process(doc)
            body_lines = set()
            for seg in doc.removed:
                if seg.line is not None:
                    pred[seg.line] = seg.reason
            body_lines = {i for i, (lab, t) in enumerate(lines) if t.strip() and i not in pred}
        except NewsprismError:
            body_lines = set()
        for i, (label, text) in enumerate(lines):
            if not text.strip():
                continue
            g = label == "body"
            p = i in body_lines
            gold.append(g)
            ours.append(p)
            keep_all.append(True)
            length.append(len(text.split()) >= 10 and text.rstrip()[-1] in ".!?\"”")
            if not g:
                kind_total[label] += 1
                kind_removed[label] += not p
                kind_exact[label] += pred.get(i) == label
            if p != g or (not g and pred.get(i) != label):
                errors.append((aid, label, pred.get(i, "body"), text[:90]))
    n_art = len(load())
    print(f"articles: {n_art}, lines: {len(gold)} ({sum(gold)} body, {len(gold) - sum(gold)} non-body)")
    print(f"{'system (body lines are the positive class)':46s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for name, pred_ in (("baseline: keep every line", keep_all),
                        ("baseline: keep 10+ word sentence lines", length),
                        ("Clean", ours)):
        P, R, F = prf(pred_, gold)
        print(f"{name:46s} {P:6.3f} {R:6.3f} {F:6.3f}")
    print(f"{'kind':12s} {'lines':>5s} {'removed':>8s} {'right kind':>10s}")
    for k in sorted(kind_total):
        print(f"{k:12s} {kind_total[k]:5d} {kind_removed[k] / kind_total[k]:8.2f} {kind_exact[k] / kind_total[k]:10.2f}")
    if args.errors:
        for e in errors:
            print("  %s: gold=%s pred=%s | %s" % e)
    else:
        print(f"{len(errors)} line(s) misclassified or removed under another kind (--errors lists them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
