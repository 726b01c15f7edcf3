from __future__ import annotations

import pytest

from newsprism.errors import Errors, NewsprismError
from newsprism.model import Article, Rejection
from newsprism.pipeline import DocumentStage, Pipeline, apply_document_stages
from newsprism.stages import default_pipeline


class Upper(DocumentStage):
    name = "upper"
    requires = ("raw_text",)
    adds = ("clean_text",)

    def process(self, doc: Article) -> Article:
        if "boom" in doc.raw_text:
            raise ValueError("exploded")
        if "empty" in doc.raw_text:
            raise NewsprismError(Errors.E201, input=doc.input)
        doc.clean_text = doc.raw_text.upper()
        self.stats["upper"] += 1
        return doc


class NeedsEntities(DocumentStage):
    name = "needs"
    requires = ("entities",)


def test_check_rejects_a_stage_whose_requirement_nothing_adds() -> None:
    with pytest.raises(NewsprismError) as e:
        Pipeline([Upper(), NeedsEntities()]).check()
    assert e.value.code == "E006" and "entities" in e.value.message


def test_default_pipeline_chain_is_consistent() -> None:
    default_pipeline().check()


def test_one_bad_document_does_not_stop_the_batch() -> None:
    stage = Upper()
    docs = [Article(id=str(i), input=f"in{i}", raw_text=t) for i, t in enumerate(["ok", "boom", "empty", "fine"])]
    out = list(apply_document_stages([stage], docs))
    assert [type(o).__name__ for o in out] == ["Article", "Rejection", "Rejection", "Article"]
    boom, empty = out[1], out[2]
    assert isinstance(boom, Rejection) and boom.input == "in1" and "exploded" in boom.reason and boom.code == "E202"
    assert isinstance(empty, Rejection) and empty.code == "E201" and empty.stage == "upper"
    assert stage.stats["in"] == 4 and stage.stats["out"] == 2 and stage.stats["rejected"] == 2
    assert stage.stats["upper"] == 2


class _Upper(DocumentStage):
    name = "upper"
    requires = ("clean_text",)
    adds = ("clean_text",)

    def process(self, doc: Article) -> Article:
        if "FAIL" in (doc.clean_text or ""):
            raise ValueError("refused on purpose")
        doc.metadata["seen_by_upper"] = doc.clean_text
        return doc


def test_phases_keep_declared_order_and_story_stages_last() -> None:
    from newsprism.pipeline import CorpusStage, StoryStage

    class Strip(CorpusStage):
        name = "strip"

    class Summ(StoryStage):
        name = "summ"

    p = Pipeline([_Upper(), Strip(), _Upper(), Summ()])
    assert [k for k, _ in p.phases()] == ["document", "corpus", "document", "story"]
    with pytest.raises(NewsprismError) as err:
        Pipeline([Summ(), _Upper()]).phases()
    assert err.value.code == "E012"


def test_document_stage_after_a_corpus_stage_sees_its_output(tmp_path) -> None:
    from newsprism.analyze import analyze
    from newsprism.clean import Clean
    from newsprism.pipeline import CorpusStage

    class Mark(CorpusStage):
        name = "mark"
        requires = ("clean_text",)
        adds = ("clean_text",)

        def run(self, docs, ctx):
            for d in docs:
                d.clean_text = (d.clean_text or "") + "\n\nMARKED BY CORPUS STAGE"
            return docs

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Harbour cranes stood idle on Monday as dock workers walked out over pay.\n")
    (corpus / "b.txt").write_text("The FAIL ferry schedule was cut back for the winter season, officials said.\n")
    res = analyze([corpus], db=tmp_path / "s.db", pipeline=Pipeline([Clean(), Mark(), _Upper()]))
    assert [a.metadata["seen_by_upper"].endswith("MARKED BY CORPUS STAGE") for a in res.articles] == [True]
    assert len(res.rejected) == 1 and "b.txt" in res.rejected[0].input and res.rejected[0].stage == "upper"
    from newsprism.store import Store

    with Store(tmp_path / "s.db") as st:
        assert st.article_count() == 1
        # the text a corpus stage rewrote was stored again in full, and indexed for search
        (stored,) = st.get_articles([res.articles[0].id])
        assert stored.clean_text.endswith("MARKED BY CORPUS STAGE")
        assert st.search_articles("marked")[1] == 1 and st.pending_index() == 0


def _analyze_with_corpus_stage(tmp_path, run, db: str = "s.db"):
    """``analyze`` one short article through Clean and a corpus stage whose ``run(docs, ctx)``
    is ``run``."""
    from newsprism.analyze import analyze
    from newsprism.clean import Clean
    from newsprism.pipeline import CorpusStage

    class Probe(CorpusStage):
        name = "probe"
        requires = ("clean_text",)

        def run(self, docs, ctx):
            return run(docs, ctx)

    src = tmp_path / "a.txt"
    src.write_text("Harbour cranes stood idle on Monday as dock workers walked out over pay.\n")
    return analyze([src], db=tmp_path / db, pipeline=Pipeline([Clean(), Probe()]))


def test_a_failed_background_write_fails_the_run(tmp_path) -> None:
    def run(docs, ctx):
        ctx.write(lambda store: store.db.execute("INSERT INTO no_such_table VALUES (1)"))
        return docs

    with pytest.raises(Exception, match="no_such_table"):
        _analyze_with_corpus_stage(tmp_path, run)


def test_a_waited_background_write_has_run_when_write_returns(tmp_path) -> None:
    import time

    seen: list[object] = []

    def run(docs, ctx):
        ran = []
        assert ctx.writer is not None  # analyze runs corpus stages with its background writer
        ctx.write(lambda store: (time.sleep(0.2), ran.append("first")))  # still running when...
        ctx.write(lambda store: ran.append("waited"), wait=True)  # ...this is handed over
        seen.append(list(ran))  # both jobs ran, in order, before write returned
        ctx.write(lambda store: store.db.execute("INSERT INTO no_such_table VALUES (1)"))
        with pytest.raises(Exception, match="no_such_table"):  # the earlier job's error
            ctx.write(lambda store: None, wait=True)
        seen.append("raised")
        return docs

    with pytest.raises(Exception, match="no_such_table"):  # and the run still fails
        _analyze_with_corpus_stage(tmp_path, run)
    assert seen == [["first", "waited"], "raised"]


def test_a_run_settles_its_objects_out_of_the_collectors_sight_and_hands_them_back(tmp_path) -> None:
    import gc

    frozen_during: list[int] = []

    def run(docs, ctx):
        frozen_during.append(gc.get_freeze_count())
        return docs

    assert gc.get_freeze_count() == 0 and gc.isenabled()
    _analyze_with_corpus_stage(tmp_path, run)
    assert frozen_during[-1] > 0  # the mapped articles were settled before the corpus stages
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # and handed back after the run
    # a caller that froze objects of its own keeps them frozen, and the run leaves the collector alone
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        _analyze_with_corpus_stage(tmp_path, run, db="t.db")
        assert frozen_during[-1] == before and gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
