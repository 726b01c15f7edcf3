"""Export the store as tables: JSON Lines or Parquet (load straight into pandas, polars, DuckDB).

Four tables, one file each (``<table>.<format>``):

``articles``
    one row per article: every :class:`~newsprism.model.Article` field but ``raw_html``.
``stories``
    one row per story: every :class:`~newsprism.model.Story` field.
``facts``
    one row per fact of a story: ``story_id``, ``fact_index``, ``text`` and the whole fact as ``fact``.
``quotes``
    one row per quote in an article: ``article_id``, ``story_id``, ``outlet``, ``published``,
    ``quote_index`` and the :class:`~newsprism.model.Quote` fields.

Parquet files have one fixed schema per table, so files from different runs
concatenate: scalar fields keep their types, nested fields (lists, dicts) are
JSON strings (DuckDB: ``json_extract``; pandas: ``json.loads``). JSON Lines keeps
nested values as JSON. Rows are written in batches, so a large store streams.

>>> import duckdb; duckdb.sql("select outlet, count(*) from 'export/articles.parquet' group by 1")
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import Errors, NewsprismError
from .model import Article, Quote, Story, to_dict
from .store import Store

FORMATS = ("jsonl", "parquet")
TABLES = ("articles", "stories", "facts", "quotes")


def _kind(annotation: Any) -> str:
    a = str(annotation).replace(" ", "")
    if a.startswith(("list", "dict")):
        return "json"
    for name in ("bool", "int", "float"):
        if a in (name, f"{name}|None"):
            return name
    return "str"


def _fields(cls: type, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(f.name, _kind(f.type)) for f in dataclasses.fields(cls) if f.name not in skip]


#: table -> [(column, kind)], kind one of str, int, float, bool, json
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "articles": _fields(Article, skip=("raw_html",)),
    "stories": _fields(Story),
    "facts": [("story_id", "str"), ("fact_index", "int"), ("text", "str"), ("fact", "json")],
    "quotes": [("article_id", "str"), ("story_id", "str"), ("outlet", "str"), ("published", "str"),
               ("quote_index", "int")] + _fields(Quote),
}


def article_rows(store: Store) -> Iterator[dict[str, Any]]:
    for a in store.iter_articles():
        d = to_dict(a)
        d.pop("raw_html", None)
        yield d


def _stories(store: Store) -> Iterator[Story]:
    offset = 0
    while True:
        rows = store.list_stories(limit=1000, offset=offset)
        if not rows:
            return
        yield from store.get_stories([r["id"] for r in rows])
        offset += len(rows)


def story_rows(store: Store) -> Iterator[dict[str, Any]]:
    for s in _stories(store):
        yield to_dict(s)


def fact_rows(store: Store) -> Iterator[dict[str, Any]]:
    for s in _stories(store):
        for i, fact in enumerate(s.facts):
            text = fact.get("text") or fact.get("about") if isinstance(fact, dict) else str(fact)
            yield {"story_id": s.id, "fact_index": i, "text": text if isinstance(text, str) else None,
                   "fact": fact}


def quote_rows(store: Store) -> Iterator[dict[str, Any]]:
    for a in store.iter_articles():
        for i, q in enumerate(a.quotes):
            yield {"article_id": a.id, "story_id": a.story_id, "outlet": a.outlet, "published": a.published,
                   "quote_index": i, **to_dict(q)}


ROWS = {"articles": article_rows, "stories": story_rows, "facts": fact_rows, "quotes": quote_rows}


def export_store(store: Store, out: Path, fmt: str, tables: Iterable[str] = TABLES) -> list[str]:
    """Write the chosen tables of ``store`` into ``out``; return the paths written."""
    if fmt not in FORMATS:
        raise NewsprismError(Errors.E003, fmt=fmt, choices=", ".join(FORMATS))
    tables = list(dict.fromkeys(tables))
    for t in tables:
        if t not in TABLES:
            raise NewsprismError(Errors.E122, table=t, choices=", ".join(TABLES))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in tables:
        path = out / f"{name}.{fmt}"
        tmp = path.with_name(path.name + ".tmp")
        rows = ROWS[name](store)
        if fmt == "jsonl":
            with open(tmp, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        else:
            write_parquet(tmp, rows, SCHEMAS[name])
        tmp.replace(path)
        written.append(str(path))
    return written


def _arrow_schema(columns: list[tuple[str, str]]) -> Any:
    import pyarrow as pa

    types = {"str": pa.string(), "json": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(name, types[kind]) for name, kind in columns])


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, default=str)
    if kind == "str":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if kind == "bool":
        return bool(value)
    try:
        return int(value) if kind == "int" else float(value)
    except (TypeError, ValueError):
        return None


def write_parquet(path: Path, rows: Iterable[dict[str, Any]], columns: list[tuple[str, str]],
                  batch: int = 5000) -> int:
    """Write ``rows`` with a fixed schema; unknown keys are ignored, missing ones are null."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(columns)
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        buf: list[dict[str, Any]] = []

        def flush() -> None:
            if buf:
                cols = {name: [_cell(r.get(name), kind) for r in buf] for name, kind in columns}
                writer.write_table(pa.Table.from_pydict(cols, schema=schema))
                buf.clear()

        for row in rows:
            buf.append(row)
            n += 1
            if len(buf) >= batch:
                flush()
        flush()
    return n
