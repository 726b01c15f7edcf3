"""The same quote, trimmed, extended or given to another speaker in different outlets."""

from __future__ import annotations

import re

from ..model import Article
from .claims import Claim, norm_key

_TOK = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SPEAKER_AFTER = re.compile(r"^[,.!?]?[”\"],?\s+(?:said|says|wrote|added|told [\w\s]+?)\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*)")
_NAME_AFTER = re.compile(r"^[,.!?]?[”\"],?\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*)\s+(?:said|says|wrote|added|told)\b")
_SPEAKER_BEFORE = re.compile(r"([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*)\s+(?:said|says|wrote|added|told|warned|argued)\b")
_PRONOUN = {"he", "she", "they", "it", "we", "i", "the", "officials"}


def _tokens(s: str) -> list[str]:
    return _TOK.findall(s.lower().replace("’", "'"))


def _speaker(sentence: str, quote: str) -> str | None:
    i = sentence.find(quote)
    after = sentence[i + len(quote):] if i >= 0 else ""
    m = (_SPEAKER_AFTER.match(after) or _NAME_AFTER.match(after)) if after else None
    if m is None:
        m = _SPEAKER_BEFORE.search(sentence[:i] if i > 0 else sentence)
    if m is None:
        return None
    name = m.group(1)
    return None if name.lower() in _PRONOUN else name


def _contains(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


def _same_speaker(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    x, y = norm_key(a), norm_key(b)
    return x == y or x in y or y in x or x.split()[-1] == y.split()[-1]


def article_quotes(a: Article, claims: list[Claim]) -> list[dict]:
    if a.quotes:
        return [{"article_id": a.id, "text": q.text, "speaker": q.speaker} for q in a.quotes if q.direct]
    out = []
    for c in claims:
        for q in c.quotes:
            out.append({"article_id": a.id, "text": q, "speaker": _speaker(c.text, q)})
    return out


def compare_quotes(articles: list[Article], by_article: dict[str, list[Claim]]) -> list[dict]:
    quotes = [q for a in articles for q in article_quotes(a, by_article.get(a.id, []))]
    out: list[dict] = []
    for i, qa in enumerate(quotes):
        ta = _tokens(qa["text"])
        for qb in quotes[i + 1:]:
            if qb["article_id"] == qa["article_id"] or len(ta) < 3:
                continue
            tb = _tokens(qb["text"])
            if len(tb) < 3:
                continue
            same = _same_speaker(qa["speaker"], qb["speaker"])
            if ta == tb:
                if same is False:
                    out.append({"kind": "different speaker", "quotes": [qa, qb],
                                "note": f"attributed to {qa['speaker']} and to {qb['speaker']}"})
                continue
            short, long_ = (qa, qb) if len(ta) < len(tb) else (qb, qa)
            ts, tl = sorted((ta, tb), key=len)
            if len(ts) >= 3 and _contains(ts, tl):
                kind = "trimmed"
                note = (f"{short['article_id']} quotes {len(ts)} of the {len(tl)} words "
                        f"that {long_['article_id']} quotes")
                if same is False:
                    kind, note = "different speaker", note + f"; speakers differ: {short['speaker']} / {long_['speaker']}"
                out.append({"kind": kind, "quotes": [short, long_], "note": note})
            else:
                from rapidfuzz import fuzz

                r = fuzz.ratio(" ".join(ta), " ".join(tb))
                if r >= 85:
                    out.append({"kind": "altered wording", "quotes": [qa, qb], "note": f"{r:.0f}% similar"})
    return out
