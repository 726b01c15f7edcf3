"""RSS and Atom feeds (``.rss``, ``.atom``, ``.xml``): one article per entry, via feedparser.

An entry's full ``content`` is used when the feed carries it, else its
``summary``. Feed HTML is already the article body (no page chrome), so it is
turned into paragraphs of text here rather than sent through the page extractor.
The entry's id (guid), link, published date, authors and the feed's title (as the
outlet) fill the article; a re-fetched feed upserts the same articles.

The file is parsed from bytes: feedparser never fetches anything.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import Errors, NewsprismError
from ..model import Article, Rejection, content_id
from .decode import read_bytes

_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
           "table", "tr", "section", "article", "figure", "figcaption", "hr"}
_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")


def looks_like_feed(head: bytes) -> bool:
    low = head[:4096].lower()
    return any(r in low for r in _ROOTS)


def html_to_text(fragment: str) -> str:
    """Paragraph text of an HTML fragment: block elements end lines; scripts and styles are dropped."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - unparsable markup: fall back to the raw string
        return fragment.strip()
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n\n" + (el.tail or "")
            if el.tag.lower() != "br":
                el.text = "\n\n" + (el.text or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paras, cur = [], []
    for line in lines:
        if line:
            cur.append(line)
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return "\n\n".join(paras)


def _body(entry: Any) -> str:
    """The entry's content (the longest part, when there are several), else its summary."""
    parts = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if parts:
        best = max(parts, key=lambda c: len(c.get("value") or ""))
        return html_to_text(best["value"]) if "html" in (best.get("type") or "html") else best["value"].strip()
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    return html_to_text(summary) if "html" in (detail.get("type") or "html") else summary.strip()


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", t)
    for key in ("published", "updated", "created"):
        if entry.get(key):
            return str(entry[key]).strip() or None
    return None


def _authors(entry: Any) -> list[str]:
    names = [a.get("name", "").strip() for a in entry.get("authors") or [] if a.get("name")]
    if not names and entry.get("author"):
        names = [entry["author"].strip()]
    return [n for n in dict.fromkeys(names) if n]


def read(path: Path, settings: Settings, stats: Counter[str] | None = None) -> Iterator[Article | Rejection]:
    import feedparser

    name = str(path)
    stats = stats if stats is not None else Counter()
    data = read_bytes(path, settings.max_decompressed_bytes)
    if not data.strip():
        raise NewsprismError(Errors.E102, input=name)
    if not looks_like_feed(data):
        raise NewsprismError(Errors.E119, input=name, reason="no <rss>, <feed> or <rdf:RDF> root element")
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        exc = parsed.get("bozo_exception")
        raise NewsprismError(Errors.E119, input=name, reason=f"{type(exc).__name__}: {exc}" if exc else "unparsable")
    if not parsed.entries:
        raise NewsprismError(Errors.E119, input=name, reason="the feed has no entries")
    if parsed.get("bozo"):
        # feedparser recovered entries from broken XML: keep them, but say so
        stats["feeds_malformed_recovered"] += 1
    feed = parsed.get("feed") or {}
    outlet = (feed.get("title") or "").strip() or None
    stats["feed_entries"] += len(parsed.entries)
    for n, entry in enumerate(parsed.entries, 1):
        where = f"{name}:{n}"
        text = _body(entry)
        if not text.strip():
            yield Rejection(input=where, reason=NewsprismError(Errors.E121, input=where).message, code="E121")
            continue
        if len(text.encode("utf-8")) > settings.max_document_bytes:
            yield Rejection(input=where, reason=Errors.E106.format(input=where, limit=settings.max_document_bytes),
                            code="E106")
            continue
        link = (entry.get("link") or "").strip() or None
        eid = (entry.get("id") or "").strip() or link or content_id(text)
        meta: dict[str, Any] = {"source_file": name, "feed_entry": n}
        if feed.get("link"):
            meta["feed_link"] = feed["link"]
        tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
        if tags:
            meta["tags"] = tags
        if entry.get("content") and entry.get("summary"):
            meta["summary"] = html_to_text(entry["summary"])
        yield Article(id=eid, input=where, raw_text=text, outlet=outlet,
                      title=(entry.get("title") or "").strip() or None, published=_date(entry),
                      authors=_authors(entry), url=link, metadata=meta)


read.takes_stats = True  # type: ignore[attr-defined]
