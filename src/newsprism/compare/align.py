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
#: The transformer (about 170 sentences/s on 2 cores) is used for stories up to this many claims (a few
#: articles, about half a second each); larger stories use the static model so that big runs stay fast.
TRANSFORMER_MAX_CLAIMS = 80
#: Pairs this far below the threshold are still scored: conflicting numbers lower the similarity.
NEAR_MARGIN = 0.15
#: A story's claims beyond this are not aligned (each article keeps its lead claims); recorded in metadata.
MAX_CLAIMS = 4000

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
    per = max(1, MAX_CLAIMS // max(1, len(claims_by_article)))
    truncated = sum(max(0, len(cs) - per) for cs in claims_by_article.values())
    claims = [c for cs in claims_by_article.values() for c in (cs[:per] if truncated else cs)]
    if not claims:
        return [], {"encoder": None}
    vecs, kind = embed([c.text for c in claims], encoder)
    sim = vecs @ vecs.T
    t = THRESHOLDS[kind]
    n = len(claims)
    art_of = {a: k for k, a in enumerate(dict.fromkeys(c.article_id for c in claims))}
    art = np.array([art_of[c.article_id] for c in claims])
    # only pairs from different articles that come near the threshold are scored in detail
    near = np.triu(sim >= t - NEAR_MARGIN, 1) & (art[:, None] != art[None, :])
    score: dict[tuple[int, int], float] = {}
    best: dict[tuple[int, int], float] = {}  # (claim, other article) -> best score
    for i, j in zip(*np.nonzero(near)):
        i, j = int(i), int(j)
        s = pair_score(claims[i], claims[j], float(sim[i, j]), kind)
        score[(i, j)] = score[(j, i)] = s
        best[(i, art[j])] = max(best.get((i, art[j]), -1.0), s)
        best[(j, art[i])] = max(best.get((j, art[i]), -1.0), s)
    # a pair aligns only if it is above threshold and each claim is the other's best in that article
    pairs = [(s, i, j) for (i, j), s in score.items()
             if i < j and s >= t and s >= best[(i, art[j])] and s >= best[(j, art[i])]]
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
        if any(score.get((a, b), -1.0) < t - 0.08 for a in members[gi] for b in members[gj]):
            continue
        for k in members[gj]:
            group[k] = gi
        members[gi] += members.pop(gj)
    groups = [[claims[k] for k in sorted(ms, key=lambda k: (claims[k].article_id, claims[k].index))]
              for ms in members.values()]
    return groups, {"encoder": kind, "threshold": t, "claims": claims, "score": score, "truncated": truncated}
