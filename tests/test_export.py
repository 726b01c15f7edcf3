"""Export tables (articles, stories, facts, quotes) as Parquet and JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.export import SCHEMAS, TABLES, export_store
from newsprism.model import Article, Entity, Quote, Story
from newsprism.store import Store


def _store(path: Path) -> Store:
    """A store with two stories, facts on one, and quotes in two articles."""
    store = Store(path)
    a1 = Article(id="a1", input="in/a1.txt", raw_text="x", outlet="Coastline Ledger", title="Ferry back",
                 published="2024-03-14", clean_text="The ferry resumed.", story_id="s_1",
                 metadata={"topic": "transport", "n": 3},
                 entities=[Entity(name="Celia Brandt", label="PERSON", mentions=["Brandt"], count=2, key="celia brandt")],
                 quotes=[Quote(speaker="Celia Brandt", text="We are back on the full winter timetable.", cue="said",
                               sentence=1),
                         Quote(speaker=None, text="a long three weeks", cue=None, direct=False)])
    a2 = Article(id="a2", input="in/a2.txt", raw_text="y", outlet="Harbor Radio", clean_text="Crossings restarted.",
                 story_id="s_1",
                 quotes=[Quote(speaker="the harbour master", text="Crossings restarted this morning.", cue="told")])
    a3 = Article(id="a3", input="in/a3.txt", raw_text="z", outlet=None, clean_text="The library opens Sundays.",
                 story_id="s_2")
    store.upsert_articles([a1, a2, a3])
    store.upsert_stories([
        Story(id="s_1", title="Ferry back", article_ids=["a1", "a2"], first_seen="2024-03-14",
              facts=[{"text": "The ferry resumed on Thursday.", "articles": ["a1", "a2"]},
                     {"about": "passengers", "values": {"a1": 42}}]),
        Story(id="s_2", title="Library hours", article_ids=["a3"]),
    ])
    return store


def test_parquet_tables_load_in_pandas_and_pyarrow_with_fixed_schemas(tmp_path: Path) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    store = _store(tmp_path / "s.db")
    paths = export_store(store, tmp_path / "pq", "parquet")
    assert [Path(p).name for p in paths] == [f"{t}.parquet" for t in TABLES]
    arts = pd.read_parquet(tmp_path / "pq" / "articles.parquet")
    assert sorted(arts["id"]) == ["a1", "a2", "a3"] and "raw_html" not in arts.columns
    a1 = arts.set_index("id").loc["a1"]
    assert json.loads(a1["metadata"])["topic"] == "transport"
    assert json.loads(a1["entities"])[0]["name"] == "Celia Brandt"
    quotes = pd.read_parquet(tmp_path / "pq" / "quotes.parquet")
    assert len(quotes) == 3 and set(quotes["article_id"]) == {"a1", "a2"}
    assert quotes["direct"].dtype == bool and quotes.loc[quotes["speaker"].isna(), "direct"].tolist() == [False]
    assert set(quotes["story_id"]) == {"s_1"}
    facts = pd.read_parquet(tmp_path / "pq" / "facts.parquet")
    assert facts["text"].tolist() == ["The ferry resumed on Thursday.", "passengers"]
    assert json.loads(facts["fact"][1])["values"] == {"a1": 42}
    stories = pq.read_table(tmp_path / "pq" / "stories.parquet")
    assert stories.num_rows == 2
    for table in TABLES:  # one fixed schema per table, whatever the rows hold
        schema = pq.read_schema(tmp_path / "pq" / f"{table}.parquet")
        assert schema.names == [c for c, _ in SCHEMAS[table]]


def test_duckdb_reads_the_parquet_export_when_installed(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    export_store(_store(tmp_path / "s.db"), tmp_path / "pq", "parquet", ["articles"])
    rows = duckdb.sql(f"select count(*) from '{tmp_path / 'pq' / 'articles.parquet'}'").fetchall()
    assert rows == [(3,)]


def test_jsonl_tables_and_table_selection(tmp_path: Path) -> None:
    store = _store(tmp_path / "s.db")
    paths = export_store(store, tmp_path / "j", "jsonl", ["quotes", "facts"])
    assert [Path(p).name for p in paths] == ["quotes.jsonl", "facts.jsonl"]
    quotes = [json.loads(x) for x in (tmp_path / "j" / "quotes.jsonl").read_text().splitlines()]
    assert [q["quote_index"] for q in quotes if q["article_id"] == "a1"] == [0, 1]
    assert not (tmp_path / "j" / "articles.jsonl").exists()


def test_empty_store_exports_empty_tables_with_schema(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    export_store(Store(tmp_path / "e.db"), tmp_path / "pq", "parquet")
    t = pq.read_table(tmp_path / "pq" / "quotes.parquet")
    assert t.num_rows == 0 and "speaker" in t.column_names


def test_cli_export_tables(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _store(db).close()
    runner = CliRunner()
    r = runner.invoke(app, ["export", "--format", "parquet", "--table", "articles", "--table", "quotes",
                            "--db", str(db), "--out", str(tmp_path / "x")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["articles.parquet", "quotes.parquet"]
    bad = runner.invoke(app, ["export", "--table", "people", "--db", str(db), "--out", str(tmp_path / "y")])
    assert bad.exit_code == 2 and "E122" in bad.output
