"""The default pipeline: every stage that exists, in order."""

from __future__ import annotations

from .config import Settings
from .pipeline import Pipeline


def default_pipeline(settings: Settings | None = None) -> Pipeline:
    from .clean import Boilerplate, Clean, HtmlExtract
    from .dedup import Dedup
    from .extract import Extract
    from .stories import GroupStories

    return Pipeline([HtmlExtract(), Clean(), Boilerplate(), Extract(), Dedup(), GroupStories()])
