"""Settings shared by the library, the CLI and the web app."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def cache_dir() -> Path:
    """The user cache directory for derived artefacts (never the repo)."""
    base = os.environ.get("NEWSPRISM_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "newsprism" if not os.environ.get("NEWSPRISM_CACHE") else root


@dataclass
class Settings:
    #: Largest document (decompressed bytes) a reader accepts.
    max_document_bytes: int = 20 * 1024 * 1024
    #: Most files taken from the inputs of one run; the rest are rejected with E111.
    max_files: int = 1_000_000
    #: Most bytes read from one (decompressed) multi-record file; guards against gzip bombs.
    max_decompressed_bytes: int = 2 * 1024 * 1024 * 1024
    #: Articles written to the store per transaction.
    commit_every: int = 500
