"""Framing: loaded language in headlines and body text.

A lexicon written by the newsprism developers (``data/framing_lexicon.tsv``)
flags loaded verbs ("caves"), labels ("regime"), intensifiers ("massive"),
presuppositions ("finally") and opinion words ("sadly"). Each flag carries the
phrase, its kind, a one-line explanation and a neutral alternative. A sentence
gets a score in [0, 1] (a noisy-or of the weights of its flags, with flags
inside quotation marks counting half, since they are the speaker's words),
optionally blended with a small classifier trained by
``scripts/train_framing.py`` on sentences we composed ourselves.

The :class:`Framing` stage fills ``Article.framing`` and
``Article.framing_profile``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .model import Article, FramingFlag
from .pipeline import DocumentStage

#: A sentence whose score reaches this is "loaded". Fixed a priori (half-way), not tuned on any eval set.
THRESHOLD = 0.5
QUOTED_FACTOR = 0.5

KIND_DEFAULTS = {
    "loaded_verb": "A verb that judges the action instead of describing it.",
    "label": "A label that characterises people or positions instead of describing them.",
    "intensifier": "Emphasis or drama that adds no information.",
    "presupposition": "Takes for granted something the text does not show.",
    "opinion": "The writer's own judgement or feeling.",
}
OMIT = "(omit)"

_IRREGULAR_PAST = {
    "cling": "clung", "rise": "rose", "fall": "fell", "grow": "grew", "begin": "began", "leave": "left",
    "say": "said", "keep": "kept", "spend": "spent", "strike": "struck", "give": "gave", "hold": "held",
    "undo": "undid", "withdraw": "withdrew", "seek": "sought", "bring": "brought", "make": "made",
}
_DOUBLE = re.compile(r"^[^aeiou]*[aeiou][bdglmnprt]$")


def _inflect(verb: str, form: str) -> str:
    """Inflect the first word of a verb phrase: form is base | s | ed | ing."""
    head, _, rest = verb.partition(" ")
    tail = (" " + rest) if rest else ""
    if form == "base" or not head:
        return verb
    if form == "s":
        if re.search(r"(s|sh|ch|x|z)$", head):
            w = head + "es"
        elif re.search(r"[^aeiou]y$", head):
            w = head[:-1] + "ies"
        else:
            w = head + "s"
    elif form == "ed":
        if head in _IRREGULAR_PAST:
            w = _IRREGULAR_PAST[head]
        elif head.endswith("e"):
            w = head + "d"
        elif re.search(r"[^aeiou]y$", head):
            w = head[:-1] + "ied"
        elif _DOUBLE.match(head) and len(head) <= 4:
            w = head + head[-1] + "ed"
        else:
            w = head + "ed"
    else:  # ing
        if head.endswith("ie"):
            w = head[:-2] + "ying"
        elif head.endswith("e") and not head.endswith("ee"):
            w = head[:-1] + "ing"
        elif _DOUBLE.match(head) and len(head) <= 4:
            w = head + head[-1] + "ing"
        else:
            w = head + "ing"
    return w + tail


@dataclass(frozen=True)
class Entry:
    phrase: str
    kind: str
    neutral: str
    weight: float
    explanation: str
    verb: bool


@dataclass
class Hit:
    start: int
    end: int
    phrase: str  # surface text as written
    entry: Entry
    form: str  # base | s | ed | ing
    quoted: bool = False

    @property
    def neutral(self) -> str:
        n = self.entry.neutral
        if not n or n == "(drop)":
            return OMIT
        if self.entry.verb and not n.startswith("("):
            return _inflect(n, self.form)
        return n

    @property
    def weight(self) -> float:
        return self.entry.weight * (QUOTED_FACTOR if self.quoted else 1.0)


@dataclass
class Lexicon:
    entries: dict[str, tuple[Entry, str]]  # lower-cased surface form, words joined by one space -> (entry, form)
    max_words: int

    def __len__(self) -> int:
        return len({e for e, _ in self.entries.values()})


def parse_lexicon(text: str) -> Lexicon:
    forms: dict[str, tuple[Entry, str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 4:
            raise ValueError(f"framing lexicon line {n}: expected 4-5 tab-separated columns")
        kind, phrase, neutral, weight = cols[:4]
        expl = cols[4].strip() if len(cols) > 4 and cols[4].strip() else KIND_DEFAULTS.get(kind, "")
        verb = phrase.startswith("V:")
        phrase = phrase[2:] if verb else phrase
        entry = Entry(phrase=phrase, kind=kind, neutral=neutral.strip(), weight=float(weight), explanation=expl,
                      verb=verb)
        variants = {phrase.lower(): "base"}
        if verb:
            for f in ("s", "ed", "ing"):
                variants.setdefault(_inflect(phrase.lower(), f), f)
        for v, f in variants.items():
            old = forms.get(v)
            if old is None or old[0].weight < entry.weight:
                forms[v] = (entry, f)
    return Lexicon(entries=forms, max_words=max((len(k.split()) for k in forms), default=1))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    text = resources.files("newsprism.data").joinpath("framing_lexicon.tsv").read_text(encoding="utf-8")
    return parse_lexicon(text)


_QUOTE = re.compile(r"[“\"]([^”\"]{3,}?)[”\"]")
_WORD = re.compile(r"[\w][\w'’-]*")
_NOUN_CONTEXT = re.compile(
    r"\b(?:the|a|an|this|that|these|those|such|his|her|its|their|our|your|my|of|after|before|in|from|by|with|for|"
    r"on|at|into|deadly|fatal|new|latest|first|second|major|massive|huge|any|no|every|each|another)\s+$", re.I)
_SENT_START = re.compile(r"(^|[.!?:;]\s+|[\"“‘(]\s*)$")


def detect(text: str, *, title: bool = False, lexicon: Lexicon | None = None) -> list[Hit]:
    """Every lexicon phrase in ``text``, longest match first, with its character span.

    In body text a capitalised match that does not start a sentence is taken for a name
    ("Storm Shadow", "Hammer") and skipped; headlines are often in title case, so not there.
    """
    lex = lexicon or default_lexicon()
    quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)] if ('"' in text or "“" in text) else []
    toks = [(m.start(), m.end(), m.group(0).lower().replace("’", "'")) for m in _WORD.finditer(text)]
    hits = []
    i = 0
    while i < len(toks):
        found = None
        for n in range(min(lex.max_words, len(toks) - i), 0, -1):  # longest match first
            key = " ".join(t[2] for t in toks[i:i + n])
            got = lex.entries.get(key)
            if got is None and n == 1 and key.endswith("'s"):
                got = lex.entries.get(key[:-2])  # "regime's"
                if got is not None:
                    found = (n, got, toks[i][1] - 2)
                    break
            if got is not None:
                found = (n, got, toks[i + n - 1][1])
                break
        if found is None:
            i += 1
            continue
        n, (entry, form), end = found
        start = toks[i][0]
        surface = text[start:end]
        before = text[max(0, start - 40):start]
        skip = False
        if not title and surface[0].isupper() and not surface.isupper() and not _SENT_START.search(before):
            skip = True  # a name inside a body sentence
        elif entry.verb and form in ("base", "s") and _NOUN_CONTEXT.search(before):
            skip = True  # "the blast", "after attacks": a noun, not the loaded verb
        if skip:
            i += 1
            continue
        quoted = any(a <= start < b for a, b in quotes)
        hits.append(Hit(start, end, surface, entry, form, quoted))
        i += n
    return hits


def lexicon_score(hits: list[Hit]) -> float:
    p = 1.0
    for h in hits:
        p *= 1.0 - min(h.weight, 0.99)
    return 1.0 - p


# -- optional classifier -------------------------------------------------------------

@lru_cache(maxsize=1)
def _classifier() -> dict[str, Any] | None:
    """The small model written by scripts/train_framing.py, if it was trained (a JSON file)."""
    try:
        raw = resources.files("newsprism.data").joinpath("framing_model.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return json.loads(raw)


_TOKEN = re.compile(r"[a-z][a-z'-]+")


def classifier_features(text: str, hits: list[Hit]) -> dict[str, float]:
    """Sparse features: words, plus lexicon evidence by kind."""
    feats: dict[str, float] = {}
    for t in _TOKEN.findall(text.lower()):
        feats["w=" + t] = 1.0
    for h in hits:
        feats["k=" + h.entry.kind] = feats.get("k=" + h.entry.kind, 0.0) + h.weight
    feats["lex"] = lexicon_score(hits)
    feats["quote"] = 1.0 if _QUOTE.search(text) else 0.0
    feats["bias"] = 1.0
    return feats


def lexicon_features(hits: list[Hit]) -> dict[str, float]:
    feats = {"lex": lexicon_score(hits), "bias": 1.0}
    for h in hits:
        feats["k=" + h.entry.kind] = feats.get("k=" + h.entry.kind, 0.0) + h.weight
    return feats


def _embed(texts: list[str], kind: str) -> Any:
    from .embed import get_encoder

    return get_encoder(kind).encode(texts)


def classifier_probs(texts: list[str], hits: list[list[Hit]]) -> list[float] | None:
    """Probabilities that each text is loaded, or None when no classifier was trained (or its
    encoder cannot be built)."""
    import math

    model = _classifier()
    if model is None:
        return None
    w = model["weights"]
    zs = []
    if model.get("features", "").startswith("embed"):
        try:
            vecs = _embed(texts, model["encoder"])
        except Exception:  # noqa: BLE001 - no encoder: the lexicon alone decides
            return None
        emb = model["embedding_weights"]
        for t, h, v in zip(texts, hits, vecs):
            z = sum(w.get(k, 0.0) * x for k, x in lexicon_features(h).items())
            zs.append(z + float(sum(a * b for a, b in zip(emb, v.tolist()))))
    else:
        for t, h in zip(texts, hits):
            zs.append(sum(w.get(k, 0.0) * v for k, v in classifier_features(t, h).items()))
    return [1.0 / (1.0 + math.exp(-z)) for z in zs]


def classifier_prob(text: str, hits: list[Hit]) -> float | None:
    probs = classifier_probs([text], [hits])
    return probs[0] if probs else None


def sentence_scores(texts: list[str], use_classifier: bool = True) -> list[float]:
    """Batched :func:`sentence_score` (one encoder call for all texts)."""
    hits = [detect(t) for t in texts]
    lex = [lexicon_score(h) for h in hits]
    probs = classifier_probs(texts, hits) if use_classifier and texts else None
    if probs is None:
        return [round(x, 4) for x in lex]
    return [round(b, 4) for b in probs]


def sentence_score(text: str, hits: list[Hit] | None = None, use_classifier: bool = True) -> float:
    hits = detect(text) if hits is None else hits
    lex = lexicon_score(hits)
    if use_classifier:
        p = classifier_prob(text, hits)
        if p is not None:  # the classifier already weighs the lexicon's evidence (its features)
            return round(p, 4)
    return round(lex, 4)


def check_text(text: str, use_classifier: bool = True) -> dict[str, Any]:
    """What ``newsprism framing`` prints for one text: loaded?, score and phrases."""
    hits = detect(text)
    score = sentence_score(text, hits, use_classifier)
    return {
        "loaded": score >= THRESHOLD,
        "score": score,
        "phrases": [
            {"phrase": h.phrase, "kind": h.entry.kind, "explanation": h.entry.explanation,
             "neutral": h.neutral, "start": h.start, "end": h.end, "quoted": h.quoted}
            for h in hits
        ],
    }


def to_flag(h: Hit, sentence: int | None, in_title: bool) -> FramingFlag:
    return FramingFlag(phrase=h.phrase, kind=h.entry.kind, explanation=h.entry.explanation, neutral=h.neutral,
                       sentence=sentence, in_title=in_title, quoted=h.quoted)


def segments(text: str, title: bool = False) -> list[dict[str, Any]]:
    """Split ``text`` into plain and flagged segments for safe highlighting in templates.

    Returns ``[{"text": ..., "flag": None | {kind, explanation, neutral}}]``; the template
    renders each with autoescaping, so no markup is ever built from the text.
    """
    out: list[dict[str, Any]] = []
    pos = 0
    for h in detect(text, title=title):
        if h.start < pos:
            continue
        if h.start > pos:
            out.append({"text": text[pos:h.start], "flag": None})
        out.append({"text": text[h.start:h.end],
                    "flag": {"kind": h.entry.kind, "explanation": h.entry.explanation, "neutral": h.neutral,
                             "quoted": h.quoted}})
        pos = h.end
    if pos < len(text):
        out.append({"text": text[pos:], "flag": None})
    return out


def neutralise(text: str) -> str:
    """Replace flagged phrases by their neutral alternative, or drop them.

    Phrases whose alternative is advice ("(describe the conduct)") are dropped when they
    are modifiers (intensifier, opinion, presupposition); labels are left for the caller,
    who should then not use the sentence (check with :func:`detect`).
    """
    hits = [h for h in detect(text) if not h.quoted]
    for h in sorted(hits, key=lambda h: h.start, reverse=True):
        n = h.neutral
        if n == OMIT or (n.startswith("(") and h.entry.kind in {"intensifier", "opinion", "presupposition"}):
            repl = ""
        elif n.startswith("("):
            continue
        else:
            repl = n
        if h.phrase[:1].isupper() and repl:
            repl = repl[0].upper() + repl[1:]
        text = text[:h.start] + repl + text[h.end:]
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", text)
    text = re.sub(r"\b([Aa])n (?=[^aeiouAEIOU\W])", r"\1 ", text)
    text = re.sub(r"^[\s,]+", "", text)
    return text[:1].upper() + text[1:] if text else text


# -- newsprism framing FILE ------------------------------------------------------------

def check_lines(lines: Any, source: str = "<stdin>") -> Any:
    """Yield one result per non-empty line: ``{id, loaded, score, phrases}``, or ``{id, error, code}``.

    A line is JSON when it starts with ``{`` (then it needs a string ``text``; ``id`` is optional),
    plain text otherwise. A bad line yields an error record; the rest go on.
    """
    from .errors import Errors, NewsprismError

    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        rid: Any = n
        text = line
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                err = NewsprismError(Errors.E501, input=source, line=n, reason=exc.msg)
                yield {"id": n, "error": err.message, "code": err.code}
                continue
            text = obj.get("text") if isinstance(obj, dict) else None
            if not isinstance(text, str):
                err = NewsprismError(Errors.E502, input=source, line=n)
                yield {"id": obj.get("id", n) if isinstance(obj, dict) else n, "error": err.message, "code": err.code}
                continue
            rid = obj.get("id", n)
        yield {"id": rid, **check_text(text)}


# -- the stage -----------------------------------------------------------------------

def article_profile(flags: list[FramingFlag], n_sentences: int, words: int, scores: list[float]) -> dict[str, Any]:
    own = [f for f in flags if not f.quoted]
    by_kind: dict[str, int] = {}
    for f in own:
        by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
    loaded = sum(1 for s in scores if s >= THRESHOLD)
    return {
        "flags": len(own),
        "quoted_flags": len(flags) - len(own),
        "by_kind": by_kind,
        "title_flags": sum(1 for f in own if f.in_title),
        "per_1000_words": round(1000 * len(own) / words, 2) if words else 0.0,
        "sentences": n_sentences,
        "loaded_sentences": loaded,
        "share_loaded": round(loaded / n_sentences, 3) if n_sentences else 0.0,
        "mean_score": round(sum(scores) / len(scores), 3) if scores else 0.0,
    }


def _data_version() -> str:
    """Changes whenever the lexicon or the trained model changes, so stored articles are redone."""
    import hashlib

    h = hashlib.sha1()
    for name in ("framing_lexicon.tsv", "framing_model.json"):
        try:
            h.update(resources.files("newsprism.data").joinpath(name).read_bytes())
        except (FileNotFoundError, OSError):
            h.update(b"-")
    return "1-" + h.hexdigest()[:8]


class Framing(DocumentStage):
    """Flag loaded language in the headline and body; add a per-article framing profile."""

    name = "framing"
    requires = ("clean_text",)
    adds = ("framing", "framing_profile")
    version = _data_version()

    def setup(self) -> None:
        default_lexicon()
        _classifier()

    def process(self, doc: Article) -> Article:
        from .compare.sentences import article_sentences

        flags: list[FramingFlag] = []
        title = doc.title or doc.display_title
        if title:
            flags += [to_flag(h, None, True) for h in detect(title, title=True)]
        sents = article_sentences(doc)
        for i, s in enumerate(sents):
            flags += [to_flag(h, i, False) for h in detect(s)]
        scores = sentence_scores(sents) if sents else []
        doc.framing = flags
        doc.framing_profile = article_profile(flags, len(sents), len(doc.text.split()), scores)
        self.stats["flags"] += len(flags)
        return doc
