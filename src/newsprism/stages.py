"""The default pipeline: every stage that exists, in order."""

from __future__ import annotations

from .config import Settings
from .pipeline import Pipeline


def default_pipeline(settings: Settings | None = None) -> Pipeline:
    from .clean import Clean, HtmlExtract
    from .compare import CompareStory, Summarise
    from .framing import Framing
    from .stories import GroupStories

    return Pipeline([HtmlExtract(), Clean(), Framing(), GroupStories(), CompareStory(), Summarise()])
