"""Quotes and reported speech with their speakers and cue verbs.

Rules over sentences, no model. An *attribution* has a content span (what was
said, claimed or believed), a cue ("said", "according to", "wrote") and a
source (the speaker). Patterns, in order of trust:

1. ``CONTENT, SPEAKER CUE.`` / ``CONTENT, CUE SPEAKER.`` (the content may be a
   quotation running over several sentences), also with a second part:
   ``"A," he said, "B."``;
2. ``According to SPEAKER, CONTENT`` and ``CONTENT, according to SPEAKER``;
3. ``SPEAKER CUE (that|:) CONTENT``, e.g. "Waltz said recently that ...",
   "Putin warning this would ...", "told reporters that ...";
4. a quotation with no cue in its sentence continues the previous speaker when
   it directly follows an attributed quote.

A speaker phrase is linked to an entity: the last person named in it (so the
appositive "Trump's pick for adviser, Mike Waltz" gives Mike Waltz), else the
last organisation; "he"/"she" resolve to the nearest preceding person; "his
office" becomes that person's office; "the newspaper" the last outlet named;
a relative "that"/"which" falls back to the person leading the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Quote
from .sentences import sentence_index
from . import gazetteer as gz
from .entities import PERSON, EntityIndex

# -- cue lexicon -------------------------------------------------------------------------------------------

_IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "think": ("think", "thinks", "thought", "thinking"),
    "feel": ("feel", "feels", "felt"),
    "know": ("know", "knows", "knew", "known"),
    "find": ("find", "finds", "found"),
    "show": ("show", "shows", "showed", "shown"),
    "hold": ("holds", "held"),
    "predict": ("predict", "predicts", "predicted", "predicting"),
    "forecast": ("forecast", "forecasts", "forecasted"),
    "foresee": ("foresee", "foresees", "foresaw"),
    "teach": ("taught",),
    "swear": ("swore", "sworn"),
    "understand": ("understand", "understands", "understood"),
}
#: Verbs of saying, writing, believing and intending (regular ones are inflected by rule).
_REGULAR = """add note argue claim state warn insist explain ask announce report suggest acknowledge admit
believe deny declare promise vow urge contend maintain recall reply respond continue conclude complain
allege assert confirm concede emphasize emphasise stress tweet post testify estimate hope fear worry
expect agree caution observe speculate indicate signal reveal demand propose pledge threaten boast joke
mock criticize criticise praise describe blame question doubt plan intend hint imply remark comment recount
mention reiterate counter point disclose assure inform advise recommend charge accuse suspect assume
guess predict acknowledge contend lament complain tout insist reckon admit request order instruct
declare proclaim reassure remind retort scoff snap quip muse wonder hope wish want decide vow""".split()


def _inflect(v: str) -> tuple[str, ...]:
    if v.endswith("e"):
        return (v, v + "s", v + "d", v[:-1] + "ing")
    if v.endswith("y") and v[-2] not in "aeiou":
        return (v, v[:-1] + "ies", v[:-1] + "ied", v + "ing")
    if v in {"admit", "regret", "quip", "snap", "scoff"} or (
            len(v) <= 4 and v[-1] not in "aeiouwxy" and v[-2] in "aeiou" and v[-3] not in "aeiou"):
        if v in {"post", "hint", "wish"}:
            return (v, v + "s", v + "ed", v + "ing")
        return (v, v + "s", v + v[-1] + "ed", v + v[-1] + "ing")
    if v.endswith(("s", "sh", "ch", "x")):
        return (v, v + "es", v + "ed", v + "ing")
    return (v, v + "s", v + "ed", v + "ing")


_FORMS: dict[str, str] = {}
for _base, _forms in _IRREGULAR.items():
    for _f in _forms:
        _FORMS[_f] = _base
for _base in _REGULAR:
    for _f in _inflect(_base):
        _FORMS.setdefault(_f, _base)
#: Forms that are too ambiguous as cues on their own ("post" a photo, "order" a meal, "charge" a phone).
for _f in ("post", "posts", "order", "orders", "charge", "charges", "point", "points", "question", "questions",
           "counter", "plan", "plans", "hope", "fear", "doubt", "request", "estimate", "signal", "report",
           "reports", "comment", "comments", "continue", "continues", "wish", "state", "promise", "pledge",
           "tweet", "joke", "mock", "blame", "demand", "order", "remark", "charged", "ordered", "posted",
           "continued", "continuing", "continue", "decided", "decide", "decides", "pointed", "pointing",
           "reporting", "fears", "estimates", "warnings"):
    _FORMS.pop(_f, None)
_FORMS["pointed out"] = "point out"
_FORMS["points out"] = "point out"
_FORMS["pointing out"] = "point out"
#: Cues that take a content clause only with "that" ("found that", "showed that").
_NEEDS_THAT = frozenset({"find", "know", "show", "hold", "understand", "feel", "agree", "decide", "indicate",
                         "assume", "remind", "inform", "assure", "reveal", "suspect", "understand"})
#: Cues followed by an addressee before the content ("told reporters that", "urged Congress to").
_TAKES_OBJECT = frozenset({"tell", "ask", "urge", "warn", "assure", "inform", "remind", "advise", "reassure",
                           "instruct", "promise", "charge", "caution"})

#: Stance verbs: what they take (an object phrase) is the content, to the end of the clause.
_STANCE = """endorse praise criticize criticise blast slam attack condemn support back oppose reject defend thank
welcome applaud dismiss denounce decry lambaste question challenge call label brand compare credit fault
laud hail tout champion embrace disavow deride ridicule slam rebuke chide scold excoriate cite view consider
favor favour""".split()
#: Intention verbs: the content is the "to ..." infinitive clause.
_INTENT = """want plan seek decide decline refuse intend hope try aim offer vow promise pledge threaten agree
expect prefer seem appear""".split()
_STANCE_FORMS: dict[str, str] = {}
for _base in _STANCE:
    for _i, _f in enumerate(_inflect(_base)):
        if _i >= 1 or _base in {"endorse", "praise", "criticize", "criticise", "blast", "slam", "condemn",
                                "reject", "defend", "thank", "welcome", "dismiss", "denounce", "decry"}:
            _STANCE_FORMS[_f] = _base  # bare and -s forms of "attack", "support", "call" are mostly nouns
_STANCE_FORMS.update({"called for": "call for", "calls for": "call for", "calling for": "call for",
                      "call for": "call for", "referring to": "refer to", "referred to": "refer to",
                      "talked about": "talk about", "talks about": "talk about", "spoke about": "talk about"})
_INTENT_FORMS: dict[str, str] = {}
for _base in _INTENT:
    for _f in _inflect(_base):
        _INTENT_FORMS[_f] = _base
_INTENT_FORMS.update({"tried": "try", "tries": "try", "sought": "seek"})
_STANCE_FORMS.update({"sees": "see", "saw": "see", "seen": "see", "seeing": "see"})
for _f, _b in list(_STANCE_FORMS.items()) + list(_INTENT_FORMS.items()):
    _FORMS.setdefault(_f, _b)
_CUE_WORDS = sorted(_FORMS, key=len, reverse=True)
_SPEECH_FORMS = frozenset(f for f, b in _FORMS.items() if b not in _STANCE and b not in _INTENT
                          and f not in _STANCE_FORMS and f not in _INTENT_FORMS)
_WORD_RE = re.compile(r"[A-Za-z]+(?:\s+(?:out|for|to|about)\b)?")
_MULTI = frozenset(f for f in _CUE_WORDS if " " in f)


class _Cue:
    """A cue found in a sentence; quacks like the ``re.Match`` the patterns use."""

    __slots__ = ("_s", "_e", "_text")

    def __init__(self, s: int, e: int, text: str) -> None:
        self._s, self._e, self._text = s, e, text

    def start(self, _group: str | None = None) -> int:
        return self._s

    def end(self, _group: str | None = None) -> int:
        return self._e

    def group(self, _name: object = 0) -> str:
        return self._text


def _find_cues(text: str, lower_only: bool = False) -> list[_Cue]:
    """Cue words of ``text`` by dictionary lookup (much faster than one regex of every form)."""
    out: list[_Cue] = []
    for m in _WORD_RE.finditer(text):
        w = m.group(0)
        if " " in w:
            two = " ".join(w.split())
            if two.lower() in _MULTI and (not lower_only or two.islower()):
                out.append(_Cue(m.start(), m.end(), w))
                continue
            w = w.split()[0]
        low = w.lower()
        if low in _FORMS and (w == low or (not lower_only and w == low.capitalize())):
            nxt = text[m.start() + len(w):m.start() + len(w) + 4]
            if not nxt.startswith(" of "):
                out.append(_Cue(m.start(), m.start() + len(w), w))
    return out
_ACCORDING = re.compile(r"\b(?:according to|as reported by|as told to)\b", re.I)

# -- speakers ----------------------------------------------------------------------------------------------

_PRONOUNS = {"he": PERSON, "she": PERSON, "who": PERSON, "they": "PLURAL", "it": "ORG", "i": "SELF", "we": "SELF"}
_POSS = {"his": PERSON, "her": PERSON, "their": "PLURAL", "its": "ORG"}
_OUTLET_NOUNS = re.compile(r"^(?:the\s+)?(?:newspaper|paper|outlet|network|broadcaster|agency|magazine|"
                           r"publication|news agency|daily|site|website)$", re.I)
_RELATIVE = re.compile(r"\b(?:that|which)\s*$", re.I)
_AUX = re.compile(r"(?:\s+(?:has|have|had|also|recently|previously|repeatedly|later|then|would|will|could|"
                  r"should|might|may|must|did|does|do|not|never|publicly|privately|reportedly|earlier|once|even|"
                  r"just|long|already|still|often|again|first|last|further|told|is|was|were|are|been|being|"
                  r"has\s+been|subsequently|quickly|flatly|frequently|openly|explicitly|separately|"
                  r"initially|originally|falsely|wrongly|correctly|told|in|a|statement))+\s*$", re.I)
_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|those|some|many|several|other|most|one|two|three|"
                          r"his|her|their|its|our)\b", re.I)
_CLAUSE_BREAK = re.compile(r"(?:[,;:—–(]|\s-\s|\band\b|\bbut\b|\bwhile\b|\bwhen\b|\bas\b|\bbecause\b|"
                           r"\bafter\b|\bbefore\b|\bif\b|\bthough\b|\balthough\b|\bwhere\b|\bwho\b)", re.I)
_QUOTE_OPEN = "“\"‘«"
_QUOTE_CLOSE = "”\"’»"
_LEAD_SKIP = re.compile(r"^(?:\s|that\b|:|,)+", re.I)
_ADVERBIAL_AFTER_CUE = re.compile(
    r"^\s*(?:(?:on|in|at|during|last|this|late|early|earlier|on\s+\w+)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|today|yesterday|recently|earlier|later|afterward|afterwards|previously|"
    r"again|also|repeatedly|publicly|privately|bluntly|flatly|[a-z]+ly|in a statement|in an interview|in a"
    r"(?:n)? [\w-]+(?: [\w-]+)? (?:statement|interview|post|speech|letter|release|tweet|video)|on Twitter|"
    r"on X|on Facebook|on Instagram|on television|at a (?:[\w-]+ ){0,3}(?:rally|briefing|conference|event|"
    r"hearing|meeting))\b[,]?", re.I)


@dataclass
class Attribution:
    """One attribution with character spans into the article text."""

    content: list[tuple[int, int]]
    cue: str | None
    cue_span: tuple[int, int] | None
    source: str | None
    source_span: tuple[int, int] | None
    speaker: str | None = None  # resolved display name
    speaker_key: str | None = None
    direct: bool = False
    pattern: str = ""
    quoted: list[tuple[int, int]] = field(default_factory=list)  # inner spans of quotation marks


_DOUBLE_SINGLE = re.compile(r"''|``")


def normalise_marks(text: str) -> str:
    """Same-length copy of ``text`` where the old ``''`` / ````` `` ```` quotation style becomes curly marks."""
    def repl(m: re.Match[str]) -> str:
        i = m.start()
        opening = m.group(0) == "``" or i == 0 or text[i - 1].isspace() or text[i - 1] in "([—–-"
        return " “" if opening else "” "
    return _DOUBLE_SINGLE.sub(repl, text) if "''" in text or "``" in text else text


_CLOSE_GUILLEMET = re.compile(r"»")
_CLOSE_QUOTE = re.compile(r"[”\"]|“(?=\s|$|[,.;:])")


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Spans (including the marks) of quotations; they may run over sentences but not paragraphs.

    Mixed marks are accepted (an opening straight quote closed by a curly one and vice versa).
    """
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p, ps = para.group(0), para.start()
        i = 0
        while i < len(p):
            ch = p[i]
            if ch in "“«" or (ch == '"' and (i == 0 or not p[i - 1].isalnum())):
                close = _CLOSE_GUILLEMET if ch == "«" else _CLOSE_QUOTE
                cm = close.search(p, i + 1)
                if cm is None:
                    spans.append((ps + i, ps + len(p)))
                    break
                spans.append((ps + i, ps + cm.end()))
                i = cm.end()
                continue
            i += 1
    return spans


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",:;—–-"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",.:;—–-"):
        e -= 1
    return s, e


class QuoteFinder:
    """Finds attributions in one text. ``entities`` comes from :func:`extract_entities`."""

    def __init__(self, text: str, sentence_spans: Sequence[tuple[int, int]], entities: EntityIndex,
                 stance: bool = False) -> None:
        self.stance = stance
        text = normalise_marks(text)
        self.text = text
        self.sentences = list(sentence_spans)
        self.entities = entities
        self.quotations = quotation_spans(text)

    # -- speakers ------------------------------------------------------------------------------------
    def resolve(self, s: int, e: int, sentence_start: int, anchor: int | None = None) -> tuple[str | None, str | None]:
        """Display name and entity key for the speaker phrase text[s:e].

        Pronouns look for their antecedent before ``anchor`` (the start of the quote, when it comes first),
        so a name inside the quotation is never taken for the speaker.
        """
        anchor = s if anchor is None else min(anchor, s)
        phrase = self.text[s:e].strip(" ,")
        if not phrase:
            return None, None
        rel = re.search(r",?\s+(?:who|which|whose|whom)\s|\s\(", self.text[s:e])
        if rel and rel.start() > 0:
            e = s + rel.start()
            phrase = self.text[s:e].strip(" ,")
        low = phrase.lower()
        mentions = self.entities.in_span(s, e)
        people = [m for m in mentions if m.label == PERSON]
        if people:
            m = people[-1]
            ent = self.entities.by_key(m.key)
            name = ent.name if ent else m.text
            if re.search(r"(?:’s|'s)\s+(?:office|spokes\w+|campaign|aides?|team|press secretary|lawyers?)",
                         self.text[m.end:e + 1]):
                return f"{name}’s {self.text[m.end:e].split()[-1]}", m.key
            return name, m.key
        for pron, label in _POSS.items():
            mp = re.match(rf"{pron}\s+(\w[\w ]*)$", low)
            if mp:
                ref = self._antecedent(anchor, label, sentence_start)
                if ref is not None:
                    return f"{ref[0]}’s {phrase.split(None, 1)[1]}", ref[1]
                return phrase, None
        if low in _PRONOUNS:
            ref = self._antecedent(anchor, _PRONOUNS[low], sentence_start)
            return (ref[0], ref[1]) if ref else (phrase, None)
        from .citations import outlet_name
        from .entities import slug

        canon = outlet_name(phrase)
        if canon:
            return canon, slug(canon)
        if _OUTLET_NOUNS.match(low):
            outlets = [m for m in self.entities.mentions if m.end <= s and m.label == "ORG"
                       and self._is_outlet(m.key)]
            if outlets:
                ent = self.entities.by_key(outlets[-1].key)
                return (ent.name if ent else outlets[-1].text), outlets[-1].key
        others = [m for m in mentions if m.label in {"ORG", "GPE", "MISC", "NORP"}]
        bare = re.sub(r"(?:’s|'s|’)$", "", re.sub(r"^(?:the|a)\s+", "", phrase, flags=re.I))
        if others and bare == re.sub(r"^(?:the|a)\s+", "", others[-1].text, flags=re.I):
            m = others[-1]
            ent = self.entities.by_key(m.key)
            return (ent.name if ent and ent.label != "MISC" else phrase), m.key
        return phrase, None

    def _is_outlet(self, key: str) -> bool:
        from . import gazetteer as gz
        from .entities import slug

        return key in {slug(c) for c in gz.OUTLETS}

    def _antecedent(self, pos: int, label: str, sentence_start: int) -> tuple[str, str] | None:
        if label == PERSON:
            # never a name inside a quotation: "“If Donald realizes this ...,” he said"
            outside = [x for x in self.entities.mentions if x.end <= pos and not self._inside_quotation(x.start)]
            people = [x for x in outside if x.label == PERSON]
            misc = [x for x in outside if x.label == "MISC" and " " not in x.text]
            m = people[-1] if people else (misc[-1] if misc else None)
            if m is not None:
                ent = self.entities.by_key(m.key)
                return (ent.name if ent else m.text), m.key
        if label == "ORG":
            orgs = [m for m in self.entities.mentions if m.end <= pos and m.label == "ORG"]
            if orgs:
                ent = self.entities.by_key(orgs[-1].key)
                return (ent.name if ent else orgs[-1].text), orgs[-1].key
        return None

    # -- patterns -----------------------------------------------------------------------------------
    def _speaker_phrase_ok(self, phrase: str) -> bool:
        words = phrase.split()
        if not words or len(words) > 14:
            return False
        if words[-1].lower() in {"of", "to", "the", "a", "an", "and", "or", "in", "on", "for", "with", "by",
                                 "at", "from", "than", "it", "this", "there", "what", "which", "who", "not",
                                 "over", "about", "amid", "despite", "after", "before", "with", "without",
                                 "under", "his", "her", "their", "its", "our", "my", "your", "is", "was", "that",
                                 "such", "more", "most", "very", "so"}:
            return False
        if re.search(r"[“”\"\[\]]|\([^)]{9,}\)|\)\s+\w+$", phrase):
            return False
        return True

    def _subject_before(self, s0: int, cue_start: int) -> tuple[int, int] | None:
        """The speaker phrase ending at the cue: from the last clause break to the cue, minus auxiliaries."""
        left = self.text[s0:cue_start]
        m = _AUX.search(left)
        core_end = s0 + (m.start() if m else len(left.rstrip()))
        while True:  # trailing adverbs: "consistently", "reportedly"
            lm = re.search(r"\s+[a-z]+ly\s*$", self.text[s0:core_end])
            if not lm:
                break
            core_end = s0 + lm.start()
        core = self.text[s0:core_end]
        # Start after the last clause break that is not inside an appositive: "X, the minister, said".
        start = s0
        if re.match(r"^[A-Z][^,]{0,70},\s+(?:a|an|the|who|which|whose|[a-z]+\s+of|[A-Z][\w.]*\s)[^;]{0,160},\s*$", core) \
                and len(core.split()) <= 32 and self.entities.in_span(s0, s0 + core.index(",")):
            phrase = core.strip(" ,")
            return s0, s0 + len(phrase)
        breaks = [b for b in _CLAUSE_BREAK.finditer(core)]
        if breaks:
            last = breaks[-1]
            head = core[last.end():].strip()
            if last.group(0) == "," and core.rstrip().endswith(",") and len(breaks) >= 2:
                # appositive ", Mike Waltz," : keep from the break before
                start = s0 + breaks[-2].end()
                if len(breaks) >= 3 and breaks[-3].group(0) == ",":
                    start = s0 + breaks[-3].end() if len(core[breaks[-3].end():].split()) <= 14 else start
            elif head:
                start = s0 + last.end()
        phrase = self.text[start:core_end].strip(" ,")
        inner_cues = [c for c in _find_cues(phrase, lower_only=True) if c.group().lower() in _SPEECH_FORMS
                      and not phrase[c.end():].startswith(" by ")]
        if not phrase or not self._speaker_phrase_ok(phrase) or inner_cues:
            # a subject with a relative clause or appositive: "Paradis, who ran in 1992, says"
            whole = self.text[s0:core_end].strip(" ,")
            if (start > s0 and whole and len(whole.split()) <= 25 and re.match(r"[A-Z“\"]", whole)
                    and re.search(r",\s+(?:who|which|a|an|the)\s", whole) and whole.count(",") <= 4
                    and self.entities.in_span(s0, s0 + len(whole) + 2)):
                start, phrase = s0, whole
            else:
                return None
        ps = start + (len(self.text[start:core_end]) - len(self.text[start:core_end].lstrip(" ,")))
        return ps, ps + len(phrase)

    def find(self) -> list[Attribution]:
        out: list[Attribution] = []
        covered: list[tuple[int, int]] = []
        for si, (s0, s1) in enumerate(self.sentences):
            sent = self.text[s0:s1]
            found = self._sentence(s0, s1, sent)
            for a in found:
                out.append(a)
                covered.extend(a.content)
        self._continuations(out, covered)
        out.sort(key=lambda a: a.content[0][0])
        for qs, qe in self.quotations:
            if qe - qs <= 2:
                continue
            inner = (qs + 1, qe - 1)
            owners = [a for a in out if any(max(cs, inner[0]) < min(ce, inner[1]) for cs, ce in a.content)]
            if owners:
                best = min(owners, key=lambda a: a.content[-1][1] - a.content[0][0])
                best.quoted.append(inner)
        for a in out:
            a.direct = bool(a.quoted)
        return out

    def _sentence(self, s0: int, s1: int, sent: str) -> list[Attribution]:
        results = self._sentence_cues(s0, s1, sent)
        if self.stance:
            taken = [sp for a in results for sp in a.content] + [a.source_span for a in results if a.source_span]
            results += self._stance(s0, s1, taken)
        return results

    def _sentence_cues(self, s0: int, s1: int, sent: str) -> list[Attribution]:
        results: list[Attribution] = []
        text = self.text
        # 2. according to
        for m in _ACCORDING.finditer(sent):
            a_s, a_e = s0 + m.start(), s0 + m.end()
            after = text[a_e:s1]
            comma = re.search(r",\s", after)
            if m.start() < 3 or not text[s0:a_s].strip(" ,"):
                # According to X, CONTENT.
                if comma and len(after[:comma.start()].split()) <= 12:
                    src = _trim(text, a_e, a_e + comma.start())
                    content = _trim(text, a_e + comma.end(), s1)
                    results.append(self._make([content], text[a_s:a_e], (a_s, a_e), src, s0, "according"))
            else:
                # CONTENT, according to X.   (X ends at the next comma or the sentence end)
                end = a_e + (comma.start() if comma else len(after))
                src = _trim(text, a_e, end)
                cs, ce = _trim(text, s0, a_s)
                rest = _trim(text, end, s1) if comma else (end, end)
                spans = [(cs, ce)] + ([rest] if rest[1] > rest[0] and comma else [])
                results.append(self._make(spans, text[a_s:a_e], (a_s, a_e), src, s0, "according"))
            return results
        words = sent.split()
        title_case = len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)
        cues = [c for c in _find_cues(sent) if title_case or not c.group(0)[0].isupper()
                or not sent[:c.start()].strip(" “\"'")]
        if not cues:
            return results
        # 1. CONTENT, SPEAKER CUE. / CONTENT, CUE SPEAKER.  (optionally followed by ", CONTENT2")
        for m in cues:
            c_s, c_e = s0 + m.start(), s0 + m.end()
            base = _FORMS.get(m.group("cue").lower())
            left = text[s0:c_s]
            # the speaker sits between the last comma (or closing quote) before the cue and the cue
            lm = re.search(r"[,!?—–-][”\"]\s+([^”“\"]{0,140}?)\s*$", left)
            if lm is None or not lm.group(1).strip() or len(lm.group(1).split()) > 20 \
                    or lm.group(1).count(",") > 2 or not self._speaker_phrase_ok(lm.group(1).strip(" ,")):
                lm = re.search(r"(?:,|[”\"’]|[,!?][”\"’])\s+([^,”\"]{0,80}?)\s*$", left)
            if lm is None or m.group("cue").lower() not in _SPEECH_FORMS:
                continue
            if base in _NEEDS_THAT and text[c_e:s1].strip(" .!?”\""):
                continue  # "records show" ends a sentence; "found X" does not report X
            content_end = s0 + lm.start()
            if content_end - s0 < 8:
                continue
            spk_text = lm.group(1)
            right = text[c_e:s1]
            rm = re.match(r"^\s*([^,!?;:“\"]{0,80}?)\s*(?:[.!?]?\s*$|,\s*(?=[“\"]?))", right)
            if spk_text.strip():
                speaker = (s0 + lm.start(1), s0 + lm.start(1) + len(spk_text.rstrip()))
                limit = 8 if "," not in spk_text else 20
                if not self._speaker_phrase_ok(spk_text.strip(" ,")) or len(spk_text.split()) > limit:
                    continue
                tail_rest = right
            elif rm and rm.group(1).strip() and (
                    self._quotation_ending_at(content_end) is not None
                    or (rm.group(1).strip()[0].isupper() and len(rm.group(1).split()) <= 8)):
                speaker = (c_e + rm.start(1), c_e + rm.end(1))
                tail_rest = right[rm.end():]
            else:
                continue
            # the clause must end after the cue (bar a time or place), or continue with a quotation
            am = _ADVERBIAL_AFTER_CUE.match(tail_rest)
            rest_after = tail_rest[am.end():] if am else tail_rest
            if am and am.group(0).endswith(","):
                rest_after = ", " + rest_after.lstrip()
            rest_after = rest_after.strip()
            if spk_text.strip() and rest_after and not re.match(r"^[.!?]?$", rest_after) and \
                    not re.match(r"^,?\s*[“\"]", rest_after) and not re.match(
                        r"^(?:,\s+|(?<=,)\s*)(?:as|while|when|after|before|[a-z]+ing|according|in|at|on|"
                        r"with|who|which|because|although|though|but|and)\b", rest_after):
                # allowed: an addressee or a place/time phrase ("told reporters in the capital", "wrote in a report")
                short = len(rest_after.split()) <= 7 and "," not in rest_after and not _find_cues(rest_after)
                prep = re.match(r"^(?:in|at|on|during|after|before|to|from|by|via|late|early|last|this|when|with|"
                                r"while|as|of|about|outside|inside|through|without|ahead)\b",
                                rest_after)
                if not (short and (base in _TAKES_OBJECT or prep)):
                    continue
            content_words = len(text[s0:content_end].split())
            if content_words < 4 and self._quotation_ending_at(content_end) is None:
                continue
            content_start = s0
            cs_q = self._quotation_ending_at(content_end)
            if cs_q is not None:
                content_start = min(content_start, cs_q)
            spans = [_trim(text, content_start, content_end)]
            second = re.match(r"^[^,]*,\s*(?=[“\"])", right) if spk_text.strip() else None
            if second or (not spk_text.strip() and tail_rest.strip(" .") and tail_rest.lstrip().startswith(("“", '"'))):
                tail_start = c_e + (second.end() if second else len(right) - len(tail_rest))
                q = self._quotation_starting_at(tail_start)
                spans.append(_trim(text, tail_start, q if q else s1))
            results.append(self._make(spans, m.group("cue"), (c_s, c_e), speaker, s0, "postposed"))
            break
        used_until = max((a.cue_span[1] for a in results if a.cue_span), default=s0)
        # 3. SPEAKER CUE (that) CONTENT
        for m in cues:
            c_s, c_e = s0 + m.start(), s0 + m.end()
            base = _FORMS.get(m.group("cue").lower())
            if self._inside_quotation(c_s) or c_s < used_until:
                continue
            if any(a.source_span and a.source_span[0] <= c_s < a.source_span[1] for a in results):
                continue
            subj = self._subject_before(s0, c_s)
            rel = _RELATIVE.search(text[s0:c_s])
            participle = m.group("cue").endswith("ing") and re.search(r",\s*$", text[s0:c_s])
            if subj is None and not rel and not participle:
                continue
            right = text[c_e:s1]
            pos = 0
            am = _ADVERBIAL_AFTER_CUE.match(right)
            if am:
                pos = am.end()
            cue_low = m.group("cue").lower()
            if not self.stance and cue_low not in _SPEECH_FORMS and not re.match(r"\s*(?:that\b|:)", right[pos:]):
                continue  # an intention or stance ("wanted to ensure that ...") is not a quote
            near_that = re.match(r"^\s*(?:(?:in|on|at|during|with|to|after|before|about|of|last|this|early|late|"
                                 r"earlier|later|recently|again|also|publicly|privately)\b[^,;:“\".]{0,70}?)\s+that\b",
                                 right[pos:])
            if near_that and not _find_cues(near_that.group(0), lower_only=True):
                pos += near_that.end() - len("that")
            elif base in _TAKES_OBJECT:
                om = re.match(r"^\s*(?:(?:the|a|an|his|her|their)\s+)?[\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3}"
                              r"(?:\s+(?:on|in)\s+\w+)?", right[pos:])
                if om:
                    pos += om.end()
            tm = re.match(r"^\s*(?:,\s*)?(?:that\b|:|,)?", right[pos:])
            has_that = bool(tm and tm.group(0).strip(" ,"))
            if base in _NEEDS_THAT and not has_that:
                continue
            cue_word = m.group("cue").lower()
            clause_only = False
            if not has_that and cue_word in _INTENT_FORMS and cue_word not in _SPEECH_FORMS:
                if not self.stance or not re.match(r"^\s*to\s+\w", right[pos:]):
                    continue  # "X wants to ..." is an intention, not a quote
                clause_only = True
            elif not has_that and cue_word in _STANCE_FORMS and cue_word not in _SPEECH_FORMS:
                if not self.stance:
                    continue  # "X criticized Y" is a stance, not a quote
                if subj is None or not self._agent_like(subj):
                    continue
                clause_only = True
            pos += tm.end() if tm else 0
            # content runs to the sentence end, or to the close of a quotation opened right after the cue
            content_start = c_e + pos
            if content_start >= s1 - 1:
                nxt = self._quotation_starting_at(content_start, lookahead=3)
                if nxt is None:
                    continue
            q_end = None
            if text[content_start:content_start + 1] in _QUOTE_OPEN:
                q_end = self._quotation_starting_at(content_start)
            end = max(q_end or 0, s1)
            if clause_only and not q_end:
                cm = re.search(r"[,;:(—–]|\s-\s|\s(?:because|after|before|while|when|as|since|but|although)\s",
                               text[content_start:end])
                if cm:
                    end = content_start + cm.start()
            span = _trim(text, content_start, end)
            if span[1] - span[0] < 2 or (len(text[span[0]:span[1]].split()) < 2 and not clause_only):
                continue
            if subj is None and participle and results and results[-1].source_span:
                subj = results[-1].source_span
            if subj is None:
                subj = self._leading_subject(s0, c_s)
                if subj is None:
                    continue
            results.append(self._make([span], m.group("cue"), (c_s, c_e), subj, s0, "preposed"))
            used_until = c_e
        return results

    _VERB_AFTER_AGENT = re.compile(
        r"(?:’s?)?(?:,[^,;:“”\"]{3,90},)?(?:\s+(?:has|have|had|also|will|would|could|should|may|might|must|did|does|do|not|never|is|was|are|"
        r"were|been|[a-z]+ly))*"
        r"\s+(?P<verb>[a-z]{3,}(?:ed|es|s)|wants?|knew|saw|took|gave|made|sought|thought|felt|held|won|lost|"
        r"led|got|put|set|kept|met|spent|drew|chose|struck|threw|bought|brought|began|became|went|"
        r"(?<=been )[a-z]{3,}ing|(?<=is )[a-z]{3,}ing|(?<=was )[a-z]{3,}ing|(?<=are )[a-z]{3,}ing|"
        r"(?<=were )[a-z]{3,}ing|" + "|".join(sorted({f for f in (*_FORMS, *_FORMS.values()) if " " not in f}
                                                      | set(_STANCE) | set(_INTENT), key=len, reverse=True)) + r")\b")
    _NOUN_AGENT = re.compile(
        r"\b(?:[Tt]he|[Aa]|[Mm]any|[Ss]ome|[Mm]ost|[Hh]is|[Hh]er|[Tt]heir|[Oo]ther|[Tt]hese|[Tt]hose)\s+(?:[\w-]+\s+){0,2}"
        r"(?:officials?|critics|campaign|report|poll|polls|survey|study|voters|supporters|opponents|aides?|advisers?|"
        r"advisors?|spokes(?:man|woman|person)|lawmakers|leaders?|experts?|analysts?|activists|administration|"
        r"government|committee|party|group|groups|court|judge|prosecutors?|investigators?|police|ministry|"
        r"economists?|strategists?|candidates?|delegates|senators?|governors?|members|residents|protesters|"
        r"Democrats|Republicans|conservatives|liberals|establishment|media|press|letter|statement|memo|ad|"
        r"documents?|data|records|emails?)\b")
    #: Attributions without a source: "it is expected that", "he was widely seen as", "Asked about X".
    _PASSIVE = re.compile(
        r"(?P<cue>\b(?:is|was|are|were|been|be|being)\s+(?:\w+ly\s+)?(?:expected|reported|considered|believed|"
        r"seen|viewed|known|thought|said|rumored|rumoured|alleged|estimated|projected|predicted|described|regarded|"
        r"perceived|understood|criticized|praised|accused|blamed|credited)\b(?:\s+(?:to|that|as|of|for))?"
        r"|^\s*[\"“]?Asked\s+(?:about|whether|if|why|how|what|when)\b)")
    _PRONOUN_AGENT = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I|[Yy]ou|who)\b")
    #: Words after an agent that are events, motion or plain nouns, not stances.
    _NOT_STANCE_VERBS = frozenset("""is was has does goes this its his hers ours yours less unless thus towards
    perhaps always sometimes whereas across news series species won wins win leads led took takes became becomes
    raised raises represented represents joined joins emerged emerges worked works rules ruled served serves
    trailed trails arrived arrives moved moves walked walks dropped drops acquired acquires filed files held holds
    signs signed picked picks faced faces brought brings prepared prepares scheduled poised benefited benefits
    extends extended ran runs visited visits traveled travels travelled returned returns left died lived lives
    grew grows spent spends met meets went finished finishes placed places earned earns received receives gained
    gains carried carries secured secures entered enters reached reaches started starts ended ends opened opens
    closed closes appeared appears stood stands sat sits spoke speaks headed heads owned owns hosted hosts
    attended attends played plays used uses needs needed caucuses politics communications donors companies
    voters supporters officials leaders members lawmakers delegates states votes polls campaigns forces troops
    reported contributed continues continued remains remained stayed stays helped helps conducted conducts got
    gets tapped succeeded kicked stopped garnered retired developed swapped matched versus mired convicted
    dealing keeping returning battling shifting teaches post posted""".split())
    _NOUN_END = re.compile(r"(?:ers|ions|ists|ics|ships|ness|ments|ances|ences|ities|ees)$")

    def _stance(self, s0: int, s1: int, taken: Sequence[tuple[int, int]] = ()) -> list[Attribution]:
        """Agents' stances, beliefs and intentions: "Clinton opposes the deal", "they backed him".

        PolNeAR counts these as attributions; they are kept apart from quotes (``pattern == "stance"``).
        Agents are people, organisations and personal pronouns outside quotations.
        """
        out: list[Attribution] = []
        cm0 = re.match(r"((?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*):\s+(?=\S)", self.text[s0:s1])
        if cm0 and self.entities.in_span(s0, s0 + cm0.end(1)) and cm0.end() < s1 - s0:
            span = _trim(self.text, s0 + cm0.end(), s1)
            out.append(self._make([span], ":", (s0 + cm0.end(1), s0 + cm0.end(1) + 1), (s0, s0 + cm0.end(1)),
                                  s0, "stance"))
            return out
        for pm in self._PASSIVE.finditer(self.text, s0, s1):
            if self._inside_quotation(pm.start()) or any(ts <= pm.start() < te for ts, te in taken):
                continue
            cs = pm.end()
            cm = re.search(r"[;:(—–]|\s-\s|[.!?](?:\s|$)", self.text[cs:s1])
            span = _trim(self.text, cs, cs + cm.start() if cm else s1)
            if span[1] - span[0] >= 3:
                out.append(self._make([span], pm.group("cue"), (pm.start("cue"), pm.end("cue")), None, s0, "stance"))
        agents = [(m.start, m.end) for m in self.entities.in_span(s0, s1)
                  if m.label in {PERSON, "ORG", "NORP", "MISC"}]
        agents += [(s0 + m.start(), s0 + m.end()) for m in self._PRONOUN_AGENT.finditer(self.text[s0:s1])]
        agents += [(s0 + m.start(), s0 + m.end()) for m in self._NOUN_AGENT.finditer(self.text[s0:s1])]
        # a capitalised sentence opener that is not a function word: "Cruz, leading in Iowa, questioned ..."
        om = re.match(r"[“\"]?([A-Z][a-z’'-]+)\b", self.text[s0:s1])
        if om and om.group(1).lower() not in gz.NOT_NAMES and om.group(1).lower() not in gz.PERSON_TITLES:
            agents.append((s0 + om.start(1), s0 + om.end(1)))
        agents.sort()
        last_end = s0
        for a_s, a_e in agents:
            if a_s < last_end or self._inside_quotation(a_s) or any(ts <= a_s < te for ts, te in taken):
                continue
            vm = self._VERB_AFTER_AGENT.match(self.text, a_e, s1)
            if not vm or vm.group("verb") in self._NOT_STANCE_VERBS or self._NOUN_END.search(vm.group("verb")):
                continue
            cs = vm.end()
            cm = re.search(r"[;:(—–]|\s-\s|,\s+(?:and|but|while|as|who|which|because)\b|[.!?](?:\s|$)",
                           self.text[cs:s1])
            ce = cs + cm.start() if cm else s1
            span = _trim(self.text, cs, ce)
            if span[1] - span[0] < 3:
                continue
            if re.match(r"(?:in|during|at|from|since|after|before|into|on|by|of|as|again|up|down|out|back|off|"
                        r"over|through|around|across|near|behind|under|within|without|than|\d)\b",
                        self.text[span[0]:span[1]]) and vm.group("verb") not in _FORMS:
                continue  # "won in 1986", "finished for second place": an event, not a stance
            if vm.group("verb") in _SPEECH_FORMS and len(self.text[span[0]:span[1]].split()) < 3:
                continue  # "he said Tuesday": the speech pass found no content, nor is there one here
            out.append(self._make([span], vm.group("verb"), (vm.start("verb"), vm.end()), (a_s, a_e), s0, "stance"))
            last_end = span[1]
        return out

    def _agent_like(self, span: tuple[int, int]) -> bool:
        """A speaker-like subject: names someone, is a personal pronoun, or a word for people who speak."""
        phrase = self.text[span[0]:span[1]]
        if any(m.end >= span[1] - 2 for m in self.entities.in_span(*span)):
            return True
        return bool(re.search(r"^(?:he|she|they|we|i|you)$|\b(?:officials?|spokes\w+|critics|supporters|voters|"
                              r"leaders?|lawmakers|members|democrats|republicans|campaign|administration|"
                              r"aides?|advisers?|advisors?|president|senator|governor|candidate|experts?|"
                              r"analysts?|activists|groups?|party|committee|government|ministry|minister|"
                              r"secretary|office|police|prosecutors?|judge|court|report|study|survey|poll)s?$",
                              phrase, re.I))

    def _leading_subject(self, s0: int, limit: int) -> tuple[int, int] | None:
        people = [m for m in self.entities.mentions if s0 <= m.start and m.end <= limit and m.label == PERSON]
        return (people[0].start, people[0].end) if people else None

    def _inside_quotation(self, pos: int) -> bool:
        return any(qs < pos < qe for qs, qe in self.quotations)

    def _quotation_ending_at(self, pos: int) -> int | None:
        for qs, qe in self.quotations:
            if qe <= pos + 3 and pos - qe <= 2 and qs < pos:
                return qs
        return None

    def _quotation_starting_at(self, pos: int, lookahead: int = 2) -> int | None:
        for qs, qe in self.quotations:
            if pos <= qs <= pos + lookahead:
                return qe
        return None

    def _make(self, spans: list[tuple[int, int]], cue: str | None, cue_span: tuple[int, int] | None,
              source_span: tuple[int, int] | None, s0: int, pattern: str) -> Attribution:
        spans = [sp for sp in spans if sp[1] > sp[0]]
        src_text = self.text[source_span[0]:source_span[1]] if source_span else None
        speaker, key = self.resolve(source_span[0], source_span[1], s0) if source_span else (None, None)
        if speaker is None or (key is None and src_text and _RELATIVE.fullmatch(src_text.strip())):
            lead = self._leading_subject(s0, cue_span[0] if cue_span else s0)
            if lead:
                speaker, key = self.resolve(lead[0], lead[1], s0)
        return Attribution(spans or [(s0, s0)], cue, cue_span, src_text, source_span, speaker, key,
                           pattern=pattern)

    def _continuations(self, out: list[Attribution], covered: list[tuple[int, int]]) -> None:
        """Quotations with no attribution of their own that directly follow an attributed quotation."""
        by_end = sorted(out, key=lambda a: a.content[-1][1])
        for qs, qe in self.quotations:
            if any(min(ce, qe) - max(cs, qs) > (qe - qs) / 3 for cs, ce in covered) or len(self.text[qs:qe].split()) < 4:
                continue
            prev = [a for a in by_end if a.content[-1][1] <= qs and qs - a.content[-1][1] < 400
                    and any(ch in _QUOTE_OPEN for ch in self.text[a.content[0][0]:a.content[-1][1]])]
            if not prev:
                continue
            p = prev[-1]
            between = self.text[p.content[-1][1]:qs]
            if len(between) > 250 or re.search(r"[“\"]", between[3:]):
                continue
            # the same speaker goes on: one attribution in several parts, as in “A,” she said. “B.”
            p.content.append(_trim(self.text, qs, qe))
            p.pattern += "+continued"
            covered.append((qs, qe))


def find_attributions(text: str, sentence_spans: Sequence[tuple[int, int]], entities: EntityIndex,
                      stance: bool = False) -> list[Attribution]:
    """Attributions of ``text``. ``stance=True`` adds agents' stances and intentions ("X opposes Y")."""
    return QuoteFinder(text, sentence_spans, entities, stance).find()


def to_quotes(text: str, attributions: list[Attribution], sentence_spans: Sequence[tuple[int, int]]) -> list[Quote]:
    """Article-level quotes: each quoted part as a direct quote, otherwise the reported content."""
    quotes: list[Quote] = []

    def sent_of(pos: int) -> int | None:
        return sentence_index(sentence_spans, pos)

    for a in attributions:
        if a.quoted:
            for qs, qe in a.quoted:
                body = text[qs:qe].strip().strip(",")
                if body:
                    quotes.append(Quote(speaker=a.speaker, text=body, cue=a.cue, direct=True,
                                        speaker_entity=a.speaker_key, sentence=sent_of(qs), start=qs, end=qe))
        else:
            s, e = a.content[0][0], a.content[-1][1]
            body = " ".join(text[cs:ce] for cs, ce in a.content)
            if body.strip():
                quotes.append(Quote(speaker=a.speaker, text=body, cue=a.cue, direct=False,
                                    speaker_entity=a.speaker_key, sentence=sent_of(s), start=s, end=e))
    return quotes
