"""The ``html`` stage: main content and metadata of a saved page, via trafilatura."""

from __future__ import annotations

from ..errors import Errors, NewsprismError
from ..model import Article
from ..pipeline import DocumentStage


#: trafilatura's modes. Which one HtmlExtract uses is chosen by benchmarks/eval_extraction.py.
MODES = ("default", "precision", "recall")


def extract_html(html: str, url: str | None = None, mode: str = "precision") -> dict:
    """Return trafilatura's main text and metadata for one page ({} when nothing is found)."""
    import trafilatura  # lazily: importing it costs ~0.3 s

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=mode == "precision", favor_recall=mode == "recall", deduplicate=False,
    )
    if doc is None:
        return {}
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return d


def figure_captions(html: str, limit: int = 50) -> list[str]:
    """Text of the page's ``<figcaption>`` elements (the extractor drops them from the body)."""
    import lxml.html  # a dependency of trafilatura

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, TypeError, lxml.etree.ParserError):  # type: ignore[attr-defined]
        return []
    out: list[str] = []
    for el in tree.iter("figcaption"):
        text = " ".join(el.text_content().split())
        if text and text not in out:
            out.append(text)
        if len(out) >= limit:
            break
    return out


class HtmlExtract(DocumentStage):
    """Turn ``raw_html`` into ``raw_text`` plus title, date, authors and site name."""

    name = "html"
    requires = ("raw_html",)
    adds = ("raw_text", "title", "published", "authors", "outlet")
    version = "2"

    def __init__(self, mode: str = "precision") -> None:
        super().__init__()
        self.mode = mode

    def process(self, doc: Article) -> Article:
        if not doc.raw_html or doc.raw_text.strip():
            return doc
        self.stats["pages"] += 1
        d = extract_html(doc.raw_html, doc.url, self.mode)
        text = (d.get("text") or "").strip()
        if not text:
            raise NewsprismError(Errors.E108, input=doc.input)
        doc.raw_text = text
        doc.metadata["extracted_by"] = f"trafilatura:{self.mode}"
        doc.title = doc.title or d.get("title") or None
        doc.published = doc.published or d.get("date") or None
        if not doc.authors and d.get("author"):
            doc.authors = [a.strip() for a in str(d["author"]).split(";") if a.strip()]
        doc.outlet = doc.outlet or d.get("sitename") or None
        doc.url = doc.url or d.get("url") or None
        caps = figure_captions(doc.raw_html)
        if caps:
            doc.metadata["html_captions"] = caps
        if d.get("description"):
            doc.metadata.setdefault("description", d["description"])
        return doc
