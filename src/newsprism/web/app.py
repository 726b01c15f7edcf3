"""The FastAPI app: server-rendered pages and a JSON API over one store.

Reads go through one read-only SQLite connection per worker thread, so ``serve`` can run while
``analyze`` writes to the same store (WAL). Every response carries a strict
Content-Security-Policy: scripts and styles only from ``/static`` (no inline script, ever),
no frames, no third-party anything. Article text is untrusted and only ever reaches the page
through Jinja2's autoescaping.
"""

from __future__ import annotations

import hmac
import math
import re
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import Errors, NewsprismError
from ..model import Article, Story
from ..store import Store
from . import schemas, views

HERE = Path(__file__).resolve().parent

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass
class WebSettings:
    max_body_bytes: int = 64 * 1024  # any request but an upload
    max_upload_bytes: int = 20 * 1024 * 1024  # POST /api/ingest, all files together
    max_upload_files: int = 100
    per_page: int = 20
    max_per_page: int = 100
    side_by_side: int = 6  # article bodies shown in full next to each other on a story page
    matrix_rows: int = 25  # fact-matrix rows shown before a "show more" toggle


class ApiError(StarletteHTTPException):
    """A 4xx with a stable code; JSON under /api/, an HTML page elsewhere."""

    def __init__(self, status: int, template: str, headers: dict[str, str] | None = None,
                 extra: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        err = NewsprismError(template, **kwargs)
        super().__init__(status_code=status, detail=err.message, headers=headers)
        self.code = err.code
        self.details = extra


# -- ASGI middleware: size limits and security headers ----------------------------------------


class GuardMiddleware:
    """Adds the security headers to every response and bounds request bodies (413)."""

    def __init__(self, app: Any, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = (self.settings.max_upload_bytes if scope["path"].rstrip("/") == "/api/ingest"
                 else self.settings.max_body_bytes)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = True
                if too_big:
                    response = _json_error(413, ApiError(413, Errors.E603, limit=limit))
                    await response(scope, receive, send_with_headers)
                    return

        seen = 0

        async def bounded_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # a chunked body that grew past the limit
                    raise ApiError(413, Errors.E603, limit=limit)
            return message

        await self.app(scope, bounded_receive, send_with_headers)


def _json_error(status: int, exc: ApiError) -> JSONResponse:
    body: dict[str, Any] = {"code": exc.code, "message": exc.detail, "status": status}
    if exc.details:
        body["details"] = exc.details
    return JSONResponse({"error": body}, status_code=status, headers=exc.headers)


# -- templates ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment():  # noqa: ANN201
    from jinja2 import ChainableUndefined, Environment, PackageLoader

    env = Environment(
        loader=PackageLoader("newsprism.web", "templates"),
        autoescape=True,  # every template, every string: article text is untrusted
        undefined=ChainableUndefined,  # story fields from other stages may lack optional keys
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pathq"] = lambda s: quote(str(s), safe="")
    env.globals["reason_help"] = views.reason_help
    return env


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


# -- the app -------------------------------------------------------------------------------------


class _Stores:
    """One read-only connection per thread (sqlite3 connections are not shared across threads)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.local = threading.local()
        self.all: list[Store] = []
        self.lock = threading.Lock()

    def get(self) -> Store:
        store = getattr(self.local, "store", None)
        if store is None:
            store = Store(self.path, readonly=True)
            self.local.store = store
            with self.lock:
                self.all.append(store)
        return store

    def close(self) -> None:
        with self.lock:
            for s in self.all:
                try:
                    s.close()
                except Exception:  # noqa: BLE001 - closing from another thread may fail; harmless
                    pass
            self.all.clear()


def _cached(store: Store, key: str, compute: Any) -> Any:
    """``compute()``, reused until another connection commits to the store (PRAGMA data_version)."""
    version = store.db.execute("PRAGMA data_version").fetchone()[0]
    cache = store.__dict__.setdefault("_web_cache", {})
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    cache[key] = (version, value)
    return value


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def _parse_date(value: str | None, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ApiError(422, Errors.E607, extra=[{"loc": ["query", name], "msg": "expected a date YYYY-MM-DD"}],
                       details=f"{name} must be a date YYYY-MM-DD") from None


def create_app(db_path: str | Path, ingest_token: str | None = None,
               settings: WebSettings | None = None, **options: Any) -> FastAPI:
    """The app for the store at ``db_path``. Ingest over the API needs ``ingest_token``; without it,
    the app is read-only. ``options`` override :class:`WebSettings` fields (e.g. ``max_upload_bytes``)."""
    settings = settings or WebSettings()
    for key, value in options.items():
        if not hasattr(settings, key):
            raise TypeError(f"unknown option {key!r}")
        setattr(settings, key, value)
    db_path = str(db_path)
    Store(db_path).close()  # create or migrate once, so readers can open it read-only
    stores = _Stores(db_path)
    ingest_lock = threading.Lock()
    token = ingest_token or None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(
        lifespan=lifespan,
        title="newsprism",
        version="1.0",
        description="Stories compared across outlets: facts, omissions, conflicts, quotes, framing and a "
                    "neutral sourced summary. Errors are JSON `{\"error\": {\"code\", \"message\", \"status\"}}`.",
        docs_url=None,  # the Swagger UI needs inline script and a CDN; the CSP forbids both
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.add_middleware(GuardMiddleware, settings=settings)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.stores = stores
    app.state.settings = settings

    def get_store() -> Store:
        return stores.get()

    errors = {404: {"model": schemas.ErrorOut}, 422: {"model": schemas.ErrorOut}}

    # -- error handling --------------------------------------------------------------------------

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/api"

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not isinstance(exc, ApiError):
            if exc.status_code == 404:
                exc = ApiError(404, Errors.E611, path=request.url.path)
            else:
                exc = ApiError(exc.status_code, Errors.E607, details=str(exc.detail), headers=exc.headers)
        if _is_api(request):
            return _json_error(exc.status_code, exc)
        return render("error.html.j2", status=exc.status_code, status_code=exc.status_code, code=exc.code,
                      message=exc.detail)

    @app.exception_handler(NewsprismError)
    async def newsprism_error(request: Request, exc: NewsprismError) -> Response:
        err = ApiError(500, Errors.E607, details="")
        err.code, err.detail = exc.code, exc.message
        if _is_api(request):
            return _json_error(500, err)
        return render("error.html.j2", status=500, status_code=500, code=exc.code, message=exc.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
                   for e in exc.errors()]
        text = "; ".join(f"{'.'.join(str(x) for x in d['loc'])}: {d['msg']}" for d in details)
        err = ApiError(422, Errors.E607, extra=details, details=text)
        if _is_api(request):
            return _json_error(422, err)
        return render("error.html.j2", status=422, status_code=422, code=err.code, message=err.detail)

    # -- shared lookups ---------------------------------------------------------------------------

    def load_story(store: Store, story_id: str) -> tuple[Story, list[Article]]:
        found = store.get_story_with_articles(story_id)
        if found is None:
            raise ApiError(404, Errors.E601, story_id=story_id)
        return found

    def load_article(store: Store, article_id: str) -> Article:
        article = store.get_article(article_id)
        if article is None:
            raise ApiError(404, Errors.E602, article_id=article_id)
        return article

    def qs(**params: Any) -> str:
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    # -- pages ----------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list_page(request: Request, q: Optional[str] = Query(None, max_length=200),
                        outlet: Optional[str] = Query(None, max_length=200),
                        date_from: Optional[str] = Query(None, max_length=20),
                        date_to: Optional[str] = Query(None, max_length=20),
                        page: int = Query(1, ge=1, le=1_000_000), store: Store = Depends(get_store)) -> Response:
        d_from, d_to = _parse_date(date_from, "date_from"), _parse_date(date_to, "date_to")
        per = settings.per_page
        rows, total = store.query_stories(q, outlet or None, d_from, d_to, limit=per, offset=(page - 1) * per)
        hits: list[dict[str, Any]] = []
        if q and q.strip() and page == 1:
            hits, _ = store.search_articles(q, limit=5, count=False)  # a preview: no total shown
            for h in hits:
                h["segments"] = views.split_marks(h.pop("snippet"))
        filters = {"q": q or "", "outlet": outlet or "", "date_from": d_from or "", "date_to": d_to or ""}
        outlets, n_stories, n_articles = _cached(
            store, "list", lambda: (store.outlets(), store.story_count(), store.article_count()))
        return render("list.html.j2", stories=rows, total=total, page=page, pages=_pages(total, per),
                      filters=filters, outlets=outlets, hits=hits, qs=qs, n_stories=n_stories,
                      n_articles=n_articles)

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str, store: Store = Depends(get_store)) -> Response:
        story, articles = load_story(store, story_id)
        number = {a.id: i for i, a in enumerate(articles, 1)}
        copy_ids = {a.id: [c for c in a.copies if c != a.id] for a in articles}
        canon_ids = [a.canonical_id for a in articles if a.canonical_id and a.canonical_id != a.id]
        wanted = list(dict.fromkeys([i for ids in copy_ids.values() for i in ids] + canon_ids))
        loaded = {c.id: c for c in store.get_articles(wanted)} if wanted else {}  # one query for all
        copies = {aid: [loaded[i] for i in ids if i in loaded] for aid, ids in copy_ids.items() if ids}
        canon = {i: loaded[i] for i in canon_ids if i in loaded}
        bodies = []
        for a in articles[:settings.side_by_side]:
            flags = views.framing_flags(story, a)
            bodies.append({"a": a, "flags": flags,
                           "title": views.highlight(a.title or a.display_title, flags) if (a.title or a.display_title) else None,
                           "paras": [views.highlight(p, flags) for p in views.paragraphs(a.clean_text)]})
        by_id = {a.id: a for a in articles}
        return render("story.html.j2", story=story, articles=articles, number=number, by_id=by_id,
                      bodies=bodies, more=articles[settings.side_by_side:], copies=copies, canon=canon,
                      matrix=views.fact_matrix(story, articles), matrix_rows=settings.matrix_rows, framing=story.framing,
                      timeline=views.timeline(articles))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str, store: Store = Depends(get_store)) -> Response:
        article = load_article(store, article_id)
        story = store.get_story(article.story_id) if article.story_id else None
        flags = views.framing_flags(story, article)
        copies = store.get_articles([c for c in article.copies if c != article.id])
        canonical = (store.get_article(article.canonical_id)
                     if article.canonical_id and article.canonical_id != article.id else None)
        reasons = sorted({s.reason for s in article.removed})
        return render("article.html.j2", a=article, story=story, flags=flags,
                      title=(views.highlight(article.title or article.display_title, flags)
                             if (article.title or article.display_title) else None),
                      paras=[views.highlight(p, flags) for p in views.paragraphs(article.clean_text)],
                      copies=copies, canonical=canonical, reasons=reasons)

    # -- JSON API ------------------------------------------------------------------------------

    @app.get("/api/stories", response_model=schemas.StoryList, responses=errors, tags=["stories"])
    def api_stories(q: Optional[str] = Query(None, max_length=200, description="Full-text search."),
                    outlet: Optional[str] = Query(None, max_length=200, description="Only stories with an "
                                                  "article from this outlet."),
                    date_from: Optional[date] = Query(None, description="Coverage on or after (YYYY-MM-DD)."),
                    date_to: Optional[date] = Query(None, description="Coverage on or before (YYYY-MM-DD)."),
                    page: int = Query(1, ge=1, le=1_000_000),
                    per_page: int = Query(settings.per_page, ge=1, le=settings.max_per_page),
                    store: Store = Depends(get_store)) -> dict[str, Any]:
        """Stories, largest first, one page at a time."""
        rows, total = store.query_stories(q, outlet or None, date_from.isoformat() if date_from else None,
                                          date_to.isoformat() if date_to else None,
                                          limit=per_page, offset=(page - 1) * per_page)
        return {"items": rows, "total": total, "page": page, "per_page": per_page,
                "pages": _pages(total, per_page)}

    @app.get("/api/stories/{story_id:path}", response_model=schemas.StoryOut, responses=errors, tags=["stories"])
    def api_story(story_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        """One story with its articles and the comparison (facts, conflicts, quotes, framing, summary)."""
        from ..report import story_json

        story, articles = load_story(store, story_id)
        out = story_json(story, articles)
        for a, d in zip(articles, out["articles"]):
            d["story_id"] = a.story_id
        return out

    @app.get("/api/articles/{article_id:path}", response_model=schemas.ArticleOut, responses=errors,
             tags=["articles"])
    def api_article(article_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        """One article: clean text, removed boilerplate with reasons, extracted facts."""
        from ..report import article_json

        article = load_article(store, article_id)
        return {**article_json(article), "story_id": article.story_id}

    @app.get("/api/search", response_model=schemas.SearchResult, responses=errors, tags=["articles"])
    def api_search(q: str = Query(..., min_length=1, max_length=200, description="Words to find (all must "
                                  "match; the last one as a prefix)."),
                   page: int = Query(1, ge=1, le=1_000_000),
                   per_page: int = Query(settings.per_page, ge=1, le=settings.max_per_page),
                   store: Store = Depends(get_store)) -> dict[str, Any]:
        """Full-text search over articles' titles, outlets and text, best match first."""
        hits, total = store.search_articles(q, limit=per_page, offset=(page - 1) * per_page)
        for h in hits:
            h["snippet"] = views.plain_snippet(h["snippet"])
        return {"query": q, "items": hits, "total": total, "page": page, "per_page": per_page,
                "pages": _pages(total, per_page)}

    @app.get("/api/runs", response_model=list[schemas.RunOut], tags=["runs"])
    def api_runs(store: Store = Depends(get_store)) -> list[dict[str, Any]]:
        """Every analysis run recorded in the store, oldest first."""
        return store.runs()

    @app.post("/api/ingest", response_model=schemas.IngestResult, tags=["ingest"],
              responses={401: {"model": schemas.ErrorOut}, 403: {"model": schemas.ErrorOut},
                         413: {"model": schemas.ErrorOut}, 422: {"model": schemas.ErrorOut}},
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                  "type": "object", "required": ["files"], "properties": {"files": {
                      "type": "array", "items": {"type": "string", "format": "binary"}}}}}}}})
    async def api_ingest(request: Request) -> dict[str, Any]:
        """Analyse uploaded files (.txt, .html, .jsonl, .gz ...) into the store, like `newsprism analyze`.

        Off unless the server was started with a token; then send `Authorization: Bearer <token>`.
        """
        if token is None:
            raise ApiError(403, Errors.E604)
        auth = request.headers.get("authorization", "")
        if not auth.strip():
            raise ApiError(401, Errors.E605, headers={"WWW-Authenticate": "Bearer"})
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise ApiError(403, Errors.E606)
        form = await request.form(max_files=settings.max_upload_files, max_fields=10)
        try:
            uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
            if not uploads:
                raise ApiError(422, Errors.E609)
            tmp = Path(tempfile.mkdtemp(prefix="newsprism-upload-"))
            try:
                for i, up in enumerate(uploads):
                    name = _safe_name(up.filename or f"upload-{i}.txt")
                    suffix = _upload_suffix(name)
                    if suffix is None:
                        raise ApiError(422, Errors.E608, name=up.filename or "", suffix=Path(name).suffix)
                    with open(tmp / f"{i:03d}-{name}", "wb") as fh:
                        shutil.copyfileobj(up.file, fh, 1024 * 1024)
                return await run_in_threadpool(_ingest, db_path, tmp, ingest_lock)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        finally:
            await form.close()

    return app


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_name(name: str) -> str:
    base = _SAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip(".")
    return base[:100] or "upload.txt"


def _upload_suffix(name: str) -> str | None:
    from ..readers import READERS

    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in READERS:
        return suffixes[-1]
    return None


def _ingest(db_path: str, folder: Path, lock: threading.Lock) -> dict[str, Any]:
    """The same library path as `newsprism analyze`, one upload at a time."""
    from ..analyze import analyze

    with lock:
        # in this process: a server's threads are no state to fork worker processes from
        result = analyze([str(folder)], db=db_path, out=None, progress=False, engine_options={"workers": 1})
    prefix = str(folder) + "/"
    return {
        "run_id": result.run_id,
        "articles": len(result.articles),
        "stories": len(result.stories),
        "story_ids": [s.id for s in result.stories],
        "rejected": [{"input": r.input.replace(prefix, ""), "code": r.code, "reason": r.reason.replace(prefix, "")}
                     for r in result.rejected],
    }
