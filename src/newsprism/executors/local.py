"""Run document stages in this process, with a progress bar on a TTY."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence

from ..model import Article, Rejection
from ..pipeline import DocumentStage, apply_document_stages


class LocalExecutor:
    name = "local"

    def __init__(self, progress: bool | None = None) -> None:
        self.progress = sys.stderr.isatty() if progress is None else progress

    def map_documents(
        self, stages: Sequence[DocumentStage], items: Iterable[Article | Rejection], total: int | None = None
    ) -> Iterator[Article | Rejection]:
        """Apply ``stages`` to every article; pass rejections through untouched."""

        def run() -> Iterator[Article | Rejection]:
            for item in items:
                if isinstance(item, Rejection):
                    yield item
                else:
                    yield from apply_document_stages(stages, (item,))

        if not self.progress:
            yield from run()
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("[bold]analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            transient=True, console=None,
        ) as bar:
            task = bar.add_task("docs", total=total)
            for out in run():
                bar.advance(task)
                yield out

    def close(self) -> None:
        pass
