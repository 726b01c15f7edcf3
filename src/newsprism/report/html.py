"""Render report.html from the report dict. Jinja2 with autoescaping on, always."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def environment():  # noqa: ANN201
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("newsprism.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _with_segments(report: dict[str, Any]) -> dict[str, Any]:
    """A view of the report whose articles carry their title and body split into plain and
    flagged segments, so the template can highlight framing without building markup from text."""
    from ..framing import segments

    stories = []
    for s in report.get("stories", []):
        arts = []
        for a in s.get("articles", []):
            title = a.get("title") or a.get("display_title") or ""
            paras = [p for p in (a.get("clean_text") or "").split("\n\n")]
            arts.append({**a, "title_segments": segments(title, title=True) if title else [],
                         "body_segments": [segments(p) for p in paras]})
        labels = {a["id"]: (a.get("outlet") or a.get("input", "").rsplit("/", 1)[-1] or a["id"]) for a in arts}
        stories.append({**s, "articles": arts, "labels": labels})
    return {**report, "stories": stories}


def render_html(report: dict[str, Any]) -> str:
    return environment().get_template("report.html.j2").render(report=_with_segments(report))
