"""report.json (a public format) and report.html (a static, escaped page)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import REPORT_VERSION, Article, Rejection, Story, to_dict

if TYPE_CHECKING:
    from ..analyze import RunResult
    from ..store import Store

#: Per-article keys beyond the stable core that later stages add when present.
_ARTICLE_EXTRA = (
    "url", "authors", "display_title", "dek", "dateline", "origin", "credits", "captions",
    "canonical_id", "copies", "entities", "quantities", "dates", "quotes", "citations", "framing",
    "framing_profile",
)
_STORY_EXTRA = ("first_seen", "last_seen", "facts", "conflicts", "quote_differences", "framing", "summary")


def article_json(a: Article) -> dict[str, Any]:
    d = to_dict(a)
    out: dict[str, Any] = {
        "id": a.id,
        "input": a.input,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published,
        "clean_text": a.clean_text,
        "removed": [{"text": s["text"], "reason": s["reason"]} for s in d["removed"]],
    }
    for key in _ARTICLE_EXTRA:
        out[key] = d[key]
    if a.metadata.get("also_input"):
        out["also_input"] = a.metadata["also_input"]
    return out


def story_json(s: Story, articles: list[Article]) -> dict[str, Any]:
    d = to_dict(s)
    arts = [article_json(a) for a in articles]
    by_id = {a.id: a for a in articles}
    for a, j in zip(articles, arts):
        # syndicated copies stay visible: the canonical lists who else ran it, each copy points back
        j["also_published_by"] = []
        j["copy_of"] = None
        if a.copies:
            j["also_published_by"] = [
                {"id": c, "outlet": by_id[c].outlet if c in by_id else None,
                 "url": by_id[c].url if c in by_id else None, "published": by_id[c].published if c in by_id else None}
                for c in a.copies]
        if a.canonical_id and a.canonical_id != a.id:
            j["copy_of"] = a.canonical_id
    out: dict[str, Any] = {"id": s.id, "title": s.title, "articles": arts}
    for key in _STORY_EXTRA:
        out[key] = d[key]
    return out


def build_report(stories: list[tuple[Story, list[Article]]], rejected: list[Rejection],
                 stats: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "stories": [story_json(s, arts) for s, arts in stories],
        "rejected": [{"input": r.input, "reason": r.reason, "code": r.code, "stage": r.stage} for r in rejected],
        "stats": stats or {},
        "citation_graph": _citation_graph([a for _, arts in stories for a in arts]),
    }


def _citation_graph(articles: list[Article]) -> dict[str, Any]:
    """Which outlets the reported articles rely on (see newsprism.extract.citations.citation_graph)."""
    from ..extract.citations import citation_graph

    return citation_graph(articles)


def _story_order(s: Story) -> tuple[int, str, str]:
    return (-len(s.article_ids), s.last_seen or "", s.id)


def write_reports(out: Path, result: RunResult, store: Store) -> list[str]:
    """Write ``report.json`` and ``report.html`` for the stories a run touched."""
    from .html import render_html

    out.mkdir(parents=True, exist_ok=True)
    stories = sorted(result.stories, key=_story_order)
    pairs = [(s, store.get_articles(s.article_ids)) for s in stories]
    report = build_report(pairs, result.rejected, result.stats)
    json_path = out / "report.json"
    html_path = out / "report.html"
    tmp = json_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(json_path)
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(render_html(report), encoding="utf-8")
    tmp.replace(html_path)
    return [str(json_path), str(html_path)]
