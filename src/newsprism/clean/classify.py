"""The text cleaner: classify every unit of a scraped article as body or a named kind of non-body.

:func:`classify` is a pure function of the text (plus the title and description
a reader or the HTML extractor already found). It never raises on any string,
and every non-blank input line ends up in exactly one unit, which is either
body or carries a reason, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import meta, rules
from .lines import Unit, key, split_units

#: Kinds that are metadata of the article rather than noise.
META_KINDS = frozenset({"headline", "dek", "date", "byline"})
# Kinds that mark the end of the article proper: what follows them is trailer territory.
_TAIL_MARKERS = frozenset({"licensing", "appeal", "widget", "credit", "promo", "navigation"})
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|me|my|mine|myself)\b")
_BIO_THIRD = re.compile(
    r"^(?:[A-Z][\w'’.-]+\s){1,3}(?:is|was|has been|covers|writes)\s(?:an?|the)?\b.{0,80}(?<![\w-])(?:writer|reporter|journalist|editor|"
    r"correspondent|contributor|columnist|author|curator|blogger|freelancer|producer|analyst)\b"
)
_READER = re.compile(r"\b(?:you|your|you're|you’re|please)\b", re.IGNORECASE)
# What a reposting site puts after the article: a bio that follows these is the site's, not the story's.
_BIO_MARKERS = frozenset({"licensing", "appeal", "widget", "credit"})
_ABOUT = re.compile(r"^(?:about the (?:author|writer)|author bio|about me)\b", re.IGNORECASE)


@dataclass
class Result:
    units: list[Unit]
    title: str | None = None
    dek: str | None = None
    published: str | None = None
    published_time: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    origin: str | None = None
    origin_from: str | None = None  # the kind of line the origin was read from
    credits: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)

    @property
    def body(self) -> list[Unit]:
        return [u for u in self.units if u.kind == "body"]

    @property
    def removed(self) -> list[Unit]:
        return [u for u in self.units if u.kind != "body"]

    @property
    def text(self) -> str:
        return "\n\n".join(u.text for u in self.body)


def _mark(u: Unit, kind: str, why: str) -> None:
    u.kind, u.why = kind, why


def classify(text: str, title: str | None = None, description: str | None = None,
             conservative: bool = False) -> Result:
    """Classify ``text``; ``conservative`` (for extracted HTML) only drops headlines matching ``title``."""
    units = split_units(text)
    res = Result(units=units)
    n = len(units)
    if not n:
        return res

    # 1. each unit on its own features
    for u in units:
        dl = meta.date_line(u.text)
        if dl:
            _mark(u, "date", "date line")
            if res.published is None:
                res.published, res.published_time = dl
            continue
        by = meta.byline(u)
        if by:
            _mark(u, "byline", "byline")
            if not res.authors:
                res.authors = by[0]
            if res.published is None and by[1]:
                res.published = by[1]
            continue
        k = rules.line_kind(u)
        if k:
            _mark(u, *k)

    # 2. context: widgets' options, appeals, bios
    _widgets(units)
    _appeal(units, res)
    _bio(units)

    # 3. the header: headline, dek, repeated headline
    _header(units, res, title, description, conservative)

    # 4. repeats: captions stay captions, other lines become duplicates. Extracted HTML keeps its
    # repeats (lists, tables, recipes repeat lines on purpose; the extractor already dropped page chrome).
    _repeats(units, res, drop_duplicates=not conservative)
    if conservative:
        for u in units:
            if u.kind == "fragment":
                _mark(u, "body", "kept: extracted HTML")

    # 5. metadata from what was removed
    for u in units:
        if u.kind == "licensing" and res.origin is None:
            o = rules.origin_in(u.text)
            if o:
                res.origin, res.origin_from = o, "licensing"
        elif u.kind == "credit":
            for c in rules.credits_in(u) or []:
                if c not in res.credits:
                    res.credits.append(c)
    if res.origin is None:
        for u in units:
            if u.kind == "appeal":
                is_head, o = rules.appeal_origin(u)
                if is_head and o:
                    res.origin, res.origin_from = o, "appeal"
                    break
    body = res.body
    if not body:  # a text that is only a headline is still an article: keep it rather than reject it
        for u in units:
            if u.kind in ("headline", "dek"):
                _mark(u, "body", "kept: nothing else was left")
        body = res.body
    if body:
        dl = meta.dateline(body[0].text)
        if dl:
            res.dateline = dl[0]
            if dl[1] and res.origin is None:
                res.origin, res.origin_from = rules.clean_name(dl[1]), "dateline"
    return res


def _widgets(units: list[Unit]) -> None:
    n = len(units)
    i = 0
    while i < n:
        u = units[i]
        if rules.is_widget_head(u) or rules.is_reaction(u):
            j = i + (1 if rules.is_widget_head(u) else 0)
            while j < n and rules.is_reaction(units[j]):
                j += 1
            run = units[i:j]
            if rules.is_widget_head(u) or len(run) >= 3:
                for w in run:
                    if w.kind in ("body", "fragment", "widget"):
                        _mark(w, "widget", "reaction option")
            i = max(j, i + 1)
        else:
            i += 1


def _appeal(units: list[Unit], res: Result) -> None:
    n = len(units)
    start = None
    for i, u in enumerate(units):
        is_head, _ = rules.appeal_origin(u)
        if is_head and (i >= 0.4 * n or n - i <= 8):
            start = i
            break
    if start is not None:
        for u in units[start:]:
            if u.kind == "body":
                _mark(u, "appeal", "follows an appeal header")
    # lone appeal paragraphs in the last third: appeal wording addressed to the reader ("your support")
    for u in units[int(n * 2 / 3):]:
        if u.kind == "body" and u.words <= 90 and rules.has_any(u.text.lower(), rules.APPEAL_HINTS) and not u.has_quote:
            cues = {m.lower() for m in rules.APPEAL_CUES.findall(u.text)}
            if len(cues) >= 2 and len(_READER.findall(u.text)) >= 2:
                _mark(u, "appeal", "appeal wording addressed to the reader")


def _bio(units: list[Unit]) -> None:
    n = len(units)
    seen_marker = False
    for i, u in enumerate(units):
        if u.kind in _BIO_MARKERS and i >= 0.5 * n:
            seen_marker = True
        if u.kind != "body" or i < 0.5 * n:
            continue
        tail = n - i <= 3
        if _ABOUT.match(u.text):
            _mark(u, "bio", "about the author")
        elif seen_marker and not u.has_quote and u.words >= 12 and len(_FIRST_PERSON.findall(u.text)) >= 2:
            _mark(u, "bio", "first-person author note after the article's end matter")
        elif (seen_marker or tail) and _BIO_THIRD.match(u.text) and u.words <= 80:
            _mark(u, "bio", "author biography")


def _header(units: list[Unit], res: Result, title: str | None, description: str | None,
            conservative: bool) -> None:
    n = len(units)
    first = next((i for i, u in enumerate(units) if u.kind == "body"), None)
    if first is None:
        return
    tkey = key(title) if title else ""
    head: Unit | None = None
    u = units[first]
    prose_after = any(v.kind == "body" and v.words >= 12 for v in units[first + 1:])
    if tkey and (u.key == tkey or (len(u.key) > 15 and (u.key in tkey or tkey in u.key))):
        head = u
        _mark(u, "headline", "matches the title")
    elif not conservative and prose_after and meta.headline_like(u):
        head = u
        _mark(u, "headline", "headline-shaped first line")
        if title is None:
            res.title = u.text
    if head is not None:
        # the dek: the next body unit, when it is subtitle-shaped and prose still follows
        nxt = next((i for i in range(first + 1, n) if units[i].kind == "body"), None)
        if nxt is not None:
            v = units[nxt]
            rest_prose = any(w.kind == "body" and w.words >= 12 for w in units[nxt + 1:])
            between_meta = any(units[j].kind in ("date", "byline") for j in range(nxt + 1, min(n, nxt + 4)))
            if not conservative and rest_prose and meta.dek_like(v) and (not v.ends_sentence or between_meta) \
                    and v.key != head.key:
                _mark(v, "dek", "subtitle under the headline")
        if nxt is not None and units[nxt].kind == "dek":
            res.dek = units[nxt].text
        # a bare author name between the headline and the first paragraph of prose
        for v in units[first + 1:]:
            if v.kind == "body" and v.words >= 12:
                break
            if v.kind == "body" and 2 <= v.words <= 4 and meta.person_name(v.text):
                _mark(v, "byline", "author name under the headline")
                if not res.authors:
                    res.authors = [v.text]
        hkey = head.key
        for v in units[first + 1:]:
            if v.key == hkey and v.kind in ("body", "headline"):
                _mark(v, "duplicate", "repeated headline")
    elif tkey:
        for v in units:
            if v.kind == "body" and v.key == tkey:
                _mark(v, "duplicate", "repeated headline")


def _repeats(units: list[Unit], res: Result, drop_duplicates: bool = True) -> None:
    captions: dict[str, str] = {}
    for u in units:
        if u.kind == "caption" and u.key:
            captions.setdefault(u.key, u.text)
    seen: set[str] = set()
    for u in units:
        if not u.key:
            continue
        if u.key in seen:
            if u.kind == "caption" or (u.kind == "body" and u.key in captions):
                _mark(u, "caption", "repeat of a caption")
            elif u.kind == "body" and drop_duplicates:
                _mark(u, "duplicate", "repeat of an earlier line")
        elif u.kind == "body" and u.key in captions:
            _mark(u, "caption", "same text as a caption")
        seen.add(u.key)
    res.captions = list(captions.values())
