"""Response models of the JSON API: they document it in the OpenAPI schema."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code, documented in docs/errors.md (E6xx).")
    message: str
    status: int
    details: Optional[list[dict[str, Any]]] = None


class ErrorOut(BaseModel):
    error: ErrorDetail


class Page(BaseModel):
    total: int = Field(description="How many items match in all.")
    page: int
    per_page: int
    pages: int


class StorySummary(BaseModel):
    id: str
    title: Optional[str] = None
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    n_articles: int
    outlets: list[str] = []


class StoryList(Page):
    items: list[StorySummary]


class Segment(BaseModel):
    text: str
    reason: str


class ArticleOut(BaseModel):
    id: str
    input: str
    outlet: Optional[str] = None
    title: Optional[str] = None
    display_title: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    authors: list[str] = []
    story_id: Optional[str] = None
    clean_text: Optional[str] = None
    removed: list[Segment] = []
    canonical_id: Optional[str] = None
    copies: list[str] = []
    quotes: list[dict[str, Any]] = []
    citations: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    quantities: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    framing: list[dict[str, Any]] = []


class StoryOut(BaseModel):
    id: str
    title: Optional[str] = None
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    articles: list[ArticleOut]
    facts: list[dict[str, Any]] = Field(default=[], description='[{"text", "supported_by", "omitted_by"}]')
    conflicts: list[dict[str, Any]] = Field(default=[], description='[{"about", "claims": [{"article_id", "text"}]}]')
    quote_differences: list[dict[str, Any]] = []
    framing: list[dict[str, Any]] = Field(default=[], description='[{"article_id", "phrase", "kind", '
                                                                   '"explanation", "neutral"}]')
    summary: list[dict[str, Any]] = Field(default=[], description='[{"text", "sources": [article ids]}]')


class SearchHit(BaseModel):
    id: str
    title: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = None
    story_id: Optional[str] = None
    snippet: str = Field(description="Plain text around the match; matched terms between [ and ].")


class SearchResult(Page):
    query: str
    items: list[SearchHit]


class RunOut(BaseModel):
    id: int
    started: str
    finished: Optional[str] = None
    command: str
    inputs: list[str]
    engine: Optional[str] = None
    status: str
    counts: dict[str, Any] = {}


class Rejected(BaseModel):
    input: str
    code: str
    reason: str


class IngestResult(BaseModel):
    run_id: int
    articles: int
    stories: int
    story_ids: list[str]
    rejected: list[Rejected]
