"""Quantities: value, unit, qualifier and the thing counted.

"an estimated 10,000 troops" -> 10000 troops, approximate; "$6 billion" ->
6e9 USD; "over 500 kilometers (310 miles)" -> 500 km, lower_bound (the
bracketed conversion is kept in the surface text, not counted twice);
"killed 11 civilians" -> 11 civilians, with the verb "killed". Numbers that
are parts of dates, years or times are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .sentences import sentence_index
from ..model import Quantity

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6,
          "k": 1e3, "mln": 1e6}
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
            "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200,
            "thousands": 2000, "millions": 2e6, "a dozen": 12}
_CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₴": "UAH"}
_CURRENCY_WORDS = {"dollars": "USD", "euros": "EUR", "pounds": "GBP", "rubles": "RUB", "roubles": "RUB",
                   "hryvnias": "UAH", "yuan": "CNY", "yen": "JPY"}
_UNITS = {"kilometers": "km", "kilometres": "km", "km": "km", "miles": "mi", "mile": "mi", "meters": "m",
          "metres": "m", "feet": "ft", "foot": "ft", "tons": "t", "tonnes": "t", "kilograms": "kg", "kg": "kg",
          "percent": "%", "per cent": "%", "%": "%", "percentage points": "pp", "hours": "h", "days": "d",
          "weeks": "week", "months": "month", "years": "year", "barrels": "barrels", "acres": "acres",
          "square kilometers": "km2", "square miles": "mi2", "degrees": "deg", "kilometer": "km",
          "kilometre": "km", "meter": "m", "metre": "m", "ton": "t", "tonne": "t", "hour": "h", "day": "d",
          "year": "year", "month": "month", "week": "week"}
_QUALIFIERS = [
    (re.compile(r"(?:an\s+)?(?:estimated|approximately|about|around|roughly|nearly|almost|some|close to|"
                r"an estimate of|up to about|circa|approx\.)\s*$", re.I), "approximate"),
    (re.compile(r"(?:more than|over|at least|upwards of|in excess of|no fewer than|no less than|above|"
                r"exceeding|topping|beyond)\s*$", re.I), "lower_bound"),
    (re.compile(r"(?:up to|fewer than|less than|under|at most|no more than|below|as many as|as much as)\s*$",
                re.I), "upper_bound"),
]
_NUM = (r"(?P<cur>US\$|[$€£¥₽₴])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mln)\b|(?P<k>[mk])\b)?")
_WORDS = r"(?P<word>a dozen|dozens|hundreds|thousands|millions|one|two|three|four|five|six|seven|eight|nine|ten|" \
         r"eleven|twelve|fifteen|twenty|thirty|forty|fifty)"
_QTY = re.compile(rf"(?<![\w.,/:-])(?:{_NUM}|\b(?i:{_WORDS})\b)(?P<pct>\s?%|\s(?:percent|per cent)\b)?")
_NEXT = re.compile(r"\s+(?:of\s+)?(?:(?:more|additional|other|new|extra|[a-z]+-[a-z]+|[A-Z]?[a-z]+(?:ian|ese|ish))\s+)?"
                   r"(?P<unit>square kilometers|square miles|percentage points|[A-Za-z][a-z]+)")
_PAREN = re.compile(r"\s*\((?:about\s+|around\s+|nearly\s+)?[\d,.]+\s?[a-z]+\)")
_VERB_BEFORE = re.compile(r"\b(killed|killing|wounded|injured|injuring|arrested|detained|displaced|evacuated|"
                          r"deployed|sent|lost|raised|spent|approved|pledged|fired|launched|captured|freed|"
                          r"released|hired|fired|cut|added|sold|bought)\s+$", re.I)
_OF_BEFORE = re.compile(r"\b(?:a|an|the)\s+(?P<noun>[a-z]+)\s+of\s+(?:(?:more than|over|about|around|up to|nearly|"
                        r"at least|some)\s+)?$", re.I)
_STOP_UNITS = frozenset("of and or to in on at by for from with the a an than percent per is was were are "
                        "has had have be been will would said says".split())


def _parse_number(m: re.Match[str]) -> float | None:
    if m.group("word"):
        return float(_WORDNUM[m.group("word").lower()])
    raw = m.group("num").replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        return None
    scale = m.group("scale") or m.group("k")
    if scale:
        value *= _SCALE[scale.lower()]
    return value


def extract_quantities(text: str, skip: Sequence[tuple[int, int]] = (),
                       sentence_spans: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """Quantities in ``text``; ``skip`` holds spans already taken (dates)."""
    out: list[Quantity] = []
    last_end = -1
    for m in _QTY.finditer(text):
        s, e = m.span()
        if s < last_end or any(s < te and ts < e for ts, te in skip):
            continue
        if m.group("word") and m.group("word").lower() == "one" and not m.group("pct"):
            nxt = _NEXT.match(text, e)
            if not nxt or nxt.group("unit").lower() in _STOP_UNITS:
                continue
        value = _parse_number(m)
        if value is None:
            continue
        num = m.group("num")
        cur = m.group("cur")
        if num and not cur and not m.group("scale") and not m.group("pct") and re.fullmatch(r"(19|20)\d\d", num):
            continue  # a year
        if num and re.match(r"\s*(?:a\.m\.|p\.m\.|GMT|UTC|:)", text[e:e + 5]):
            continue  # a time
        unit, counts, end = "", "", e
        if cur:
            unit = _CURRENCY.get(cur.strip(), cur)
        elif m.group("pct"):
            unit = "%"
        else:
            nxt = _NEXT.match(text, e)
            if nxt:
                word = nxt.group("unit")
                wl = word.lower()
                if wl in _CURRENCY_WORDS:
                    unit, end = _CURRENCY_WORDS[wl], nxt.end()
                elif wl in _UNITS:
                    unit, end = _UNITS[wl], nxt.end()
                elif wl not in _STOP_UNITS and word[0].islower():
                    unit, counts, end = wl, wl, nxt.end()
        paren = _PAREN.match(text, end)
        if paren and unit in {"km", "mi", "m", "ft", "t", "kg"}:
            end = paren.end()
        before = text[max(0, s - 40):s]
        qualifier = "exact"
        q_start = s
        for pattern, name in _QUALIFIERS:
            qm = pattern.search(before)
            if qm:
                qualifier = name
                q_start = s - (len(before) - qm.start())
                break
        if not unit and not counts and qualifier == "exact" and not cur:
            if not re.match(r"\s+(?:of|people|percent)", text[e:e + 12]):
                continue  # a bare number: a score, an address, a list position
        if not counts:
            of = _OF_BEFORE.search(text[max(0, q_start - 40):q_start])
            if of:
                counts = of.group("noun").lower()
        verb = _VERB_BEFORE.search(text[max(0, q_start - 20):q_start])
        surface = text[q_start:end]
        if q_start >= 3 and text[q_start - 3:q_start].lower() == "an " and qualifier == "approximate":
            surface = text[q_start - 3:end]
        sent = sentence_index(sentence_spans, s)
        out.append(Quantity(text=surface, value=value, unit=unit or "count", qualifier=qualifier,
                            counts=counts, sentence=sent, verb=verb.group(1).lower() if verb else ""))
        last_end = end
    return out
