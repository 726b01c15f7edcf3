"""newsprism: compare many outlets' reports of the same events, fact by fact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "analyze", "Article", "Story", "Rejection", "Store"]

if TYPE_CHECKING:
    from .analyze import analyze
    from .model import Article, Rejection, Story
    from .store import Store


def __getattr__(name: str) -> Any:  # lazy: `import newsprism` stays cheap
    if name == "analyze":
        from .analyze import analyze

        return analyze
    if name in ("Article", "Story", "Rejection"):
        from . import model

        return getattr(model, name)
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(name)
