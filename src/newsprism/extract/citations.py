"""Citations: the outlets and agencies an article relies on, and a citation graph across articles.

Patterns: "OUTLET reported/wrote/said/first reported", "according to OUTLET",
"told OUTLET", "confirmed to OUTLET", "cited by OUTLET", "OUTLET contributed
reporting" (and the article's ``credits``), plus generic sources such as
"multiple outlets". "The Post" / "the outlet" refer back to the last outlet
named. An article never cites its own outlet (its name in an appeal or a
copyright line is not a citation).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ..model import Citation
from . import gazetteer as gz
from .entities import slug

_ALIASES = sorted(((a, canon) for canon, al in gz.OUTLETS.items() for a in (canon, *al)), key=lambda p: -len(p[0]))
_SHORT = {"the Times", "the Post", "the Journal", "AP", "RIA", "FT", "ABC", "NBC", "CBS", "Spiegel", "Time magazine"}
_OUTLET_RE = re.compile(
    r"(?<![\w-])(?:[Tt]he\s+)?(?P<name>" + "|".join(re.escape(a.removeprefix("the ")) for a, _ in _ALIASES) + r")(?![\w-])"
)
_BACKREF = re.compile(r"\b[Tt]he (?:outlet|newspaper|paper|network|agency|news agency|broadcaster|magazine)\b")
_VERB_AFTER = re.compile(r"(?:’s|'s)?\s*(?:,[^,]{0,60},\s*)?(?:has |had |also |first |previously |earlier |"
                         r"exclusively |later )?(?P<verb>reported|reports|wrote|writes|said|says|noted|revealed|"
                         r"published|cited|learned|obtained|confirmed|contributed reporting|contributed to this "
                         r"report|broke the news|was first to report|reporting)\b")
_BEFORE = re.compile(r"(?P<verb>according to|told|confirmed to|cited by|citing|reported by|as reported by|"
                     r"in an interview with|speaking to|spoke to|said to|quoted by|via|per|report(?:ed)? in|"
                     r"reports? (?:from|by|in)|(?:interview|report|story|article|investigation) (?:with|by|in))"
                     r"\s+(?:the\s+)?$", re.I)
_GENERIC = re.compile(r"\b(?:according to |reported by |cited by )?(?P<src>" + "|".join(map(re.escape, gz.GENERIC_SOURCES))
                      + r")\b", re.I)
_CREDIT = re.compile(r"(?P<who>.+?)\s+contributed (?:reporting|to this report)", re.I)


_LOOKUP: dict[str, str] = {}
for _a, _c in reversed(_ALIASES):
    _LOOKUP[_a.removeprefix("the ")] = _c


def outlet_name(surface: str) -> str | None:
    return _LOOKUP.get(surface.strip().removeprefix("The ").removeprefix("the "))


def _sentence_of(spans: Sequence[tuple[int, int]], pos: int, text: str) -> str:
    for s, e in spans:
        if s <= pos < e:
            return text[s:e]
    return text[max(0, pos - 80): pos + 80]


def extract_citations(text: str, sentence_spans: Sequence[tuple[int, int]] = (), own_outlet: str | None = None,
                      credits: Iterable[str] = ()) -> list[Citation]:
    own = {slug(own_outlet), slug(outlet_name(own_outlet) or own_outlet)} if own_outlet else set()
    out: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    last_outlet: str | None = None

    def add(source: str, pos: int, kind: str) -> None:
        if slug(source) in own:
            return
        sent = _sentence_of(sentence_spans, pos, text).strip()
        if (source, sent) in seen:
            return
        seen.add((source, sent))
        out.append(Citation(source=source, text=sent, kind=kind))

    events: list[tuple[int, int, str | None, str]] = []  # start, end, canon (None: back-reference), surface
    for m in _OUTLET_RE.finditer(text):
        name = m.group("name")
        if name in {"Spiegel", "Time magazine", "RIA", "ABC", "NBC", "CBS"} and not _VERB_AFTER.match(text, m.end()) \
                and not _BEFORE.search(text[max(0, m.start() - 40):m.start()]):
            continue
        if name in {"the Times", "the Post", "the Journal"} or (name.startswith(("Times", "Post", "Journal"))
                                                                and len(name) < 8):
            events.append((m.start(), m.end(), None, name))
            continue
        events.append((m.start(), m.end(), outlet_name(name), name))
    for m in _BACKREF.finditer(text):
        events.append((m.start(), m.end(), None, m.group(0)))
    events.sort()
    for start, end, canon, surface in events:
        if canon is None:
            if last_outlet is None:
                continue
            if surface.lower().endswith(("post", "times", "journal")) and not slug(last_outlet).endswith(
                    surface.lower().split()[-1]):
                continue
            canon = last_outlet
        if slug(canon) in own:
            continue
        last_outlet = canon
        after = _VERB_AFTER.match(text, end)
        before = _BEFORE.search(text[max(0, start - 40):start])
        if after and "contributed" in after.group("verb"):
            add(canon, start, "credit")
        elif before and before.group("verb").lower().startswith("according"):
            add(canon, start, "according_to")
        elif after or before:
            add(canon, start, "reported")
    for m in _GENERIC.finditer(text):
        add("multiple outlets" if "multiple" in m.group("src").lower() or "several" in m.group("src").lower()
            else m.group("src").lower(), m.start(), "generic")
    for credit in credits:
        cm = _CREDIT.match(credit.strip())
        names = re.split(r",\s*|\s+and\s+", cm.group("who")) if cm else [credit]
        for n in names:
            canon = outlet_name(n.strip())
            if canon and slug(canon) not in own and (canon, credit.strip()) not in seen:
                seen.add((canon, credit.strip()))
                out.append(Citation(source=canon, text=credit.strip(), kind="credit"))
    return out


def citation_graph(articles: Iterable[object]) -> dict[str, object]:
    """Nodes (citing outlets and cited sources) and weighted edges, for a corpus or a story.

    Returns ``{"nodes": [{"id", "kind", "articles"}], "edges": [{"source", "target", "weight", "articles"}]}``
    where an edge goes from the citing article's outlet (or its label) to the cited source.
    """
    edges: Counter[tuple[str, str]] = Counter()
    edge_articles: dict[tuple[str, str], list[str]] = {}
    nodes: dict[str, dict[str, object]] = {}
    for a in articles:
        citing = getattr(a, "outlet", None) or getattr(a, "label", None) or getattr(a, "id", "?")
        nodes.setdefault(citing, {"id": citing, "kind": "outlet", "articles": 0})
        nodes[citing]["articles"] = int(nodes[citing]["articles"]) + 1  # type: ignore[arg-type]
        for source in sorted({c.source for c in getattr(a, "citations", []) or []}):
            nodes.setdefault(source, {"id": source, "kind": "source", "articles": 0})
            edges[(citing, source)] += 1
            edge_articles.setdefault((citing, source), []).append(a.id)  # type: ignore[attr-defined]
    return {
        "nodes": list(nodes.values()),
        "edges": [{"source": s, "target": t, "weight": w, "articles": edge_articles[(s, t)]}
                  for (s, t), w in sorted(edges.items())],
    }
