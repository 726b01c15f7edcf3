"""Saved HTML pages: one article per file.

The reader only decodes; the ``html`` document stage (newsprism.clean.html)
extracts the main content and metadata with trafilatura, so that the costly
part runs inside whatever executor runs the stages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..config import Settings
from ..model import Article, content_id
from .decode import decode, read_bytes


def read(path: Path, settings: Settings) -> Iterator[Article]:
    name = str(path)
    html = decode(read_bytes(path, settings.max_document_bytes), name)
    yield Article(id=content_id(html, prefix="h"), input=name, raw_html=html)
