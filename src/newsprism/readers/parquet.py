"""Parquet tables (``.parquet``): one article per row, read in batches with pyarrow.

Columns map to article fields with the same names and aliases as JSON Lines
(``newsprism.readers.jsonl.ALIASES``: ``text``/``content``/``body``, ``source``/
``outlet``, ``date``/``published`` ...); other columns go to ``metadata``. A bad
row becomes a rejection naming the file and row (1-based); the other rows are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import Errors, NewsprismError
from ..model import Article, Rejection
from .jsonl import record_to_article


def _plain(value: Any) -> Any:
    """Dates and times as ISO strings, bytes as text where it decodes, so rows map like JSON records."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.hex()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read(path: Path, settings: Settings) -> Iterator[Article | Rejection]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = str(path)
    try:
        if path.stat().st_size == 0:
            raise NewsprismError(Errors.E102, input=name)
        pf = pq.ParquetFile(path)
    except NewsprismError:
        raise
    except OSError as exc:
        raise NewsprismError(Errors.E101, input=name, reason=exc.strerror or str(exc)) from exc
    except (pa.ArrowException, ValueError) as exc:
        raise NewsprismError(Errors.E120, input=name, reason=str(exc)) from exc
    if pf.metadata.num_rows == 0:
        raise NewsprismError(Errors.E102, input=name)
    n = 0
    total = 0
    batches = pf.iter_batches(batch_size=1000)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except (pa.ArrowException, OSError, ValueError) as exc:
            yield Rejection(input=f"{name}:{n + 1}", code="E120",
                            reason=Errors.E120.format(input=f"{name}:{n + 1}", reason=str(exc)))
            return
        total += batch.nbytes
        if total > settings.max_decompressed_bytes:
            yield Rejection(input=f"{name}:{n + 1}", code="E115", reason=Errors.E115.format(
                input=f"{name}:{n + 1}", limit=settings.max_decompressed_bytes))
            return
        for rec in batch.to_pylist():
            n += 1
            where = f"{name}:{n}"
            try:
                rec = {k: _plain(v) for k, v in rec.items() if v is not None}
                size = sum(len(v) for v in rec.values() if isinstance(v, str))
                if size > settings.max_document_bytes:
                    raise NewsprismError(Errors.E106, input=where, limit=settings.max_document_bytes)
                yield record_to_article(rec, where, n)
            except NewsprismError as exc:
                yield Rejection(input=where, reason=exc.message, code=exc.code)
