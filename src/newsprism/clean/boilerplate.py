"""Cross-document boilerplate: lines that repeat across many *different* articles.

Large web-corpus pipelines drop lines that recur across the pages of one site
("Share this article", a newsletter blurb, a standing appeal). The catch for
news is syndication: five outlets printing the same wire story share every
paragraph, and those paragraphs are the article. So a line counts as
boilerplate only when the articles it appears in are different articles: first
we count the distinct *content fingerprints* (the longest paragraph) of the
articles holding it; for the lines that pass, we then look for k holders that
pairwise share less than half of their paragraphs (updated versions of one
story share most of theirs).

Only small per-article records are needed: one 8-byte hash per paragraph.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from urllib.parse import urlsplit

from ..model import Article, Segment
from ..pipeline import Context, CorpusStage
from .lines import key


def _h(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def site_of(doc: Article) -> str | None:
    """The site an article belongs to: its outlet, else its URL's host."""
    if doc.outlet:
        return "outlet:" + doc.outlet.casefold().strip()
    if doc.url:
        host = urlsplit(doc.url).hostname
        if host:
            return "host:" + host.removeprefix("www.")
    return None


class Boilerplate(CorpusStage):
    """Remove body paragraphs repeated across distinct articles of one site (or of the whole run)."""

    name = "boilerplate"
    requires = ("clean_text", "removed")
    adds = ("clean_text", "removed")
    version = "1"

    def __init__(self, min_site_docs: int = 3, min_corpus_docs: int = 10, corpus_share: float = 0.002,
                 max_words: int = 120, long_words: int = 25) -> None:
        super().__init__()
        self.min_site_docs = min_site_docs
        self.min_corpus_docs = min_corpus_docs
        self.corpus_share = corpus_share
        self.max_words = max_words
        self.long_words = long_words

    def run(self, docs: list[Article], ctx: Context | None = None) -> list[Article]:
        corpus_k = max(self.min_corpus_docs, math.ceil(self.corpus_share * len(docs)))
        site_k = self.min_site_docs
        # pass 1, cheap: per (scope, line hash) the distinct fingerprints (longest paragraph) of the
        # articles holding it, capped at the threshold. Scope is a site, or None for the whole run.
        fps: dict[tuple[str | None, bytes], set[bytes]] = defaultdict(set)
        records: list[tuple[list[str], list[bytes], str | None]] = []
        long_line: dict[bytes, bool] = {}
        for doc in docs:
            paras = [p for p in (doc.clean_text or "").split("\n\n") if p.strip()]
            keys = [key(p) for p in paras]
            hashes = [_h(k) for k in keys]
            site = site_of(doc)
            records.append((paras, hashes, site))
            if len(paras) < 2:
                continue
            fp = hashes[max(range(len(paras)), key=lambda i: len(keys[i]))]
            for p, h in zip(paras, hashes, strict=True):
                words = len(p.split())
                if words > self.max_words:
                    continue
                if words > self.long_words:
                    long_line[h] = True
                for scope, k in ((None, corpus_k), (site, site_k)):
                    if scope is None and k is site_k:
                        continue
                    seen = fps[(scope, h)]
                    if len(seen) < k:
                        seen.add(fp)
        candidates = {sk for sk, seen in fps.items() if len(seen) >= (corpus_k if sk[0] is None else site_k)}
        del fps
        # pass 2, for candidates only: are there k articles holding the line that are different
        # articles (share under half their paragraphs)? Edited versions of one story are not.
        holders: dict[tuple[str | None, bytes], list[int]] = defaultdict(list)
        for di, (paras, hashes, site) in enumerate(records):
            for h in set(hashes):
                for sk in ((None, h), (site, h)):
                    if sk in candidates and len(holders[sk]) < 24 * (corpus_k if sk[0] is None else site_k):
                        holders[sk].append(di)
        sets = {}
        boiler: set[tuple[str | None, bytes]] = set()
        for sk, members in holders.items():
            k = corpus_k if sk[0] is None else site_k
            if long_line.get(sk[1]):
                k *= 3  # a long paragraph repeated across stories is more often background than chrome
            chosen: list[frozenset[bytes]] = []
            for di in members:
                hs = sets.get(di)
                if hs is None:
                    hs = sets[di] = frozenset(records[di][1])
                if all(len(hs & c) / len(hs | c) < 0.5 for c in chosen):
                    chosen.append(hs)
                    if len(chosen) >= k:
                        boiler.add(sk)
                        break
        for doc, (paras, hashes, site) in zip(docs, records, strict=True):
            if len(paras) < 2:
                continue
            drop = [i for i, h in enumerate(hashes) if (None, h) in boiler or (site is not None and (site, h) in boiler)]
            if not drop or len(drop) == len(paras):
                continue  # never empty an article on repetition evidence alone
            gone = set(drop)
            doc.clean_text = "\n\n".join(p for i, p in enumerate(paras) if i not in gone)
            doc.removed = list(doc.removed) + [Segment(text=paras[i], reason="boilerplate") for i in drop]
            self.stats["removed_lines"] += len(drop)
            self.stats["articles_changed"] += 1
        self.stats["boilerplate_lines"] += len(boiler)
        return docs
