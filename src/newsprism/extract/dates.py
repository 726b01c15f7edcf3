"""Date mentions, absolute and relative, resolved against the article's publication date.

"Dec. 6, 2023" is absolute. "Jan. 20", "in October", "Sunday", "last week" and
"yesterday" are relative: a month or day without a year takes the year that
puts it nearest the publication date; a weekday is the latest such day on or
before it ("next Sunday" the first after). Without a publication date,
relative mentions keep ``value=None``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from .sentences import sentence_index
from ..model import DateMention

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_PATTERNS = [
    ("mdy", re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<year>\d{{4}}))?(?!\d)")),
    ("dmy", re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}(?:\s+(?P<year>\d{{4}}))?")),
    ("my", re.compile(rf"\b(?:(?:in|since|by|until|from|early|late|mid-?)\s+)?{_MONTH}(?:\s+(?P<year>\d{{4}}))?\b")),
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<m>\d{2})-(?P<day>\d{2})\b")),
    ("weekday", re.compile(r"\b(?:(?P<rel>(?i:last|next|this|on|early|late))\s+)?"
                           r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b")),
    ("deictic", re.compile(r"\b(?P<word>yesterday|today|tomorrow|tonight)\b", re.I)),
    ("period", re.compile(r"\b(?P<rel>last|next|this|earlier this|later this)\s+"
                          r"(?P<unit>week|weekend|month|year)\b", re.I)),
    ("ago", re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+"
                       r"(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("year", re.compile(r"\b(?:in|since|by|until|from|of|during)\s+(?P<year>(?:19|20)\d{2})\b")),
]
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "a": 1}


def parse_published(published: str | None) -> date | None:
    if not published:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", published.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _nearest_year(month: int, day: int, ref: date) -> date | None:
    best = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or abs((d - ref).days) < abs((best - ref).days):
            best = d
    return best


def _month_delta(ref: date, months: int) -> str:
    y, m = divmod(ref.year * 12 + ref.month - 1 + months, 12)
    return f"{y:04d}-{m + 1:02d}"


def _resolve(kind: str, m: re.Match[str], ref: date | None) -> tuple[str | None, bool]:
    g = m.groupdict()
    if kind in {"mdy", "dmy", "my"}:
        month = MONTHS[g["month"].lower().rstrip(".")]
        year = int(g["year"]) if g.get("year") else None
        day = int(g["day"]) if g.get("day") else None
        if day is not None and not 1 <= day <= 31:
            return None, False
        if year is not None:
            try:
                return (date(year, month, day).isoformat() if day else f"{year:04d}-{month:02d}"), False
            except ValueError:
                return None, False
        if ref is None:
            return None, True
        if day:
            d = _nearest_year(month, day, ref)
            return (d.isoformat() if d else None), True
        d = _nearest_year(month, 1, ref)
        return (f"{d.year:04d}-{month:02d}" if d else None), True
    if kind == "iso":
        try:
            return date(int(g["year"]), int(g["m"]), int(g["day"])).isoformat(), False
        except ValueError:
            return None, False
    if kind == "year":
        return g["year"], False
    if ref is None:
        return None, True
    if kind == "weekday":
        wd = WEEKDAYS[g["wd"].lower()]
        if (g.get("rel") or "").lower() == "next":
            delta = (wd - ref.weekday()) % 7 or 7
            return (ref + timedelta(days=delta)).isoformat(), True
        delta = (ref.weekday() - wd) % 7
        if (g.get("rel") or "").lower() == "last" and delta == 0:
            delta = 7
        return (ref - timedelta(days=delta)).isoformat(), True
    if kind == "deictic":
        off = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[g["word"].lower()]
        return (ref + timedelta(days=off)).isoformat(), True
    if kind == "period":
        rel, unit = g["rel"].lower(), g["unit"].lower()
        step = -1 if rel == "last" else 1 if rel == "next" else 0
        if unit in {"week", "weekend"}:
            monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=step)
            day = monday + timedelta(days=5) if unit == "weekend" else monday
            return day.isoformat(), True
        if unit == "month":
            return _month_delta(ref, step), True
        return f"{ref.year + step:04d}", True
    if kind == "ago":
        n = int(g["n"]) if g["n"].isdigit() else _SMALL[g["n"].lower()]
        unit = g["unit"].lower()
        if unit == "day":
            return (ref - timedelta(days=n)).isoformat(), True
        if unit == "week":
            return (ref - timedelta(weeks=n)).isoformat(), True
        if unit == "month":
            return _month_delta(ref, -n), True
        return f"{ref.year - n:04d}", True
    return None, False


def extract_dates(text: str, published: str | None = None,
                  sentence_spans: Sequence[tuple[int, int]] = ()) -> tuple[list[DateMention], list[tuple[int, int]]]:
    """Date mentions of ``text`` and their character spans (for other extractors to skip)."""
    ref = parse_published(published)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, DateMention]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if kind == "my" and m.group("month") in {"May", "March"} and not m.group("year") \
                    and not re.match(r"(in|since|by|until|from|early|late|mid)", m.group(0)):
                continue  # "May" the verb, "March" the noun
            value, relative = _resolve(kind, m, ref)
            taken.append((s, e))
            sent = sentence_index(sentence_spans, s)
            found.append((s, DateMention(text=m.group(0), value=value, relative=relative, sentence=sent)))
    found.sort(key=lambda p: p[0])
    return [d for _, d in found], sorted(taken)
