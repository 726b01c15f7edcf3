"""Cross-document boilerplate: lines that repeat across many *different* articles.

Large web-corpus pipelines drop lines that recur across the pages of one site
("Share this article", a newsletter blurb, a standing appeal). The catch for
news is syndication: five outlets printing the same wire story share every
paragraph, and those paragraphs are the article. So a line counts as
boilerplate only when the articles it appears in are different articles: we
count the distinct *content fingerprints* (the longest and the second-longest
paragraph) of the articles holding it, not the articles themselves.

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
                 max_words: int = 120) -> None:
        super().__init__()
        self.min_site_docs = min_site_docs
        self.min_corpus_docs = min_corpus_docs
        self.corpus_share = corpus_share
        self.max_words = max_words

    def run(self, docs: list[Article], ctx: Context | None = None) -> list[Article]:
        corpus_k = max(self.min_corpus_docs, math.ceil(self.corpus_share * len(docs)))
        site_k = self.min_site_docs
        # (site, line hash) -> distinct fingerprints, capped at what the threshold needs
        by_site: dict[tuple[str, bytes], tuple[set[bytes], set[bytes]]] = defaultdict(lambda: (set(), set()))
        by_corpus: dict[bytes, tuple[set[bytes], set[bytes]]] = defaultdict(lambda: (set(), set()))
        records = []
        for doc in docs:
            paras = [p for p in (doc.clean_text or "").split("\n\n") if p.strip()]
            keys = [key(p) for p in paras]
            hashes = [_h(k) for k in keys]
            if len(paras) < 2:
                records.append((paras, hashes, None))
                continue
            order = sorted(range(len(paras)), key=lambda i: (-len(keys[i]), i))
            fp1, fp2 = hashes[order[0]], hashes[order[1]]  # the two longest paragraphs
            site = site_of(doc)
            records.append((paras, hashes, site))
            for p, h in zip(paras, hashes, strict=True):
                if len(p.split()) > self.max_words:
                    continue
                leads, longs = by_corpus[h]
                if len(leads) < corpus_k:
                    leads.add(fp1)
                if len(longs) < corpus_k:
                    longs.add(fp2)
                if site is not None:
                    leads, longs = by_site[(site, h)]
                    if len(leads) < site_k:
                        leads.add(fp1)
                    if len(longs) < site_k:
                        longs.add(fp2)
        for doc, (paras, hashes, site) in zip(docs, records, strict=True):
            if len(paras) < 2:
                continue
            drop = []
            for i, h in enumerate(hashes):
                c = by_corpus.get(h)
                hit = c is not None and min(len(c[0]), len(c[1])) >= corpus_k
                if not hit and site is not None:
                    s = by_site.get((site, h))
                    hit = s is not None and min(len(s[0]), len(s[1])) >= site_k
                if hit:
                    drop.append(i)
            if not drop or len(drop) == len(paras):
                continue  # never empty an article on repetition evidence alone
            gone = set(drop)
            doc.clean_text = "\n\n".join(p for i, p in enumerate(paras) if i not in gone)
            doc.removed = list(doc.removed) + [Segment(text=paras[i], reason="boilerplate") for i in drop]
            self.stats["removed_lines"] += len(drop)
            self.stats["articles_changed"] += 1
        return docs
