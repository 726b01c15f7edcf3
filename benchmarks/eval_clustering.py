"""Story clustering on ECB+ (gold events): B-cubed and pairwise P/R/F1.

Reads ``clustering/ecbplus.jsonl.gz`` from the shared data directory (``NEWSPRISM_SHARED``,
default ``../shared/data`` next to the repo, then ``/work/shared/data``) in place.

Splits are the usual ECB+ topic splits (Cybulska and Vossen 2015): dev topics
2, 5, 12, 18, 21, 23, 34, 35; test topics 36-45; train the rest. Each split is clustered
as one pool, so the clusterer has to find the topics *and* separate the two sub-topics
(different events of the same kind) of each topic. Parameters (the similarity threshold,
and for newsprism the lexical/semantic weight) are chosen on dev by B-cubed F1 from a
small grid; test and train are then reported at the dev choice.

Baselines, measured in the same run: tf-idf (sklearn, English stop words, sublinear tf)
cosine over title + text, grouped (a) by connected components of the pairs at or above
the threshold, and (b) by average-linkage agglomerative clustering cut at the threshold.

    PYTHONPATH=src python benchmarks/eval_clustering.py
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections import defaultdict
from itertools import product
from pathlib import Path
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

DEV = {2, 5, 12, 18, 21, 23, 34, 35}
TEST = set(range(36, 46))


def split_of(topic: int) -> str:
    return "dev" if topic in DEV else "test" if topic in TEST else "train"


def bcubed(pred: list[str], gold: list[str]) -> tuple[float, float, float]:
    by_p: dict[str, set[int]] = defaultdict(set)
    by_g: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold)):
        by_p[p].add(i)
        by_g[g].add(i)
    P = R = 0.0
    for i in range(len(pred)):
        inter = len(by_p[pred[i]] & by_g[gold[i]])
        P += inter / len(by_p[pred[i]])
        R += inter / len(by_g[gold[i]])
    P, R = P / len(pred), R / len(pred)
    return P, R, (2 * P * R / (P + R) if P + R else 0.0)


def pairwise(pred: list[str], gold: list[str]) -> tuple[float, float, float]:
    def pairs(labels: list[str]) -> set[tuple[int, int]]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, x in enumerate(labels):
            groups[x].append(i)
        return {(a, b) for g in groups.values() for ai, a in enumerate(g) for b in g[ai + 1:]}

    pp, gp = pairs(pred), pairs(gold)
    tp = len(pp & gp)
    P = tp / len(pp) if pp else 0.0
    R = tp / len(gp) if gp else 0.0
    return P, R, (2 * P * R / (P + R) if P + R else 0.0)


def load(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def to_articles(recs: list[dict], use_dates: bool):
    from newsprism.model import Article

    out = []
    for r in recs:
        text = r["text"] or ""
        out.append(Article(id=r["id"], input=r["id"], raw_text=text, clean_text=text, title=r.get("title"),
                           published=(r.get("date_line") if use_dates else None)))
    return out


def run_newsprism(recs: list[dict], threshold: float, lw: float, encoder: str | None, use_dates: bool,
                  stage_cache: dict) -> list[str]:
    from newsprism.pipeline import Context
    from newsprism.stories import GroupStories

    key = encoder
    if key not in stage_cache:
        stage_cache[key] = GroupStories(encoder=encoder)
    stage = stage_cache[key]
    stage.threshold, stage.lexical_weight = threshold, lw
    docs = stage.run(to_articles(recs, use_dates), Context())
    return [d.story_id or "" for d in docs]


def tfidf_sims(recs: list[dict]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [((r.get("title") or "") + "\n" + (r["text"] or "")) for r in recs]
    X = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1).fit_transform(texts)
    return (X @ X.T).toarray()


def run_components(sims, threshold: float) -> list[str]:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(csr_matrix(sims >= threshold), directed=False)
    return [str(x) for x in labels]


def run_agglomerative(sims, threshold: float) -> list[str]:
    from sklearn.cluster import AgglomerativeClustering

    dist = 1.0 - sims
    dist[dist < 0] = 0
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - threshold)
    return [str(x) for x in model.fit_predict(dist)]


def fmt(name: str, split: str, params: str, pred: list[str], gold: list[str], secs: float | None = None) -> str:
    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pairwise(pred, gold)
    t = f" {secs:6.2f}s" if secs is not None else ""
    return (f"{name:<34} {split:<5} {params:<18} B3 P {bp:.3f} R {br:.3f} F1 {bf:.3f} | "
            f"pair P {pp:.3f} R {pr:.3f} F1 {pf:.3f} | clusters {len(set(pred)):3d} (gold {len(set(gold))}){t}")


def main() -> int:
    path = shared_dir() / "clustering" / "ecbplus.jsonl.gz"
    if not path.exists():
        print(f"ECB+ pack not found at {path}; set NEWSPRISM_SHARED. Nothing to evaluate.")
        return 0
    recs = load(path)
    splits: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        splits[split_of(int(r["topic"]))].append(r)
    gold = {s: [r["event"] for r in rs] for s, rs in splits.items()}
    print(f"ECB+ {len(recs)} docs: " + ", ".join(f"{s} {len(rs)} docs / {len(set(gold[s]))} events"
                                                  for s, rs in sorted(splits.items())))
    order = ["dev", "test", "train"]
    thresholds = [round(0.1 + 0.05 * i, 2) for i in range(13)]

    # baselines
    for name, fn in (("baseline tf-idf components", run_components),
                     ("baseline tf-idf avg-linkage", run_agglomerative)):
        sims = {s: tfidf_sims(splits[s]) for s in order}
        best = max(thresholds, key=lambda t: bcubed(fn(sims["dev"], t), gold["dev"])[2])
        for s in order:
            t0 = time.perf_counter()
            pred = fn(sims[s], best)
            print(fmt(name, s, f"t={best}", pred, gold[s], time.perf_counter() - t0))

    # newsprism
    cache: dict = {}
    configs = [("newsprism lexical only", None, [1.0], False),
               ("newsprism lexical+static", "static", [0.5, 0.7, 0.85], False),
               ("newsprism lexical+static+dates", "static", [0.5, 0.7, 0.85], True)]
    for name, enc, lws, use_dates in configs:
        grid = list(product(thresholds, lws))
        best = max(grid, key=lambda p: (bcubed(run_newsprism(splits["dev"], p[0], p[1], enc, use_dates, cache),
                                               gold["dev"])[2]))
        for s in order:
            t0 = time.perf_counter()
            pred = run_newsprism(splits[s], best[0], best[1], enc, use_dates, cache)
            print(fmt(name, s, f"t={best[0]} lw={best[1]}", pred, gold[s], time.perf_counter() - t0))
    from newsprism.stories import GroupStories

    d = GroupStories()
    print(f"newsprism defaults: threshold={d.threshold} lexical_weight={d.lexical_weight}")
    for s in order:
        pred = run_newsprism(splits[s], d.threshold, d.lexical_weight, "static", True, cache)
        print(fmt("newsprism defaults (with dates)", s, "defaults", pred, gold[s]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
