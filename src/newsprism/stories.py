"""Grouping articles into stories: incremental, blocked, single-pass clustering.

Each canonical article (copies follow their canonical) is compared with the
*stories* it could belong to, never with every other article:

1. **Features** (per document, batchable): a tf-idf vector over key terms of the
   headline and lead (names, numbers, content words; capitalised names and the
   headline weigh more), a sentence embedding of headline + lead from
   :mod:`newsprism.embed` (the static model by default), and the publication day.
2. **Blocking**: an inverted index from each story's strongest terms to the story.
   An article is scored only against stories that share one of its rarest terms
   (the most recent ``POSTINGS`` stories per term) and whose dates lie within
   ``window_days`` of its own. Cost per article is bounded, so a corpus costs about
   n log n (sorting by date) rather than n².
3. **Scoring**: ``lexical_weight * cos(tf-idf, story terms) + (1 - lexical_weight) *
   cos(embedding, story centroid) - day_penalty * gap_in_days``. The article joins
   the best story at or above ``threshold``, else founds a new story.

Stories keep a centroid (summed term weights, truncated, and a summed embedding)
in the store's ``story_state`` table, and term document frequencies live in
``term_df``; a later run loads the stories active around its articles' dates and
new articles join them without reclustering anything. Articles that already
belong to a stored story keep it.

Articles are processed by (day, id), and a story's id derives from its founding
article's id, so the same input gives the same story ids on every run.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np

from .dedup import parse_day
from .model import Article
from .pipeline import Context, CorpusStage

#: Words that carry no event identity. Written for newsprism; deliberately short.
STOPWORDS = frozenset("""
a about above after again against all also although am among an and any are around as at be because been
before being below between both but by can could did do does doing down during each either else ever every
few for from further had has have having he her here hers herself him himself his how however i if in into
is it its itself just last least less let like made make many may me might more most much must my myself near
neither new news no nor not now of off often on once one only or other our ours out over own per perhaps
rather said same say says she should since so some such than that the their theirs them themselves then
there these they this those though through to too toward under until up upon us very via was we were what
when where whether which while who whom whose why will with within without would year years yet you your
told according report reported reports reporting week weeks day days today yesterday tomorrow monday tuesday
wednesday thursday friday saturday sunday time times people percent first two three four five six seven
eight nine ten mr mrs ms dr get got go going gone come came take took including says saying statement
""".split())

_WORDS = re.compile(r"[a-z\u00df-\u024f][a-z\u00df-\u024f0-9'\u2019-]*[a-z\u00df-\u024f0-9]|\d[\d,.]*\d")
_CAPS = re.compile(r"\b[A-Z\u00c0-\u00de][\w'\u2019-]*\w")
# two adjacent capitalised words, overlapping ("Supreme Court Justice" gives two pairs): the
# definition _caps_and_pairs computes in one scan with _CAPS (a property test checks they agree)
_CAP_PAIRS = re.compile(r"\b([A-Z\u00c0-\u00de][\w'\u2019-]*\w)[ \t]+(?=([A-Z\u00c0-\u00de][\w'\u2019-]*\w)\b)")

LEAD_CHARS = 1600  # about 250 words: the lead, where the event is told
EMBED_WORDS = 60
EMBED_CHARS = 700
DOC_TERMS = 100
STORY_TERMS = 100
BLOCK_TERMS = 8
POSTINGS = 60
MAX_CANDIDATES = 25
#: A new cluster joins a stored story when their centroids score this much above the threshold
#: (centroid similarity runs higher than the average pair similarity the threshold is set for).
LINK_MARGIN = 0.1
UNDATED_BLOCK = 30
#: Most candidate partners of one undated article (by shared block terms).
UNDATED_NEIGHBOURS = 60
#: Shared block terms an undated pair needs (1: any; 2 lost recall on ECB+ dev).
UNDATED_MIN_SHARED = 1
COMMON_MIN = 20
COMMON_SHARE = 0.05
#: Pairs scoring under this share of the threshold are left out of the linkage (they count as 0).
MIN_PAIR_SHARE = 0.5


def key_terms(title: str | None, text: str, entities: Sequence[Any] = ()) -> Counter[str]:
    """Raw key-term weights of one article: its headline (double) and lead.

    Capitalised words (names) weigh 1.5x, and adjacent capitalised words also give joined
    pairs ("tara_reid", "supreme_court"), which identify events far better than either word
    alone. Every weight is a multiple of one half, so terms are counted in halves, each
    occurrence repeated as many times as it weighs, by one ``Counter`` (a C loop); only words
    not seen before in this process are looked at in Python.
    """
    if len(_WORD_TERM) + len(_CAP_TERM) > 1_000_000:  # bound memory on endless streams
        _WORD_TERM.clear()
        _CAP_TERM.clear()
    halves: list[str] = []  # in the order terms are first met: headline words, names, pairs; lead ...
    for part, weight in ((title or "", 2), (text[:LEAD_CHARS], 1)):
        if not part:
            continue
        found = _WORDS.findall(part.lower())
        for w in set(found).difference(_WORD_TERM):
            _WORD_TERM[w] = _word_term(w)
        cap_words, cap_pairs = _caps_and_pairs(part)
        for w in set(cap_words).difference(_CAP_TERM):
            _CAP_TERM[w] = _cap_term(w)
        words = [t for t in map(_WORD_TERM.__getitem__, found) if t is not None]  # a word weighs 1
        caps = [t for t in map(_CAP_TERM.__getitem__, cap_words) if t is not None]  # a name 0.5 more
        pairs = [_unpossess(a.lower()) + "_" + _unpossess(b.lower()) for a, b in cap_pairs]  # a pair 1.5
        halves += words * (2 * weight)
        halves += caps * weight
        halves += pairs * (3 * weight)
    counts: Counter[str] = Counter({t: h * 0.5 for t, h in Counter(halves).items()})
    for e in entities:
        key = getattr(e, "key", "") or getattr(e, "name", "")
        if key:
            counts["e:" + key.lower()] += 2.0
    return counts


def _caps_and_pairs(part: str) -> tuple[list[str], list[tuple[str, str]]]:
    """``_CAPS.findall(part)`` and ``_CAP_PAIRS.findall(part)`` in one scan: a pair is two
    capitalised words one after the other with only spaces or tabs between them."""
    words: list[str] = []
    pairs: list[tuple[str, str]] = []
    prev, prev_end = "", -1
    for m in _CAPS.finditer(part):
        w, start = m.group(), m.start()
        if prev and start > prev_end and not part[prev_end:start].strip(" \t"):
            pairs.append((prev, w))
        words.append(w)
        prev, prev_end = w, m.end()
    return words, pairs


# The term each word gives (None: none), computed once per distinct word in this process.
_WORD_TERM: dict[str, str | None] = {}
_CAP_TERM: dict[str, str | None] = {}


def _word_term(w: str) -> str | None:
    """The term a lower-cased word counts as: numbers without commas, other words of three
    letters or more without a possessive; stopwords none."""
    if w in STOPWORDS:
        return None
    if w[0].isdigit():
        w2 = w.replace(",", "")
        return w2 if len(w2) >= 2 else None
    return _unpossess(w) if len(w) >= 3 else None


def _cap_term(w: str) -> str | None:
    """The term a capitalised word adds (its name weight)."""
    low = _unpossess(w.lower())
    return low if low not in STOPWORDS and len(low) >= 3 else None


def _pack_terms(counts: Counter[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Key terms as a tuple and their weights as an array: a third of a Counter's memory."""
    return tuple(counts), np.fromiter(counts.values(), dtype=np.float64, count=len(counts))


def _unpossess(w: str) -> str:
    return w[:-2] if w.endswith(("'s", "\u2019s")) else w


def embed_text(title: str | None, text: str) -> str:
    words = text[:EMBED_CHARS].split()[:EMBED_WORDS]
    return ((title or "") + ". " + " ".join(words)).strip(". ")


def story_id_for(founder_id: str) -> str:
    return "s_" + hashlib.sha1(founder_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _pack(vec: np.ndarray) -> str:
    return base64.b64encode(vec.astype(np.float32).tobytes()).decode("ascii")


def _unpack(s: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=np.float32).copy()


@dataclass
class _Story:
    id: str
    first_day: int | None = None
    last_day: int | None = None
    n: int = 0
    terms: dict[str, float] = field(default_factory=dict)  # summed doc weights, truncated
    emb: np.ndarray | None = None  # summed embeddings
    indexed: set[str] = field(default_factory=set)
    dirty: bool = False
    _norms: tuple[float, float] | None = None  # (term norm, embedding norm), until the next add
    _top: dict[str, float] | None = None  # to_state's terms, when computed with the rest (until the next add)

    def norms(self) -> tuple[float, float]:
        if self._norms is None:
            emb = float(np.linalg.norm(self.emb)) if self.emb is not None else 0.0
            self._norms = (math.sqrt(sum(v * v for v in self.terms.values())) or 1.0, emb)
        return self._norms

    def add(self, vec: dict[str, float], emb: np.ndarray | None, day: int | None) -> None:
        self._norms = self._top = None
        if not self.terms:
            self.terms = dict(vec)  # the same as adding each to 0.0 (the weights are positive)
        else:
            for t, v in vec.items():
                self.terms[t] = self.terms.get(t, 0.0) + v
        if len(self.terms) > STORY_TERMS * 2:
            self.terms = dict(sorted(self.terms.items(), key=itemgetter(1), reverse=True)[:STORY_TERMS])
        if emb is not None:
            self.emb = emb.copy() if self.emb is None else self.emb + emb
        if day is not None:
            self.first_day = day if self.first_day is None else min(self.first_day, day)
            self.last_day = day if self.last_day is None else max(self.last_day, day)
        self.n += 1
        self.dirty = True

    def top_terms(self, k: int) -> list[str]:
        return [t for t, _ in heapq.nsmallest(k, self.terms.items(), key=lambda kv: (-kv[1], kv[0]))]

    def to_state(self) -> tuple[str, int | None, int | None, dict[str, Any]]:
        top = self._top
        if top is None:
            # strongest first (a stable sort: ties keep their order), weights to 5 decimals
            pairs = sorted(self.terms.items(), key=itemgetter(1), reverse=True)[:STORY_TERMS]
            weights = np.round(np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs)), 5)
            top = dict(zip([t for t, _ in pairs], weights.tolist()))
        data = {"n": self.n, "terms": top, "emb": _pack(self.emb) if self.emb is not None else None}
        return (self.id, self.first_day, self.last_day, data)

    @classmethod
    def from_state(cls, sid: str, first: int | None, last: int | None, data: dict[str, Any]) -> _Story:
        emb = _unpack(data["emb"]) if data.get("emb") else None
        return cls(id=sid, first_day=first, last_day=last, n=int(data.get("n", 0)),
                   terms={t: float(v) for t, v in data.get("terms", {}).items()}, emb=emb)


class GroupStories(CorpusStage):
    """Assign every article a ``story_id``; copies share their canonical's story."""

    name = "group"
    requires = ("clean_text",)
    adds = ("story_id",)
    version = "2"

    def __init__(self, threshold: float = 0.2, lexical_weight: float = 0.85, window_days: int = 7,
                 day_penalty: float = 0.01, encoder: str | None = "static") -> None:
        super().__init__()
        self.threshold = threshold
        self.lexical_weight = lexical_weight
        self.window_days = window_days
        self.day_penalty = day_penalty
        self.encoder = encoder
        self._enc: Any = None

    def __getstate__(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["_enc"] = None
        return d

    def setup(self) -> None:
        if self.encoder:
            from .embed import get_encoder

            self._enc = get_encoder(self.encoder)

    # -- per-document features (batchable) ----------------------------------

    def embed(self, docs: Sequence[Article]) -> np.ndarray | None:
        if not self.encoder or not docs:
            return None
        if self._enc is None:
            self.setup()
        return np.asarray(self._enc.encode([embed_text(d.title or d.display_title, d.text or "") for d in docs]),
                          dtype=np.float32)

    prepare_requires = ("clean_text", "title", "display_title", "entities")

    def prepare(self, doc: Article) -> None:
        """Key terms and embedding of one article, computed in the parallel document map."""
        self.prepare_batch([doc])

    def prepare_batch(self, docs: list[Article]) -> None:
        emb = self.embed(docs)  # one call for the batch: per-call overhead was half the cost
        for i, doc in enumerate(docs):
            terms = _pack_terms(key_terms(doc.title or doc.display_title, doc.text or "", doc.entities))
            doc.scratch[self.name] = (terms, emb[i] if emb is not None else None)

    def _embeddings(self, docs: list[Article], prepared: list[Any]) -> np.ndarray | None:
        if not self.encoder or not docs:
            return None
        todo = [d for d, p in zip(docs, prepared) if p is None or p[1] is None]
        fresh = iter(self.embed(todo) if todo else ())
        return np.stack([p[1] if p is not None and p[1] is not None else next(fresh)
                         for p in prepared]).astype(np.float32, copy=False)

    # -- the corpus stage ----------------------------------------------------

    def run(self, docs: list[Article], ctx: Context) -> list[Article]:
        store = getattr(ctx, "store", None)
        by_id = {d.id: d for d in docs}
        stored_story: dict[str, str] = {}
        if store is not None:
            stored_story = store.story_ids_of(list(by_id))
        for d in docs:
            if d.story_id is None and d.id in stored_story:
                d.story_id = stored_story[d.id]

        canon = [d for d in docs if (d.canonical_id or d.id) == d.id]
        # a new canonical whose copies already sit in a stored story joins that story
        for d in canon:
            if d.story_id is None:
                for c in d.copies:
                    cd = by_id.get(c)
                    sid = cd.story_id if cd is not None else None
                    if sid is None and store is not None:
                        sid = store.story_ids_of([c]).get(c)
                    if sid:
                        d.story_id = sid
                        self.stats["joined_via_copy"] += 1
                        break
        new = [d for d in canon if d.story_id is None]
        self.stats["kept"] += len(canon) - len(new)
        if new:
            self._cluster(new, store, ctx)
        # copies follow their canonical
        missing = [d.canonical_id for d in docs if d.canonical_id and d.canonical_id != d.id
                   and d.canonical_id not in by_id]
        canon_story = store.story_ids_of(sorted(set(missing))) if (store is not None and missing) else {}
        for d in docs:
            cid = d.canonical_id or d.id
            if cid != d.id:
                target = by_id[cid].story_id if cid in by_id else canon_story.get(cid)
                if target:
                    d.story_id = target
            if d.story_id is None:  # a copy whose canonical is gone: a story of its own
                d.story_id = story_id_for(d.id)
        self.stats["stories"] = len({d.story_id for d in docs})
        for d in docs:  # prepared features of articles that kept their story
            d.scratch.pop(self.name, None)
        return docs

    def _cluster(self, new: list[Article], store: Any, ctx: Context) -> None:
        days = {d.id: parse_day(d.published) for d in new}
        new.sort(key=lambda d: (days[d.id] if days[d.id] is not None else 10**9, d.id))
        n = len(new)
        prepared = [d.scratch.pop(self.name, None) for d in new]
        raw = [p[0] if p is not None
               else _pack_terms(key_terms(d.title or d.display_title, d.text or "", d.entities))
               for p, d in zip(prepared, new)]

        vecs, X, vocab, dfs, batch_df, n_docs = _tfidf(raw, store)
        del raw
        if store is not None:
            # the counts are final now: on the run's writer they are stored while the rest runs
            # (a run that fails after this has counted its articles; the next run counts them
            # again, which only makes their terms look a little more common)
            batch_df[""] = n  # the number of documents counted
            ctx.write(lambda s, counts=batch_df: s.add_term_df(counts))
        del batch_df
        emb = self._embeddings(new, prepared)
        del prepared
        day_arr = np.array([days[d.id] if days[d.id] is not None else -1 for d in new], dtype=np.int64)

        # candidate pairs: dated articles within a sliding time window that share a term;
        # undated ones with anything that shares a rare term
        ii, jj, sims = self._candidate_pairs(X, emb, day_arr, vocab, dfs, n_docs)
        self.stats["candidate_pairs"] += len(ii)
        keep = sims >= self.threshold * MIN_PAIR_SHARE  # weaker pairs count as 0 in the linkage
        ii, jj, sims = ii[keep], jj[keep], sims[keep]
        self.stats["scored_pairs"] += len(ii)
        labels = average_linkage(n, ii, jj, sims, self.threshold)

        groups: dict[int, list[int]] = defaultdict(list)
        for i, lab in enumerate(labels):
            groups[lab].append(i)
        clusters = sorted(groups.values(), key=lambda m: m[0])  # members sorted by (day, id)

        # link each new cluster to a stored story, or found one
        stories: dict[str, _Story] = {}
        postings: dict[str, list[str]] = defaultdict(list)
        if store is not None:
            dated = [x for x in days.values() if x is not None]
            if dated:
                states = store.story_states(min(dated) - self.window_days, max(dated) + self.window_days)
            else:
                states = store.story_states(0, 10**9)
            for state in sorted(states, key=lambda s: (s[2] if s[2] is not None else 10**9, s[0])):
                st = _Story.from_state(*state)
                stories[st.id] = st
                self._index(st, postings)
            self.stats["stories_loaded"] += len(states)
        lw = self.lexical_weight
        day_list = [days[d.id] for d in new]
        centroids = _centroids(clusters, [new[m[0]].id for m in clusters], vecs, emb, day_list,
                               with_terms=bool(postings))
        for members, cl in zip(clusters, centroids):
            best, best_s = None, -1.0
            if postings:  # candidates come only from indexed stories (stored, or joined by this run)
                cand: Counter[str] = Counter()
                for t in cl.top_terms(BLOCK_TERMS):
                    for sid in postings.get(t, ())[-POSTINGS:]:
                        cand[sid] += 1
                for sid, _ in sorted(cand.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]:
                    st = stories[sid]
                    gap = _gap(cl, st)
                    if gap > self.window_days:
                        continue
                    (st_norm, st_emb_norm), (cl_norm, cl_emb_norm) = st.norms(), cl.norms()
                    lex = sum(v * st.terms.get(t, 0.0) for t, v in cl.terms.items()) / (st_norm * cl_norm)
                    s = lex
                    if cl.emb is not None and st.emb is not None:
                        sem = float(cl.emb @ st.emb) / ((st_emb_norm * cl_emb_norm) or 1.0)
                        s = lw * lex + (1 - lw) * sem
                    s -= self.day_penalty * gap
                    if s > best_s:
                        best, best_s = sid, s
            if best is not None and best_s >= self.threshold + LINK_MARGIN:
                st = stories[best]
                for i in members:
                    st.add(vecs[i], emb[i] if emb is not None else None, days[new[i].id])
                self.stats["joined_stored"] += len(members)
                self._index(st, postings)
            else:  # clusters of this run were already separated by the linkage; they are not linked again
                st = cl
                stories[st.id] = st
                self.stats["founded"] += 1
            for i in members:
                new[i].story_id = st.id

        if store is not None:
            states = [s.to_state() for s in stories.values() if s.dirty]
            ctx.write(lambda s: s.save_story_states(states), wait=True)  # row by row: see Context.write

    def _candidate_pairs(self, X: Any, emb: np.ndarray | None, day_arr: np.ndarray, vocab: dict[str, int],
                         dfs: dict[str, int], n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs (i < j) worth scoring, with their combined similarity.

        Dated articles: every pair within ``window_days`` that shares a term, found window by
        window (each window of W days against itself and the next), so the cost grows with the
        number of articles times the articles per window. Undated articles: pairs that share
        one of the article's strongest terms that is not common.
        """
        n = X.shape[0]
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        dated = np.flatnonzero(day_arr >= 0)
        undated = np.flatnonzero(day_arr < 0)
        W = self.window_days
        if len(dated):
            bucket = (day_arr[dated] - day_arr[dated].min()) // max(1, W)
            used = np.unique(bucket)  # a corpus may span centuries: visit only buckets that hold articles
            lo_of = np.searchsorted(bucket, used)
            hi_of = np.searchsorted(bucket, used + 2)  # this window and the next
            mid_of = np.searchsorted(bucket, used + 1)
            XT = X.T.tocsc()

            def window(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
                rows = dated[lo_of[k]:mid_of[k]]
                cols = dated[lo_of[k]:hi_of[k]]  # dated is sorted, so this is a contiguous slice of X
                C = (X[rows[0]:rows[-1] + 1] @ XT[:, cols[0]:cols[-1] + 1]).tocoo()
                gi = rows[0] + C.row.astype(np.int64)
                gj = cols[0] + C.col.astype(np.int64)
                keep = (gi < gj) & (np.abs(day_arr[gi] - day_arr[gj]) <= W)
                gi, gj, lex = gi[keep], gj[keep], C.data[keep]
                sem = None
                if emb is not None and len(gi):
                    S = emb[rows[0]:rows[-1] + 1] @ emb[cols[0]:cols[-1] + 1].T
                    sem = S[gi - rows[0], gj - cols[0]]
                return gi, gj, self._combine(lex, sem, day_arr[gi], day_arr[gj])

            parts += _ordered_map(window, range(len(used)))
        if len(undated):
            common = max(COMMON_MIN, int(COMMON_SHARE * n_docs))
            ok = np.zeros(X.shape[1], dtype=bool)
            for t, col in vocab.items():
                ok[col] = dfs.get(t, 0) <= common
            W = _top_per_row(X.multiply(ok[None, :]).tocsr(), UNDATED_BLOCK)  # block terms, weighted
            R = W.copy()
            R.data[:] = 1.0
            WT, RT = W.T.tocsr(), R.T.tocsr()
            pairs: list[tuple[np.ndarray, np.ndarray]] = []
            for s in range(0, len(undated), 1000):
                rows_u = undated[s:s + 1000]
                # partners: at most UNDATED_NEIGHBOURS, those sharing the most block terms, then
                # the most weight of them (ties broke on the count alone and kept them all: a
                # median of 113 partners, and on an undated corpus a number that grows with it)
                shared = (R[rows_u] @ RT).tocsr()
                shared.data[shared.data < UNDATED_MIN_SHARED] = 0
                shared.eliminate_zeros()
                overlap = (W[rows_u] @ WT).multiply(shared.astype(bool)).tocsr()  # same entries
                C = _strict_top_per_row(shared, overlap, UNDATED_NEIGHBOURS).tocoo()
                gi, gj = rows_u[C.row], C.col.astype(np.int64)
                keep = (gi != gj) & ((day_arr[gj] >= 0) | (gi < gj))
                a, b = np.minimum(gi[keep], gj[keep]), np.maximum(gi[keep], gj[keep])
                pairs += [(a[c:c + 20000], b[c:c + 20000]) for c in range(0, len(a), 20000)]  # bounded temporaries

            def score(pair: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
                aa, bb = pair
                lex = np.asarray(X[aa].multiply(X[bb]).sum(axis=1)).ravel()
                sem = np.einsum("ij,ij->i", emb[aa], emb[bb]) if emb is not None else None
                return aa, bb, self._combine(lex, sem, day_arr[aa], day_arr[bb])

            parts += _ordered_map(score, pairs)
        if not parts:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0, np.float64)
        return (np.concatenate([p[0] for p in parts]).astype(np.int64),
                np.concatenate([p[1] for p in parts]).astype(np.int64),
                np.concatenate([p[2] for p in parts]).astype(np.float64))

    def _combine(self, lex: np.ndarray, sem: np.ndarray | None, di: np.ndarray, dj: np.ndarray) -> np.ndarray:
        s = lex if sem is None else self.lexical_weight * lex + (1 - self.lexical_weight) * sem
        gap = np.where((di >= 0) & (dj >= 0), np.abs(di - dj), 0)
        return (s - self.day_penalty * gap).astype(np.float64)

    @staticmethod
    def _index(st: _Story, postings: dict[str, list[str]]) -> None:
        for t in st.top_terms(BLOCK_TERMS * 2):
            if t not in st.indexed:
                st.indexed.add(t)
                postings[t].append(st.id)


def _tfidf(raw: list[tuple[Sequence[str], np.ndarray]], store: Any
           ) -> tuple[list[dict[str, float]], Any, dict[str, int], dict[str, int], dict[str, int], int]:
    """Sublinear tf-idf over the key terms, each document cut to its DOC_TERMS strongest terms
    (ties: by term) and L2-normalised; document frequencies are the stored ones plus this batch.

    Array code throughout (a Python loop per term was a fifth of grouping's time), with the same
    arithmetic as the per-term form, so the weights are the same to the last bit:
    ``(1 + ln tf) * (ln((N + 1) / (df + 1)) + 1)``. Returns the per-document vectors as dicts (in
    weight order), the sparse matrix (columns in order of first use), its vocabulary, the
    document frequencies, this batch's counts and N.
    """
    from scipy import sparse

    n = len(raw)
    lens = np.fromiter((len(t) for t, _ in raw), dtype=np.int64, count=n)
    total = int(lens.sum())
    flat = list(chain.from_iterable(t for t, _ in raw))
    uniq = list(dict.fromkeys(flat))  # first-seen order, as a Counter would count them
    index = {t: i for i, t in enumerate(uniq)}
    tid = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=total)
    del flat, index
    counts = np.bincount(tid, minlength=len(uniq))  # a document's terms are distinct
    batch_df = dict(zip(uniq, counts.tolist()))
    stored_df = store.term_df(uniq + [""]) if store is not None else {}
    n_docs = stored_df.get("", 0) + n
    df = (counts + np.fromiter((stored_df.get(t, 0) for t in uniq), dtype=np.int64, count=len(uniq))).tolist()
    dfs = dict(zip(uniq, df))
    log = math.log
    idf = np.array([log((n_docs + 1) / (c + 1)) + 1.0 for c in df], dtype=np.float64)
    tf_raw = np.concatenate([w for _, w in raw]) if raw else np.zeros(0, dtype=np.float64)
    halves = tf_raw * 2.0
    codes = halves.astype(np.int64)
    w_rank = None  # each weight's rank among the distinct weights, strongest first
    if len(codes) and codes.min() >= 1 and codes.max() <= 1_000_000 and np.array_equal(codes, halves):
        # key-term weights are sums of halves: index a table instead of sorting every weight
        table = np.array([0.0] + [1.0 + log(c / 2) for c in range(1, int(codes.max()) + 1)], dtype=np.float64)
        w = table[codes] * idf[tid]
        # a weight is a function of (tf code, df): rank the few distinct pairs, not every weight
        df_values, df_term, df_index = np.unique(np.asarray(df, dtype=np.int64), return_index=True,
                                                 return_inverse=True)
        n_pairs = (int(codes.max()) + 1) * len(df_values)
        if n_pairs <= 8_000_000:  # a lookup table of at most 64 MB
            pair = codes * len(df_values) + df_index.ravel()[tid]
            seen = np.flatnonzero(np.bincount(pair, minlength=n_pairs))
            # each pair's weight as w computes it (the idf of a term with that df)
            pair_w = table[seen // len(df_values)] * idf[df_term[seen % len(df_values)]]
            rank_of_pair = np.zeros(n_pairs, dtype=np.int64)
            rank_of_pair[seen] = np.unique(-pair_w, return_inverse=True)[1].ravel()
            w_rank = rank_of_pair[pair]
    else:
        distinct, inverse = np.unique(tf_raw, return_inverse=True)
        tf = np.array([1.0 + log(v) for v in distinct.tolist()], dtype=np.float64)[inverse.ravel()]
        w = tf * idf[tid]

    rank = np.empty(len(uniq), dtype=np.int64)
    rank[np.array(sorted(range(len(uniq)), key=uniq.__getitem__), dtype=np.int64)] = np.arange(len(uniq))
    doc = np.repeat(np.arange(n, dtype=np.int64), lens)
    order = _doc_weight_term_order(doc, w, rank[tid], n, len(uniq), w_rank)
    starts = np.concatenate(([0], np.cumsum(lens)[:-1])).astype(np.int64)
    keep = order[(np.arange(total) - starts[doc[order]]) < DOC_TERMS]
    kd, kt, kw = doc[keep], tid[keep], w[keep]
    norm = np.sqrt(np.bincount(kd, weights=kw * kw, minlength=n))  # summed in order, as sum() would
    norm[norm == 0] = 1.0
    vals = kw / norm[kd]

    first = np.full(len(uniq), len(kt), dtype=np.int64)  # each term's first use in kt
    np.minimum.at(first, kt, np.arange(len(kt), dtype=np.int64))
    used = np.flatnonzero(first < len(kt))
    col_order = used[np.argsort(first[used], kind="stable")]
    col_of = np.empty(len(uniq), dtype=np.int64)
    col_of[col_order] = np.arange(len(col_order))
    vocab = {uniq[t]: c for c, t in enumerate(col_order.tolist())}
    X = sparse.csr_matrix((vals, (kd, col_of[kt])), shape=(n, max(1, len(vocab))), dtype=np.float32)

    vecs = _DocTerms(uniq, kd, kt, vals, n)
    return vecs, X, vocab, dfs, batch_df, n_docs


class _DocTerms:
    """The documents' tf-idf vectors, kept as arrays (document, term, weight; by document, in
    weight order). ``vecs[i]`` is document i's vector as a dict, built when asked for: most are
    only ever summed into their cluster's centroid, which :func:`_centroids` does with arrays."""

    def __init__(self, terms: list[str], doc: np.ndarray, term: np.ndarray, weight: np.ndarray, n: int) -> None:
        self.terms, self.doc, self.term, self.weight = terms, doc, term, weight
        self.bounds = np.searchsorted(doc, np.arange(n + 1))

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, i: int) -> dict[str, float]:
        if not 0 <= i < len(self):
            raise IndexError(i)
        a, b = int(self.bounds[i]), int(self.bounds[i + 1])
        terms = self.terms
        return dict(zip([terms[t] for t in self.term[a:b].tolist()], self.weight[a:b].tolist()))

    def __iter__(self) -> Iterator[dict[str, float]]:
        return (self[i] for i in range(len(self)))


def _centroids(clusters: list[list[int]], founders: list[str], vecs: _DocTerms, emb: np.ndarray | None,
               days: list[int | None], with_terms: bool = True) -> list[_Story]:
    """A story per cluster (members as document indices, in order), named after its founder:
    what adding each member in turn with :meth:`_Story.add` gives, computed with arrays.

    Terms are summed in member order. A centroid keeps all its terms when they are at most
    ``2 * STORY_TERMS`` (as ``add`` would), else its ``STORY_TERMS`` strongest of the exact sums
    (``add`` cuts as it goes, so a term that gathers weight late could be lost). The stored
    state (:meth:`_Story.to_state`) is worked out here too, for all clusters at once. Without
    ``with_terms`` the centroids' ``terms`` are left empty: only their states are wanted (the
    run has no stored story to link them to).
    """
    k = len(clusters)
    if not k:
        return []
    sizes = np.fromiter(map(len, clusters), dtype=np.int64, count=k)
    lab = np.empty(len(vecs), dtype=np.int64)
    lab[np.fromiter(chain.from_iterable(clusters), dtype=np.int64, count=int(sizes.sum()))] = \
        np.repeat(np.arange(k, dtype=np.int64), sizes)
    names = np.array(vecs.terms, dtype=object)
    tops: list[dict[str, float] | None] = [None] * k
    terms: list[dict[str, float] | None] = [None] * k

    # one member: its own vector, already strongest first (ties by term: its insertion order),
    # all of it (DOC_TERMS <= STORY_TERMS)
    ent_lab = lab[vecs.doc]
    one = sizes[ent_lab] == 1
    idx = np.flatnonzero(one)
    if len(idx):
        _dicts_by_owner(ent_lab[idx], names[vecs.term[idx]], np.round(vecs.weight[idx], 5), tops)

    # several members: sum by (cluster, term), each with the entry where the cluster first met
    # it (its place in the dict add() builds); bincount adds in entry order, that is by member
    idx = np.flatnonzero(~one)
    if len(idx):
        n_terms = max(1, len(vecs.terms))
        code = ent_lab[idx] * n_terms + vecs.term[idx]
        uc, first, inv = np.unique(code, return_index=True, return_inverse=True)
        sums = np.bincount(inv.ravel(), weights=vecs.weight[idx], minlength=len(uc))
        pc, pt = uc // n_terms, uc % n_terms
        count = np.bincount(pc, minlength=k)
        start = np.concatenate(([0], np.cumsum(count)[:-1]))
        # strongest first, ties in insertion order (a stable sort): one packed integer key
        w_rank = np.unique(-sums, return_inverse=True)[1].ravel().astype(np.int64)
        bw, bf = max(1, int(w_rank.max()).bit_length()), max(1, len(idx).bit_length())
        if max(1, k.bit_length()) + bw + bf <= 63:
            strong = np.argsort((pc << (bw + bf)) | (w_rank << bf) | first)
        else:
            strong = np.lexsort((first, w_rank, pc))
        pos = np.empty(len(uc), dtype=np.int64)
        pos[strong] = np.arange(len(uc)) - start[pc[strong]]
        top = strong[pos[strong] < STORY_TERMS]

        _dicts_by_owner(pc[top], names[pt[top]], np.round(sums[top], 5), tops)
        if with_terms:
            small = count[pc] <= 2 * STORY_TERMS
            met = np.lexsort((first, pc))  # insertion order within each cluster
            rank_met = np.empty(len(uc), dtype=np.int64)
            rank_met[met] = np.arange(len(uc))
            key = np.where(small, rank_met, pos)  # small clusters in insertion order, others by strength
            order = np.flatnonzero(small | (pos < STORY_TERMS))
            order = order[np.lexsort((key[order], pc[order]))]
            _dicts_by_owner(pc[order], names[pt[order]], sums[order], terms)

    out: list[_Story] = []
    for c, members in enumerate(clusters):
        e = None
        if emb is not None:
            e = emb[members[0]].copy()
            for i in members[1:]:
                e += emb[i]
        dated = [days[i] for i in members if days[i] is not None]
        if with_terms and terms[c] is None:
            terms[c] = vecs[members[0]] if len(members) == 1 else {}
        out.append(_Story(id=story_id_for(founders[c]), first_day=min(dated) if dated else None,
                          last_day=max(dated) if dated else None, n=len(members), terms=terms[c] or {},
                          emb=e, dirty=True, _top=tops[c] or {}))
    return out


def _dicts_by_owner(owners: np.ndarray, keys: np.ndarray, values: np.ndarray, into: list[Any]) -> None:
    """``into[c]``: a dict of the keys and values whose owner is ``c``, in their order. Each
    owner's entries are contiguous."""
    if not len(owners):
        return
    k, v = keys.tolist(), values.tolist()
    cut = np.flatnonzero(np.diff(owners)) + 1
    starts = np.concatenate(([0], cut)).tolist()
    ends = np.concatenate((cut, [len(owners)])).tolist()
    for c, a, b in zip(owners[starts].tolist(), starts, ends):
        into[c] = dict(zip(k[a:b], v[a:b]))


def _doc_weight_term_order(doc: np.ndarray, w: np.ndarray, term_rank: np.ndarray, n_docs: int, n_terms: int,
                           w_rank: np.ndarray | None = None) -> np.ndarray:
    """The permutation that sorts entries by document, then weight (strongest first), then term:
    ``np.lexsort((term_rank, -w, doc))``. When the three fit in 63 bits, they are packed into one
    integer key (a weight by ``w_rank``, its rank among the distinct weights, 0 the strongest) and
    sorted once, in a third of the time of ``lexsort``'s three passes. A document's terms are
    distinct, so the keys are too and any sort gives the same order."""
    if not len(w):
        return np.zeros(0, dtype=np.int64)
    if w_rank is None:
        w_rank = np.unique(-w, return_inverse=True)[1].ravel()
    w_rank = w_rank.astype(np.int64, copy=False)
    bw, bt = int(w_rank.max()).bit_length() or 1, max(1, (n_terms - 1).bit_length())
    if max(1, (n_docs - 1).bit_length()) + bw + bt > 63:
        return np.lexsort((term_rank, -w, doc))
    return np.argsort((doc << (bw + bt)) | (w_rank << bt) | term_rank)


#: Threads that score candidate pairs (sparse and dense products release the GIL).
PAIR_THREADS = 2


def _ordered_map(fn: Any, items: Any) -> list[Any]:
    """``[fn(x) for x in items]``, on :data:`PAIR_THREADS` threads when there is more than one
    item: the work is numpy and scipy products, which run without the GIL, so a second core
    shares it. Results keep the items' order, so they are the same as in one thread."""
    items = list(items)
    threads = min(PAIR_THREADS, len(items), os.cpu_count() or 1)
    if threads < 2:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads, thread_name_prefix="newsprism-pairs") as pool:
        return list(pool.map(fn, items))


def _strict_top_per_row(count: Any, weight: Any, k: int) -> Any:
    """Keep at most k entries of each row of ``count`` (CSR): the largest counts, ties broken by
    the larger ``weight`` (a CSR matrix with the same entries), then by the lower column."""
    count, weight = count.tocsr(), weight.tocsr()
    count.sort_indices()
    weight.sort_indices()
    if not (np.array_equal(count.indptr, weight.indptr) and np.array_equal(count.indices, weight.indices)):
        raise ValueError("count and weight must have the same entries")
    keep = np.zeros(count.nnz, dtype=bool)
    for r in range(count.shape[0]):
        lo, hi = count.indptr[r], count.indptr[r + 1]
        if hi - lo <= k:
            keep[lo:hi] = True
        else:  # lexsort: the last key is the primary one; indices are sorted, so ties keep the lower column
            order = np.lexsort((count.indices[lo:hi], -weight.data[lo:hi], -count.data[lo:hi]))
            keep[lo + order[:k]] = True
    out = count.copy()
    out.data = np.where(keep, out.data, 0)
    out.eliminate_zeros()
    return out


def _top_per_row(X: Any, k: int) -> Any:
    """Keep the k largest entries of each row of a CSR matrix."""
    X = X.tocsr(copy=True)
    X.eliminate_zeros()
    for r in range(X.shape[0]):
        lo, hi = X.indptr[r], X.indptr[r + 1]
        if hi - lo > k:
            row = X.data[lo:hi]
            cut = np.partition(row, hi - lo - k)[hi - lo - k]
            row[row < cut] = 0
    X.eliminate_zeros()
    return X


def _gap(a: _Story, b: _Story) -> int:
    if None in (a.first_day, a.last_day, b.first_day, b.last_day):
        return 0
    return max(0, b.first_day - a.last_day, a.first_day - b.last_day)  # type: ignore[operator]


def average_linkage(n: int, ii: np.ndarray, jj: np.ndarray, sims: np.ndarray, threshold: float) -> list[int]:
    """Average-linkage agglomerative clustering over a sparse similarity graph.

    Pairs that are not in the graph count as similarity 0, so the cost is that of the
    candidate pairs (E log E), never n². Clusters merge while the best average
    similarity between two clusters is at least ``threshold``. Deterministic: ties
    break on the lower indices. Returns a label (the smallest member index) per item.
    """

    # A merge needs an average of at least ``threshold``, so at least one pair that high between
    # the two clusters: no cluster spans two connected components of the graph of such pairs.
    # Pairs between components can never matter and are dropped (the result is the same).
    strong = sims >= threshold
    if not strong.any():
        return list(range(n))
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(int(strong.sum()), dtype=np.int8), (ii[strong], jj[strong])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    inside = comp[ii] == comp[jj]
    ii, jj, sims = ii[inside], jj[inside], sims[inside]

    size = [1] * n
    # each item's neighbours and summed similarities, built with array operations (a repeated
    # pair is summed in input order, as adding one pair at a time would)
    ok = ii != jj
    src, dst = np.concatenate((ii[ok], jj[ok])), np.concatenate((jj[ok], ii[ok]))
    pair_codes, inverse = np.unique(src * n + dst, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=np.concatenate((sims[ok], sims[ok])), minlength=len(pair_codes))
    nb, nv = (pair_codes % n).tolist(), summed.tolist()
    bounds = np.searchsorted(pair_codes // n, np.arange(n + 1)).tolist()
    nbr: list[dict[int, float]] = [dict(zip(nb[lo:hi], nv[lo:hi])) for lo, hi in zip(bounds, bounds[1:])]
    del src, dst, pair_codes, inverse, summed, nb, nv
    alive = [True] * n
    first = (sims >= threshold) & (ii != jj)  # the pairs that may merge as they stand, in input order
    heap = list(zip((-sims[first]).tolist(), ii[first].tolist(), jj[first].tolist()))
    heapq.heapify(heap)
    label = list(range(n))
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or b not in nbr[a]:
            continue
        cur = nbr[a][b] / (size[a] * size[b])
        if cur < -neg - 1e-12:  # stale: sizes grew since it was pushed
            if cur >= threshold:
                heapq.heappush(heap, (-cur, a, b))
            continue
        if cur < threshold:
            continue
        keep, gone = (a, b) if (size[a], -a) >= (size[b], -b) else (b, a)
        alive[gone] = False
        label[gone] = keep
        del nbr[keep][gone]
        size[keep] += size[gone]
        # The merged cluster's average with a neighbour c is the size-weighted mean of its two
        # parts' averages with c. Where c neighboured only ``keep`` it fell, and the heap entry
        # of (keep, c) is still an upper bound: when popped it is found stale and re-pushed.
        # Only neighbours of ``gone`` can have risen (or be new), so only they are pushed.
        near, sk = nbr[keep], size[keep]
        for c, s in nbr[gone].items():
            if c == keep:
                continue
            near[c] = total = near.get(c, 0.0) + s
            nbr[c][keep] = total
            del nbr[c][gone]
            avg = total / (sk * size[c])
            if avg >= threshold:
                heapq.heappush(heap, (-avg, min(keep, c), max(keep, c)))
        nbr[gone] = {}

    def root(x: int) -> int:
        while label[x] != x:
            label[x] = label[label[x]]
            x = label[x]
        return x

    roots = [root(i) for i in range(n)]
    first: dict[int, int] = {}
    for i, r in enumerate(roots):
        first.setdefault(r, i)
    return [first[r] for r in roots]
