"""Plain text: one article per file, as scraped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..config import Settings
from ..model import Article, content_id
from .decode import decode, read_bytes


def read(path: Path, settings: Settings) -> Iterator[Article]:
    name = str(path)
    text = decode(read_bytes(path, settings.max_document_bytes), name)
    yield Article(id=content_id(text), input=name, raw_text=text)
