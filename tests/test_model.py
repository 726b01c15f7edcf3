from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsprism.model import (
    Article, Citation, Entity, FramingFlag, Quantity, Quote, Segment, article_from_dict, content_id, to_dict,
)

texts = st.text(max_size=200)


def test_content_id_ignores_whitespace_layout() -> None:
    assert content_id("a  b\n c") == content_id("a b c")
    assert content_id("a b c") != content_id("a b d")
    assert content_id("x").startswith("a_") and len(content_id("x")) == 18


@given(
    id=st.text(min_size=1, max_size=20), raw=texts, title=st.none() | texts,
    removed=st.lists(st.builds(Segment, text=texts, reason=st.sampled_from(["caption", "widget"]))),
    quotes=st.lists(st.builds(Quote, speaker=st.none() | texts, text=texts, cue=st.none() | texts)),
    meta=st.dictionaries(st.text(max_size=10), st.integers() | texts, max_size=4),
)
def test_article_round_trips_through_dict(id, raw, title, removed, quotes, meta) -> None:  # noqa: A002
    a = Article(id=id, input="x.txt", raw_text=raw, title=title, removed=removed, quotes=quotes, metadata=meta,
                entities=[Entity(name="Ruth Amankwah", label="PERSON", mentions=["Amankwah"], count=2)],
                quantities=[Quantity(text="about 14,000 vehicles", value=14000.0, unit="vehicles",
                                     qualifier="approximate")],
                citations=[Citation(source="Ashford Gazette", text="the Gazette reported")],
                framing=[FramingFlag(phrase="slams", kind="loaded_verb", explanation="e", neutral="criticises")])
    assert article_from_dict(to_dict(a)) == a
