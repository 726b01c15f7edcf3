"""Metadata recovered from plain text: dates, bylines, datelines, headline shape, display title."""

from __future__ import annotations

import re
from datetime import date

from .lines import Unit

_I = re.IGNORECASE
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
        r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAYNAME = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_PREFIX = (r"(?:(?:published|updated|posted|last updated|first published|modified|date|dated|released)"
           r"(?:\s+on)?\s*:?\s*)?")
_TIME = (r"(?:\s*(?:[·|,@•\-–—]|at)?\s*\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?"
         r"\s*(?:[A-Z]{2,4}|GMT|UTC)?(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)?")
_DATE_CORE = [
    rf"{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})",
    rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(?P<y>\d{{4}})",
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?",
    r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})",
]
_DATE_LINE = [re.compile(rf"^{_PREFIX}{_DAYNAME}{core}{_TIME}\s*[|·•\-–—]?\s*$", _I) for core in _DATE_CORE]
_DATE_ANY = [re.compile(rf"\b{_DAYNAME}{core}", _I) for core in _DATE_CORE]
_TIME_IN = re.compile(r"\b(\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\.?)?)", _I)


def _iso(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    try:
        month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")[:3]]
        d = date(int(g["y"]), month, int(g["d"]))
    except (KeyError, ValueError, TypeError):
        return None
    return d.isoformat()


def date_line(text: str) -> tuple[str, str | None] | None:
    """If the whole line is a date (optionally with a time), return (ISO date, time)."""
    if len(text) > 80:
        return None
    for pat in _DATE_LINE:
        m = pat.match(text)
        if m:
            iso = _iso(m)
            if iso:
                t = _TIME_IN.search(text[m.end("d") if m.end("d") > m.end("y") else m.end("y"):])
                return iso, (t.group(1) if t else None)
    return None


def find_date(text: str) -> str | None:
    """The first date written anywhere in ``text`` as an ISO date."""
    for pat in _DATE_ANY:
        m = pat.search(text)
        if m:
            iso = _iso(m)
            if iso:
                return iso
    return None


_BY = re.compile(r"^(?:by|written by|story by|words by|reporting by|author:|authors:)\s+(?P<rest>.+)$", _I)
_NAMEWORD = r"(?:[A-Z][\w'’.-]*|de|van|von|der|da|del|la|le|bin|al-\w+)"
_PERSON = re.compile(rf"^{_NAMEWORD}(?:\s+{_NAMEWORD}){{0,4}}$")
_BY_SPLIT = re.compile(r"\s*(?:[·|•]|\s[-–—]\s|,)\s*")


def byline(u: Unit) -> tuple[list[str], str | None] | None:
    """(author names, ISO date if the line holds one) when ``u`` is a byline."""
    if u.words > 20 or (u.text.endswith(".") and u.words > 8):
        return None
    m = _BY.match(u.text)
    if not m:
        return None
    parts = _BY_SPLIT.split(m.group("rest"))
    names_part = parts[0]
    names = [n.strip() for n in re.split(r"\s+(?:and|&)\s+", names_part) if n.strip()]
    # "By Jane Roe and John Doe, Staff Writers" - the names come before the first comma
    if not names or not all(_PERSON.match(n) for n in names):
        return None
    if len(names) == 1 and len(names[0].split()) == 1 and names[0].lower() in _NOT_NAMES:
        return None
    if any(n.split()[0].lower() in _NOT_FIRST for n in names):
        return None
    when = find_date(u.text)
    return names, when


def person_name(text: str) -> bool:
    """Does ``text`` look like one person's name ("Nadia Fell", "Ana de la Cruz")?"""
    words = text.split()
    return (_PERSON.match(text) is not None and words[0].lower() not in _NOT_FIRST
            and not text.isupper() and all(len(w) > 1 for w in words))


_NOT_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "then", "now",
              "noon", "midnight", "law", "contrast", "comparison", "far", "all", "design", "default"}

_NOT_FIRST = {"the", "a", "an", "this", "that", "these", "those", "early", "late", "mid", "then", "now", "far",
              "all", "way", "law", "contrast", "comparison", "default", "design", "noon", "midnight"}

_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}?(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2})?)\s*"
    r"(?:\((?P<agency>[^()]{2,40})\))?\s*[—–-]{1,2}\s+\S"
)


def dateline(text: str) -> tuple[str, str | None] | None:
    """("PORT CALDER", "Northern Wire") from a lead that opens with a wire-style dateline."""
    m = _DATELINE.match(text)
    if not m:
        return None
    place = m.group("place").strip()
    head = place.split(",")[0]
    letters = [c for c in head if c.isalpha()]
    if len(letters) < 3 or not all(c.isupper() for c in letters):
        return None
    agency = m.group("agency")
    return place, (agency.strip() if agency else None)


def headline_like(u: Unit) -> bool:
    """Short, no closing full stop, starts with a capital or digit: the shape of a headline."""
    t = u.text
    if not (2 <= u.words <= 30) or len(t) > 220:
        return False
    if t[-1] in ".,;:" or not (t[0].isupper() or t[0].isdigit() or t[0] in "\"“‘'"):
        return False
    return dateline(t) is None


def dek_like(u: Unit) -> bool:
    """A subtitle: a phrase or sentence of modest length with no dateline."""
    t = u.text
    if not (3 <= u.words <= 50) or dateline(t) is not None:
        return False
    return t[-1] not in ".:" or u.words <= 35


_SENT_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[A-Z\"“‘])")
_ABBREV = frozenset(
    "mr mrs ms dr st sen rep gov gen col lt sgt capt prof jr sr inc co corp ltd no vs jan feb mar apr jun jul aug "
    "sep sept oct nov dec mt ft rev hon pres atty supt cmdr adm maj cpl pvt dept univ est approx".split()
)


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, not fooled by "U.S." or "Dr."."""
    for m in _SENT_END.finditer(text):
        before = text[: m.start()].rstrip("\"”’")
        word = before.rsplit(None, 1)[-1] if before.split() else ""
        bare = word.rstrip(".!?")
        if word.endswith(".") and (bare.lower().lstrip("(") in _ABBREV or re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", bare)):
            continue
        return text[: m.start()].strip()
    return text.strip()


def display_title(lead: str, limit: int = 110) -> str:
    """A title for display derived from the lead: its first sentence, cut at a word boundary."""
    text = lead
    dl = dateline(text)
    if dl:
        text = re.sub(r"^[^—–-]*[—–-]{1,2}\s+", "", text, count=1)
    first = first_sentence(text)
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"
