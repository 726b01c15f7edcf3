"""Where the benchmarks find the shared evaluation data (never copied into the repo).

``NEWSPRISM_SHARED`` wins; otherwise ``../shared/data`` next to the repository, then
``/work/shared/data``. Every benchmark says so and exits 0 when the data is missing.
"""

from __future__ import annotations

import os
from pathlib import Path


def _candidates() -> list[Path]:
    env = os.environ.get("NEWSPRISM_SHARED")
    if env:
        return [Path(env)]
    return [(Path(__file__).resolve().parents[1] / "../shared/data").resolve(), Path("/work/shared/data")]


def find_shared() -> Path | None:
    """The shared data directory, or None when there is none."""
    return next((c.resolve() for c in _candidates() if c.is_dir()), None)


def shared_dir() -> Path:
    """The shared data directory; a path that may not exist, for messages that name it."""
    return find_shared() or _candidates()[0]
