"""WARC crawls (``.warc``, ``.warc.gz``): one article per HTML response, via FastWARC.

HTML ``response`` (and ``resource``) records become articles with ``raw_html``
set, so they go through the same ``html`` stage as saved pages. Everything else
is skipped and counted in the run's read stats, never dropped unseen:
``warc_skipped_<type>`` for other record types (warcinfo, request, metadata,
revisit ...), ``warc_skipped_status`` for non-2xx responses and
``warc_skipped_non_html`` for images, scripts, PDFs and the like.

A record whose block is shorter than its declared length (a truncated file) or a
file FastWARC cannot parse becomes a coded rejection (E118) naming the file and
record; records read before it are kept.
"""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ..config import Settings
from ..errors import Errors, NewsprismError
from ..model import Article, Rejection, content_id
from .decode import decode

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _http(block: bytes) -> tuple[int, dict[str, str], bytes]:
    """Split an HTTP response block into status, headers (lower-case names) and decoded body."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep:
        raise ValueError("no end of HTTP headers")
    lines = head.decode("latin-1").splitlines()
    parts = lines[0].split(None, 2) if lines else []
    if len(parts) < 2 or not parts[0].upper().startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"bad HTTP status line {lines[0][:60] if lines else ''!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _unchunk(body)
    enc = headers.get("content-encoding", "").lower().strip()
    if enc in ("gzip", "x-gzip"):
        body = gzip.decompress(body)
    elif enc == "deflate":
        try:
            body = zlib.decompress(body)
        except zlib.error:
            body = zlib.decompress(body, -zlib.MAX_WBITS)
    elif enc == "br":
        try:
            import brotli  # type: ignore[import-not-found]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ValueError("brotli-compressed body and no brotli module") from exc
        body = brotli.decompress(body)
    elif enc not in ("", "identity"):
        raise ValueError(f"unsupported Content-Encoding {enc!r}")
    return int(parts[1]), headers, body


def _unchunk(body: bytes) -> bytes:
    out, pos = bytearray(), 0
    while pos < len(body):
        end = body.find(b"\r\n", pos)
        if end < 0:
            break
        size = int(body[pos:end].split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out += body[end + 2:end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _to_text(body: bytes, charset: str | None, where: str) -> str:
    if charset:
        try:
            text = body.decode(charset)
            if text.strip():
                return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declared charset: detect instead
    return decode(body, where)


def read(path: Path, settings: Settings, stats: Counter[str] | None = None) -> Iterator[Article | Rejection]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    name = str(path)
    stats = stats if stats is not None else Counter()
    try:
        size = path.stat().st_size
        f = open(path, "rb")  # noqa: SIM115 - closed below; FastWARC detects gzip itself
    except OSError as exc:
        raise NewsprismError(Errors.E101, input=name, reason=exc.strerror or str(exc)) from exc
    if size == 0:
        f.close()
        raise NewsprismError(Errors.E102, input=name)
    n = 0
    total = 0
    limit = settings.max_document_bytes
    with f:
        records = iter(ArchiveIterator(f, parse_http=False))
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - FastWARC raises OSError/ValueError on bad input
                yield _rej(NewsprismError(Errors.E118, input=f"{name}:{n + 1}" if n else name,
                                          reason=f"record {n + 1}: {exc or type(exc).__name__}"))
                return
            n += 1
            where = f"{name}:{n}"
            rtype = record.record_type
            kind = getattr(rtype, "name", str(rtype)).lower()
            stats["warc_records"] += 1
            if rtype not in (WarcRecordType.response, WarcRecordType.resource):
                stats[f"warc_skipped_{kind}"] += 1
                continue
            declared = record.headers.get("Content-Length")
            if declared is not None and declared.strip().isdigit() and int(declared) > limit:
                yield _rej(NewsprismError(Errors.E123, input=where, limit=limit))
                continue
            block = record.reader.read()
            total += len(block)
            if total > settings.max_decompressed_bytes:
                yield _rej(NewsprismError(Errors.E115, input=where, limit=settings.max_decompressed_bytes))
                return
            if declared is None or not declared.strip().isdigit() or len(block) != int(declared):
                yield _rej(NewsprismError(Errors.E118, input=where,
                                          reason=f"record {n} is truncated ({len(block)} of {declared} bytes)"))
                continue
            uri = record.headers.get("WARC-Target-URI") or None
            try:
                if rtype == WarcRecordType.response:
                    status, headers, body = _http(block)
                    ctype = headers.get("content-type", "")
                else:  # a resource record holds the document itself
                    status, body = 200, block
                    ctype = record.headers.get("Content-Type", "")
            except (ValueError, OSError, EOFError, zlib.error) as exc:
                yield _rej(NewsprismError(Errors.E118, input=where, reason=f"record {n}: bad HTTP payload: {exc}"))
                continue
            if not 200 <= status < 300:
                stats["warc_skipped_status"] += 1
                continue
            mime = ctype.split(";")[0].strip().lower()
            if mime not in _HTML_TYPES:
                stats["warc_skipped_non_html"] += 1
                continue
            if len(body) > limit:
                yield _rej(NewsprismError(Errors.E106, input=where, limit=limit))
                continue
            try:
                html = _to_text(body, _charset(ctype), where)
            except NewsprismError as exc:
                yield _rej(exc, where)
                continue
            stats["warc_html"] += 1
            meta = {"source_file": name, "warc_record_id": record.headers.get("WARC-Record-ID"),
                    "crawled": record.headers.get("WARC-Date")}
            yield Article(id=content_id(html, prefix="h"), input=where, raw_html=html, url=uri,
                          metadata={k: v for k, v in meta.items() if v})
    if n == 0:
        raise NewsprismError(Errors.E118, input=name, reason="no WARC records found")


read.takes_stats = True  # type: ignore[attr-defined]


def _rej(exc: NewsprismError, where: str | None = None) -> Rejection:
    return Rejection(input=where or str(exc.kwargs.get("input", "")), reason=exc.message, code=exc.code)
