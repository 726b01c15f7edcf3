"""The web app and JSON API over a newsprism store (``newsprism serve``).

>>> from newsprism.web import create_app
>>> app = create_app("newsprism.db")            # read-only: ingest is off
>>> app = create_app("newsprism.db", ingest_token="s3cret")   # POST /api/ingest needs the token

FastAPI and Jinja2 are imported when the app is created, not when newsprism is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(db_path: str, ingest_token: str | None = None, **options: Any) -> FastAPI:
    from .app import create_app as _create

    return _create(db_path, ingest_token=ingest_token, **options)
