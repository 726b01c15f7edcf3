"""The default pipeline: every stage that exists, in order."""

from __future__ import annotations

from .config import Settings
from .pipeline import Pipeline


def default_pipeline(settings: Settings | None = None) -> Pipeline:
    from .clean import Boilerplate, Clean, HtmlExtract
    from .compare import CompareStory, Summarise
    from .dedup import Dedup
    from .extract import Extract
    from .framing import Framing
    from .stories import GroupStories

    return Pipeline([
        HtmlExtract(), Clean(), Boilerplate(),  # document, then corpus (cross-document boilerplate)
        Extract(), Framing(),                   # document: facts and loaded language from the cleaned text
        Dedup(), GroupStories(),                # corpus: collapse copies, group into stories
        CompareStory(), Summarise(),            # story
    ])
