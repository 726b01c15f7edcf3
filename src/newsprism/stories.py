"""Grouping articles into stories.

Issue #4 replaces this with incremental, blocked clustering; until then every
article is its own story.
"""

from __future__ import annotations

from .model import Article
from .pipeline import Context, CorpusStage


class GroupStories(CorpusStage):
    name = "group"
    requires = ("clean_text",)
    adds = ("story_id",)

    def run(self, docs: list[Article], ctx: Context) -> list[Article]:
        for doc in docs:
            doc.story_id = "s_" + doc.id.split("_", 1)[-1]
        self.stats["stories"] = len(docs)
        return docs
