"""The embedded store: one SQLite file, WAL mode, versioned schema.

Queryable fields live in columns; the whole article or story also lives as
JSON in ``data`` so that later stages can add fields without a migration.
Writes happen in transactions of ``Settings.commit_every`` articles, so a
killed run loses at most the open transaction and a rerun fills it in
(articles are upserted by their stable id).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from dataclasses import is_dataclass
from typing import Any

import orjson

from .errors import Errors, NewsprismError
from .model import Article, Rejection, Story, article_from_dict, field_names, story_from_dict, to_dict

DEFAULT_DB = "newsprism.db"

#: The search index's in-memory buffer of pending terms (FTS5 ``hashsize``; SQLite's default is
#: 1 MB). Indexing a batch of articles with a 1 MB buffer writes a small segment every few dozen
#: articles, and FTS5 spends much of its time merging them: with 64 MB, a batch of
#: :data:`INDEX_BATCH` articles is one segment, and bulk indexing takes 40 % less time
#: (``benchmarks/bench_scale.py``). Memory is taken only while a batch is indexed.
FTS_HASH_BYTES = 64 * 2**20

#: Articles indexed for search per transaction by :meth:`Store.index_pending` (a batch of
#: ordinary articles holds about 20 MB of text, inside :data:`FTS_HASH_BYTES`).
INDEX_BATCH = 4000


def _fts_hash_size(db: sqlite3.Connection) -> None:
    """Migration 6 -> 7: a larger FTS5 buffer (:data:`FTS_HASH_BYTES`). The option is stored with
    the index. An SQLite too old to know it keeps its default: indexing is slower, not wrong."""
    try:
        db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))
    except sqlite3.OperationalError:
        pass


def _raw_apart(db: sqlite3.Connection) -> None:
    """Migration 7 -> 8: an article's raw text moves from its JSON to a table of its own,
    ``article_raw``. ``analyze`` writes every article twice (after the map, then with its story),
    and SQLite rewrites a whole row on any update: without the raw text an article row is about
    half as long, and so is the second write (``docs/scaling.md``). Rows whose JSON SQLite cannot
    parse (NaN, from stores written by ``json``) are moved in Python."""
    for statement in _split_sql("""
    CREATE TABLE article_raw (
        id TEXT PRIMARY KEY,           -- articles.id
        raw_text TEXT NOT NULL
    );
    CREATE TRIGGER article_raw_del AFTER DELETE ON articles BEGIN
        DELETE FROM article_raw WHERE id = old.id;
    END;
    INSERT INTO article_raw(id, raw_text)
        SELECT id, coalesce(data ->> '$.raw_text', '') FROM articles WHERE json_valid(data);
    UPDATE articles SET data = json_remove(data, '$.raw_text') WHERE json_valid(data);
    """):
        db.execute(statement)
    for aid, data in db.execute("SELECT id, data FROM articles WHERE NOT json_valid(data)").fetchall():
        d = _loads(data)
        db.execute("INSERT INTO article_raw(id, raw_text) VALUES (?, ?)", (aid, d.pop("raw_text", None) or ""))
        db.execute("UPDATE articles SET data = ? WHERE id = ?", (_dumps(d), aid))


# Each entry migrates the schema from version i to i+1: SQL statements, or a function of the
# connection. Append only.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # 0 -> 1: the foundation
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        command TEXT NOT NULL,
        inputs TEXT NOT NULL,          -- JSON list of paths
        engine TEXT,
        status TEXT NOT NULL DEFAULT 'running',  -- running | ok | partial | failed
        counts TEXT                    -- JSON object
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        input TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        title TEXT,
        published TEXT,
        story_id TEXT,
        canonical_id TEXT,
        clean_text TEXT,
        data TEXT NOT NULL,            -- the whole Article as JSON (raw_html left out)
        first_run INTEGER REFERENCES runs(id),
        last_run INTEGER REFERENCES runs(id)
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT,
        first_seen TEXT,
        last_seen TEXT,
        n_articles INTEGER NOT NULL DEFAULT 0,
        data TEXT NOT NULL,
        last_run INTEGER REFERENCES runs(id)
    );
    CREATE INDEX stories_last_seen ON stories(last_seen);
    CREATE TABLE rejections (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        input TEXT NOT NULL,
        code TEXT,
        stage TEXT,
        reason TEXT NOT NULL
    );
    CREATE INDEX rejections_run ON rejections(run_id);
    """,
    # 1 -> 2 (web): full-text search over articles and stories. The FTS rows share the rowid of
    # the row they index (fast delete on update) and carry the id, so results never need a join.
    # Triggers keep them in sync on every upsert and delete; Store.rebuild_search() re-creates them.
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, title, outlet, clean_text,
                                                 tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE stories_fts USING fts5(id UNINDEXED, title, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TRIGGER articles_fts_ins AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, id, title, outlet, clean_text)
        VALUES (new.rowid, new.id, new.title, new.outlet, new.clean_text);
    END;
    CREATE TRIGGER articles_fts_del AFTER DELETE ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.rowid;
    END;
    CREATE TRIGGER articles_fts_upd AFTER UPDATE OF title, outlet, clean_text ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.rowid;
        INSERT INTO articles_fts(rowid, id, title, outlet, clean_text)
        VALUES (new.rowid, new.id, new.title, new.outlet, new.clean_text);
    END;
    CREATE TRIGGER stories_fts_ins AFTER INSERT ON stories BEGIN
        INSERT INTO stories_fts(rowid, id, title) VALUES (new.rowid, new.id, new.title);
    END;
    CREATE TRIGGER stories_fts_del AFTER DELETE ON stories BEGIN
        DELETE FROM stories_fts WHERE rowid = old.rowid;
    END;
    CREATE TRIGGER stories_fts_upd AFTER UPDATE OF title ON stories BEGIN
        DELETE FROM stories_fts WHERE rowid = old.rowid;
        INSERT INTO stories_fts(rowid, id, title) VALUES (new.rowid, new.id, new.title);
    END;
    INSERT INTO articles_fts(rowid, id, title, outlet, clean_text)
        SELECT rowid, id, title, outlet, clean_text FROM articles;
    INSERT INTO stories_fts(rowid, id, title) SELECT rowid, id, title FROM stories;
    """,
    # 2 -> 3 (stories): dedup keys, story centroids and term document frequencies, so that
    # later runs find copies of stored articles and join stored stories without reclustering.
    """
    CREATE TABLE dedup_keys (
        key INTEGER NOT NULL,          -- normalised-text hash, LSH band or anchor shingle
        article_id TEXT NOT NULL,
        PRIMARY KEY (key, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE story_state (
        story_id TEXT PRIMARY KEY,
        first_day INTEGER,             -- proleptic ordinal of the earliest dated member
        last_day INTEGER,
        data TEXT NOT NULL             -- JSON: centroid terms, embedding sum, member count
    );
    CREATE INDEX story_state_last_day ON story_state(last_day);
    CREATE TABLE term_df (
        term TEXT PRIMARY KEY,         -- '' holds the number of documents counted
        df INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    # 3 -> 4 (storiesperf): re-index an article's full text only when its title, outlet or text
    # really changed. analyze() upserts every article again after the corpus stages (to store
    # dedup and story fields), and the trigger used to re-index all of them on that second write.
    """
    DROP TRIGGER articles_fts_upd;
    CREATE TRIGGER articles_fts_upd AFTER UPDATE OF title, outlet, clean_text ON articles
    WHEN old.title IS NOT new.title OR old.outlet IS NOT new.outlet OR old.clean_text IS NOT new.clean_text
    BEGIN
        DELETE FROM articles_fts WHERE rowid = old.rowid;
        INSERT INTO articles_fts(rowid, id, title, outlet, clean_text)
        VALUES (new.rowid, new.id, new.title, new.outlet, new.clean_text);
    END;
    """,
    # 4 -> 5: the article index reads its text from the articles table (external content)
    # instead of keeping a second copy of every text, and indexing is deferred: triggers only
    # note new or changed rows in fts_pending, and Store.index_pending() indexes them in bulk
    # (upsert_articles does it at once unless told not to; analyze does it for a whole run, on
    # the other core while its corpus stages run). Bulk indexing is about twice as fast, and
    # the store is a third smaller. FTS5 must be handed the old values of an indexed row to
    # remove it, so a row still pending is never "deleted" from the index. (No INSERT OR IGNORE
    # in the triggers: the upsert's own conflict handling overrides a trigger's.)
    """
    DROP TRIGGER articles_fts_ins;
    DROP TRIGGER articles_fts_del;
    DROP TRIGGER articles_fts_upd;
    DROP TABLE articles_fts;
    CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, title, outlet, clean_text,
                                                 content = 'articles', content_rowid = 'rowid',
                                                 tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE fts_pending (rowid INTEGER PRIMARY KEY);
    CREATE TRIGGER articles_fts_ins AFTER INSERT ON articles BEGIN
        INSERT INTO fts_pending(rowid) SELECT new.rowid
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE rowid = new.rowid);
    END;
    CREATE TRIGGER articles_fts_del AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, id, title, outlet, clean_text)
        SELECT 'delete', old.rowid, old.id, old.title, old.outlet, old.clean_text
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE rowid = old.rowid);
        DELETE FROM fts_pending WHERE rowid = old.rowid;
    END;
    CREATE TRIGGER articles_fts_upd AFTER UPDATE OF title, outlet, clean_text ON articles
    WHEN old.title IS NOT new.title OR old.outlet IS NOT new.outlet OR old.clean_text IS NOT new.clean_text
    BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, id, title, outlet, clean_text)
        SELECT 'delete', old.rowid, old.id, old.title, old.outlet, old.clean_text
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE rowid = old.rowid);
        INSERT INTO fts_pending(rowid) SELECT new.rowid
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE rowid = new.rowid);
    END;
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
    """,
    # 5 -> 6 (web): the story list is ordered largest first, then latest; with this index a page
    # of it reads that many rows instead of sorting the whole table on every request.
    """
    CREATE INDEX stories_rank ON stories(n_articles DESC, last_seen DESC, id);
    """,
    # 6 -> 7: a larger search-index buffer, for faster bulk indexing
    _fts_hash_size,
    # 7 -> 8: raw texts in a table of their own, so that rewriting an article row is cheaper
    _raw_apart,
]

SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _dumps(obj: Any) -> str:
    """Compact JSON. orjson writes dataclasses natively and is ~10x faster than ``json``; what it
    refuses (lone surrogates, integers over 64 bits) falls back to ``json`` on plain dicts."""
    try:
        return orjson.dumps(obj, default=str, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(to_dict(obj) if is_dataclass(obj) else obj, ensure_ascii=False,
                          separators=(",", ":"), default=str)


def _loads(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # e.g. NaN, which stores written by ``json`` may hold
        return json.loads(text)


def _insert_many(db: sqlite3.Connection, target: str, rows: list[tuple[Any, ...]], conflict: str = "") -> None:
    """``INSERT INTO target VALUES rows... conflict`` in one statement over a JSON array of the
    rows, so SQLite inserts them all without coming back for the GIL: an ``executemany`` of a
    million rows takes a GIL round trip per row, which cost 3x the time, and 10x on the
    background writer while the main thread ran Python. Rows orjson cannot encode (lone
    surrogates, integers over 64 bits) go through ``executemany``."""
    if not rows:
        return
    width = len(rows[0])
    payload = _json_rows(rows)
    if payload is None:
        marks = ",".join("?" * width)
        db.executemany(f"INSERT INTO {target} VALUES ({marks}) {conflict}", rows)
        return
    values = ", ".join(f"value ->> {i}" for i in range(width))
    # "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not a join
    db.execute(f"INSERT INTO {target} SELECT {values} FROM json_each(?) WHERE true {conflict}", (payload,))


def _json_rows(rows: list[tuple[Any, ...]]) -> str | None:
    """Rows as one JSON array for ``json_each``; None when orjson cannot encode one (lone
    surrogates, integers over 64 bits): bind those row by row instead."""
    try:
        return orjson.dumps(rows).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return None


def _article_row(a: Article) -> dict[str, Any]:
    """What is stored of an article in its JSON: every persistent field but the raw HTML and the
    texts stored on their own (shallow; orjson serialises the nested dataclasses)."""
    d = {name: getattr(a, name) for name in field_names(Article)}
    d["raw_html"] = None
    del d["clean_text"]  # a column of its own: one copy less to write (see _article)
    del d["raw_text"]  # in article_raw: see _raw_apart
    return d


#: The columns :func:`_article` reads, from ``articles a`` joined with ``article_raw r``.
_ARTICLE_COLUMNS = "a.id, a.data, a.clean_text, r.raw_text"
_ARTICLE_FROM = "articles a LEFT JOIN article_raw r ON r.id = a.id"


def _article(row: sqlite3.Row) -> Article:
    d = _loads(row["data"])
    d["clean_text"] = row["clean_text"]
    d["raw_text"] = row["raw_text"] or ""
    return article_from_dict(d)


class Store:
    """A newsprism store. Safe to open from several processes at once."""

    def __init__(self, path: str | Path = DEFAULT_DB, readonly: bool = False, timeout: float = 60.0) -> None:
        self.path = str(path)
        self.readonly = readonly
        try:
            if readonly:
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
            else:
                self.db = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise NewsprismError(Errors.E008, db=self.path, reason=str(exc)) from exc

    # -- schema ----------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        found = self.schema_version
        if found > SCHEMA_VERSION:
            raise NewsprismError(Errors.E005, db=self.path, found=found, supported=SCHEMA_VERSION)
        if found == SCHEMA_VERSION or self.readonly:
            return
        with self.transaction():
            found = self.schema_version  # another process may have migrated meanwhile
            for version in range(found, SCHEMA_VERSION):
                step = MIGRATIONS[version]
                if callable(step):
                    step(self.db)
                else:
                    for statement in _split_sql(step):
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, retried while another writer holds the lock."""
        for attempt in range(50):
            try:
                self.db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(min(0.05 * (attempt + 1), 1.0))
        else:
            self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------

    def begin_run(self, command: str, inputs: Sequence[str], engine: str = "local") -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs(started, command, inputs, engine) VALUES (?, ?, ?, ?)",
                (_now(), command, _dumps(list(inputs)), engine),
            )
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, counts: dict[str, Any], status: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished = ?, counts = ?, status = ? WHERE id = ?",
                (_now(), _dumps(counts), status, run_id),
            )

    def runs(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM runs ORDER BY id").fetchall()
        return [{**dict(r), "inputs": json.loads(r["inputs"]), "counts": json.loads(r["counts"] or "{}")}
                for r in rows]

    # -- articles --------------------------------------------------------------

    def upsert_articles(self, articles: Iterable[Article], run_id: int | None = None, index: bool = True) -> int:
        """Insert or update articles. With ``index=False`` their full-text indexing is left
        pending, for one bulk :meth:`index_pending` later (what ``analyze`` does)."""
        rows = []
        raws = []
        for a in articles:
            rows.append((a.id, a.input, a.url, a.outlet, a.title, a.published, a.story_id, a.canonical_id,
                         a.clean_text, _dumps(_article_row(a)), run_id, run_id))
            raws.append((a.id, a.raw_text or ""))
        if not rows:
            return 0
        with self.transaction() as db:
            db.executemany(
                """INSERT INTO articles(id, input, url, outlet, title, published, story_id, canonical_id,
                                        clean_text, data, first_run, last_run)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT(id) DO UPDATE SET input=excluded.input, url=excluded.url,
                     outlet=excluded.outlet, title=excluded.title, published=excluded.published,
                     story_id=COALESCE(excluded.story_id, articles.story_id),
                     canonical_id=COALESCE(excluded.canonical_id, articles.canonical_id),
                     clean_text=excluded.clean_text, data=excluded.data, last_run=excluded.last_run""",
                rows,
            )
            db.executemany(
                """INSERT INTO article_raw(id, raw_text) VALUES (?, ?)
                   ON CONFLICT(id) DO UPDATE SET raw_text = excluded.raw_text
                   WHERE raw_text IS NOT excluded.raw_text""",
                raws,
            )
            if index:
                self._index_pending(db, None)
        return len(rows)

    @staticmethod
    def column_values(a: Article) -> tuple[Any, ...]:
        """An article's values of the columns :meth:`update_articles` leaves alone (the text
        ones): when they are the values last written, that cheaper update is enough."""
        return (a.input, a.url, a.outlet, a.title, a.published, a.clean_text)

    def update_articles(self, articles: Sequence[Article], run_id: int | None = None) -> int:
        """Rewrite stored articles whose text columns (:meth:`column_values`) did not change:
        their story, canonical and JSON only. About three times faster than an upsert, which
        writes and compares every text again. Returns how many rows were found and updated."""
        rows = [(a.story_id, a.canonical_id, _dumps(_article_row(a)), run_id, a.id) for a in articles]
        if not rows:
            return 0
        one_each = len({r[4] for r in rows}) == len(rows)  # else applied in order, the last one winning
        payload = _json_rows(rows) if one_each and sqlite3.sqlite_version_info >= (3, 33) else None
        with self.transaction() as db:
            if payload is not None:
                # one statement (UPDATE FROM, SQLite 3.33): no trip back to Python per row, so it
                # keeps its pace on the background writer while the main thread runs Python
                cur = db.execute(
                    """UPDATE articles SET story_id = COALESCE(v.value ->> 0, articles.story_id),
                         canonical_id = COALESCE(v.value ->> 1, articles.canonical_id),
                         data = v.value ->> 2, last_run = v.value ->> 3
                       FROM json_each(?) AS v WHERE articles.id = v.value ->> 4""", (payload,))
            else:
                cur = db.executemany(
                    """UPDATE articles SET story_id = COALESCE(?, story_id), canonical_id = COALESCE(?, canonical_id),
                                           data = ?, last_run = ? WHERE id = ?""", rows)
            return int(cur.rowcount)

    def index_pending(self, batch: int | None = INDEX_BATCH, rounds: int | None = None) -> int:
        """Index the rows whose full-text indexing is pending, ``batch`` rows per transaction
        (so other writers wait at most one batch), for at most ``rounds`` transactions (None:
        until none is left); returns how many were indexed."""
        done = 0
        while rounds is None or rounds > 0:
            with self.transaction() as db:
                n = self._index_pending(db, batch)
            done += n
            if not n or batch is None:
                break
            rounds = None if rounds is None else rounds - 1
        return done

    @staticmethod
    def _index_pending(db: sqlite3.Connection, limit: int | None) -> int:
        lim = "" if limit is None else f" ORDER BY rowid LIMIT {int(limit)}"
        db.execute("CREATE TEMP TABLE IF NOT EXISTS np_indexing (rowid INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.np_indexing")
        db.execute(f"INSERT INTO temp.np_indexing SELECT rowid FROM fts_pending{lim}")
        db.execute("INSERT INTO articles_fts(rowid, id, title, outlet, clean_text) "
                   "SELECT a.rowid, a.id, a.title, a.outlet, a.clean_text FROM articles a "
                   "JOIN temp.np_indexing p ON a.rowid = p.rowid")
        n = db.execute("DELETE FROM fts_pending WHERE rowid IN (SELECT rowid FROM temp.np_indexing)").rowcount
        return int(n)

    def pending_index(self) -> int:
        """How many articles still wait for full-text indexing."""
        return int(self.db.execute("SELECT count(*) FROM fts_pending").fetchone()[0])

    def article_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def get_article(self, article_id: str) -> Article | None:
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLE_FROM} WHERE a.id = ?",
                              (article_id,)).fetchone()
        return _article(row) if row else None

    def get_articles(self, ids: Sequence[str]) -> list[Article]:
        out: dict[str, Article] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            q = f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLE_FROM} WHERE a.id IN ({','.join('?' * len(chunk))})"
            for row in self.db.execute(q, chunk):
                out[row["id"]] = _article(row)
        return [out[i] for i in ids if i in out]

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            q = f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            found.update(r[0] for r in self.db.execute(q, chunk))
        return found

    def iter_articles(self, batch: int = 1000) -> Iterator[Article]:
        last = ""
        while True:
            rows = self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLE_FROM} WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _article(row)
            last = rows[-1]["id"]

    def story_ids_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The story each of ``ids`` belongs to in the store (articles with none are left out)."""
        found: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            q = f"SELECT id, story_id FROM articles WHERE story_id IS NOT NULL AND id IN ({','.join('?' * len(chunk))})"
            found.update((r[0], r[1]) for r in self.db.execute(q, chunk))
        return found

    def story_members(self, story_ids: Sequence[str]) -> dict[str, list[str]]:
        """Member article ids of each story, ordered like :meth:`story_article_ids`."""
        out: dict[str, list[str]] = {}
        for i in range(0, len(story_ids), 500):
            chunk = list(story_ids[i:i + 500])
            q = (f"SELECT story_id, id FROM articles WHERE story_id IN ({','.join('?' * len(chunk))}) "
                 "ORDER BY story_id, published, id")
            for sid, aid in self.db.execute(q, chunk):
                out.setdefault(sid, []).append(aid)
        return out

    def story_article_ids(self, story_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT id FROM articles WHERE story_id = ? ORDER BY published, id", (story_id,)
        ).fetchall()
        return [r[0] for r in rows]

    # -- stories ---------------------------------------------------------------

    def upsert_stories(self, stories: Iterable[Story], run_id: int | None = None) -> int:
        rows = [(s.id, s.title, s.first_seen, s.last_seen, len(s.article_ids), _dumps(s), run_id)
                for s in stories]
        if not rows:
            return 0
        with self.transaction() as db:
            db.executemany(
                """INSERT INTO stories(id, title, first_seen, last_seen, n_articles, data, last_run)
                   VALUES (?,?,?,?,?,?,?)
                   ON CONFLICT(id) DO UPDATE SET title=excluded.title, first_seen=excluded.first_seen,
                     last_seen=excluded.last_seen, n_articles=excluded.n_articles, data=excluded.data,
                     last_run=excluded.last_run""",
                rows,
            )
        return len(rows)

    def delete_articles(self, ids: Iterable[str]) -> None:
        """Remove articles (e.g. ones a later stage rejected); their rejection is recorded instead."""
        ids = list(ids)
        if ids:
            with self.transaction() as db:
                db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])

    def delete_stories(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            with self.transaction() as db:
                db.executemany("DELETE FROM stories WHERE id = ?", [(i,) for i in ids])

    def get_story(self, story_id: str) -> Story | None:
        row = self.db.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        return story_from_dict(_loads(row["data"])) if row else None

    def get_stories(self, ids: Sequence[str]) -> list[Story]:
        return [s for s in (self.get_story(i) for i in ids) if s is not None]

    def list_stories(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        rows = self.db.execute(
            """SELECT id, title, first_seen, last_seen, n_articles FROM stories
               ORDER BY n_articles DESC, last_seen DESC, id LIMIT ? OFFSET ?""",
            (limit, offset),
        ).fetchall()
        return [dict(r) for r in rows]

    def story_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM stories").fetchone()[0])

    # -- dedup and story state (stories) ---------------------------------------

    def dedup_lookup(self, keys: Sequence[int]) -> list[tuple[int, str]]:
        """Stored (key, article id) pairs for any of ``keys``."""
        out: list[tuple[int, str]] = []
        for i in range(0, len(keys), 500):
            chunk = list(keys[i:i + 500])
            q = f"SELECT key, article_id FROM dedup_keys WHERE key IN ({','.join('?' * len(chunk))})"
            out.extend((int(r[0]), r[1]) for r in self.db.execute(q, chunk))
        return out

    def dedup_any(self) -> bool:
        return self.db.execute("SELECT 1 FROM dedup_keys LIMIT 1").fetchone() is not None

    def add_dedup_keys(self, ids: Sequence[str], keys: Any, owner: Any) -> None:
        """Add dedup keys: ``keys[i]`` (int64) belongs to article ``ids[owner[i]]``. Keys are a
        function of the text, so writing one again is a no-op.

        Keys left by an older version of an article's text only cause an extra candidate, which
        dedup verifies against the stored text, so they are not worth a delete.
        """
        if not len(keys):
            return
        import numpy as np

        keys = np.asarray(keys, dtype=np.int64)
        owner = np.asarray(owner, dtype=np.int64)
        order = np.argsort(keys, kind="stable")  # insert in b-tree order
        # (key, article number) pairs straight from numpy, and the ids once in a temporary table:
        # a million keys cost no Python objects, so the background writer leaves the interpreter
        # to the stages running meanwhile. (An id orjson cannot encode, a lone surrogate, SQLite
        # could not store either.)
        names = orjson.dumps(list(ids)).decode("utf-8")
        pairs = orjson.dumps(np.stack((keys[order], owner[order]), axis=1), option=orjson.OPT_SERIALIZE_NUMPY)
        with self.transaction() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS np_ids (n INTEGER PRIMARY KEY, id TEXT NOT NULL)")
            db.execute("DELETE FROM temp.np_ids")
            db.execute("INSERT INTO temp.np_ids(n, id) SELECT key, value FROM json_each(?)", (names,))
            db.execute("""INSERT INTO dedup_keys(key, article_id)
                          SELECT v.value ->> 0, t.id FROM json_each(?) AS v JOIN temp.np_ids AS t ON t.n = v.value ->> 1
                          WHERE true ON CONFLICT DO NOTHING""", (pairs.decode("ascii"),))
            db.execute("DELETE FROM temp.np_ids")

    def story_states(self, lo_day: int | None = None, hi_day: int | None = None,
                     ids: Sequence[str] | None = None) -> list[tuple[str, int | None, int | None, dict[str, Any]]]:
        """Stored story centroids: those named in ``ids``, those active in [lo_day, hi_day] and undated ones."""
        rows: list[Any] = []
        if ids is not None:
            for i in range(0, len(ids), 500):
                chunk = list(ids[i:i + 500])
                rows += self.db.execute(
                    f"SELECT * FROM story_state WHERE story_id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        if lo_day is not None and hi_day is not None:
            rows += self.db.execute(
                "SELECT * FROM story_state WHERE last_day >= ? AND first_day <= ? OR last_day IS NULL",
                (lo_day, hi_day)).fetchall()
        seen: set[str] = set()
        out = []
        for r in rows:
            if r["story_id"] not in seen:
                seen.add(r["story_id"])
                out.append((r["story_id"], r["first_day"], r["last_day"], _loads(r["data"])))
        return out

    def save_story_states(self, states: Iterable[tuple[str, int | None, int | None, dict[str, Any]]]) -> None:
        """Insert or replace story centroids. Bound row by row: for these wide rows (about 3 KB
        each) that takes half the time of one JSON statement, provided no other thread runs Python
        meanwhile (see :meth:`~newsprism.pipeline.Context.write`, ``wait``)."""
        rows = [(sid, a, b, _dumps(d)) for sid, a, b, d in states]
        if rows:
            with self.transaction() as db:
                db.executemany(
                    """INSERT INTO story_state(story_id, first_day, last_day, data) VALUES (?, ?, ?, ?)
                       ON CONFLICT(story_id) DO UPDATE SET first_day=excluded.first_day,
                         last_day=excluded.last_day, data=excluded.data""", rows)

    def term_df(self, terms: Iterable[str]) -> dict[str, int]:
        """Stored document frequencies of ``terms`` ('' gives the number of documents counted)."""
        terms = list(dict.fromkeys(terms))
        out: dict[str, int] = {}
        if self.db.execute("SELECT 1 FROM term_df LIMIT 1").fetchone() is None:
            return out  # nothing counted yet (a first run): no lookups
        try:  # one statement for all of them
            payload = orjson.dumps(terms).decode("utf-8")
        except (orjson.JSONEncodeError, TypeError):
            payload = None
        if payload is not None:
            rows = self.db.execute("SELECT term, df FROM term_df WHERE term IN (SELECT value FROM json_each(?))",
                                   (payload,))
            return {r[0]: int(r[1]) for r in rows}
        for i in range(0, len(terms), 500):
            chunk = terms[i:i + 500]
            q = f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(chunk))})"
            out.update((r[0], int(r[1])) for r in self.db.execute(q, chunk))
        return out

    def add_term_df(self, counts: dict[str, int]) -> None:
        if counts:
            with self.transaction() as db:
                _insert_many(db, "term_df(term, df)", list(counts.items()),
                             "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df")

    # -- rejections ------------------------------------------------------------

    def add_rejections(self, run_id: int, rejections: Iterable[Rejection]) -> int:
        rows = [(run_id, r.input, r.code, r.stage, r.reason) for r in rejections]
        if rows:
            with self.transaction() as db:
                db.executemany(
                    "INSERT INTO rejections(run_id, input, code, stage, reason) VALUES (?,?,?,?,?)", rows
                )
        return len(rows)

    def rejections(self, run_id: int | None = None) -> list[Rejection]:
        if run_id is None:
            rows = self.db.execute("SELECT * FROM rejections ORDER BY id").fetchall()
        else:
            rows = self.db.execute("SELECT * FROM rejections WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()
        return [Rejection(input=r["input"], reason=r["reason"], code=r["code"] or "E000", stage=r["stage"] or "")
                for r in rows]


    # -- queries for the web app and API (web) -----------------------------------

    def query_stories(self, q: str | None = None, outlet: str | None = None, date_from: str | None = None,
                      date_to: str | None = None, limit: int = 20, offset: int = 0
                      ) -> tuple[list[dict[str, Any]], int]:
        """One page of stories, largest first, and the total that match.

        ``q`` is full text over story titles and over the titles, outlets and text of their
        articles; ``outlet`` keeps stories with an article from that outlet; ``date_from`` /
        ``date_to`` (ISO dates, inclusive) keep stories whose coverage overlaps that range.
        """
        where, args = self._story_filters(q, outlet, date_from, date_to)
        if where is None:
            return [], 0
        clause = " AND ".join(where) or "1"
        total = int(self.db.execute(f"SELECT count(*) FROM stories s WHERE {clause}", args).fetchone()[0])
        rows = self.db.execute(
            f"""SELECT s.id, s.title, s.first_seen, s.last_seen, s.n_articles FROM stories s WHERE {clause}
                ORDER BY s.n_articles DESC, s.last_seen DESC, s.id LIMIT ? OFFSET ?""",
            [*args, limit, offset],
        ).fetchall()
        out = [dict(r) for r in rows]
        outlets = self.story_outlets([r["id"] for r in out])
        for r in out:
            r["outlets"] = outlets.get(r["id"], [])
        return out, total

    def _story_filters(self, q: str | None, outlet: str | None, date_from: str | None,
                       date_to: str | None) -> tuple[list[str] | None, list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        if q is not None and q.strip():
            match = fts_query(q)
            if match is None:
                return None, []
            where.append("(s.id IN (SELECT id FROM stories_fts WHERE stories_fts MATCH ?)"
                         " OR s.id IN (SELECT a.story_id FROM articles a WHERE a.id IN"
                         " (SELECT id FROM articles_fts WHERE articles_fts MATCH ?)))")
            args += [match, match]
        if outlet:
            where.append("s.id IN (SELECT story_id FROM articles WHERE outlet = ? AND story_id IS NOT NULL)")
            args.append(outlet)
        if date_from:
            where.append("substr(s.last_seen, 1, 10) >= ?")
            args.append(date_from)
        if date_to:
            where.append("substr(s.first_seen, 1, 10) <= ?")
            args.append(date_to)
        return where, args

    def story_outlets(self, story_ids: Sequence[str]) -> dict[str, list[str]]:
        """The distinct outlets of each story's articles, sorted."""
        found: dict[str, set[str]] = {}
        for i in range(0, len(story_ids), 500):
            chunk = list(story_ids[i:i + 500])
            q = (f"SELECT DISTINCT story_id, outlet FROM articles WHERE outlet IS NOT NULL"
                 f" AND story_id IN ({','.join('?' * len(chunk))})")
            for r in self.db.execute(q, chunk):
                found.setdefault(r[0], set()).add(r[1])
        return {k: sorted(v) for k, v in found.items()}

    def outlets(self, limit: int = 500) -> list[tuple[str, int]]:
        """Outlets in the store with their article counts, most articles first."""
        rows = self.db.execute(
            """SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL AND outlet != ''
               GROUP BY outlet ORDER BY n DESC, outlet LIMIT ?""", (limit,)).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    def get_story_with_articles(self, story_id: str) -> tuple[Story, list[Article]] | None:
        """A story and its member articles in publication order (None when unknown)."""
        story = self.get_story(story_id)
        if story is None:
            return None
        ids = story.article_ids or self.story_article_ids(story_id)
        articles = self.get_articles(ids)
        articles.sort(key=lambda a: (a.published or "9999", a.outlet or "", a.id))
        return story, articles

    def search_articles(self, q: str, limit: int = 20, offset: int = 0,
                        count: bool = True) -> tuple[list[dict[str, Any]], int | None]:
        """Articles matching ``q`` (full text over title, outlet and text), best first, and how
        many match in all (None with ``count=False``, which saves a pass over the matches).

        Each hit carries a ``snippet`` in which matched terms sit between U+E000 and U+E001
        (private-use marks, so a renderer can highlight them after escaping the text).
        """
        match = fts_query(q)
        if match is None:
            return [], 0
        total = int(self.db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                                    (match,)).fetchone()[0]) if count else None
        rows = self.db.execute(
            """SELECT f.id, a.title, a.outlet, a.published, a.story_id,
                      snippet(articles_fts, 3, char(57344), char(57345), ' … ', 24) AS snippet
               FROM articles_fts f JOIN articles a ON a.id = f.id
               WHERE articles_fts MATCH ? ORDER BY f.rank LIMIT ? OFFSET ?""",
            (match, limit, offset),
        ).fetchall()
        return [dict(r) for r in rows], total

    def rebuild_search(self) -> None:
        """Re-create the full-text index from the tables (e.g. after a VACUUM renumbered rowids)."""
        with self.transaction() as db:
            db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
            db.execute("DELETE FROM fts_pending")
            db.execute("DELETE FROM stories_fts")
            db.execute("INSERT INTO stories_fts(rowid, id, title) SELECT rowid, id, title FROM stories")


_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word must match (the last as a prefix).

    User input never reaches FTS5 syntax: each word is quoted, so operators, quotes and
    column filters in the input are plain text. None when the input has no word at all.
    """
    words = _FTS_TOKEN.findall(text)[:32]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)

def _split_sql(script: str) -> list[str]:
    """Split a migration into statements; a trigger's BEGIN ... END body stays one statement."""
    out: list[str] = []
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                out.append(buf.strip().rstrip(";").strip())
            buf = ""
    if buf.strip(" \n\t;"):
        out.append(buf.strip().rstrip(";").strip())
    return out
