"""Named entities by shape, context and a small gazetteer, linked within an article and across a story.

No statistical model: a run of capitalised words is a candidate name; titles
("President", "Prime Minister") mark people and are cut off; words such as
"Ministry" or "Times" mark organisations; places, nationalities, weapons and
outlets come from ``gazetteer.py``. Within an article a surname alone ("Biden"),
a possessive ("Biden's") or a group phrase ("the Biden administration") links
to the full name seen elsewhere ("Joe Biden"); all share the entity's ``key``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Entity
from . import gazetteer as gz

_NAME = r"(?:Jr\.|Sr\.|[A-Z][a-z]*\.(?:[A-Z][a-z]*\.)+|[A-Z][\w’'\-]*[\w]|[A-Z]\.?)"
_CONNECT = r"(?:\s+(?:of|for|de|da|del|van|von|bin|al|la|le)\s+(?:the\s+)?)"
_RUN = re.compile(rf"{_NAME}(?:(?:\s+|{_CONNECT}){_NAME})*(?:,?\s+(?:Jr\.|Sr\.|III|II))?")
_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")
_GROUP_AFTER = re.compile(r"\s+(administration|government|campaign|team|family|aides|allies|camp|cabinet|"
                          r"officials|spokesman|spokeswoman|spokesperson|office)\b")
_SUFFIX = re.compile(r",?\s+(?:Jr\.|Sr\.|III|II)$")
PERSON = "PERSON"


def slug(name: str) -> str:
    """A stable key for a name: lower case ASCII words joined by hyphens."""
    norm = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", norm).strip("-")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str
    key: str = ""
    titled: bool = False


@dataclass
class EntityIndex:
    """Entities of one text plus where each mention is, for quotes and citations."""

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def by_key(self, key: str) -> Entity | None:
        for e in self.entities:
            if e.key == key:
                return e
        return None

    def in_span(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end]


def _strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text)


def _classify(words: list[str], titled: bool) -> str:
    phrase = " ".join(words)
    low = phrase.lower()
    last = words[-1].lower().rstrip(".")
    if _outlet_of(phrase):
        return "ORG"
    if low in gz.PLACES or phrase in gz.PLACE_ABBREVIATIONS or (low.startswith("the ") and low[4:] in gz.PLACES):
        return "GPE"
    if low in gz.WEAPONS or any(w.lower() in gz.WEAPONS for w in words):
        return "WEAPON"
    if last in gz.ORG_WORDS or words[-1].lower() in gz.ORG_WORDS:
        return "ORG"
    if last in gz.EVENT_WORDS and len(words) > 1:
        return "EVENT"
    if low in gz.NATIONALITIES or low.rstrip("s") in gz.NATIONALITIES:
        return "NORP"
    if last in gz.PERSON_TITLES:
        return "MISC"  # a role without a name: "National Security Advisor"
    if titled:
        return PERSON
    if len(words) == 1 and re.fullmatch(r"[A-Z]{2,6}", phrase):
        return "ORG"
    if 2 <= len(words) <= 4 and all(re.fullmatch(r"[A-Z][\w’'\-.]*", w) for w in words):
        if not any(w.lower() in gz.NOT_NAMES for w in words):
            return PERSON
    return "MISC"


_OUTLET_ALIASES = sorted(
    ((alias, canon) for canon, aliases in gz.OUTLETS.items() for alias in (canon, *aliases)),
    key=lambda p: -len(p[0]),
)


_OUTLET_LOOKUP: dict[str, str] = {}
for _alias, _canon in reversed(_OUTLET_ALIASES):  # longest last, so it wins like the ordered scan did
    _OUTLET_LOOKUP[_alias[4:] if _alias.lower().startswith("the ") else _alias] = _canon


def _outlet_of(phrase: str) -> str | None:
    p = phrase[4:] if phrase.lower().startswith("the ") else phrase
    return _OUTLET_LOOKUP.get(p)


def _candidates(text: str, sentence_starts: set[int]) -> list[Mention]:
    out: list[Mention] = []
    for m in _runs(text):
        start, surface = m
        words = surface.split()
        # Drop leading function words ("The", "But") and remember titles.
        titled = False
        pos = start
        pieces: list[tuple[int, list[str], bool]] = []
        cur: list[str] = []
        cur_start = pos
        i = 0
        while i < len(words):
            w = words[i]
            wl = _strip_possessive(w).lower()
            if not cur and (wl in gz.NOT_NAMES and wl not in gz.PERSON_TITLES):
                pos = text.index(w, pos) + len(w)
                cur_start = pos
                i += 1
                continue
            if wl in gz.PERSON_TITLES and i + 1 < len(words) and not _ends_org(words[i:]):
                if cur:
                    pieces.append((cur_start, cur, titled))
                    cur = []
                titled = True
                pos = text.index(w, pos) + len(w)
                cur_start = pos
                i += 1
                continue
            idx = text.index(w, pos)
            if not cur:
                cur_start = idx
            cur.append(w)
            pos = idx + len(w)
            i += 1
        if cur:
            pieces.append((cur_start, cur, titled))
        for p_start, p_words, p_titled in pieces:
            p_words = list(p_words)
            p_words[-1] = _strip_possessive(p_words[-1])
            while p_words and p_words[-1].lower() in {"of", "for", "and", "the", "de", "al"}:
                p_words.pop()
            if not p_words or not p_words[-1]:
                continue
            phrase = " ".join(p_words)
            end = text.index(p_words[-1], p_start) + len(p_words[-1]) if p_words[-1] else p_start
            if phrase.lower() in gz.NOT_NAMES or len(phrase) < 2:
                continue
            label = _classify(p_words, p_titled)
            mention = Mention(p_start, end, text[p_start:end], label, titled=p_titled)
            # a capitalised sentence opener is no evidence of a name unless it links to one (decided later)
            mention.key = "?opener" if (label == "MISC" and p_start in sentence_starts and len(p_words) == 1) else ""
            out.append(mention)
    return out


def _runs(text: str) -> Iterable[tuple[int, str]]:
    """Capitalised runs, cut after a possessive and at "of"/"for" unless an org word precedes it."""
    for m in _RUN.finditer(text):
        start, surface = m.start(), m.group(0)
        cut = start
        tokens = list(re.finditer(r"\S+", surface))
        for i, tok in enumerate(tokens):
            w = tok.group(0)
            nxt = tokens[i + 1].group(0) if i + 1 < len(tokens) else None
            boundary = False
            if _POSSESSIVE.search(w) and len(w) > 2 and nxt is not None:
                boundary, stop = True, start + tok.end()
            elif nxt is not None and nxt in {"of", "for", "de", "da", "del", "van", "von", "bin", "al", "la", "le"}:
                head = _strip_possessive(w).lower().rstrip(".")
                if head not in gz.ORG_WORDS and head not in gz.EVENT_WORDS and head not in gz.PERSON_TITLES \
                        and nxt in {"of", "for"}:
                    boundary, stop = True, start + tok.end()
            if boundary:
                yield cut, text[cut:stop]
                # skip the connector words that follow
                j = i + 1
                while j < len(tokens) and tokens[j].group(0) in {"of", "for", "the"}:
                    j += 1
                cut = start + tokens[j].start() if j < len(tokens) else start + len(surface)
        if cut < start + len(surface):
            yield cut, text[cut:start + len(surface)]


def _ends_org(words: Sequence[str]) -> bool:
    return _strip_possessive(words[-1]).lower() in gz.ORG_WORDS


def _canonical(m: Mention) -> str:
    if m.label == "GPE":
        return gz.PLACE_ABBREVIATIONS.get(m.text, m.text.removeprefix("the ").removeprefix("The "))
    if m.label == "ORG":
        return _outlet_of(m.text) or m.text
    return m.text


def extract_entities(text: str, sentence_spans: Iterable[tuple[int, int]] = ()) -> EntityIndex:
    """Find and link the entities of ``text``; see the module docstring."""
    starts = {s for s, _ in sentence_spans}
    mentions = _candidates(text, starts)
    # Full person names, keyed by surname, to link "Biden" to "Joe Biden".
    full: dict[str, str] = {}
    suffixed: dict[str, str] = {}
    for m in mentions:
        if m.label == PERSON and len(m.text.split()) >= 2:
            name = m.text
            target = suffixed if _SUFFIX.search(name) else full
            surname = _SUFFIX.sub("", name).split()[-1]
            target.setdefault(surname, name)
    # a sentence opener is a name when the same word also appears capitalised inside a sentence
    inner = {m.text for m in mentions if m.key != "?opener"}
    mentions = [m for m in mentions if m.key != "?opener" or m.text in full or m.text in inner]
    for m in mentions:
        if m.key == "?opener":
            m.key = ""
    for m in mentions:
        words = m.text.split()
        if m.label in {PERSON, "MISC"} and len(words) == 1 and words[0] in full:
            m.label, canon = PERSON, full[words[0]]
        elif m.label == PERSON and len(words) >= 2 and not _SUFFIX.search(m.text) and words[-1] in full:
            canon = full[words[-1]]
            if canon.split()[0] != words[0] and len(words) == 2 and len(canon.split()) == 2:
                canon = m.text  # two different people who share a surname
        else:
            canon = _canonical(m)
        m.key = slug(canon)
        group = _GROUP_AFTER.match(text, m.end)
        if group and m.label == PERSON:
            # "the Biden administration" is a mention of Biden's side, kept as a surface form.
            lead = "the " if text[max(0, m.start - 4):m.start].lower() == "the " else ""
            m.text = f"{lead}{text[m.start:m.end]}{text[m.end:group.end()]}"
    entities: dict[str, Entity] = {}
    for m in mentions:
        e = entities.get(m.key)
        if e is None:
            e = entities[m.key] = Entity(name=_name_for(m, full), label=m.label, key=m.key)
        if m.text not in e.mentions:
            e.mentions.append(m.text)
        e.count += 1
        if len(m.text) > len(e.name) and m.label == e.label and m.key == slug(m.text):
            e.name = m.text
    return EntityIndex(list(entities.values()), mentions)


def _name_for(m: Mention, full: dict[str, str]) -> str:
    if m.label == PERSON and m.text.split()[0] in full and len(m.text.split()) == 1:
        return full[m.text.split()[0]]
    if m.label == PERSON:
        return _GROUP_AFTER.split(m.text)[0].removeprefix("the ")
    return _canonical(m)


def link_story_entities(articles: Iterable[object]) -> dict[str, str]:
    """Across a story's articles: map each entity key to one story-level key.

    A person known only by surname in one article ("biden") links to the full
    name another article gives ("joe-biden") when exactly one full name in the
    story ends with that surname. Other keys map to themselves.
    """
    keys: dict[str, str] = {}
    by_surname: dict[str, set[str]] = {}
    for a in articles:
        for e in getattr(a, "entities", []) or []:
            keys[e.key] = e.key
            if e.label == PERSON and "-" in e.key and not re.search(r"-(jr|sr|ii|iii)$", e.key):
                by_surname.setdefault(e.key.rsplit("-", 1)[1], set()).add(e.key)
    for k in keys:
        if "-" not in k and len(by_surname.get(k, ())) == 1:
            keys[k] = next(iter(by_surname[k]))
    return keys
