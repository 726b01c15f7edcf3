"""The local executor's worker pool and map-side preparation give the same results as one process."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from newsprism.errors import NewsprismError
from newsprism.executors.local import LocalExecutor, default_workers
from newsprism.model import Article, Rejection
from newsprism.pipeline import CorpusStage, DocumentStage, Pipeline, Prepare

PLACES = ["Harrowgate", "Millbrook", "Eastwick", "Stonebridge", "Carrow Bay", "Lindenfield"]
EVENTS = [
    ("flood", "River {p} burst its banks on {d}, flooding {n} homes along the valley road, the county "
              "emergency office said. Crews from three fire stations pumped water from basements overnight."),
    ("strike", "Bus drivers in {p} walked out on {d} over a pay offer of {n} pounds a week, leaving "
               "commuters stranded. The transport union said talks with the operator had broken down."),
    ("fire", "A warehouse fire in {p} sent smoke over the town centre on {d}, and {n} workers were "
             "evacuated. Fire officers said the blaze started in a storage bay and was under control by noon."),
]


def synthetic_corpus(n: int, seed: int = 7) -> list[dict]:
    """News-style records: each event told by several outlets in their own wording, plus one wire
    copy reposted verbatim and one record with no text."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind, tmpl = EVENTS[i % len(EVENTS)]
        place = PLACES[(i // len(EVENTS)) % len(PLACES)]
        day = 3 + (i // 18)
        body = tmpl.format(p=place, d=f"March {day}", n=rng.randint(20, 400))
        extra = rng.choice([
            "Residents said they had warned the council for years.",
            "The mayor promised a full review of what went wrong.",
            "Local businesses counted the cost of a lost day of trade.",
        ])
        out.append({"id": f"r{i}", "outlet": f"Outlet {i % 5}", "title": f"{place} {kind}: what we know",
                    "published": f"2026-03-{day:02d}", "text": f"{body}\n\n{extra}\n\nReporting by staff."})
    out.append(dict(out[4], id="wire-copy", outlet="Reposting Site"))
    out.append({"id": "empty", "outlet": "Outlet 9", "title": "Nothing here", "text": ""})
    return out


class Shout(DocumentStage):
    name = "shout"
    requires = ("raw_text",)
    adds = ("clean_text",)

    def process(self, doc: Article) -> Article:
        if "refuse" in doc.raw_text:
            raise ValueError("refused on purpose")
        doc.clean_text = doc.raw_text.upper()
        if doc.id.endswith("3"):  # a replaced raw text must come back from the worker
            doc.raw_text = doc.raw_text.replace("quay", "harbour")
        doc.metadata["pid"] = os.getpid()
        self.stats["shouted"] += 1
        return doc


class Lengths(CorpusStage):
    name = "lengths"
    requires = ("clean_text",)
    adds = ("metadata",)
    prepare_requires = ("clean_text",)

    def prepare(self, doc: Article) -> None:
        doc.scratch[self.name] = len(doc.clean_text or "")

    def run(self, docs, ctx):  # noqa: ANN001, ANN201
        for d in docs:
            got = d.scratch.pop(self.name, None)
            d.metadata["length"] = got if got is not None else len(d.clean_text or "")
            d.metadata["prepared"] = got is not None
        return docs


def _docs(n: int) -> list[Article | Rejection]:
    items: list[Article | Rejection] = []
    for i in range(n):
        if i == 17:
            items.append(Rejection(input="unreadable.bin", reason="not text", code="E101"))
        text = "refuse this one" if i % 11 == 5 else f"the quay wall at berth {i} was repaired"
        items.append(Article(id=f"a{i}", input=f"in{i}", raw_text=text))
    return items


def test_prepare_is_hoisted_into_the_map_only_when_nothing_in_between_changes_its_input() -> None:
    from newsprism.clean import Boilerplate, Clean
    from newsprism.dedup import Dedup
    from newsprism.stories import GroupStories

    p = Pipeline([Clean(), Dedup(), GroupStories()])
    (kind, first), *_ = p.phases()
    assert kind == "document" and [s.name for s in first] == ["clean", "dedup.prepare", "group.prepare"]
    assert p.phases()[0][1][1] is first[1]  # one wrapper per stage, so its counters add up
    # Boilerplate rewrites clean_text, so dedup's shingles cannot be made before it runs
    p = Pipeline([Clean(), Boilerplate(), Dedup()])
    assert [s.name for s in p.phases()[0][1]] == ["clean"]
    # the signature ignores prepare steps: they change nothing that is stored
    assert Pipeline([Clean(), Dedup()]).signature() == Pipeline([Clean()]).signature()


def test_worker_pool_gives_the_serial_results_in_order_with_the_same_counters() -> None:
    results = {}
    for workers in (1, 2):
        shout, lengths = Shout(), Lengths()
        ex = LocalExecutor(progress=False, workers=workers, min_parallel=10, chunk=4)
        out = list(ex.map_documents([shout, Prepare(lengths)], _docs(60)))
        pids = {o.metadata["pid"] for o in out if isinstance(o, Article)}
        assert (pids == {os.getpid()}) == (workers == 1)  # two workers: the work ran elsewhere
        results[workers] = (
            [(type(o).__name__, getattr(o, "id", o.input), getattr(o, "clean_text", None),
              getattr(o, "scratch", {}).get("lengths"), getattr(o, "raw_text", None)) for o in out],
            {k: v for k, v in shout.stats.items() if k != "seconds"},
        )
    assert results[1] == results[2]
    rows, stats = results[2]
    assert rows[17] == ("Rejection", "unreadable.bin", None, None, None)  # passed through where it was
    # raw texts: those a stage replaced came back, the others were restored from what was sent
    assert rows[4][4] == "the quay wall at berth 4 was repaired"
    assert rows[13][4] == "the harbour wall at berth 13 was repaired"
    assert sum(1 for r in rows if r[0] == "Rejection") == 1 + 5  # articles 5, 16, 27, 38, 49
    assert all(r[3] == len(r[2]) for r in rows if r[0] == "Article")  # prepared in the workers
    assert stats == {"in": 60, "out": 55, "rejected": 5, "shouted": 55}


def test_small_runs_stay_in_this_process() -> None:
    shout = Shout()
    ex = LocalExecutor(progress=False, workers=4, min_parallel=1000)
    out = list(ex.map_documents([shout], _docs(30)))
    assert len(out) == 31 and shout.stats["in"] == 30


def test_prepare_failure_is_counted_and_the_corpus_stage_redoes_the_work() -> None:
    class Fragile(Lengths):
        def prepare(self, doc: Article) -> None:
            raise RuntimeError("no")

    stage = Fragile()
    (doc,) = list(LocalExecutor(workers=1).map_documents(
        [Shout(), Prepare(stage)], [Article(id="x", input="x", raw_text="calm seas")]))
    assert isinstance(doc, Article) and stage.name not in doc.scratch
    meta = stage.run([doc], None)[0].metadata
    assert (meta["length"], meta["prepared"]) == (9, False)


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSPRISM_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.setenv("NEWSPRISM_WORKERS", "many")
    with pytest.raises(NewsprismError) as e:
        default_workers()
    assert e.value.code == "E013"


def _pipeline(kind: str) -> Pipeline:
    from newsprism.clean import Clean
    from newsprism.dedup import Dedup
    from newsprism.pipeline import StoryStage
    from newsprism.stages import default_pipeline
    from newsprism.stories import GroupStories

    if kind == "scale":  # what bench_scale measures
        return Pipeline([Clean(), Dedup(), GroupStories()])
    # the default pipeline up to grouping: two maps (boilerplate in between), extract, framing
    return Pipeline([s for s in default_pipeline().stages if not isinstance(s, StoryStage)])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["scale", "default"])
def test_analyze_with_workers_equals_analyze_in_one_process(tmp_path: Path, kind: str) -> None:
    from newsprism.analyze import analyze
    from newsprism.model import to_dict

    src = tmp_path / "corpus.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in synthetic_corpus(72)))
    runs = {}
    for workers in (1, 2):
        res = analyze([src], db=tmp_path / f"w{workers}.db", progress=False, pipeline=_pipeline(kind),
                      engine_options={"workers": workers, "min_parallel": 8, "chunk": 5})
        stats = {name: {k: v for k, v in row.items() if "seconds" not in k} for name, row in res.stats.items()}
        articles = []
        for a in res.articles:
            d = to_dict(a)
            d["metadata"].pop("pipeline", None)
            articles.append(d)
        runs[workers] = (articles, sorted((s.id, tuple(s.article_ids)) for s in res.stories),
                         [(r.input, r.code) for r in res.rejected], stats)
    assert runs[1] == runs[2]  # every field of every article, the stories, rejections and counters
    articles, stories, rejected, stats = runs[2]
    articles = [(a["id"], a["canonical_id"], tuple(a["copies"]), a["story_id"]) for a in articles]
    assert len(articles) == 73 and len(rejected) == 1 and rejected[0][0].endswith(":74")
    by_id = {a[0]: a for a in articles}
    assert by_id["wire-copy"][1] == by_id["r4"][0]  # the verbatim repost collapsed into its original
    assert 1 < len(stories) < 73  # outlets' reports of one event share a story
    assert stats["group"]["stories"] == len(stories)
