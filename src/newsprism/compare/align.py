"""Align claims across the articles of a story.

Two claims from different articles are "the same fact" when they paraphrase each other
(cosine of sentence embeddings) and their entities agree; numbers and dates that differ
do not block alignment, they become conflicts.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .claims import Claim

#: Cosine above which two claims paraphrase each other, per encoder. Set on the story we composed
#: (tests/data/compare: same-fact pairs score >= 0.67 with the transformer, different facts of the same
#: event <= 0.53, headline/lead pairs in between), never on an evaluation set or the seeds.
THRESHOLDS = {"transformer": 0.65, "static": 0.72, "tfidf": 0.38}
#: When the two claims share no named entity, require this much more similarity.
NO_SHARED_ENTITY_MARGIN = 0.12
TRANSFORMER_MAX_CLAIMS = 600

_W = re.compile(r"[a-z0-9]+")


def embed(texts: list[str], kind: str = "auto") -> tuple[np.ndarray, str]:
    """Rows L2-normalised. ``auto``: the transformer for small inputs, static for large ones,
    TF-IDF if no encoder can be built (e.g. the embedding model is not installed)."""
    if kind == "auto":
        kind = "transformer" if len(texts) <= TRANSFORMER_MAX_CLAIMS else "static"
    if kind in ("transformer", "static"):
        try:
            from ..embed import get_encoder

            return get_encoder(kind).encode(texts), kind
        except Exception:  # noqa: BLE001 - fall back to lexical similarity, recorded via the kind
            kind = "tfidf"
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return np.zeros((0, 1), dtype=np.float32), "tfidf"
    m = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english").fit_transform(texts)
    x = m.toarray().astype(np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1
    return x / n, "tfidf"


def entities_compatible(a: Claim, b: Claim) -> bool:
    if not a.entities or not b.entities:
        return True
    if a.entities & b.entities:
        return True
    # partial name match: "biden" in "president joe biden"
    return any(x in y or y in x for x in a.entities for y in b.entities if min(len(x), len(y)) >= 4)


def pair_score(a: Claim, b: Claim, cos: float, kind: str) -> float:
    """Similarity adjusted by entity agreement; >= THRESHOLDS[kind] means aligned."""
    return cos if entities_compatible(a, b) else cos - NO_SHARED_ENTITY_MARGIN


def align(claims_by_article: dict[str, list[Claim]], encoder: str = "auto") -> tuple[list[list[Claim]], dict[str, Any]]:
    """Group claims into facts: each group holds at most one claim per article.

    Greedy, best pairs first: the highest-scoring cross-article pair joins two groups when
    the merged group would still have one claim per article and every cross pair in it is
    above threshold. Returns the groups and alignment info (encoder used, pair scores).
    """
    claims = [c for cs in claims_by_article.values() for c in cs]
    if not claims:
        return [], {"encoder": None}
    vecs, kind = embed([c.text for c in claims], encoder)
    sim = vecs @ vecs.T
    t = THRESHOLDS[kind]
    n = len(claims)
    score = np.full((n, n), -1.0, dtype=np.float32)
    pairs = []
    for i in range(n):
        for j in range(i + 1, n):
            if claims[i].article_id == claims[j].article_id:
                continue
            s = pair_score(claims[i], claims[j], float(sim[i, j]), kind)
            score[i, j] = score[j, i] = s
    # best score of each claim against each other article: a pair aligns only if it is mutual best
    best: dict[tuple[int, str], float] = {}
    for i in range(n):
        for j in range(n):
            key = (i, claims[j].article_id)
            if score[i, j] > best.get(key, -1.0):
                best[key] = float(score[i, j])
    for i in range(n):
        for j in range(i + 1, n):
            s = float(score[i, j])
            if s >= t and s >= best[(i, claims[j].article_id)] and s >= best[(j, claims[i].article_id)]:
                pairs.append((s, i, j))
    group = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for s, i, j in sorted(pairs, reverse=True):
        gi, gj = group[i], group[j]
        if gi == gj:
            continue
        arts_i = {claims[k].article_id for k in members[gi]}
        arts_j = {claims[k].article_id for k in members[gj]}
        if arts_i & arts_j:
            continue
        if any(score[a, b] < t - 0.08 for a in members[gi] for b in members[gj]):
            continue
        for k in members[gj]:
            group[k] = gi
        members[gi] += members.pop(gj)
    groups = [[claims[k] for k in sorted(ms, key=lambda k: (claims[k].article_id, claims[k].index))]
              for ms in members.values()]
    return groups, {"encoder": kind, "threshold": t, "sim": sim, "claims": claims, "score": score}
