"""Collapse syndicated and near-duplicate copies.

Three kinds of evidence, all computed from the cleaned body:

* **exact**: a hash of the normalised text (lower case, words only), so copies that
  differ only in spacing, punctuation or case share ``content_hash``;
* **near duplicate**: MinHash signatures over word 5-shingles, banded for LSH
  (16 bands of 4 rows, so pairs above about 0.5 Jaccard become candidates),
  verified by the exact Jaccard of the shingle sets;
* **partial copy** (containment): a site that reposts a wire story inside its own
  framing carries most of the other text. Candidates come from an inverted index of
  sampled shingles ("anchors", one shingle in sixteen, chosen by hash so every copy
  samples the same ones); a pair is a copy when most of the shorter text's shingles
  are in the longer one.

Copy evidence is not transitive (two different articles that each carry the same wire
text both contain it), so a pair joins two groups only when the groups' longest members
are copies of each other as well. Copies form a group whose canonical version is the origin outlet when one member's
``origin`` names another member's outlet, else the earliest published, else the
smallest id. Every member gets ``canonical_id``; the canonical gets ``copies``.

The per-document part (:func:`fingerprint`) is a pure function of the text: ``Dedup.prepare``
runs it in the parallel document map, and the grouping runs where the stage runs.
Keys (hash, LSH bands, anchors) are persisted in the store so that a later run finds
copies of articles stored earlier without re-reading them all.

MinHash is computed with numpy over 64-bit token hashes rather than with
``datasketch.MinHash`` (``benchmarks/bench_scale.py`` measures both on the same texts).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

import numpy as np

from .model import Article
from .pipeline import Context, CorpusStage
from .words import ascii_words

_WORD = re.compile(r"\w+", re.UNICODE)

SHINGLE = 5
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
ANCHOR_EVERY = 16  # one shingle in sixteen becomes an anchor
#: Anchors kept in the store for later runs: a sub-sample (every one is also an in-run anchor).
STORED_ANCHOR_EVERY = 32
#: Near duplicate when the shingle sets' Jaccard similarity reaches this.
JACCARD = 0.7
#: Partial copy when this share of the shorter text's shingles is in the longer one.
CONTAINMENT = 0.8
#: Texts shorter than this many words are too generic to call copies (except exact ones).
MIN_WORDS = 40
#: An anchor shared by more documents than this is boilerplate, not evidence.
ANCHOR_MAX_DF = 20
#: Pairs whose anchors are too few for an estimate are always verified on their full sets.
MIN_SKETCH = 8

_rng = np.random.default_rng(20240601)  # fixed: signatures must be the same in every process
_A = (_rng.integers(1, 2**63 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_A32 = (_A >> np.uint64(32)).astype(np.uint32) | np.uint32(1)
_B32 = (_B >> np.uint64(32)).astype(np.uint32)
_MIX = np.uint64(0x9E3779B97F4A7C15)



class _TokenHashes(dict):  # type: ignore[type-arg]
    """token -> stable 64-bit hash, filled on first use (map(cache.__getitem__, ...) runs in C)."""

    def __missing__(self, t: str) -> int:
        h = int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
        self[t] = h
        return h


_token_cache = _TokenHashes()


def normalise_tokens(text: str) -> list[str]:
    """The lower-cased ``\\w+`` words of ``text``."""
    words = ascii_words(text)
    return words if words is not None else _WORD.findall(text.lower())


def normalised_hash(tokens: Sequence[str]) -> str:
    return hashlib.sha1(" ".join(tokens).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _token_hashes(tokens: Sequence[str]) -> np.ndarray:
    if len(_token_cache) > 2_000_000:  # bound memory on endless streams
        _token_cache.clear()
    return np.fromiter(map(_token_cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def shingle_hashes(tokens: Sequence[str], k: int = SHINGLE, unique: bool = True) -> np.ndarray:
    """64-bit hashes of the word k-shingles (one shingle for short texts); sorted and unique by default."""
    th = _token_hashes(tokens)
    if len(th) == 0:
        return th
    if len(th) < k:
        k = len(th)
    n = len(th) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h = (h * _MIX) ^ th[j:j + n]
            h ^= h >> np.uint64(29)
    return np.unique(h) if unique else h


def minhash(shingles: np.ndarray) -> np.ndarray:
    """A NUM_PERM MinHash signature over the shingles' top 32 bits.

    Each permutation is x -> (a*x + b) mod 2^32 with odd a (a bijection on 32-bit values);
    32-bit arithmetic is about three times faster than 64-bit here and collisions among a
    document's shingles are negligible.
    """
    if len(shingles) == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    x = (shingles >> np.uint64(32)).astype(np.uint32)
    out = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for i in range(0, len(x), 4096):  # bounded temporaries for long texts
            v = np.multiply.outer(_A32, x[i:i + 4096])
            v += _B32[:, None]
            np.minimum(out, v.min(axis=1), out=out)
    return out


def _key(tag: int, payload: bytes) -> int:
    """A signed 64-bit key (SQLite INTEGER) for a band or anchor."""
    d = hashlib.blake2b(payload, digest_size=8, person=b"np-dedup" + bytes([tag])).digest()
    return int.from_bytes(d, "little", signed=True)


@dataclass
class Fingerprint:
    """Everything dedup needs from one document; small, picklable, computed per document."""

    content_hash: str
    n_words: int
    hash_key: int = 0
    bands: list[int] = field(default_factory=list)
    anchors: list[int] = field(default_factory=list)

    def keys(self) -> list[int]:
        """The keys kept in the store: the hash, the bands and a sub-sample of the anchors."""
        if not self.anchors:
            return [self.hash_key] + self.bands
        a = np.array(self.anchors, dtype=np.int64)
        return [self.hash_key] + self.bands + a[a % STORED_ANCHOR_EVERY == 0].tolist()


def _flat(fps: Sequence[Fingerprint], name: str) -> tuple[np.ndarray, np.ndarray]:
    """The ``name`` lists (``bands`` or ``anchors``) of ``fps`` in one int64 array, and for each
    value the index of the fingerprint it came from."""
    sizes = np.fromiter((len(getattr(fp, name)) for fp in fps), dtype=np.int64, count=len(fps))
    values = np.fromiter(chain.from_iterable(getattr(fp, name) for fp in fps), dtype=np.int64,
                         count=int(sizes.sum()))
    return values, np.repeat(np.arange(len(fps), dtype=np.int64), sizes)


def stored_keys(fps: dict[str, Fingerprint]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every fingerprint's :meth:`Fingerprint.keys` at once, as arrays: ``(ids, keys, owner)``,
    where ``keys[i]`` belongs to ``ids[owner[i]]``. (One call per article cost a tenth of dedup.)"""
    ids = list(fps)
    fl = list(fps.values())
    hashes = np.fromiter((fp.hash_key for fp in fl), dtype=np.int64, count=len(fl))
    bands, band_owner = _flat(fl, "bands")
    anchors, anchor_owner = _flat(fl, "anchors")
    kept = anchors % STORED_ANCHOR_EVERY == 0
    keys = np.concatenate((hashes, bands, anchors[kept]))
    owner = np.concatenate((np.arange(len(fl), dtype=np.int64), band_owner, anchor_owner[kept]))
    return ids, keys, owner


def fingerprint(text: str, shingles: bool = True) -> tuple[Fingerprint, np.ndarray]:
    """The document's fingerprint and its shingle hashes (sorted and unique unless ``shingles`` is False)."""
    tokens = normalise_tokens(text)
    sh = shingle_hashes(tokens, unique=False)
    h = normalised_hash(tokens)
    fp = Fingerprint(content_hash=h, n_words=len(tokens), hash_key=_key(0, h.encode()))
    if len(tokens) >= MIN_WORDS:
        sig = minhash(sh)
        fp.bands = [_key(1 + b, sig[b * ROWS:(b + 1) * ROWS].tobytes()) for b in range(BANDS)]
        anchors = sh[(sh % np.uint64(ANCHOR_EVERY)) == 0].view(np.int64)  # signed, for SQLite
        fp.anchors = sorted(set(anchors.tolist()))
    return fp, (np.unique(sh) if shingles else sh)


def _top32(shingles: np.ndarray) -> np.ndarray:
    """The top 32 bits of shingle hashes: what copy verification compares (half the memory)."""
    return (shingles >> np.uint64(32)).astype(np.uint32)


def verify_set(text: str) -> np.ndarray:
    """Sorted unique top-32-bit shingle hashes of ``text``."""
    return np.unique(_top32(shingle_hashes(normalise_tokens(text), unique=False)))


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted unique arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def may_copy(a: Fingerprint, b: Fingerprint) -> bool:
    """Could the pair be a copy? A screen on the anchors before the exact shingle sets are built.

    Anchors are a consistent sample of each text's shingles (the same shingle is an anchor in
    every text that has it), so the share of the fewer anchors found in the other text
    estimates the containment, which is never below the Jaccard similarity. With ``k`` anchors
    its standard error is at most ``0.5 / sqrt(k)``; a pair is dropped only when the estimate
    is more than three of those below both thresholds. Most candidates from shared anchors
    are two articles quoting one statement, not copies: this leaves a few percent of them.
    """
    k = min(len(a.anchors), len(b.anchors))
    if k < MIN_SKETCH:
        return True
    shared = len(set(a.anchors).intersection(b.anchors))
    return shared / k >= min(JACCARD, CONTAINMENT) - 1.5 / k ** 0.5


def is_copy(a: np.ndarray, b: np.ndarray) -> str | None:
    """'near' or 'contained' when the two shingle sets make a copy pair, else None."""
    jac, cont = similarity(a, b)
    if jac >= JACCARD:
        return "near"
    if cont >= CONTAINMENT:
        return "contained"
    return None


def parse_day(value: str | None) -> int | None:
    """Days since 0001-01-01 for an ISO-ish date string, or None when it is not one."""
    if not value:
        return None
    s = value.strip()[:10]
    try:
        return date.fromisoformat(s).toordinal()
    except ValueError:
        pass
    import warnings

    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown time zone names: the day is still right
            return parser.parse(value, fuzzy=True).date().toordinal()
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None


def _norm_outlet(name: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "", (name or "").lower()).removeprefix("the")


def choose_canonical(members: Iterable[Article]) -> Article:
    """The origin outlet when a member names another's outlet as origin, else earliest, else smallest id."""
    members = list(members)
    origins = {_norm_outlet(a.origin) for a in members if a.origin}
    origins.discard("")

    def rank(a: Article) -> tuple[int, int, str]:
        is_origin = 0 if a.outlet and _norm_outlet(a.outlet) in origins else 1
        day = parse_day(a.published)
        return (is_origin, day if day is not None else 10**9, a.id)

    return min(members, key=rank)


def _group_pairs(keys: np.ndarray, docs: np.ndarray, n: int, max_size: int) -> np.ndarray:
    """Codes i*n+j (i<j) of document pairs sharing a key, over keys held by 2..max_size documents."""
    if len(keys) == 0:
        return np.zeros(0, np.int64)
    order = np.argsort(keys, kind="stable")  # the order within a key is free: pairs come out as (min, max)
    k, d = keys[order], docs[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, len(k)])
    out = [np.zeros(0, np.int64)]
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_size)]).tolist():
        st = starts[sizes == size]
        groups = d[st[:, None] + np.arange(size)[None, :]]  # one row per key
        ii, jj = np.triu_indices(size, 1)
        a, b = groups[:, ii].ravel(), groups[:, jj].ravel()
        keep = a != b
        lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        out.append(lo * n + hi)
    return np.concatenate(out)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        p = self.parent.setdefault(x, x)
        while p != self.parent[p]:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        self.parent[x] = p
        return p

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class _Shingles:
    """Sorted shingle sets, computed only for the documents a candidate pair needs."""

    def __init__(self, docs: dict[str, Article], raws: dict[str, np.ndarray]) -> None:
        self.docs = docs
        self.raws = raws
        self.cache: dict[str, np.ndarray] = {}

    def __getitem__(self, aid: str) -> np.ndarray:
        sh = self.cache.get(aid)
        if sh is None:
            raw = self.raws.pop(aid, None)
            # the sorted set replaces the raw hashes (it is never larger), so keeping every one
            # costs no more memory than the raws already held, and none is computed twice
            sh = np.unique(raw) if raw is not None else verify_set(self.docs[aid].text or "")
            self.cache[aid] = sh
        return sh


class Dedup(CorpusStage):
    """Find copies among this run's articles and against the store; mark the canonical of each group."""

    name = "dedup"
    requires = ("clean_text",)
    adds = ("content_hash", "canonical_id", "copies")
    version = "1"

    prepare_requires = ("clean_text",)

    def prepare(self, doc: Article) -> None:
        """The fingerprint of one article, computed in the parallel document map. Its shingle set
        is not kept: only articles in a candidate pair that passes :func:`may_copy` need one (a few
        percent of a corpus), and shipping every set back from the workers cost more than
        rebuilding those."""
        doc.scratch[self.name] = fingerprint(doc.text or "", shingles=False)[0]

    def run(self, docs: list[Article], ctx: Context) -> list[Article]:
        store = getattr(ctx, "store", None)
        fps: dict[str, Fingerprint] = {}
        raws: dict[str, np.ndarray] = {}
        by_id = {d.id: d for d in docs}
        for d in docs:
            fp = d.scratch.pop(self.name, None)  # prepared in the map: candidates' sets are rebuilt
            if fp is None:  # 32-bit and unsorted: only candidates' sets get sorted
                fp, raw = fingerprint(d.text or "", shingles=False)
                raws[d.id] = _top32(raw)
            d.content_hash = fp.content_hash
            fps[d.id] = fp
        shingles = _Shingles(by_id, raws)
        uf = _UnionFind()
        for d in docs:
            uf.find(d.id)

        # exact copies
        by_hash: dict[str, list[str]] = defaultdict(list)
        for d in docs:
            by_hash[fps[d.id].content_hash].append(d.id)
        for ids in by_hash.values():
            for other in ids[1:]:
                uf.union(ids[0], other)
                self.stats["exact_pairs"] += 1
        reps = [ids[0] for ids in by_hash.values()]

        # near duplicates (LSH) and partial copies (anchors), among one representative per hash
        pairs = self._candidate_pairs(reps, fps)
        self.stats["candidate_pairs"] += len(pairs)
        # Each group remembers its longest member. Copy evidence is not transitive: two different
        # articles that each carry the same wire text both contain it, but are not copies of each
        # other. So a pair that would join two groups through members other than both groups'
        # longest ones joins them only when those longest members are copies of each other too.
        longest: dict[str, str] = {uf.find(rid): rid for rid in reps}
        words = {aid: fp.n_words for aid, fp in fps.items()}

        def longer(x: str, y: str) -> str:
            return x if (words[x], y) > (words[y], x) else y

        for a, b in pairs:
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            if not may_copy(fps[a], fps[b]):
                self.stats["screened_out"] += 1
                continue
            kind = is_copy(shingles[a], shingles[b])
            if not kind:
                continue
            la, lb = longest.get(ra, a), longest.get(rb, b)
            if (la, lb) != (a, b) and not is_copy(shingles[la], shingles[lb]):
                self.stats["refused_joins"] += 1
                continue
            uf.union(a, b)
            longest[uf.find(a)] = longer(la, lb)
            self.stats[f"{kind}_pairs"] += 1

        # against articles stored by earlier runs
        stored: dict[str, Article] = {}
        if store is not None and hasattr(store, "dedup_lookup"):
            stored = self._match_store(store, docs, fps, shingles, uf)

        groups: dict[str, list[Article]] = defaultdict(list)
        for aid in list(by_id) + list(stored):
            groups[uf.find(aid)].append(by_id.get(aid) or stored[aid])
        changed_stored: list[Article] = []
        for members in groups.values():
            canon = choose_canonical(members)
            copies = sorted(m.id for m in members if m.id != canon.id)
            for m in members:
                before = (m.canonical_id, list(m.copies))
                m.canonical_id = canon.id
                m.copies = copies if m is canon else []
                if m.id in stored and (m.canonical_id, m.copies) != before:
                    changed_stored.append(m)
            if copies:
                self.stats["groups"] += 1
                self.stats["copies"] += len(copies)
        if store is not None and hasattr(store, "add_dedup_keys"):
            ids, keys, owner = stored_keys(fps)
            ctx.write(lambda s: s.add_dedup_keys(ids, keys, owner))
        self.stats["stored_updated"] += len(changed_stored)
        return docs + changed_stored

    @staticmethod
    def _candidate_pairs(reps: list[str], fps: dict[str, Fingerprint]) -> list[tuple[str, str]]:
        """Pairs in one LSH bucket, or sharing two or more uncommon anchors (vectorised grouping)."""
        if len(reps) < 2:
            return []
        n = len(reps)
        fl = [fps[rid] for rid in reps]
        codes_b = _group_pairs(*_flat(fl, "bands"), n, 200)
        codes_a = _group_pairs(*_flat(fl, "anchors"), n, ANCHOR_MAX_DF)
        ua, ca = np.unique(codes_a, return_counts=True)
        codes = np.union1d(np.unique(codes_b), ua[ca >= 2])
        return [(reps[int(c // n)], reps[int(c % n)]) for c in codes]

    def _match_store(self, store: Any, docs: list[Article], fps: dict[str, Fingerprint],
                     shingles: _Shingles, uf: _UnionFind) -> dict[str, Article]:
        """Union this run's articles with stored copies; return the stored members of touched groups."""
        if not store.dedup_any():
            return {}
        run_ids = {d.id for d in docs}
        key_to_docs: dict[int, list[str]] = defaultdict(list)
        for aid, fp in fps.items():
            for k in fp.keys():
                key_to_docs[k].append(aid)
        hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # run doc -> stored id -> n
        hash_keys = {fp.hash_key for fp in fps.values()}
        anchor_keys = {a for fp in fps.values() for a in fp.anchors}
        for key, sid in store.dedup_lookup(list(key_to_docs)):
            if sid in run_ids:
                continue
            weight = 100 if key in hash_keys else (1 if key in anchor_keys else 2)
            for aid in key_to_docs[key]:
                hits[aid][sid] += weight
        if not hits:
            return {}
        cand_ids = sorted({sid for h in hits.values() for sid, n in h.items() if n >= 2})
        found = {a.id: a for a in store.get_articles(cand_ids)}
        stored: dict[str, Article] = {}
        for aid, h in sorted(hits.items()):
            for sid, n in sorted(h.items()):
                other = found.get(sid)
                if other is None or n < 2:
                    continue
                if n >= 100:
                    kind: str | None = "exact"
                else:
                    kind = is_copy(shingles[aid], verify_set(other.text or ""))
                if kind:
                    self.stats[f"stored_{kind}_pairs"] += 1
                    uf.union(aid, sid)
                    stored[sid] = other
        # bring in the rest of each touched stored group, so the canonical is chosen over all of it
        canon_ids = {a.canonical_id or a.id for a in stored.values()}
        more = store.get_articles(sorted(canon_ids - set(stored)))
        for a in more:
            stored[a.id] = a
        extra: list[str] = []
        for a in list(stored.values()):
            extra.extend(c for c in a.copies if c not in stored and c not in run_ids)
        for a in store.get_articles(sorted(set(extra))):
            stored[a.id] = a
        for a in stored.values():
            uf.union(a.id, a.canonical_id or a.id)
        return stored
