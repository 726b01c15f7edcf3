"""Export the store to JSON Lines or Parquet (loads straight into pandas, polars, DuckDB)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .model import to_dict
from .store import Store

FORMATS = ("jsonl", "parquet")


def article_rows(store: Store) -> Iterator[dict[str, Any]]:
    for a in store.iter_articles():
        d = to_dict(a)
        d.pop("raw_html", None)
        yield d


def story_rows(store: Store) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        rows = store.list_stories(limit=1000, offset=offset)
        if not rows:
            return
        for s in store.get_stories([r["id"] for r in rows]):
            yield to_dict(s)
        offset += len(rows)


def export_store(store: Store, out: Path, fmt: str) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in (("articles", article_rows(store)), ("stories", story_rows(store))):
        path = out / f"{name}.{fmt}"
        if fmt == "jsonl":
            with open(path, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        else:
            _write_parquet(path, rows)
        written.append(str(path))
    return written


def _write_parquet(path: Path, rows: Iterator[dict[str, Any]], batch: int = 5000) -> None:
    """Nested fields are stored as JSON strings so every file has one flat, stable schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    buf: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal writer
        if not buf:
            return
        flat = [{k: (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else v)
                 for k, v in r.items()} for r in buf]
        table = pa.Table.from_pylist(flat)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        else:
            table = table.cast(writer.schema)
        writer.write_table(table)
        buf.clear()

    for row in rows:
        buf.append(row)
        if len(buf) >= batch:
            flush()
    flush()
    if writer is None:
        pq.write_table(pa.table({"id": pa.array([], pa.string())}), path)
    else:
        writer.close()
