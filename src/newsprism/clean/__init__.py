"""Cleaning: from scraped text (or extracted HTML) to the article body.

Issue #3 replaces the minimal line cleaner below with the classifier of
non-body segments; the stage contract (requires/adds) stays as it is.
"""

from __future__ import annotations

import re

from ..errors import Errors, NewsprismError
from ..model import Article
from ..pipeline import DocumentStage
from .html import HtmlExtract

__all__ = ["Clean", "HtmlExtract"]

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


class Clean(DocumentStage):
    name = "clean"
    requires = ("raw_text",)
    adds = ("clean_text", "removed", "display_title")

    def process(self, doc: Article) -> Article:
        lines = [_WS.sub(" ", ln).strip() for ln in doc.raw_text.split("\n")]
        body = [ln for ln in lines if ln]
        if not body:
            raise NewsprismError(Errors.E201, input=doc.input)
        doc.clean_text = "\n\n".join(body)
        doc.display_title = doc.title or body[0][:120]
        return doc
