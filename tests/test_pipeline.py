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
