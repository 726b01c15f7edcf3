"""The main job: read, run every stage, store, report.

>>> from newsprism import analyze
>>> result = analyze(["corpus/"], db="newsprism.db", out="out/")
>>> result.exit_code, len(result.stories)
"""

from __future__ import annotations

import gc
import os
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .executors import get_executor
from .model import Article, Rejection, Story
from .pipeline import Context, Pipeline, Stage, apply_story_stage
from .readers import read_paths
from .stages import default_pipeline
from .store import DEFAULT_DB, Store


@dataclass
class RunResult:
    run_id: int
    db: str
    articles: list[Article] = field(default_factory=list)  # this run's articles
    stories: list[Story] = field(default_factory=list)  # stories this run touched
    rejected: list[Rejection] = field(default_factory=list)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    report_paths: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all good, 1 partial (some inputs rejected)."""
        return 1 if self.rejected else 0


def analyze(
    paths: Sequence[str | os.PathLike[str]],
    db: str | os.PathLike[str] = DEFAULT_DB,
    out: str | os.PathLike[str] | None = None,
    engine: str = "local",
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    progress: bool | None = None,
    engine_options: dict[str, Any] | None = None,
    reprocess: bool = False,
) -> RunResult:
    """Ingest ``paths`` into the store at ``db``, analyse, and write reports to ``out``."""
    t0 = time.perf_counter()
    settings = settings or Settings()
    pipeline = pipeline or default_pipeline(settings)
    pipeline.check()
    inputs = [str(p) for p in paths]
    store = Store(db)
    try:
        run_id = store.begin_run("analyze", inputs, engine)
        executor = get_executor(engine, progress=progress, **(engine_options or {}))
        try:
            with _settled_objects() as settle:
                result = _run(store, run_id, executor, pipeline, inputs, settings, reprocess, settle)
        finally:
            executor.close()
        result.seconds = time.perf_counter() - t0
        counts = {
            "articles": len(result.articles),
            "stories": len(result.stories),
            "rejected": len(result.rejected),
            "seconds": round(result.seconds, 3),
        }
        store.finish_run(run_id, counts, "partial" if result.rejected else "ok")
        if out is not None:
            from .report import write_reports

            result.report_paths = write_reports(Path(out), result, store)
        return result
    finally:
        store.close()


@contextmanager
def _settled_objects() -> Iterator[Callable[[], None]]:
    """A run keeps every article it has mapped until its corpus stages, millions of objects
    that live to the end, and Python's cyclic garbage collector walked all of them again each
    time they grew by a quarter: seconds of a long run, with nothing to collect. Yields
    ``settle()``, which moves every object alive now out of the collector's sight
    (``gc.freeze``); the run calls it after each batch it stores. On the way out they are handed
    back (``gc.unfreeze``). Reference counting frees them as ever; only a reference cycle made
    before a ``settle()`` waits for the end of the run. Left alone when the collector is
    disabled or the caller has frozen objects of its own."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _run(store: Store, run_id: int, executor: Any, pipeline: Pipeline, inputs: list[str],
         settings: Settings, reprocess: bool, settle: Callable[[], None] = lambda: None) -> RunResult:
    read_stats: Counter[str] = Counter()
    articles: dict[str, Article] = {}
    rejected: list[Rejection] = []
    pending: list[Article] = []
    pending_rej: list[Rejection] = []
    order: list[str] = []  # ids in reading order, so results don't depend on which were resumed
    written: dict[str, tuple[Any, ...]] = {}  # text columns as first stored (see _write_final)
    signature = pipeline.signature()
    phases = pipeline.phases()
    streamed: list[Any] = phases[0][1] if phases and phases[0][0] == "document" else []
    later = phases[1:] if streamed else phases
    items = read_paths(inputs, settings, read_stats)
    if not reprocess:
        items = _resume(items, store, signature, articles, order, read_stats, settings.commit_every, written)
    for item in executor.map_documents(streamed, _tagged(items, signature, order)):
        if isinstance(item, Rejection):
            rejected.append(item)
            pending_rej.append(item)
            continue
        prior = articles.get(item.id)
        if prior is not None:
            # the same content under a second name: one article, both inputs on record
            if item.input != prior.input:
                prior.metadata.setdefault("also_input", []).append(item.input)
            read_stats["same_content_inputs"] += 1
            continue
        articles[item.id] = item
        pending.append(item)
        if len(pending) >= settings.commit_every:
            _write_first(store, pending, run_id, written)
            store.add_rejections(run_id, pending_rej)
            pending, pending_rej = [], []
            settle()
    _write_first(store, pending, run_id, written)
    store.add_rejections(run_id, pending_rej)
    settle()
    docs = [articles[i] for i in dict.fromkeys(order) if i in articles]
    previous_story = store.story_ids_of([d.id for d in docs])
    ctx = Context(store=store, settings=settings, run_id=run_id)
    # the run's background writer starts once no worker pool is left to fork (see _Writer)
    writer: list[_Writer] = []

    def start_writer() -> None:
        if not writer:
            writer.append(_Writer(store.path))
            ctx.writer = writer[0].submit

    try:
        docs, story_stages = _later_phases(later, docs, ctx, executor, store, run_id, rejected, start_writer)
        start_writer()
        final = docs
        ctx.writer = None  # story stages write at once
        # the articles' final writes and search indexing go on while stories are assembled and
        # compared (from this run's articles in memory); the run ends when they are done
        writer[0].submit(lambda s: _write_final(s, final, run_id, written, settings.commit_every))

        # members from earlier runs are read from the store once and shared by every story
        # stage; story stages read articles, they do not change them
        stories, members = assemble_stories(store, docs, previous_story)
        for stage in story_stages:
            stories = _run_story_stage(stage, list(zip(stories, members)), ctx, executor)
        # on the writer too, after the articles' final writes (a crash in between leaves stories
        # that a rerun rewrites, never stories ahead of their articles); this thread only waits
        # now, so the writer has the interpreter to itself
        writer[0].submit(lambda s, done=stories: s.upsert_stories(done, run_id))
    finally:
        ctx.writer = None
        for thread in writer:
            thread.join(reraise=sys.exc_info()[0] is None)

    stats: dict[str, dict[str, Any]] = {"read": dict(read_stats)}
    stats.update(pipeline.stats())
    return RunResult(run_id=run_id, db=store.path, articles=docs, stories=stories, rejected=rejected, stats=stats)


def _write_first(store: Store, docs: list[Article], run_id: int, written: dict[str, tuple[Any, ...]]) -> None:
    """Store the mapped articles (so a crash later loses none of that work), noting their text
    columns as written."""
    store.upsert_articles(docs, run_id, index=False)
    for d in docs:
        written[d.id] = Store.column_values(d)


def _write_final(store: Store, docs: list[Article], run_id: int, written: dict[str, tuple[Any, ...]],
                 batch: int) -> None:
    """Store what the corpus stages changed, in batches (one run's rows at once took GBs).
    Articles whose text columns are as first written (usually all but the few a stage such as
    Boilerplate rewrote) get the cheaper :meth:`Store.update_articles`; the others, and any
    not found, a full upsert. Comparing is cheap: unchanged values are the very same objects."""
    for i in range(0, len(docs), batch):
        part = docs[i:i + batch]
        same: list[Article] = []
        other: list[Article] = []
        for d in part:
            (same if written.get(d.id) == Store.column_values(d) else other).append(d)
        if same and store.update_articles(same, run_id) != len(same):
            other = part  # a row went missing meanwhile: write the batch in full
        store.upsert_articles(other, run_id, index=False)


def _later_phases(later: list[tuple[str, list[Any]]], docs: list[Article], ctx: Context, executor: Any,
                  store: Store, run_id: int, rejected: list[Rejection], start_writer: Any
                  ) -> tuple[list[Article], list[Any]]:
    """Run the phases after the streamed map: corpus stages, any later document map; collect
    the story stages. ``start_writer`` is called once no map is left (a worker pool is never
    forked while the writer thread runs)."""
    story_stages: list[Any] = []
    for n, (kind, stages) in enumerate(later):
        if not any(k == "document" for k, _ in later[n:]):
            start_writer()
        if kind == "corpus":
            for stage in stages:
                docs = _timed(stage, lambda s=stage, d=docs: s.run(d, ctx), len(docs))
        elif kind == "document":
            # a second map, after a corpus stage (e.g. facts are extracted from text
            # that cross-document boilerplate removal has already cleaned)
            kept: list[Article] = []
            late_rej: list[Rejection] = []
            for item in executor.map_documents(stages, docs, total=len(docs)):
                (late_rej if isinstance(item, Rejection) else kept).append(item)
            if late_rej:
                gone = {a.id for a in docs} - {a.id for a in kept}
                store.delete_articles(gone)
                rejected.extend(late_rej)
                store.add_rejections(run_id, late_rej)
            docs = kept
        else:
            story_stages = stages
    return docs, story_stages


_STOP = object()


class _Writer(threading.Thread):
    """The run's background writer, on its own connection. It runs the jobs handed to it
    (``Context.write``, the final article writes) in order as they come, and between them
    indexes pending articles for full-text search, one batch at a time. SQLite does its work
    without holding the GIL, so the writes overlap the corpus stages' Python on another core.
    ``join`` finishes the indexing, waits for every job and re-raises the first error (the jobs
    after a failed one are skipped)."""

    def __init__(self, db: str) -> None:
        super().__init__(name="newsprism-writer", daemon=True)
        self.db = db
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.start()

    def submit(self, job: Any) -> Future[Any]:
        """Queue ``job(store)``; the future is done when it has run (or was skipped)."""
        done: Future[Any] = Future()
        self.jobs.put((job, done))
        return done

    def run(self) -> None:
        store: Store | None = None
        try:
            store = Store(self.db)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by join()
            self.error = exc
        indexing = store is not None
        while True:
            try:
                item = self.jobs.get(block=not indexing)
            except queue.Empty:  # nothing queued: index one batch
                indexing = self._step(lambda: store.index_pending(rounds=1) > 0)  # type: ignore[union-attr]
                continue
            if item is _STOP:
                if indexing:
                    self._step(lambda: store.index_pending())  # type: ignore[union-attr]
                break
            job, done = item
            if self.error is None:
                self._step(lambda: job(store))
            if self.error is not None:
                done.set_exception(self.error)
            else:
                done.set_result(None)
            indexing = self.error is None  # a job may have left rows to index
        if store is not None:
            store.close()

    def _step(self, fn: Any) -> Any:
        try:
            return fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by join()
            if self.error is None:
                self.error = exc
            return False

    def join(self, timeout: float | None = None, reraise: bool = True) -> None:
        self.jobs.put(_STOP)
        super().join(timeout)
        if self.error is not None and reraise:
            raise self.error


def _tagged(items: Iterable[Article | Rejection], signature: str, order: list[str]) -> Iterator[Article | Rejection]:
    for item in items:
        if isinstance(item, Article):
            item.metadata["pipeline"] = signature
            order.append(item.id)
        yield item


def _resume(items: Iterable[Article | Rejection], store: Store, signature: str, done: dict[str, Article],
            order: list[str], stats: Counter[str], batch: int,
            written: dict[str, tuple[Any, ...]]) -> Iterator[Article | Rejection]:
    """Pass on only what the store does not already hold as processed by this same pipeline.

    Articles found are loaded from the store into ``done`` instead, so a rerun after a crash
    (or of the same input) only processes what is new.
    """
    buf: list[Article | Rejection] = []

    def flush() -> Iterator[Article | Rejection]:
        ids = [a.id for a in buf if isinstance(a, Article)]
        stored = {a.id: a for a in store.get_articles(ids)} if ids else {}
        for it in buf:
            old = stored.get(it.id) if isinstance(it, Article) else None
            if old is not None and old.metadata.get("pipeline") == signature and old.clean_text is not None:
                if it.input != old.input and it.input not in old.metadata.get("also_input", []):
                    old.metadata.setdefault("also_input", []).append(it.input)
                if old.id not in done:
                    done[old.id] = old
                    written[old.id] = Store.column_values(old)  # as stored
                order.append(old.id)
                stats["resumed"] += 1
            else:
                yield it
        buf.clear()

    for item in items:
        buf.append(item)
        if len(buf) >= batch:
            yield from flush()
    yield from flush()


def _timed(stage: Stage, fn: Any, n: int) -> Any:
    stage.ensure_setup()
    t = time.perf_counter()
    stage.stats["in"] += n
    out = fn()
    stage.stats["seconds"] += time.perf_counter() - t
    stage.stats["out"] += len(out)
    return out


def _run_story_stage(stage: Stage, pairs: list[tuple[Story, list[Article]]], ctx: Context, executor: Any = None
                     ) -> list[Story]:
    mapped = getattr(executor, "map_stories", None)
    out = mapped(stage, pairs, ctx) if mapped is not None else None
    if out is not None:  # the executor ran it (e.g. per story on Ray)
        return out
    return [apply_story_stage(stage, story, members, ctx) for story, members in pairs]  # type: ignore[arg-type]


def assemble_stories(store: Store, docs: list[Article], previous: dict[str, str]
                     ) -> tuple[list[Story], list[list[Article]]]:
    """Build every story this run touched from all its members; returns the stories and each
    one's member articles.

    This run's articles are taken from memory, with the story they have now; members from
    earlier runs are read from the store (so this need not wait for this run's articles to be
    written). Members are in the store's order (date, then id; undated first). Stories that
    lost all their members (articles moved elsewhere) are deleted.
    """
    touched = {d.story_id for d in docs if d.story_id} | set(previous.values())
    in_run = {d.id: d for d in docs}
    stored = store.story_members(sorted(touched))  # their rows for this run's articles may be stale
    others = {a.id: a for a in store.get_articles(
        sorted({i for ids in stored.values() for i in ids if i not in in_run}))}
    members_of: dict[str, list[Article]] = {sid: [others[i] for i in ids if i in others]
                                            for sid, ids in stored.items()}
    for d in docs:
        sid = d.story_id or previous.get(d.id)  # without a story now, the stored one is kept
        if sid in touched:
            members_of.setdefault(sid, []).append(d)  # type: ignore[arg-type]
    stories: list[Story] = []
    member_lists: list[list[Article]] = []
    empty: list[str] = []
    for sid in sorted(touched):
        members = sorted(members_of.get(sid, []), key=_member_order)
        if not members:
            empty.append(sid)
            continue
        stories.append(_story_from(sid, members))
        member_lists.append(members)
    store.delete_stories(empty)
    return stories, member_lists


def _member_order(a: Article) -> tuple[bool, str, str]:
    """``ORDER BY published, id`` as SQLite sorts it (no date first; text compared by code point)."""
    return (a.published is not None, a.published or "", a.id)


def _story_from(sid: str, members: list[Article]) -> Story:
    dated = sorted(a.published for a in members if a.published)
    titled = [a for a in members if a.title] or members
    # the story is named after its earliest titled article (ties: by id), for stability
    first = min(titled, key=lambda a: (a.published or "9999", a.id))
    return Story(
        id=sid,
        title=first.title or first.display_title or "",
        article_ids=[a.id for a in members],
        first_seen=dated[0] if dated else None,
        last_seen=dated[-1] if dated else None,
    )
