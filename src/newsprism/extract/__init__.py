"""Extract the facts of each article: sentences, entities, quantities, dates, quotes and citations.

One document stage, :class:`Extract`, composed of small rule-based modules
(no statistical model, nothing downloaded): ``sentences``, ``entities``
(+ ``gazetteer``), ``quantities``, ``dates``, ``quotes`` and ``citations``.
"""

from __future__ import annotations

from ..errors import Errors, NewsprismError
from ..model import Article
from ..pipeline import DocumentStage
from .citations import citation_graph, extract_citations
from .dates import extract_dates
from .entities import extract_entities, link_story_entities
from .quantities import extract_quantities
from .quotes import find_attributions, to_quotes
from .sentences import split_sentences

__all__ = ["Extract", "citation_graph", "link_story_entities", "extract_article"]

#: Texts longer than this are cut before extraction (rules are linear, but a 50 MB "article" is not one).
MAX_CHARS = 400_000


def extract_article(doc: Article) -> Article:
    text = doc.clean_text if doc.clean_text is not None else doc.raw_text
    if not isinstance(text, str):
        raise NewsprismError(Errors.E401, input=doc.input, reason=f"text is {type(text).__name__}, not str")
    text = text[:MAX_CHARS]
    spans = split_sentences(text)
    doc.sentences = [text[s:e] for s, e in spans]
    index = extract_entities(text, spans)
    doc.entities = index.entities
    doc.dates, date_spans = extract_dates(text, doc.published, spans)
    doc.quantities = extract_quantities(text, date_spans, spans)
    doc.quotes = to_quotes(text, find_attributions(text, spans, index), spans)
    doc.citations = extract_citations(text, spans, own_outlet=doc.outlet, credits=doc.credits)
    return doc


class Extract(DocumentStage):
    """Entities, quantities, dates, quotes (with speakers) and citations of one article."""

    name = "extract"
    requires = ("clean_text",)
    adds = ("sentences", "entities", "quantities", "dates", "quotes", "citations")
    version = "1"

    def process(self, doc: Article) -> Article:
        extract_article(doc)
        self.stats["quotes"] += len(doc.quotes)
        self.stats["citations"] += len(doc.citations)
        self.stats["entities"] += len(doc.entities)
        return doc
