"""Run the same stages on Ray Data: locally on all cores, or on an existing cluster.

Only this module imports ray, and only when an executor is created. Stages stay
ignorant of Ray: the executor ships the stage objects themselves (pickled, before
``setup()``), and each worker sets them up once per worker process.

How a run maps onto Ray Data:

* **Document stages** run as batched ``map_batches`` steps. Consecutive stages
  that declare the same ``resources`` are fused into one step (one pass over a
  batch, no re-serialisation between them, and no deadlock from several actor
  pools each waiting for a CPU); a stage with other resources (e.g.
  ``{"num_gpus": 1}`` for embedding) gets a step of its own with those
  resources. A step's batch size is the smallest ``batch_size`` among its stages.
* Articles cross process boundaries as plain dicts (``model.to_dict`` /
  ``model.article_from_dict``), pickled, one binary column per row. A stage
  failure on one article comes back as a :class:`~newsprism.model.Rejection`;
  nothing is dropped. Each row also carries the stage counters it produced, and
  the driver adds them to its own stage objects, so ``stats`` read the same as
  with the local engine.
* Input is taken in windows of ``window`` articles so that the driver never
  holds a whole crawl, and ``analyze`` can commit each window to the store.
  Output comes back in input order, so reports equal the local engine's.
* **Corpus stages** run on the driver after the distributed map (they see the
  whole run). **Story stages** are mapped per story (``map_stories``) when a run
  has at least ``min_stories`` stories; a story stage mapped this way gets a
  :class:`~newsprism.pipeline.Context` without the store.
"""

from __future__ import annotations

import os
import pickle
import sys
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import Errors, NewsprismError
from ..model import Article, Rejection, Story, article_from_dict, story_from_dict, to_dict
from ..pipeline import Context, DocumentStage, Stage, apply_document_stages, apply_story_stage

_PROTOCOL = 5

#: Stage objects already unpickled (and set up) in this worker process, by step key.
_WORKER_STAGES: dict[str, list[Stage]] = {}


# --------------------------------------------------------------------------
# worker side (module-level functions, so Ray pickles them by reference)


def _worker_stages(key: str, payload: bytes) -> list[Stage]:
    stages = _WORKER_STAGES.get(key)
    if stages is None:
        stages = pickle.loads(payload)
        _WORKER_STAGES[key] = stages
    return stages


def _counts(stats: Counter[str]) -> dict[str, Any]:
    # zero counts are kept: a stage that counted 0 of something shows it under the local executor too
    return {k: v for k, v in stats.items() if v is not None}


def _row(doc: Article) -> dict[str, Any]:
    """An article as it crosses to or from a worker: its fields and its scratch (prepared work)."""
    data = to_dict(doc)
    if doc.scratch:
        data["scratch"] = doc.scratch
    return data


def _article(data: dict[str, Any]) -> Article:
    doc = article_from_dict(data)
    doc.scratch = data.get("scratch") or {}
    return doc


def _run_documents(batch: dict[str, Any], key: str, payload: bytes) -> dict[str, Any]:
    """One ``map_batches`` step: apply a group of document stages to every article row."""
    stages = _worker_stages(key, payload)
    names = [s.name for s in stages]
    out = []
    for blob in batch.column("doc").to_pylist():
        kind, data, stats = pickle.loads(blob)
        if kind == "a":
            doc = _article(data)
            for s in stages:
                s.stats = Counter()
            (result,) = list(apply_document_stages(stages, (doc,)))
            for name, s in zip(names, stages):
                row = _counts(s.stats)
                if row:
                    stats.setdefault(name, {})
                    for k, v in row.items():
                        stats[name][k] = _add(stats[name].get(k), v)
            if isinstance(result, Rejection):
                kind, data = "r", to_dict(result)
            else:
                data = _row(result)
        out.append(pickle.dumps((kind, data, stats), protocol=_PROTOCOL))
    return _table(batch.column("i"), out)


def _run_stories(batch: dict[str, Any], key: str, payload: bytes) -> dict[str, Any]:
    """One ``map_batches`` step of a story stage: each row is a story and its articles."""
    stage, ctx = _worker_stages(key, payload)  # type: ignore[misc]
    out = []
    for blob in batch.column("doc").to_pylist():
        story_d, members_d = pickle.loads(blob)
        stage.stats = Counter()
        story = apply_story_stage(stage, story_from_dict(story_d), [article_from_dict(m) for m in members_d], ctx)
        out.append(pickle.dumps((to_dict(story), _counts(stage.stats)), protocol=_PROTOCOL))
    return _table(batch.column("i"), out)


def _table(index: Any, blobs: list[bytes]) -> Any:
    import pyarrow as pa

    return pa.table({"i": index, "doc": pa.array(blobs, type=pa.large_binary())})


def _add(old: Any, new: Any) -> Any:
    if old is None:
        return new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return old + new
    return new  # a non-numeric counter (a label): the last value wins


# --------------------------------------------------------------------------
# driver side


def _dumps_code(obj: Any) -> bytes:
    """Pickle stage objects with Ray's cloudpickle (classes defined in ``__main__`` travel too)."""
    from ray import cloudpickle

    return cloudpickle.dumps(obj, protocol=_PROTOCOL)


def group_stages(stages: Sequence[Stage]) -> list[list[Stage]]:
    """Split stages into runs of consecutive stages that declare the same resources."""
    groups: list[list[Stage]] = []
    for s in stages:
        if groups and dict(groups[-1][0].resources) == dict(s.resources):
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


class RayExecutor:
    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        num_cpus: int | None = None,
        progress: bool | None = None,
        window: int = 10_000,
        min_stories: int = 64,
        object_store_memory: int | None = None,
        ship_code: bool | None = None,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise NewsprismError(Errors.E009, package="ray", feature="--engine ray",
                                 extra="'newsprism[ray]'") from exc
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.window = max(1, int(window))
        self.min_stories = max(1, int(min_stories))
        self._owns_ray = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": "WARNING",
                                      "log_to_driver": self.progress}
            package_root = str(Path(__file__).resolve().parents[2])
            if address:
                kwargs["address"] = address
                # Run the driver's newsprism on the cluster unless asked not to (it is installed there).
                if ship_code if ship_code is not None else True:
                    kwargs["runtime_env"] = {"py_modules": [str(Path(package_root) / "newsprism")]}
            else:
                kwargs["num_cpus"] = num_cpus or os.cpu_count() or 1
                # Ray nices its workers (15) by default; this run is the job the user asked for, and the
                # local engine is not niced either, so run workers at normal priority unless told otherwise.
                os.environ.setdefault("RAY_worker_niceness", "0")
                if object_store_memory:
                    kwargs["object_store_memory"] = int(object_store_memory)
                # Local workers inherit the environment: make sure they import this newsprism.
                paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
                os.environ["PYTHONPATH"] = os.pathsep.join(
                    [package_root] + [str(Path(p).resolve()) for p in paths if Path(p).resolve() != Path(package_root)]
                )
            try:
                ray.init(**kwargs)
            except Exception as exc:  # noqa: BLE001 - e.g. no cluster at --address
                raise NewsprismError(Errors.E116, address=address or "local",
                                     reason=f"{type(exc).__name__}: {exc}") from exc
            self._owns_ray = True
        import logging

        import ray.data

        if not self.progress:
            logging.getLogger("ray.data").setLevel(logging.WARNING)
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = self.progress
        try:  # newer Ray versions print a line per dataset unless told not to
            ctx.print_on_execution_start = False
        except AttributeError:  # pragma: no cover - older Ray
            pass
        self._gpus = float(ray.cluster_resources().get("GPU", 0))
        self.cpus = float(ray.cluster_resources().get("CPU", 1))

    # -- document stages ----------------------------------------------------

    def map_documents(
        self, stages: Sequence[DocumentStage], items: Iterable[Article | Rejection], total: int | None = None
    ) -> Iterator[Article | Rejection]:
        """Apply ``stages`` to every article on Ray; pass rejections through; keep input order."""
        steps = self._plan(list(stages))
        window: list[Article | Rejection] = []
        for item in items:
            window.append(item)
            if len(window) >= self.window:
                yield from self._run_window(window, steps, stages)
                window = []
        if window:
            yield from self._run_window(window, steps, stages)

    def _plan(self, stages: list[DocumentStage]) -> list[tuple[str, bytes, dict[str, Any], int]]:
        key = uuid.uuid4().hex
        steps = []
        for n, group in enumerate(group_stages(stages)):
            res = dict(group[0].resources)
            if res.get("num_gpus", 0) and not self._gpus:
                # asking Ray for a GPU it does not have would wait forever: run on CPU and say so
                for s in group:
                    s.stats["ran_without_gpu"] = 1
                res.pop("num_gpus")
            batch = min(int(s.batch_size) for s in group)
            steps.append((f"{key}-{n}", _dumps_code(group), res, batch))
        return steps

    def _run_window(self, window: list[Article | Rejection], steps: list[tuple[str, bytes, dict[str, Any], int]],
                    stages: Sequence[DocumentStage]) -> Iterator[Article | Rejection]:
        results: list[Article | Rejection | None] = [x if isinstance(x, Rejection) else None for x in window]
        todo = [i for i, x in enumerate(window) if isinstance(x, Article)]
        if not todo or not steps:
            yield from (x for x in window)  # nothing to map
            return
        rows = [(i, pickle.dumps(("a", _row(window[i]), {}), protocol=_PROTOCOL)) for i in todo]
        by_name = {s.name: s for s in stages}
        done = 0  # results[:done] have been yielded: hand them on in order as soon as they are back
        for i, blob in self._map(rows, [(k, p, r, b, _run_documents) for k, p, r, b in steps]):
            kind, data, stats = pickle.loads(blob)
            for name, counts in stats.items():
                stage = by_name[name]
                for k, v in counts.items():
                    stage.stats[k] = _add(stage.stats.get(k), v)
            results[i] = _article(data) if kind == "a" else Rejection(**data)
            while done < len(results) and results[done] is not None:
                yield results[done]  # type: ignore[misc]
                results[done] = None  # the consumer owns it now
                done += 1
        # _map raised E117 if any row had not come back, so everything has been yielded here

    def _map(self, rows: list[tuple[int, bytes]], steps: list[tuple[str, bytes, dict[str, Any], int, Any]]
             ) -> Iterator[tuple[int, bytes]]:
        """Push ``(index, blob)`` rows through ``map_batches`` steps; yield them back (any order)."""
        import pyarrow as pa
        import ray.data

        # one block per batch of the first step, but no more than a few per CPU
        first = max(1, steps[0][3])
        n_blocks = max(1, min(-(-len(rows) // first), int(self.cpus) * 4))
        size = -(-len(rows) // n_blocks)
        tables = [_table(pa.array([i for i, _ in rows[k:k + size]], type=pa.int64()),
                         [b for _, b in rows[k:k + size]]) for k in range(0, len(rows), size)]
        ds = ray.data.from_arrow(tables)
        for key, payload, res, batch, fn in steps:
            kwargs: dict[str, Any] = {"num_cpus": res.get("num_cpus", 1)}
            if res.get("num_gpus"):
                kwargs["num_gpus"] = res["num_gpus"]
            if res.get("memory"):
                kwargs["memory"] = res["memory"]
            custom = {k: v for k, v in res.items() if k not in ("num_cpus", "num_gpus", "memory")}
            if custom:
                kwargs["resources"] = custom
            ds = ds.map_batches(fn, batch_size=batch, batch_format="pyarrow", zero_copy_batch=True,
                                fn_kwargs={"key": key, "payload": payload}, **kwargs)
        seen = 0
        for out in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
            for i, blob in zip(out.column("i").to_pylist(), out.column("doc").to_pylist()):
                seen += 1
                yield i, blob
        if seen != len(rows):
            raise NewsprismError(Errors.E117, sent=len(rows), got=seen)

    # -- story stages ---------------------------------------------------------

    def map_stories(self, stage: Stage, pairs: list[tuple[Story, list[Article]]], ctx: Context) -> list[Story] | None:
        """Run one story stage over ``(story, articles)`` pairs on Ray, in order.

        Returns None when there are too few stories for Ray to pay off; the caller then runs
        the stage itself (with the full context).
        """
        if len(pairs) < self.min_stories:
            return None
        remote_ctx = Context(store=None, settings=ctx.settings, run_id=ctx.run_id)
        res = dict(stage.resources)
        if res.get("num_gpus", 0) and not self._gpus:
            stage.stats["ran_without_gpu"] = 1
            res.pop("num_gpus")
        payload = _dumps_code((stage, remote_ctx))
        rows = [(i, pickle.dumps((to_dict(s), [to_dict(a) for a in m]), protocol=_PROTOCOL))
                for i, (s, m) in enumerate(pairs)]
        out: list[Story | None] = [None] * len(pairs)
        step = (uuid.uuid4().hex, payload, res, max(1, min(int(stage.batch_size), 64)), _run_stories)
        for i, blob in self._map(rows, [step]):
            story_d, counts = pickle.loads(blob)
            out[i] = story_from_dict(story_d)
            for k, v in counts.items():
                stage.stats[k] = _add(stage.stats.get(k), v)
        return [s for s in out if s is not None]

    def close(self) -> None:
        if self._owns_ray:
            import ray

            ray.shutdown()
            self._owns_ray = False
