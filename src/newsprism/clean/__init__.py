"""Cleaning: from scraped text (or extracted HTML) to the article body and its metadata.

* :class:`HtmlExtract` turns a saved page into text plus title, date, author and site name.
* :class:`Clean` classifies every line as body or a named kind of non-body
  (:data:`REASONS`) from its own features and its place in the text, recovers the
  headline, dek, date, byline, dateline, origin outlet, credits and captions, and
  keeps every removed line as an :class:`~newsprism.model.Segment` with its reason.
* :class:`Boilerplate` (a corpus stage) removes lines that repeat across many
  different articles of one site or of the whole run.
"""

from __future__ import annotations

from collections import Counter

from ..errors import Errors, NewsprismError
from ..model import Article, Segment
from ..pipeline import DocumentStage
from .boilerplate import Boilerplate
from .classify import Result, classify
from .html import HtmlExtract
from .meta import display_title
from .rules import REASONS

__all__ = ["REASONS", "Boilerplate", "Clean", "HtmlExtract", "Result", "classify", "clean_article"]


def clean_article(doc: Article) -> Result:
    """Classify ``doc.raw_text`` and fill the clean fields of ``doc``; returns the classification."""
    from_html = bool(doc.raw_html) and bool(doc.metadata.get("extracted_by"))
    res = classify(doc.raw_text, title=doc.title, description=doc.metadata.get("description"),
                   conservative=from_html)
    doc.clean_text = res.text
    doc.removed = [Segment(text=u.text, reason=u.kind, line=u.line) for u in res.removed]
    if doc.title is None and res.title:
        doc.title = res.title
    doc.dek = doc.dek or res.dek
    if doc.published is None and res.published:
        doc.published = res.published
        if res.published_time:
            doc.metadata["published_time"] = res.published_time
    if not doc.authors and res.authors:
        doc.authors = list(res.authors)
    doc.dateline = res.dateline
    doc.origin = res.origin
    if res.origin_from:
        doc.metadata["origin_from"] = res.origin_from
    doc.credits = list(res.credits)
    doc.captions = list(res.captions)
    for cap in doc.metadata.get("html_captions", []):
        if cap not in doc.captions:
            doc.captions.append(cap)
    if doc.outlet is None and res.origin and res.origin_from in ("licensing", "appeal"):
        # a syndication note or an outlet's own appeal names who made the text: the best label there is
        doc.outlet = res.origin
        doc.metadata["outlet_from"] = res.origin_from
    body = res.body
    if doc.title:
        doc.display_title = doc.title
    elif body:
        doc.display_title = display_title(body[0].text)
        doc.metadata["title_from"] = "lead"
    return res


class Clean(DocumentStage):
    name = "clean"
    requires = ("raw_text",)
    adds = ("clean_text", "removed", "display_title", "dek", "dateline", "origin", "credits", "captions")
    version = "3"

    def process(self, doc: Article) -> Article:
        if not doc.raw_text.strip():
            raise NewsprismError(Errors.E201, input=doc.input)
        res = clean_article(doc)
        if not doc.clean_text:
            kinds = Counter(u.kind for u in res.units)
            summary = ", ".join(f"{k} x{c}" for k, c in kinds.most_common())
            raise NewsprismError(Errors.E203, input=doc.input, kinds=summary)
        for u in res.removed:
            self.stats[f"removed_{u.kind}"] += 1
        self.stats["body_units"] += len(res.body)
        return doc
