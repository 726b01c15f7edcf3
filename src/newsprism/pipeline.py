"""Stages and the pipeline that chains them.

A stage is a small object with a ``name``, a ``kind``, the fields it
``requires`` and the fields it ``adds``. There are three kinds:

``document``
    A pure function of one :class:`~newsprism.model.Article` plus the stage's
    configuration (:meth:`DocumentStage.process`). Runs anywhere: locally, in a
    process pool, or inside a Ray Data ``map_batches``.
``corpus``
    Sees every article of a run at once (:meth:`CorpusStage.run`), e.g. to
    count lines that repeat across a site, collapse copies or group articles
    into stories. It should work from small per-article records.
``story``
    A function of one :class:`~newsprism.model.Story` and its articles
    (:meth:`StoryStage.process_story`), so it parallelises by story.

Stages know nothing of how they are run. Executors (``newsprism.executors``)
know nothing of what a stage does. A stage that raises
:class:`~newsprism.errors.NewsprismError` (or anything else) for one article
turns that article into a :class:`~newsprism.model.Rejection`; the batch goes on.

Each stage keeps a :class:`collections.Counter` in ``self.stats`` for counts
of its own (``self.stats["captions"] += 2``); executors add ``in``, ``out``,
``rejected`` and ``seconds`` for every stage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .errors import Errors, NewsprismError
from .model import Article, Rejection, Story

#: Fields every reader fills, so any first stage may require them.
READER_FIELDS = frozenset(
    {"id", "input", "raw_text", "raw_html", "outlet", "title", "published", "authors", "url", "metadata"}
)


@dataclass
class Context:
    """What corpus and story stages may consult besides the articles."""

    store: Any = None  # newsprism.store.Store, for incremental stages
    settings: Any = None  # newsprism.config.Settings
    run_id: int | None = None
    #: Set by ``analyze`` while the run has a background writer: takes a job ``job(store)``.
    writer: Any = None

    def write(self, job: Any, wait: bool = False) -> None:
        """Store something: ``job(store)``, on the run's background writer when it has one (the
        write then overlaps the stage's remaining work and later stages; jobs run in order,
        before the run's final article writes, and all are done before ``analyze`` returns),
        else at once. A stage must not read back within the run what it wrote this way.

        With ``wait``, return only when the job has run (raising its error, or an earlier job's).
        For a write that binds many rows one by one (``executemany``): each row takes the GIL
        back, and while this thread runs Python that costs up to a switch interval (5 ms) per
        row, so such a write is 100 times slower unless this thread waits."""
        if self.writer is not None:
            done = self.writer(job)
            if wait:
                done.result()
        elif self.store is not None:
            job(self.store)


class Stage:
    name: ClassVar[str] = "stage"
    kind: ClassVar[str] = "document"
    requires: ClassVar[tuple[str, ...]] = ()
    adds: ClassVar[tuple[str, ...]] = ()
    #: Resources one worker of this stage needs, honoured by executors that can.
    resources: ClassVar[dict[str, float]] = {"num_cpus": 1}
    #: Preferred batch size for batched executors.
    batch_size: ClassVar[int] = 256
    #: Bump when the stage's output for the same input changes, so stored results are redone.
    version: ClassVar[str] = "1"

    def __init__(self) -> None:
        self.stats: Counter[str] = Counter()
        self._ready = False

    def setup(self) -> None:
        """Load models or other heavy state. Called once per worker, lazily."""

    def ensure_setup(self) -> None:
        if not self._ready:
            self.setup()
            self._ready = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} requires={self.requires} adds={self.adds}>"


class DocumentStage(Stage):
    kind = "document"

    def process(self, doc: Article) -> Article:  # pragma: no cover - abstract
        raise NotImplementedError


class CorpusStage(Stage):
    kind = "corpus"
    #: Fields :meth:`prepare` reads. Its work runs inside the document map before this stage
    #: only when no stage in between adds one of them (see :meth:`Pipeline.phases`).
    prepare_requires: ClassVar[tuple[str, ...]] = ()

    def run(self, docs: list[Article], ctx: Context) -> list[Article]:  # pragma: no cover
        raise NotImplementedError

    def prepare(self, doc: Article) -> None:
        """Optional per-document work for :meth:`run`: a pure function of ``doc``, kept in
        ``doc.scratch[self.name]``. Executors run it in the parallel document map (the map
        side of a map-reduce); :meth:`run` must give the same result when it is missing (e.g.
        for articles resumed from the store)."""

    def prepare_batch(self, docs: list[Article]) -> None:
        """:meth:`prepare` for several documents at once (override when batching pays, e.g. to
        embed a batch in one call)."""
        for doc in docs:
            self.prepare(doc)

    @property
    def has_prepare(self) -> bool:
        return type(self).prepare is not CorpusStage.prepare


class Prepare(DocumentStage):
    """A corpus stage's :meth:`~CorpusStage.prepare`, run as the last step of a document map.

    It changes nothing but ``doc.scratch``, so it is left out of the pipeline's signature. A
    failure is counted, not fatal: the corpus stage redoes the work for that document.
    """

    adds = ()

    def __init__(self, stage: CorpusStage) -> None:
        super().__init__()
        self.stage = stage
        self.name = f"{stage.name}.prepare"  # type: ignore[misc]
        self.requires = stage.prepare_requires  # type: ignore[misc]
        self.resources = stage.resources  # type: ignore[misc]
        self.batch_size = stage.batch_size  # type: ignore[misc]

    def setup(self) -> None:
        self.stage.ensure_setup()

    def process(self, doc: Article) -> Article:
        self._prepare([doc])
        return doc

    def process_batch(self, docs: list[Article]) -> None:
        """Prepare ``docs`` in one call, counting as :func:`apply_document_stages` does."""
        import time

        self.ensure_setup()
        t0 = time.perf_counter()
        self.stats["in"] += len(docs)
        self._prepare(docs)
        self.stats["out"] += len(docs)
        self.stats["seconds"] += time.perf_counter() - t0

    def _prepare(self, docs: list[Article]) -> None:
        # in one call; if that fails, one by one, so a bad document costs only its own preparation
        try:
            self.stage.prepare_batch(docs)
        except Exception:  # noqa: BLE001 - an optimisation only: run() redoes what is missing
            for doc in docs:
                try:
                    self.stage.prepare(doc)
                except Exception:  # noqa: BLE001
                    doc.scratch.pop(self.stage.name, None)
                    self.stats["failed"] += 1


class StoryStage(Stage):
    kind = "story"

    def process_story(self, story: Story, articles: list[Article], ctx: Context) -> Story:  # pragma: no cover
        raise NotImplementedError


@dataclass
class Pipeline:
    stages: list[Stage] = field(default_factory=list)
    _prepares: dict[int, Prepare] = field(default_factory=dict, repr=False, compare=False)

    def check(self, provided: Iterable[str] = READER_FIELDS) -> None:
        """Fail early if a stage requires a field that nothing before it adds."""
        have = set(provided)
        for stage in self.stages:
            missing = [r for r in stage.requires if r not in have]
            if missing:
                raise NewsprismError(Errors.E006, stage=stage.name, missing=", ".join(missing))
            have.update(stage.adds)

    def phases(self) -> list[tuple[str, list[Stage]]]:
        """Runs of consecutive stages of one kind, in declared order.

        A corpus stage is a barrier: document stages listed after it run on its
        output (a second map), so declared order is what actually happens.
        Story stages come last.

        A corpus stage's per-document :meth:`~CorpusStage.prepare` is appended to the nearest
        document map before it, so that it runs there, in parallel, when no stage in between
        adds a field it reads. Otherwise the corpus stage does that work itself.
        """
        out: list[tuple[str, list[Stage]]] = []
        for stage in self.stages:
            kind = "story" if isinstance(stage, StoryStage) else "corpus" if isinstance(stage, CorpusStage) else "document"
            if out and out[-1][0] == "story" and kind != "story":
                raise NewsprismError(Errors.E012, stage=stage.name)
            if out and out[-1][0] == kind:
                out[-1][1].append(stage)
            else:
                out.append((kind, [stage]))
        for i, (kind, stages) in enumerate(out):
            if kind != "corpus" or i == 0 or out[i - 1][0] != "document":
                continue
            added: set[str] = set()  # what corpus stages of this phase add before each one runs
            for stage in stages:
                if isinstance(stage, CorpusStage) and stage.has_prepare and not added & set(stage.prepare_requires):
                    out[i - 1][1].append(self._prepare_for(stage))
                added.update(stage.adds)
        return out

    def _prepare_for(self, stage: CorpusStage) -> Prepare:
        # one wrapper per stage, so its counters add up across calls and show in stats()
        p = self._prepares.get(id(stage))
        if p is None:
            p = self._prepares[id(stage)] = Prepare(stage)
        return p

    @property
    def document_stages(self) -> list[DocumentStage]:
        """Declared document stages (not the prepare steps phases() adds: they change no stored field)."""
        return [s for s in self.stages if isinstance(s, DocumentStage)]

    @property
    def corpus_stages(self) -> list[CorpusStage]:
        return [s for s in self.stages if isinstance(s, CorpusStage)]

    def signature(self) -> str:
        """Identifies what the document stages do; stored articles with another signature are redone."""
        import hashlib

        from . import __version__

        parts = [__version__] + [f"{s.name}:{s.version}" for s in self.document_stages]
        return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]

    def stats(self) -> dict[str, dict[str, float]]:
        out = {s.name: {k: v for k, v in s.stats.items() if v} for s in self.stages}
        for p in self._prepares.values():  # map-side work is reported under its corpus stage
            row = out.setdefault(p.stage.name, {})
            for k in ("seconds", "failed"):
                if p.stats.get(k):
                    row[f"prepare_{k}"] = p.stats[k]
        return out


def reject(doc: Article, stage: Stage, exc: BaseException) -> Rejection:
    """Turn a failure of ``stage`` on ``doc`` into a Rejection naming the input."""
    if isinstance(exc, NewsprismError):
        return Rejection(input=doc.input, reason=exc.message, code=exc.code, stage=stage.name)
    err = NewsprismError(Errors.E202, input=doc.input, stage=stage.name, reason=f"{type(exc).__name__}: {exc}")
    return Rejection(input=doc.input, reason=err.message, code=err.code, stage=stage.name)


def apply_document_stages(
    stages: Sequence[DocumentStage], docs: Iterable[Article]
) -> Iterable[Article | Rejection]:
    """Run document stages over a stream, one article at a time.

    Shared by every executor: it is the per-batch body of a map step. Stats are
    counted on the stage objects it is given.
    """
    import time

    for doc in docs:
        result: Article | Rejection = doc
        for stage in stages:
            stage.ensure_setup()
            stage.stats["in"] += 1
            t0 = time.perf_counter()
            try:
                result = stage.process(result)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - one bad document never stops a batch
                stage.stats["rejected"] += 1
                result = reject(doc, stage, exc)
            stage.stats["seconds"] += time.perf_counter() - t0
            if isinstance(result, Rejection):
                break
            stage.stats["out"] += 1
        yield result


def apply_document_stages_batch(stages: Sequence[DocumentStage], items: Sequence[Article | Rejection]
                                ) -> list[Article | Rejection]:
    """Like :func:`apply_document_stages` over a batch, passing rejections through in place;
    the trailing :class:`Prepare` steps get the surviving articles in one call each."""
    n = len(stages)
    while n and isinstance(stages[n - 1], Prepare):
        n -= 1
    head, prepares = stages[:n], stages[n:]
    out: list[Article | Rejection] = []
    for item in items:
        if isinstance(item, Rejection):
            out.append(item)
        else:
            out.extend(apply_document_stages(head, (item,)))
    if prepares:
        docs = [d for d in out if isinstance(d, Article)]
        if docs:
            for p in prepares:
                p.process_batch(docs)  # type: ignore[attr-defined]
    return out


def apply_story_stage(stage: StoryStage, story: Story, articles: list[Article], ctx: Context) -> Story:
    """Run one story stage on one story; a failure is recorded on the story, not raised.

    Shared by every executor, so a story comes out the same wherever it ran.
    """
    import time

    stage.ensure_setup()
    t = time.perf_counter()
    stage.stats["in"] += 1
    try:
        story = stage.process_story(story, articles, ctx)
        stage.stats["out"] += 1
    except Exception as exc:  # noqa: BLE001 - one story's failure is recorded, not fatal
        stage.stats["failed"] += 1
        story.metadata.setdefault("errors", []).append(f"{stage.name}: {type(exc).__name__}: {exc}")
    stage.stats["seconds"] += time.perf_counter() - t
    return story
