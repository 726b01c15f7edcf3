"""The Ray executor gives the same results as the local one (local Ray, 2 CPUs)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.analyze import analyze
from newsprism.cli import app
from newsprism.errors import NewsprismError
from newsprism.executors.ray import group_stages
from newsprism.model import Article, Story
from newsprism.pipeline import Context, DocumentStage, Pipeline, StoryStage
from newsprism.stages import default_pipeline

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def test_a_missing_ray_cluster_is_a_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.executors import get_executor

    if ray.is_initialized():  # pragma: no cover - runs first, before the module's Ray starts
        pytest.skip("ray already running")

    def boom(**kwargs: object) -> None:
        raise ConnectionError("no cluster at that address")

    monkeypatch.setattr(ray, "init", boom)
    with pytest.raises(NewsprismError) as e:
        get_executor("ray", address="10.0.0.1:6379", progress=False)
    assert e.value.code == "E116" and "10.0.0.1:6379" in e.value.message


@pytest.fixture(scope="module")
def local_ray():
    """One small local Ray for the whole module; always shut down."""
    from ray import cloudpickle

    # the test stages below live in this module, which Ray workers cannot import: ship them by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False,
                 object_store_memory=150 * 1024 * 1024)
    except Exception as exc:  # noqa: BLE001 - e.g. "node timed out during startup" on an overloaded host
        ray.shutdown()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"a local Ray could not start here: {exc}")
    try:
        yield
    finally:
        ray.shutdown()
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _corpus(tmp_path: Path) -> Path:
    """The sample corpus plus inputs that must be rejected, with the same reasons on both engines."""
    dst = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, dst)
    shutil.copytree(Path(__file__).parent / "data" / "mini", dst / "mini")
    (dst / "empty.txt").write_text("")
    (dst / "broken.jsonl").write_text('{"id": "j1", "text": "A short line of body text."}\n{nope\n')
    (dst / "noise.html").write_text("<html><body><div><script>var a = 1;</script></div></body></html>")
    return dst


def _without_timings(stats: dict) -> dict:
    """Counters only: timings differ, and ``ran_without_gpu`` is the Ray executor's own note."""
    return {k: {c: v for c, v in d.items() if "seconds" not in c and c != "ran_without_gpu"}
            for k, d in stats.items()}


def test_cli_engine_ray_gives_the_same_report_as_local(local_ray: None, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    runner = CliRunner()
    reports = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"out-{engine}"
        r = runner.invoke(app, ["analyze", str(corpus), "--engine", engine, "--db", str(tmp_path / f"{engine}.db"),
                                "--out", str(out), "--quiet"], catch_exceptions=False)
        assert r.exit_code == 1, r.output  # partial: the bad inputs are rejected
        reports[engine] = json.loads((out / "report.json").read_text())
    local, distributed = reports["local"], reports["ray"]
    assert len(local["stories"]) >= 3 and sum(len(s["articles"]) for s in local["stories"]) >= 10
    assert distributed["stories"] == local["stories"]
    assert distributed["rejected"] == local["rejected"]
    assert {r["code"] for r in local["rejected"]} >= {"E102", "E104", "E108"}
    assert _without_timings(distributed["stats"]) == _without_timings(local["stats"])


class Shout(DocumentStage):
    """A cheap stage that fails on some inputs, to check that rejections come back."""

    name = "shout"
    requires = ("clean_text",)
    adds = ("metadata",)
    batch_size = 3

    def process(self, doc: Article) -> Article:
        if "Kellan" in doc.clean_text:
            raise ValueError("refusing this one")
        doc.metadata["shout"] = doc.clean_text[:20].upper()
        self.stats["shouted"] += 1
        return doc


class NeedsGpu(DocumentStage):
    """Declares a GPU: the executor must still run it on a machine without one."""

    name = "needs_gpu"
    requires = ("clean_text",)
    adds = ("metadata",)
    resources = {"num_cpus": 1, "num_gpus": 1}
    batch_size = 2

    def process(self, doc: Article) -> Article:
        doc.metadata["words"] = len(doc.clean_text.split())
        return doc


class CountWords(StoryStage):
    name = "count_words"
    requires = ("story_id",)

    def process_story(self, story: Story, articles: list[Article], ctx: Context) -> Story:
        if len(articles) == 1 and articles[0].metadata.get("words", 0) > 10_000:
            raise RuntimeError("never")
        story.metadata["words"] = sum(a.metadata.get("words", 0) for a in articles)
        story.metadata["outlets"] = sorted({a.outlet or "" for a in articles})
        return story


def _pipeline() -> Pipeline:
    base = default_pipeline()
    docs, rest = base.document_stages, base.corpus_stages
    return Pipeline([*docs, Shout(), NeedsGpu(), *rest, CountWords()])


def test_custom_stages_rejections_story_stages_and_stats_match(local_ray: None, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    results = {}
    for engine, options in (("local", {}), ("ray", {"min_stories": 1, "window": 7})):
        p = _pipeline()
        res = analyze([corpus], db=tmp_path / f"c-{engine}.db", engine=engine, pipeline=p, progress=False,
                      engine_options=options)
        results[engine] = (res, p)
    (lres, lp), (rres, rp) = results["local"], results["ray"]
    assert [a.id for a in rres.articles] == [a.id for a in lres.articles]
    assert [a.metadata for a in rres.articles] == [a.metadata for a in lres.articles]
    assert rres.rejected == lres.rejected
    assert any(r.stage == "shout" and "refusing" in r.reason for r in rres.rejected)
    assert [(s.id, s.metadata) for s in rres.stories] == [(s.id, s.metadata) for s in lres.stories]
    assert all("words" in s.metadata for s in rres.stories)
    assert _without_timings(rp.stats()) == _without_timings(lp.stats())
    assert rp.stats()["needs_gpu"]["ran_without_gpu"] == 1
    assert rp.stats()["count_words"]["in"] == len(rres.stories)


def test_stages_with_the_same_resources_are_fused() -> None:
    p = _pipeline().document_stages
    groups = group_stages(p)
    assert [[s.name for s in g] for g in groups] == [[s.name for s in p[:-1]], ["needs_gpu"]]
