"""Fallbacks used when the extract stage has not filled an article's fields.

The compare stages prefer ``Article.sentences``, ``quantities``, ``dates``,
``entities`` and ``quotes``; these small rule-based versions let them degrade
sensibly when those are empty (e.g. when compare runs on plain text only).
"""

from __future__ import annotations

import re

from ..model import Article

# abbreviations after which a full stop does not end a sentence
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st", "jr", "sr",
    "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "dept", "mt", "ft", "pres",
}
_SENT_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: paragraphs first, then on terminal punctuation."""
    out: list[str] = []
    for para in re.split(r"\n+", text or ""):
        para = para.strip()
        if not para:
            continue
        start = 0
        for m in _SENT_END.finditer(para):
            cand = para[start:m.start()].rstrip()
            last = re.search(r"([\w.]+)[.!?…][\"”’)\]]*$", cand)
            word = last.group(1).lower() if last else ""
            if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                continue
            out.append(para[start:m.end()].strip())
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return out


def article_sentences(a: Article) -> list[str]:
    return list(a.sentences) if a.sentences else split_sentences(a.text)


# -- numbers ------------------------------------------------------------------

_WORD_NUM = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "dozen": 12, "dozens": 24,
}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
_APPROX = r"about|around|roughly|approximately|nearly|almost|some|an estimated|estimated|up to|more than|over|" \
          r"at least|fewer than|less than|under|as many as|close to"
_NUM_RE = re.compile(
    r"(?P<qual>\b(?:" + _APPROX + r")\s+)?"
    r"(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:" + "|".join(_WORD_NUM) + r")\b)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|k|m)\b)?"
    r"(?:\s*(?P<pct>%|percent|per cent))?"
    r"(?:\s+(?P<unit>(?:[A-Za-z][\w-]*\s+){0,1}[A-Za-z][\w-]*))?",
    re.I,
)
_YEARLIKE = re.compile(r"^(19|20)\d\d$")
_UNIT_STOP = {"of", "the", "and", "to", "in", "on", "at", "by", "for", "a", "an", "that", "who", "which", "was",
              "were", "is", "are", "had", "has", "have", "with", "from", "as", "or", "since", "after", "before"}


def _qualifier(q: str | None) -> str:
    q = (q or "").strip().lower()
    if not q:
        return "exact"
    if q in {"more than", "over", "at least"}:
        return "lower_bound"
    if q in {"fewer than", "less than", "under", "up to", "as many as"}:
        return "upper_bound"
    return "approximate"


def find_numbers(sentence: str) -> list[dict]:
    """Small regex fallback: numbers with a qualifier and the word(s) after them as unit.

    Years (1900-2099 with no unit or currency) and day-of-month numbers are skipped: they are dates.
    """
    out = []
    for m in _NUM_RE.finditer(sentence):
        raw = m.group("num").lower()
        value = float(_WORD_NUM[raw]) if raw in _WORD_NUM else float(raw.replace(",", ""))
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower()]
        unit_words = [w for w in (m.group("unit") or "").lower().split() if w not in _UNIT_STOP]
        # keep the noun nearest to the number: "10,000 troops", "11 civilians"
        unit = unit_words[0] if unit_words else ""
        if m.group("pct"):
            unit = "%"
        elif m.group("cur"):
            unit = "USD" if m.group("cur") == "$" else m.group("cur")
        before = sentence[max(0, m.start() - 12):m.start()].lower()
        if _YEARLIKE.match(raw) and not m.group("cur") and not m.group("scale"):
            continue
        if re.search(r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*$", before):
            continue
        if raw in _WORD_NUM and raw in {"one"} and not unit:
            continue
        text = sentence[m.start():m.end("pct") if m.group("pct") else m.end("scale") if m.group("scale")
                        else m.end("num")]
        if unit_words and not m.group("pct") and not m.group("cur"):
            text += " " + unit_words[0]
        out.append({"text": text.strip(), "value": value, "unit": unit,
                    "qualifier": _qualifier(m.group("qual"))})
    return out


# -- quotes ---------------------------------------------------------------------

_QUOTE_RE = re.compile(r"[“\"]([^”\"]{3,}?)[”\"]")


def find_quotes(sentence: str) -> list[str]:
    return [m.group(1).strip() for m in _QUOTE_RE.finditer(sentence) if len(m.group(1).split()) >= 2]
