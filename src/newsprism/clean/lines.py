"""Lines and their features: the units the cleaner classifies.

A *unit* is one non-blank input line, or several consecutive lines of one
hard-wrapped paragraph joined back together. Every non-blank input line
belongs to exactly one unit, so the cleaner can account for all of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..words import NON_WORD_ASCII, ascii_words, plain_ascii

# Spaces of every width (incl. no-break), zero-width characters and the BOM.
_WS = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_WORD = re.compile(r"\w+")
_ALPHA_RUN = re.compile(r"[^\W\d_]{2,}")
_END_PUNCT = ".!?:;\"'”’)»"
_QUOTES = "\"“”«»"


_INVISIBLE = ("\u200b", "\ufeff", "\u180e")


def normalise(line: str) -> str:
    """Collapse every kind of whitespace to one space and strip the ends."""
    if not line.isascii() and any(c in line for c in _INVISIBLE):
        return _WS.sub(" ", line).strip()
    return " ".join(line.split())  # str.split() knows every Unicode space and is much faster than a regex


def key(text: str) -> str:
    """A comparison key: NFKC, case-folded, the words (``\\w+``) joined by single spaces."""
    words = ascii_words(text)  # ASCII: NFKC and case-folding are lower-casing
    if words is None:
        words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return " ".join(words)


#: NON_WORD_ASCII that keeps line breaks, which separate the texts :func:`keys` joins.
_KEEP_LINES = {**NON_WORD_ASCII, ord("\n"): "\n"}


def keys(texts: list[str]) -> list[str]:
    """``[key(t) for t in texts]``. Texts without line breaks that are plain ASCII together
    (most articles' lines) are keyed in one pass over the joined text: per-call costs were
    most of the work for lines this short."""
    joined = "\n".join(texts)
    plain = plain_ascii(joined) if texts and joined.count("\n") == len(texts) - 1 else None
    if plain is None:
        return [key(t) for t in texts]
    return [" ".join(part.split()) for part in plain.translate(_KEEP_LINES).lower().split("\n")]


@dataclass(slots=True)
class Unit:
    """One line (or re-joined paragraph) of the input, with its classification."""

    text: str  # whitespace-normalised
    lines: list[int]  # 0-based raw line indices it covers
    block: int  # index of the blank-line-separated block it is in
    kind: str = "body"  # "body" or a reason from newsprism.clean.rules.REASONS
    why: str = ""  # the rule that decided, for explanations and debugging
    words: int = 0
    key: str = ""

    @property
    def line(self) -> int:
        return self.lines[0]

    @property
    def ends_sentence(self) -> bool:
        return bool(self.text) and self.text[-1] in _END_PUNCT

    @property
    def has_quote(self) -> bool:
        return any(map(self.text.__contains__, _QUOTES))

    @property
    def alpha_ok(self) -> bool:
        """True when the line holds at least one run of two or more letters."""
        return _ALPHA_RUN.search(self.text) is not None


def _joins(prev: str, nxt: str) -> bool:
    """Is ``nxt`` the continuation of a hard-wrapped ``prev`` line?"""
    if len(prev) < 40 or prev[-1] in ".!?:;\"”’»)" or not nxt:
        return False
    c = nxt[0]
    return c.islower() or (prev[-1] in ",-–—" and c.isalnum())


def split_units(raw: str) -> list[Unit]:
    """Cut raw text into units; hard-wrapped paragraph lines are joined."""
    units: list[Unit] = []
    block = 0
    blank = True
    for i, line in enumerate(raw.splitlines()):
        text = normalise(line)
        if not text:
            if not blank:
                block += 1
            blank = True
            continue
        if units and not blank and _joins(units[-1].text, text):
            units[-1].text += " " + text
            units[-1].lines.append(i)
        else:
            units.append(Unit(text=text, lines=[i], block=block))
        blank = False
    units = _rewrap(units)
    for u, k in zip(units, keys([u.text for u in units])):
        u.words = u.text.count(" ") + 1  # normalised: words are separated by single spaces
        u.key = k
    return units


def _rewrap(units: list[Unit]) -> list[Unit]:
    """Join the lines of hard-wrapped paragraphs that the lower-case rule could not join.

    Only in texts laid out in blank-line-separated blocks, and only for blocks whose lines
    (all but the last) have the even width of a wrapped paragraph.
    """
    blocks: dict[int, list[Unit]] = {}
    for u in units:
        blocks.setdefault(u.block, []).append(u)
    if len(blocks) < 3:
        return units
    out: list[Unit] = []
    for group in blocks.values():
        widths = [len(u.text) for u in group[:-1]]
        raw_lines = sum(len(u.lines) for u in group)
        if len(group) >= 2 and raw_lines >= 3 and all(50 <= w <= 100 for w in widths) \
                and max(widths) - min(widths) <= 25:
            head = group[0]
            for u in group[1:]:
                head.text += " " + u.text
                head.lines.extend(u.lines)
            out.append(head)
        else:
            out.extend(group)
    return out
