"""Claims: the sentences of an article, with what agreement checks need.

Each claim carries its named entities, numbers, dates and cited sources. These come
from the extract stage's fields when they are filled (matched to the sentence by
index or by surface text) and from small regex fallbacks otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..extract.citations import outlet_name
from ..model import Article, Entity
from .sentences import article_sentences, find_numbers, find_quotes

MIN_WORDS, MAX_WORDS = 6, 90

_CAP_SEQ = re.compile(r"\b(?:[A-Z][\w'’.&-]*[A-Za-z]|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|the\s+)?(?:[A-Z][\w'’.&-]*[A-Za-z]|[A-Z]{2,}))*")
_STOP_CAPS = {
    "The", "A", "An", "In", "On", "At", "By", "For", "But", "And", "However", "During", "After", "Before", "Since",
    "It", "He", "She", "They", "We", "I", "This", "That", "These", "Those", "His", "Her", "Their", "Our", "As",
    "If", "When", "While", "Speaking", "According", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Dear", "Your", "What", "Every", "One", "Some",
}
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_MONTH_DATE = re.compile(
    r"\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?(?:\s+(\d{1,2}))?(?:,?\s+(\d{4}))?\b")
_SOURCE_PATTERNS = [
    re.compile(r"\baccording to (?:the |a |an )?(?P<src>(?:[A-Z][\w'’.&-]*\s?){1,5})"),
    # the listener of "told"/"speaking to" is a source only when it is a publication (see find_sources)
    re.compile(r"\b(?:told|confirmed to|cited by|quoted by|speaking to|said to) (?P<the>the |a )?"
               r"(?P<src>(?:[A-Z][\w'’.&-]*\s?){1,5})"),
    re.compile(r"(?:^|[,;.]\s*|\s)(?:the |The )?(?P<src>(?:[A-Z][\w'’.&-]*\s?){1,5}) (?:reported|wrote|reports|first reported)\b"),
]
_NOT_SOURCE = {"he", "she", "they", "it", "officials", "u.s", "the", "his office"}
#: Words that mark a name as a publication or broadcaster.
_MEDIA_WORDS = re.compile(r"\b(?:News|Times|Post|Journal|Herald|Gazette|Tribune|Press|Agency|Radio|TV|Television|"
                          r"Magazine|Daily|Wire|Ledger|Telegraph|Guardian|Observer|Review|Chronicle)\b")


@dataclass
class Claim:
    article_id: str
    index: int  # sentence index in the article
    text: str
    entities: set[str] = field(default_factory=set)  # normalised keys
    numbers: list[dict] = field(default_factory=list)
    dates: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    quotes: list[str] = field(default_factory=list)


def norm_key(name: str) -> str:
    name = re.sub(r"[’']s$", "", name.strip())
    name = re.sub(r"^(the|a|an)\s+", "", name, flags=re.I)
    return re.sub(r"[^\w]+", " ", name.lower()).strip()


def entity_key(e: Entity) -> str:
    """The key a claim knows an extracted entity by."""
    return e.key or norm_key(e.name)


def source_key(name: str) -> str:
    """Normalise a cited outlet so that "The New York Times", "the New York Times" and "NYT" meet."""
    k = norm_key(name)
    words = k.split()
    if len(words) >= 2:
        return "".join(w[0] for w in words if w not in {"of", "and"})
    return k


def find_sources(sentence: str) -> set[str]:
    out = set()
    for pat in _SOURCE_PATTERNS:
        for m in pat.finditer(sentence):
            src = m.group("src").strip().rstrip(".,")
            words = src.split()
            # trim trailing words that are not part of a name ("The New York Times reported Sunday")
            while words and (words[-1] in _STOP_CAPS or not words[-1][:1].isupper()):
                words.pop()
            src = " ".join(words)
            if not src or src.lower() in _NOT_SOURCE or src in _STOP_CAPS:
                continue
            if "the" in pat.groupindex and not (m.group("the") or outlet_name(src) or _MEDIA_WORDS.search(src)):
                continue  # "Putin told Macron": a person told something is a listener, not a cited source
            out.add(src)
    return out


def _fallback_entities(sentence: str) -> set[str]:
    out = set()
    for m in _CAP_SEQ.finditer(sentence):
        words = m.group(0).split()
        while words and words[0] in _STOP_CAPS:
            words.pop(0)
        if not words:
            continue
        name = " ".join(words)
        if m.start() == 0 and len(words) == 1 and name.lower() in {"president", "prime", "officials"}:
            continue
        out.add(norm_key(name))
    from .sentences import _WORD_NUM

    return {e for e in out if e and e not in _WORD_NUM}


def _dates(sentence: str) -> set[str]:
    out = {m.group(1).lower() for m in _WEEKDAY.finditer(sentence)}
    for m in _MONTH_DATE.finditer(sentence):
        if m.group(1) == "May" and not m.group(2):
            continue
        out.add(" ".join(x.lower()[:3] if i == 0 else x for i, x in enumerate(m.groups()) if x))
    return out


def article_claims(a: Article) -> list[Claim]:
    sents = article_sentences(a)
    by_sent_q: dict[int, list[dict]] = {}
    for q in a.quantities:
        if q.sentence is not None:
            by_sent_q.setdefault(q.sentence, []).append(
                {"text": q.text, "value": q.value, "unit": (q.counts or q.unit or "").lower(),
                 "qualifier": q.qualifier})
    by_sent_d: dict[int, set[str]] = {}
    for d in a.dates:
        if d.sentence is not None:
            by_sent_d.setdefault(d.sentence, set()).add((d.value or d.text).lower())
    ents = [(entity_key(e), [m for m in (e.mentions or [e.name]) if m]) for e in a.entities]
    claims = []
    for i, s in enumerate(sents):
        n = len(s.split())
        if n < MIN_WORDS or n > MAX_WORDS or s.rstrip().endswith("?"):
            continue
        c = Claim(article_id=a.id, index=i, text=s.strip())
        if ents:
            c.entities = {k for k, ms in ents if any(re.search(r"\b" + re.escape(m) + r"\b", s) for m in ms)}
        else:
            c.entities = _fallback_entities(s)
        use_extracted = bool(a.sentences) and (a.quantities or a.dates)
        c.numbers = list(by_sent_q.get(i, [])) if use_extracted else []
        # the regex fallback adds what the extractor did not place in this sentence ("Seventeen people")
        have = {n["value"] for n in c.numbers}
        c.numbers += [n for n in find_numbers(s) if n["value"] not in have]
        c.dates = (by_sent_d.get(i, set()) | _dates(s)) if use_extracted else _dates(s)
        c.sources = {source_key(x) for x in find_sources(s)}
        c.quotes = find_quotes(s)
        claims.append(c)
    return claims
