"""Run document stages on this machine: in this process, or on a pool of worker processes.

Small runs (fewer than ``min_parallel`` articles) stay in this process: no start-up cost,
and tests and the sample corpus behave the same everywhere. Larger runs are mapped over
``workers`` processes (default: the CPUs this process may use, at most 8) in chunks of ``chunk``
articles, with a bounded number of chunks in flight, so memory stays flat on an endless
stream. Output keeps input order, and each worker sends back the counters its stages kept,
which are added to the stage objects here: ``stats`` read the same either way.

Workers are forked where the platform allows it (Linux), so they start in milliseconds and
share what is already loaded; elsewhere they are spawned, which re-imports the calling
script: guard a script that calls :func:`newsprism.analyze` with ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Any

from ..errors import Errors, UsageError
from ..model import Article, Rejection
from ..pipeline import DocumentStage, apply_document_stages_batch

#: The default number of workers is the CPU count, capped here (``--workers`` may ask for more).
MAX_DEFAULT_WORKERS = 8

#: Stage objects of this worker process (set once by the pool initialiser).
_WORKER_STAGES: list[DocumentStage] = []


def default_workers() -> int:
    """``NEWSPRISM_WORKERS`` if set, else the CPUs this process may run on, at most
    :data:`MAX_DEFAULT_WORKERS` (the main process reads, writes and runs the corpus stages
    alone, so more workers than that mostly wait on it)."""
    env = os.environ.get("NEWSPRISM_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise UsageError(Errors.E013, value=env) from None
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_WORKERS))


def _init_worker(payload: bytes, parent: int) -> None:
    global _WORKER_STAGES
    _WORKER_STAGES = pickle.loads(payload)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="newsprism-parent-watch", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this worker when the process that started it is gone (e.g. killed with SIGKILL):
    forked workers hold the task pipe open themselves, so they would otherwise wait forever."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(0.5)


#: The raw inputs, the largest fields of an article: a worker sends one back only when a stage
#: replaced it (the parent still holds what it sent), which halves what crosses the pipe.
_RAW_FIELDS = ("raw_text", "raw_html")


def _work(chunk: list[Article | Rejection]) -> tuple[list[Article | Rejection], list[dict[str, Any]]]:
    """One chunk in a worker: the stages' results in order (raw inputs left out where they
    are unchanged, see :func:`_restore_raw`), and the counters the stages kept."""
    for s in _WORKER_STAGES:
        s.stats = Counter()
    sent = [tuple(getattr(a, f) for f in _RAW_FIELDS) if isinstance(a, Article) else None for a in chunk]
    out = apply_document_stages_batch(_WORKER_STAGES, chunk)
    for a, raw in zip(out, sent):
        if raw is not None and isinstance(a, Article):
            for f, before in zip(_RAW_FIELDS, raw):
                if getattr(a, f) is before and before:  # the very object received: unchanged
                    setattr(a, f, _UNCHANGED)
    return out, [dict(s.stats) for s in _WORKER_STAGES]


#: Stands in for an unchanged raw field on the way back (``None`` and ``""`` are real values).
_UNCHANGED = "\x00newsprism-unchanged\x00"


def _restore_raw(out: list[Article | Rejection], sent: list[Article | Rejection]) -> None:
    """Put back the raw fields a worker left out: from the articles this process sent."""
    for a, src in zip(out, sent):
        if isinstance(a, Article) and isinstance(src, Article):
            for f in _RAW_FIELDS:
                if getattr(a, f) == _UNCHANGED:
                    setattr(a, f, getattr(src, f))


class LocalExecutor:
    name = "local"

    def __init__(self, progress: bool | None = None, workers: int | None = None,
                 min_parallel: int = 1000, chunk: int = 32) -> None:
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.workers = default_workers() if workers is None else max(1, int(workers))
        self.min_parallel = max(1, min_parallel)
        self.chunk = max(1, chunk)

    def map_documents(
        self, stages: Sequence[DocumentStage], items: Iterable[Article | Rejection], total: int | None = None
    ) -> Iterator[Article | Rejection]:
        """Apply ``stages`` to every article; pass rejections through untouched."""

        def run() -> Iterator[Article | Rejection]:
            it = iter(items)
            if self.workers > 1 and stages:
                head = list(islice(it, self.min_parallel))
                if len(head) >= self.min_parallel:
                    yield from self._parallel(stages, chain(head, it))
                    return
                it = iter(head)
            yield from self._serial(stages, it)

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

    def _serial(self, stages: Sequence[DocumentStage], items: Iterator[Article | Rejection]
                ) -> Iterator[Article | Rejection]:
        while chunk := list(islice(items, self.chunk)):
            yield from apply_document_stages_batch(stages, chunk)

    def _parallel(self, stages: Sequence[DocumentStage], items: Iterator[Article | Rejection]
                  ) -> Iterator[Article | Rejection]:
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        payload = pickle.dumps(list(stages), protocol=pickle.HIGHEST_PROTOCOL)
        pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context(method),
                                   initializer=_init_worker, initargs=(payload, os.getpid()))
        inflight: deque[tuple[Future[Any], list[Article | Rejection]]] = deque()
        limit = self.workers * 4
        try:
            while True:
                chunk = list(islice(items, self.chunk))
                if chunk:
                    inflight.append((pool.submit(_work, chunk), chunk))
                while inflight and (len(inflight) >= limit or not chunk or inflight[0][0].done()):
                    future, sent = inflight.popleft()
                    results, counters = future.result()
                    _restore_raw(results, sent)
                    for stage, counts in zip(stages, counters):
                        stage.stats.update(counts)
                    yield from results
                if not chunk and not inflight:
                    return
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Nothing to release: each map's worker pool is shut down when the map ends."""
