"""Readers: paths in, a stream of :class:`Article` or :class:`Rejection` out.

Every input ends as exactly one of the two, so nothing is dropped silently.
The file type is chosen from the name (``.gz`` is looked through) and, for
unknown names, from the content.

>>> from newsprism.readers import read_paths
>>> for item in read_paths(["corpus/"]):
...     print(item)
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..config import Settings
from ..errors import Errors, NewsprismError
from ..model import Article, Rejection
from . import feeds, html, jsonl, parquet, text, warc

Item = Article | Rejection

#: suffix (without .gz) -> reader function(path, settings) -> Iterator[Item]
READERS = {
    ".txt": text.read,
    ".text": text.read,
    ".md": text.read,
    ".jsonl": jsonl.read,
    ".ndjson": jsonl.read,
    ".json": jsonl.read,
    ".html": html.read,
    ".htm": html.read,
    ".xhtml": html.read,
    ".warc": warc.read,  # .warc.gz too: .gz is looked through
    ".rss": feeds.read,
    ".atom": feeds.read,
    ".xml": feeds.read,  # checks for an <rss>, <feed> or <rdf:RDF> root before parsing
    ".parquet": parquet.read,
    ".pq": parquet.read,
}


def register_reader(suffix: str, fn) -> None:  # noqa: ANN001
    """Add a reader for a file suffix (used by optional readers: WARC, feeds, Parquet)."""
    READERS[suffix.lower()] = fn


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _sniff(path: Path) -> str:
    """Guess a reader for a file with an unknown suffix from its first bytes."""
    from .decode import open_binary

    try:
        with open_binary(path) as f:
            head = f.read(2048)
    except Exception:  # noqa: BLE001 - the text reader will report the real error
        return ".txt"
    stripped = head.lstrip().lower()
    if stripped.startswith(b"{"):
        return ".jsonl"
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<body" in stripped:
        return ".html"
    if stripped.startswith(b"warc/"):
        return ".warc"
    if (stripped.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))
            and (b"<rss" in stripped or b"<feed" in stripped or b"<rdf:rdf" in stripped)):
        return ".xml"
    if head.startswith(b"PAR1"):
        return ".parquet"
    return ".txt"


def iter_files(
    paths: Iterable[str | os.PathLike[str]], settings: Settings, stats: Counter[str] | None = None
) -> Iterator[Path | Rejection]:
    """Expand files and directories (recursively, sorted, following links once)."""
    stats = stats if stats is not None else Counter()
    seen_dirs: set[tuple[int, int]] = set()
    count = 0

    def take(p: Path) -> Path | Rejection:
        nonlocal count
        count += 1
        if count > settings.max_files:
            return Rejection(
                input=str(p), reason=NewsprismError(Errors.E111, input=str(p), limit=settings.max_files).message,
                code="E111",
            )
        return p

    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            yield Rejection(input=str(p), reason=NewsprismError(Errors.E002, input=str(p)).message, code="E002")
            continue
        if p.is_file():
            yield take(p)
            continue
        if not p.is_dir():
            if p.is_symlink():  # dangling link
                yield Rejection(input=str(p), reason=Errors.E112.format(input=p), code="E112")
            else:
                yield Rejection(input=str(p), reason=Errors.E101.format(input=p, reason="not a regular file"),
                                code="E101")
            continue
        stack = [p]
        while stack:
            d = stack.pop()
            try:
                st = d.stat()
            except OSError as exc:
                yield Rejection(input=str(d), reason=Errors.E101.format(input=d, reason=exc.strerror), code="E101")
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                yield Rejection(input=str(d), reason=Errors.E112.format(input=d), code="E112")
                continue
            seen_dirs.add(key)
            try:
                entries = sorted(os.scandir(d), key=lambda e: e.name)
            except OSError as exc:
                yield Rejection(input=str(d), reason=Errors.E101.format(input=d, reason=exc.strerror), code="E101")
                continue
            subdirs = []
            for e in entries:
                if e.name.startswith("."):
                    stats["hidden_skipped"] += 1
                    continue
                ep = Path(e.path)
                try:
                    if e.is_dir():
                        subdirs.append(ep)
                    elif e.is_file():
                        yield take(ep)
                    else:
                        reason = Errors.E112.format(input=ep) if e.is_symlink() else \
                            Errors.E101.format(input=ep, reason="not a regular file")
                        yield Rejection(input=str(ep), reason=reason, code="E112" if e.is_symlink() else "E101")
                except OSError as exc:  # e.g. ELOOP on a self-referencing link
                    yield Rejection(input=str(ep), reason=Errors.E112.format(input=ep) + f" ({exc.strerror})",
                                    code="E112")
            stack.extend(reversed(subdirs))


def read_file(path: Path, settings: Settings | None = None, stats: Counter[str] | None = None) -> Iterator[Item]:
    """Read one file with the reader its name (or content) calls for.

    Readers that count what they skip (WARC records that are not HTML responses,
    say) set ``takes_stats`` and get ``stats``.
    """
    settings = settings or Settings()
    suffix = _suffix(path)
    reader = READERS.get(suffix) or READERS.get(_sniff(path))
    if reader is None:
        yield Rejection(input=str(path), reason=Errors.E113.format(input=path, suffix=suffix), code="E113")
        return
    try:
        if getattr(reader, "takes_stats", False):
            yield from reader(path, settings, stats if stats is not None else Counter())
        else:
            yield from reader(path, settings)
    except NewsprismError as exc:
        yield Rejection(input=str(path), reason=exc.message, code=exc.code)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
        yield Rejection(input=str(path), reason=Errors.E101.format(input=path, reason=f"{type(exc).__name__}: {exc}"),
                        code="E101")


def read_paths(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    stats: Counter[str] | None = None,
) -> Iterator[Item]:
    """Read every file under ``paths``; yield articles and rejections in a stable order."""
    settings = settings or Settings()
    stats = stats if stats is not None else Counter()
    for item in iter_files(paths, settings, stats):
        if isinstance(item, Rejection):
            stats["rejected"] += 1
            yield item
            continue
        stats["files"] += 1
        for out in read_file(item, settings, stats):
            stats["rejected" if isinstance(out, Rejection) else "articles"] += 1
            yield out
