from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsprism.errors import NewsprismError
from newsprism.model import Article, Rejection, Segment, Story, to_dict
from newsprism.store import FTS_HASH_BYTES, MIGRATIONS, SCHEMA_VERSION, Store, _split_sql


def art(i: int, **kw) -> Article:  # noqa: ANN003
    return Article(id=f"a{i}", input=f"in{i}.txt", raw_text=f"text {i}", clean_text=f"text {i}",
                   removed=[Segment("Share this", "navigation")], **kw)


def test_new_store_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    s = Store(tmp_path / "n.db")
    assert s.schema_version == SCHEMA_VERSION
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def old_store(path: Path, version: int, articles: list[Article], data: dict[str, str] | None = None) -> None:
    """A store as schema ``version`` left it, holding ``articles`` as that version wrote them
    (the whole article in the JSON, raw text included). ``data`` may replace an article's JSON."""
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:version]:
        if callable(step):
            step(db)
        else:
            for statement in _split_sql(step):
                db.execute(statement)
    for a in articles:
        d = to_dict(a)
        d["raw_html"] = None
        clean = d.pop("clean_text")
        db.execute("INSERT INTO articles(id, input, outlet, title, clean_text, data) VALUES (?,?,?,?,?,?)",
                   (a.id, a.input, a.outlet, a.title, clean, (data or {}).get(a.id) or json.dumps(d)))
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()


def test_a_version_6_store_gets_the_larger_search_buffer_and_still_finds(tmp_path: Path) -> None:
    p = tmp_path / "n.db"
    old_store(p, 6, [art(1, title="Harbour bridge reopens")])
    s = Store(p)  # migrates 6 -> 7 -> ...
    (v,) = s.db.execute("SELECT v FROM articles_fts_config WHERE k = 'hashsize'").fetchone()
    assert s.schema_version == SCHEMA_VERSION and v == FTS_HASH_BYTES
    s.upsert_articles([art(2, title="Ferry strike called off")], index=False)
    assert s.index_pending() == 2  # the old article was never indexed: the test wrote it by hand
    assert [h["id"] for h in s.search_articles("bridge")[0]] == ["a1"]
    assert [h["id"] for h in s.search_articles("ferry")[0]] == ["a2"]


def test_a_version_7_store_moves_raw_texts_to_their_own_table(tmp_path: Path) -> None:
    p = tmp_path / "n.db"
    a1, a2, a3 = art(1, title="Harbour bridge reopens"), art(2), art(3)
    a2.raw_text = "Tolls go up by 5%\n\nShare this"
    # SQLite cannot parse a JSON with NaN (the ``json`` module once wrote such stores)
    nan = json.dumps(to_dict(a3) | {"raw_html": None, "metadata": {"score": float("nan")}})
    old_store(p, 7, [a1, a2, a3], data={"a3": nan})
    s = Store(p)
    assert s.schema_version == SCHEMA_VERSION
    assert s.get_article("a1") == a1 and s.get_article("a2") == a2
    got3 = s.get_article("a3")
    assert got3 is not None and got3.raw_text == "text 3" and "score" in got3.metadata
    assert [a.raw_text for a in s.iter_articles()] == ["text 1", a2.raw_text, "text 3"]
    assert not s.db.execute("SELECT count(*) FROM articles WHERE data LIKE '%raw_text%'").fetchone()[0]
    assert s.db.execute("SELECT count(*) FROM article_raw").fetchone()[0] == 3
    s.delete_articles(["a2"])
    assert [r[0] for r in s.db.execute("SELECT id FROM article_raw ORDER BY id")] == ["a1", "a3"]


def test_raw_text_is_stored_apart_and_read_back(tmp_path: Path) -> None:
    s = Store(tmp_path / "n.db")
    a = art(1)
    a.raw_text = "Lead paragraph.\n\nRelated: other news"
    s.upsert_articles([a])
    (data,) = s.db.execute("SELECT data FROM articles").fetchone()
    assert "Related" not in data
    assert s.get_article("a1") == a and s.get_articles(["a1"]) == [a]
    a.raw_text = "Lead paragraph, corrected."
    s.upsert_articles([a])
    assert s.get_article("a1").raw_text == "Lead paragraph, corrected."  # type: ignore[union-attr]
    a.story_id = "s9"
    assert s.update_articles([a]) == 1
    assert s.get_article("a1") == a


def test_update_articles_applies_repeated_ids_in_order(tmp_path: Path) -> None:
    s = Store(tmp_path / "n.db")
    s.upsert_articles([art(1), art(2)])
    first, second = art(1, story_id="s1"), art(1, story_id="s2")
    assert s.update_articles([first, art(2, story_id="s3"), second]) == 3
    assert s.story_ids_of(["a1", "a2"]) == {"a1": "s2", "a2": "s3"}
    assert s.update_articles([art(9, story_id="s1")]) == 0  # not stored: nothing updated


def test_upsert_is_idempotent_and_round_trips(tmp_path: Path) -> None:
    s = Store(tmp_path / "n.db")
    s.upsert_articles([art(1), art(2)])
    s.upsert_articles([art(1), art(2)])
    assert s.article_count() == 2
    got = s.get_article("a1")
    assert got == art(1)
    assert [a.id for a in s.get_articles(["a2", "a1", "zz"])] == ["a2", "a1"]
    assert [a.id for a in s.iter_articles(batch=1)] == ["a1", "a2"]


def test_story_assignment_survives_a_reingest_without_one(tmp_path: Path) -> None:
    s = Store(tmp_path / "n.db")
    s.upsert_articles([art(1, story_id="s1")])
    s.upsert_articles([art(1)])  # re-read before grouping: must not forget the story
    assert s.story_ids_of(["a1"]) == {"a1": "s1"}


def test_stories_and_runs_and_rejections(tmp_path: Path) -> None:
    s = Store(tmp_path / "n.db")
    run = s.begin_run("analyze", ["x/"])
    s.add_rejections(run, [Rejection(input="x/bad.bin", reason="x/bad.bin: binary", code="E103")])
    s.upsert_stories([Story(id="s1", title="Bridge", article_ids=["a1", "a2"])], run)
    s.finish_run(run, {"articles": 2}, "partial")
    (r,) = s.runs()
    assert r["status"] == "partial" and r["counts"] == {"articles": 2} and r["inputs"] == ["x/"]
    assert s.rejections(run)[0].code == "E103"
    assert s.list_stories()[0]["n_articles"] == 2
    assert s.get_story("s1").title == "Bridge"
    s.delete_stories(["s1"])
    assert s.get_story("s1") is None


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "n.db"
    Store(p).close()
    db = sqlite3.connect(p)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(NewsprismError) as e:
        Store(p)
    assert e.value.code == "E005"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "n.db"
    p.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(NewsprismError) as e:
        Store(p)
    assert e.value.code == "E008" and str(p) in e.value.message


def test_deferred_full_text_index_stays_consistent(tmp_path) -> None:  # noqa: ANN001
    from newsprism.model import Article
    from newsprism.store import Store

    def art(i: int, text: str) -> Article:
        return Article(id=f"a{i}", input=f"in{i}", title=f"Item {i}", clean_text=text)

    with Store(tmp_path / "s.db") as s:
        s.upsert_articles([art(0, "Ferry timetable cut for winter.")])  # indexed at once by default
        s.upsert_articles([art(1, "Lighthouse keepers return."), art(2, "Lighthouse to close.")], index=False)
        assert s.pending_index() == 2 and s.search_articles("lighthouse")[1] == 0
        s.upsert_articles([art(1, "Harbour dredging starts.")], index=False)  # changed while pending
        s.delete_articles(["a2"])  # deleted while pending: never indexed, so never removed from FTS
        s.upsert_articles([art(0, "Ferry timetable restored.")], index=False)  # indexed row changed
        assert s.search_articles("timetable")[1] == 0  # old words are out of the index at once
        assert s.index_pending(batch=1) == 2 and s.pending_index() == 0
        assert s.search_articles("dredging")[0][0]["id"] == "a1"
        assert s.search_articles("lighthouse")[1] == 0
        assert s.search_articles("restored")[1] == 1
        check = "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"  # raises if broken
        with s.transaction() as db:
            db.execute(check)
        s.delete_articles(["a0"])
        with s.transaction() as db:
            db.execute(check)
        assert s.search_articles("restored")[1] == 0


def test_story_list_pages_come_from_the_index_not_a_sort(tmp_path) -> None:  # noqa: ANN001
    from newsprism.store import Store

    with Store(tmp_path / "s.db") as s:
        ran: list[str] = []  # the statements the store itself runs for a page of the list
        s.db.set_trace_callback(ran.append)
        s.query_stories(limit=20, offset=0)
        s.list_stories(limit=50, offset=0)
        s.db.set_trace_callback(None)
        pages = [sql for sql in ran if "ORDER BY" in sql]
        assert len(pages) == 2
        for sql in pages:
            plan = " ".join(str(tuple(r)) for r in s.db.execute("EXPLAIN QUERY PLAN " + sql))
            assert "stories_rank" in plan and "TEMP B-TREE" not in plan, plan


def test_update_articles_rewrites_story_and_json_but_leaves_the_text(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        a = Article(id="a1", input="in.txt", raw_text="The quay wall was repaired.",
                    clean_text="The quay wall was repaired.", title="Quay repaired")
        s.upsert_articles([a])
        assert Store.column_values(a) == ("in.txt", None, None, "Quay repaired", None, "The quay wall was repaired.")
        a.story_id, a.canonical_id, a.metadata["note"] = "s_1", "a1", "checked"
        # an id the store does not hold is not counted, so the caller can fall back to an upsert
        assert s.update_articles([a, Article(id="missing", input="x")], run_id=None) == 1
        got = s.get_article("a1")
        assert got is not None and (got.story_id, got.canonical_id, got.metadata["note"]) == ("s_1", "a1", "checked")
        assert got.clean_text == "The quay wall was repaired." and s.story_ids_of(["a1"]) == {"a1": "s_1"}
        assert s.pending_index() == 0 and s.search_articles("quay")[1] == 1  # text unchanged: not re-indexed


def test_bulk_writes_round_trip_and_accumulate(tmp_path: Path) -> None:
    # term counts and dedup keys are written in one statement over a JSON array, story states row by row
    with Store(tmp_path / "s.db") as s:
        s.add_term_df({"quay": 2, 'odd "quoted" \\ term': 1, "": 5})
        s.add_term_df({"quay": 3, "ferry": 1})
        assert s.term_df(["quay", "ferry", "", 'odd "quoted" \\ term']) == {
            "quay": 5, "ferry": 1, "": 5, 'odd "quoted" \\ term': 1}
        s.save_story_states([("s1", 700000, 700002, {"n": 1, "terms": {"quay": 0.5}}), ("s2", None, None, {"n": 2})])
        s.save_story_states([("s1", 700000, 700003, {"n": 2, "terms": {"quay": 1.0}})])
        assert s.story_states(ids=["s1", "s2"]) == [("s1", 700000, 700003, {"n": 2, "terms": {"quay": 1.0}}),
                                                     ("s2", None, None, {"n": 2})]
        lo, hi = -2**63, 2**63 - 1  # the signed 64-bit range survives the JSON round trip
        s.add_dedup_keys(["a1", "a2"], [1, lo, hi, 1], [0, 0, 0, 1])
        s.add_dedup_keys(["a1"], [1], [0])  # already there: ignored
        s.add_dedup_keys(["a3"], [], [])
        assert sorted(s.dedup_lookup([1, lo, hi])) == [(lo, "a1"), (1, "a1"), (1, "a2"), (hi, "a1")]


def test_search_preview_skips_the_count(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        s.upsert_articles([Article(id=f"a{i}", input="x", clean_text=f"The ferry crossing number {i} was cancelled.")
                           for i in range(3)])
        sql: list[str] = []
        s.db.set_trace_callback(sql.append)
        hits, total = s.search_articles("ferry", limit=2, count=False)
        assert len(hits) == 2 and total is None and not any("count(" in q for q in sql)
        assert s.search_articles("ferry", limit=2)[1] == 3
        s.db.set_trace_callback(None)
