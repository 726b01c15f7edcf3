"""News-aware sentence segmentation with character offsets.

Rules, not a model: a paragraph break always ends a sentence; ``. ! ?`` (plus
any closing quotes or brackets) followed by space and an upper-case letter, a
digit or an opening quote ends one, except after abbreviations common in news
("Mr.", "Gen.", "Jan.", "U.S." before a name, initials). A dateline
("KYIV, Ukraine (AP) --") at the start of a paragraph is kept out of the
sentence that follows it. This is measured against spaCy's rule-based
``sentencizer`` in ``benchmarks/bench_extract.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Abbreviations after which a period does not end a sentence (lower-case, without the final period).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj sgt capt cmdr adm sen rep gov pres amb atty supt insp rev fr
    st ave blvd rd mt ft jan feb mar apr jun jul aug sep sept oct nov dec no nos vs v etc approx est
    inc corp co ltd jr sr dept univ assn bros gov't e.g i.e a.k.a""".split()
)
#: Dotted abbreviations ("U.S.") that end a sentence only when a typical sentence opener follows.
_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}$")
_OPENERS = frozenset(
    """the a an in on at but and it he she they we i this that these those there his her their its
    after before when while as if however meanwhile still yet so for by to with from last earlier
    later one some many most all both no not our my you what why how who""".split()
)
_BOUNDARY = re.compile(r"[.!?]+(?:''|[\"'”’)\]])*(?=\s+(?:''|``|[\"“‘'(\[])?[A-Z0-9])")
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+)*"  # KYIV, NEW YORK, WASHINGTON
    r"(?:,\s+[A-Z][\w.'’ -]{1,30}?)?"  # , Ukraine / , Nov. 17
    r"\s*(?:\((?:[A-Za-z][\w .&-]{0,30})\))?"  # (AP) / (Reuters)
    r"\s*(?:—|–|--|-)\s+)"
)
_PARA = re.compile(r"[^\n]+")
_WORD_BEFORE = re.compile(r"(\S+)$")


def dateline_end(paragraph: str) -> int:
    """Length of a dateline at the start of ``paragraph`` (0 when there is none)."""
    m = _DATELINE.match(paragraph)
    if not m:
        return 0
    head = m.group(0)
    # A dateline's place is upper case; "The" or a lone "I" followed by a dash is not one.
    place = re.match(r"[A-Z][A-Z.'’-]+", head)
    return len(head) if place and len(place.group(0).strip(".")) >= 2 else 0


def _is_abbreviation(before: str, after: str) -> bool:
    """``before`` is the token ending with the period; ``after`` the next word."""
    token = before.rstrip(".").lstrip("(\"“‘'")
    low = token.lower()
    if low in ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isupper():  # an initial: "John F. Kennedy"
        return True
    if _DOTTED.search(before.lstrip("(\"“‘'")):  # U.S., U.N., a.m.
        nxt = re.sub(r"^[\"“‘'(]+", "", after).lower().strip(",.")
        return nxt not in _OPENERS
    return False


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    for para in _PARA.finditer(text):
        p_start, p_text = para.start(), para.group(0)
        offset = dateline_end(p_text)
        start = offset
        for m in _BOUNDARY.finditer(p_text):
            end = m.end()
            if end <= start:
                continue
            punct_at = m.start()
            before_m = _WORD_BEFORE.search(p_text[start : punct_at + 1])
            before = before_m.group(1) if before_m else ""
            after = p_text[end:].lstrip().split(" ", 1)[0]
            if p_text[punct_at] == "." and _is_abbreviation(before, after):
                continue
            _add(spans, text, p_start + start, p_start + end)
            start = end
        _add(spans, text, p_start + start, p_start + len(p_text))
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[s:e] for s, e in split_sentences(text)]


def sentence_index(spans: Sequence[tuple[int, int]], pos: int) -> int | None:
    """Index of the sentence span containing character ``pos`` (binary search), or None.

    ``spans`` are sorted (start, end) pairs; the search runs on them directly, with no copy."""
    from bisect import bisect_right

    i = bisect_right(spans, (pos, float("inf"))) - 1 if spans else -1
    return i if i >= 0 and spans[i][0] <= pos < spans[i][1] else None
