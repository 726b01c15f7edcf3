"""Bytes in, text out: gzip, size limits and encoding detection."""

from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path
from typing import BinaryIO

from ..errors import Errors, NewsprismError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def is_gzip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def open_binary(path: Path) -> BinaryIO:
    """Open a file for reading bytes, transparently gunzipping it."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_bytes(path: Path, limit: int) -> bytes:
    """Read a whole (possibly gzipped) file, refusing more than ``limit`` bytes."""
    name = str(path)
    try:
        if not is_gzip(path) and path.stat().st_size > limit:
            raise NewsprismError(Errors.E106, input=name, limit=limit)
        with open_binary(path) as f:
            data = f.read(limit + 1)
    except NewsprismError:
        raise
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise NewsprismError(Errors.E107, input=name, reason=str(exc) or type(exc).__name__) from exc
    except OSError as exc:
        raise NewsprismError(Errors.E101, input=name, reason=exc.strerror or str(exc)) from exc
    if len(data) > limit:
        raise NewsprismError(Errors.E106, input=name, limit=limit)
    return data


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB (BOM'd UTF-16/32 excepted)."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, enc in _BOMS if enc.startswith("utf-16") or enc == "utf-32"):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(4, len(head) // 50)


def decode(data: bytes, name: str) -> str:
    """Decode bytes to text: BOM, then strict UTF-8, then detection.

    Raises E102 for empty input, E103 for binary data, E109 when no encoding fits.
    """
    if not data.strip():
        raise NewsprismError(Errors.E102, input=name)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _text_ok(data.decode(enc), name)
            except UnicodeDecodeError as exc:
                raise NewsprismError(Errors.E109, input=name, reason=f"invalid {enc}: {exc.reason}") from exc
    if looks_binary(data):
        raise NewsprismError(Errors.E103, input=name)
    try:
        return _text_ok(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported lazily: only odd inputs need it

    best = from_bytes(data[:200_000]).best()
    if best is None or best.chaos > 0.25:
        raise NewsprismError(Errors.E109, input=name, reason="not UTF-8 and no other encoding fits")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise NewsprismError(Errors.E109, input=name, reason=str(exc)) from exc
    return _text_ok(text, name)


def _text_ok(text: str, name: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise NewsprismError(Errors.E102, input=name)
    return text
