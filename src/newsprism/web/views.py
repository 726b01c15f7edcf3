"""Pure helpers that shape store data for the templates: framing highlights, the fact matrix,
the coverage timeline. They return plain data; the templates escape every piece of text."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from ..model import Article, Story

#: Why the cleaner removes a kind of segment, shown next to removed boilerplate.
REASON_HELP = {
    "caption": "a photo or video caption, not part of the report",
    "widget": "a page widget (reactions, share buttons, polls)",
    "counter": "a view, like or comment counter",
    "bio": "an author biography of the reposting site",
    "address": "a placeholder or street address from the page template",
    "appeal": "a donation or subscription appeal",
    "licensing": "a syndication or licensing note",
    "embed": "an embedded social media post",
    "credit": "a reporting credit line (kept in the article's credits)",
    "navigation": "site navigation or a link list",
    "duplicate": "a repeated line (headline or paragraph shown twice)",
    "repeated": "a line that repeats across many documents of the same site",
    "boilerplate": "text that repeats across many documents of the same site",
    "email": "an (obfuscated) e-mail address",
    "byline": "the byline (kept in the article's authors)",
    "dateline": "the dateline (kept in the article's dateline)",
    "headline": "the headline (kept as the article's title)",
    "dek": "the subheading (kept as the article's dek)",
}


def reason_help(reason: str) -> str:
    """Why a kind of segment was removed: the cleaner's own explanation when it has one."""
    try:
        from .. import clean

        reasons = getattr(clean, "REASONS", None)
    except Exception:  # noqa: BLE001 - an explanation is never worth a failed page
        reasons = None
    if isinstance(reasons, dict) and isinstance(reasons.get(reason), str):
        return reasons[reason]
    return REASON_HELP.get(reason, "classified by the cleaner as not part of the article body")


def paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def framing_flags(story: Story | None, article: Article) -> list[dict[str, Any]]:
    """The framing flags for one article: the story's comparison first, else the article's own."""
    flags: list[dict[str, Any]] = []
    if story is not None:
        flags = [dict(f) for f in story.framing if f.get("article_id") == article.id and f.get("phrase")]
    if not flags:
        flags = [{"phrase": f.phrase, "kind": f.kind, "explanation": f.explanation, "neutral": f.neutral,
                  "in_title": f.in_title} for f in article.framing if f.phrase]
    seen: set[tuple[str, str]] = set()
    out = []
    for f in flags:
        key = (str(f["phrase"]).lower(), str(f.get("kind", "")))
        if key not in seen:
            seen.add(key)
            out.append(f)
    for n, f in enumerate(out, 1):
        f["n"] = n
    return out


def highlight(text: str, flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split ``text`` into segments, marking each occurrence of a flagged phrase.

    Returns ``[{"text": str, "flag": dict | None}]``; the template escapes each text.
    """
    if not flags or not text:
        return [{"text": text, "flag": None}]
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for f in sorted(flags, key=lambda f: -len(str(f["phrase"]))):
        phrase = str(f["phrase"]).strip()
        if not phrase:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)
        for m in pattern.finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _ in spans):
                spans.append((m.start(), m.end(), f))
    spans.sort(key=lambda s: s[0])
    out: list[dict[str, Any]] = []
    pos = 0
    for s, e, f in spans:
        if s > pos:
            out.append({"text": text[pos:s], "flag": None})
        out.append({"text": text[s:e], "flag": f})
        pos = e
    if pos < len(text):
        out.append({"text": text[pos:], "flag": None})
    return out


def split_marks(snippet: str) -> list[dict[str, Any]]:
    """A search snippet with U+E000/U+E001 marks -> segments ``{"text", "hit"}``."""
    out = []
    for i, part in enumerate(re.split("[\ue000\ue001]", snippet or "")):
        if part:
            out.append({"text": part, "hit": i % 2 == 1})
    return out


def plain_snippet(snippet: str) -> str:
    return (snippet or "").replace("\ue000", "[").replace("\ue001", "]")


def fact_matrix(story: Story, articles: list[Article]) -> list[dict[str, Any]]:
    """One row per fact, one cell per article: reported, omitted, or unknown."""
    rows = []
    for fact in story.facts:
        supported = set(fact.get("supported_by") or [])
        omitted = set(fact.get("omitted_by") or [])
        cells = []
        for a in articles:
            if a.id in supported:
                cells.append("reported")
            elif a.id in omitted:
                cells.append("omitted")
            else:
                cells.append("unknown")
        rows.append({"text": str(fact.get("text") or ""), "cells": cells, "kind": str(fact.get("kind") or ""),
                     "n": sum(1 for c in cells if c == "reported"),
                     "shared": len(supported) == len(articles) and bool(articles)})
    return rows


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            d = datetime.strptime(value[:10], "%Y-%m-%d")
        except ValueError:
            return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def timeline(articles: list[Article], width: int = 760) -> dict[str, Any]:
    """Coordinates for the server-rendered SVG coverage chart: one row per outlet, a dot per article."""
    left, right, row_h, top = 190, 24, 28, 16
    dated = [(a, _when(a.published)) for a in articles]
    points = [(a, t) for a, t in dated if t is not None]
    undated = [a for a, t in dated if t is None]
    outlets: list[str] = []
    for a, _ in sorted(points, key=lambda p: p[1]):
        if a.label not in outlets:
            outlets.append(a.label)
    if not points:
        return {"rows": [], "ticks": [], "width": width, "height": 0, "undated": undated}
    tmin = min(t for _, t in points)
    tmax = max(t for _, t in points)
    span = (tmax - tmin).total_seconds()
    plot = width - left - right

    def x_of(t: datetime) -> float:
        return round(left + (plot / 2 if span == 0 else (t - tmin).total_seconds() / span * plot), 1)

    rows = []
    for i, outlet in enumerate(outlets):
        y = top + i * row_h + row_h / 2
        dots = [{"x": x_of(t), "y": y, "id": a.id, "label": f"{a.label} · {a.published}",
                 "title": a.title or a.display_title or ""}
                for a, t in points if a.label == outlet]
        rows.append({"outlet": outlet, "y": y, "dots": dots})
    height = top + len(outlets) * row_h + 28
    fmt = "%Y-%m-%d %H:%M" if span and span < 3 * 86400 and any(
        "T" in (a.published or "") for a, _ in points) else "%Y-%m-%d"
    ticks = [{"x": x_of(tmin), "label": tmin.strftime(fmt), "anchor": "start" if span else "middle"}]
    if span:
        ticks.append({"x": x_of(tmax), "label": tmax.strftime(fmt), "anchor": "end"})
    return {"rows": rows, "ticks": ticks, "width": width, "height": height, "axis_y": height - 20,
            "left": left, "right": width - right, "undated": undated}
