"""The shapes that flow through newsprism.

One :class:`Article` type travels through every per-document stage; one
:class:`Story` type through every per-story stage. Stages add to these
objects; they never replace them with other types. Everything here is a plain
dataclass that round-trips through :func:`to_dict` / ``from_dict`` so that it
can cross process boundaries (Ray) and be stored as JSON in SQLite.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

#: Version of the public ``report.json`` format. Additive changes bump the minor.
REPORT_VERSION = "1.0"


@dataclass
class Segment:
    """A piece of input text that was removed from the body, and why."""

    text: str
    reason: str  # one of newsprism.clean.REASONS, e.g. "caption", "widget"
    line: int | None = None  # 0-based line index in the raw text, when known


@dataclass
class Entity:
    """A named entity, normalised within an article (and later a story)."""

    name: str  # canonical form, e.g. "Joe Biden"
    label: str  # PERSON, ORG, GPE, NORP, WEAPON, PRODUCT, EVENT, ...
    mentions: list[str] = field(default_factory=list)  # surface forms seen
    count: int = 0
    key: str = ""  # normalised key used for linking across articles


@dataclass
class Quantity:
    text: str  # the surface phrase: "an estimated 10,000 troops"
    value: float
    unit: str  # "troops", "USD", "km", "civilians", "%"...
    qualifier: str = "exact"  # exact | approximate | lower_bound | upper_bound
    counts: str = ""  # the thing counted, when it differs from the unit
    sentence: int | None = None  # index into Article.sentences
    verb: str = ""  # the event verb before it, e.g. "killed" in "killed 11 civilians"


@dataclass
class DateMention:
    text: str
    value: str | None  # ISO date (YYYY-MM-DD, YYYY-MM or YYYY) when resolved
    relative: bool = False
    sentence: int | None = None


@dataclass
class Quote:
    speaker: str | None
    text: str
    cue: str | None
    direct: bool = True  # False for indirect/reported speech
    speaker_entity: str | None = None  # Entity.key of the speaker
    sentence: int | None = None
    start: int | None = None  # character offsets of the quoted content in Article.clean_text
    end: int | None = None


@dataclass
class Citation:
    source: str  # the outlet or agency relied on: "The New York Times"
    text: str  # the phrase or sentence that cites it
    kind: str = "reported"  # reported | according_to | credit | quote | generic


@dataclass
class FramingFlag:
    phrase: str
    kind: str  # loaded_verb | label | intensifier | presupposition | ...
    explanation: str
    neutral: str
    sentence: int | None = None
    in_title: bool = False
    quoted: bool = False  # inside quotation marks: the speaker's words, not the outlet's


@dataclass
class Article:
    """One outlet's report, from raw input to extracted facts."""

    id: str
    input: str  # the path, URL or "path:line" it came from
    raw_text: str = ""
    raw_html: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # -- clean --
    clean_text: str | None = None
    removed: list[Segment] = field(default_factory=list)
    display_title: str | None = None  # title, or one derived from the lead
    dek: str | None = None
    dateline: str | None = None
    origin: str | None = None  # the outlet that created syndicated content
    credits: list[str] = field(default_factory=list)  # "AFP contributed reporting"
    captions: list[str] = field(default_factory=list)
    # -- dedup --
    content_hash: str | None = None
    canonical_id: str | None = None  # id of the canonical copy (self if canonical)
    copies: list[str] = field(default_factory=list)  # ids of copies (on canonical)
    # -- extract --
    sentences: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    framing: list[FramingFlag] = field(default_factory=list)
    framing_profile: dict[str, Any] = field(default_factory=dict)  # counts by kind, share of loaded sentences
    # -- group --
    story_id: str | None = None
    #: Per-document work done in a parallel map for a later corpus stage (e.g. dedup's fingerprint),
    #: by stage name. Transient: never stored, reported or exported; a stage must cope without it.
    scratch: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The best body text available at this point of the pipeline."""
        return self.clean_text if self.clean_text is not None else self.raw_text

    @property
    def label(self) -> str:
        """A short human label: outlet, or the input's file name."""
        return self.outlet or self.input.rsplit("/", 1)[-1]


@dataclass
class Rejection:
    """An input that could not become an article, and why."""

    input: str
    reason: str
    code: str = "E000"
    stage: str = "read"


@dataclass
class Story:
    """A group of articles about one event, and the comparison of them."""

    id: str
    title: str = ""
    article_ids: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    facts: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    quote_differences: list[dict[str, Any]] = field(default_factory=list)
    framing: list[dict[str, Any]] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------
# serialisation


_NESTED = {
    "removed": Segment,
    "entities": Entity,
    "quantities": Quantity,
    "dates": DateMention,
    "quotes": Quote,
    "citations": Citation,
    "framing": FramingFlag,
}


#: Fields that are working state, not data: left out of every dict, store row and report.
TRANSIENT = frozenset({"scratch"})


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    """The persistent field names of a model dataclass (transient ones left out), cached."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in TRANSIENT)


@functools.cache
def _name_set(cls: type) -> frozenset[str]:
    return frozenset(field_names(cls))


def to_dict(obj: Any) -> dict[str, Any]:
    """A plain dict of a model object: nested dataclasses become dicts, containers are copied,
    transient fields are left out. (``dataclasses.asdict`` does the same but deep-copies every
    leaf, which made it a tenth of a large run's time.)"""
    return _plain(obj)  # type: ignore[no-any-return]


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float)):
        return v
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {name: _plain(getattr(v, name)) for name in field_names(type(v))}
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    return v


def article_from_dict(d: dict[str, Any]) -> Article:
    names = _name_set(Article)
    kwargs = {k: v for k, v in d.items() if k in names}
    for key, cls in _NESTED.items():
        if key in kwargs and kwargs[key]:
            kwargs[key] = [x if isinstance(x, cls) else cls(**x) for x in kwargs[key]]
    return Article(**kwargs)


def story_from_dict(d: dict[str, Any]) -> Story:
    names = _name_set(Story)
    return Story(**{k: v for k, v in d.items() if k in names})


# --------------------------------------------------------------------------
# ids

_WS = re.compile(r"\s+")


def content_id(text: str, prefix: str = "a") -> str:
    """A stable id from content: whitespace-normalised sha1, 16 hex digits."""
    norm = _WS.sub(" ", text).strip()
    return prefix + "_" + hashlib.sha1(norm.encode("utf-8", "surrogatepass")).hexdigest()[:16]
