"""Compare the outlets covering a story, and summarise it neutrally.

:class:`CompareStory` splits each article into claims, aligns them across articles
(paraphrase by sentence embeddings, checked for entity agreement) and fills
``Story.facts`` (with ``supported_by`` / ``omitted_by``), ``Story.conflicts`` (numbers,
dates and attributions stated differently; a difference in precision is labelled as such),
``Story.quote_differences`` (trimmed, extended, re-attributed quotes) and ``Story.framing``.

:class:`Summarise` picks one neutralised sentence per fact, shared facts first, then the
other facts taken in turn from each outlet, and cites the supporting articles after every
sentence.
"""

from __future__ import annotations

import re
from typing import Any

from ..extract.entities import slug
from ..model import Article, Story
from ..pipeline import Context, StoryStage
from .align import align
from .claims import Claim, article_claims, entity_key, find_sources, source_key
from .quotes import compare_quotes
from .numbers import compare_numbers

__all__ = ["CompareStory", "Summarise", "compare_numbers"]


def _dedupe(claims: list[Claim]) -> list[Claim]:
    seen, out = set(), []
    for c in claims:
        k = re.sub(r"\W+", " ", c.text.lower()).strip()
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


def _unit_match(x: dict, y: dict) -> bool:
    ux, uy = (x.get("unit") or "").lower(), (y.get("unit") or "").lower()
    return bool(ux) and (ux == uy or ux.rstrip("s") == uy.rstrip("s"))


_DERIVED = {"made", "supplied", "occupied", "led", "backed", "based", "owned", "run", "funded", "born"}


def _present(value: float, others: list[Claim]) -> bool:
    return any(abs(n["value"] - value) < 1e-9 for c in others for n in c.numbers)


class CompareStory(StoryStage):
    """Facts shared, omitted and single-sourced; conflicts; quote differences; framing."""

    name = "compare"
    requires = ("story_id",)
    adds = ("facts", "conflicts", "quote_differences")
    version = "1"

    def __init__(self, encoder: str = "auto") -> None:
        super().__init__()
        self.encoder = encoder

    def process_story(self, story: Story, articles: list[Article], ctx: Context | None = None) -> Story:
        ids = [a.id for a in articles]
        by_article = {a.id: _dedupe(article_claims(a)) for a in articles}
        groups, info = align(by_article, self.encoder) if len(articles) > 1 else (
            [[c] for cs in by_article.values() for c in cs], {"encoder": None})
        self.stats["claims"] += sum(len(v) for v in by_article.values())
        names = {entity_key(e): e.name for a in articles for e in a.entities}
        facts = self._facts(groups, ids, by_article, names)
        facts += self._sources(articles, by_article, ids)
        story.facts = facts
        story.conflicts = self._conflicts(groups, info)
        story.quote_differences = compare_quotes(articles, by_article)
        story.framing = self._framing(articles)
        story.metadata["compare"] = {"encoder": info.get("encoder"), "threshold": info.get("threshold"),
                                     "claims": sum(len(v) for v in by_article.values()),
                                     "claims_not_aligned": info.get("truncated", 0)}
        self.stats["facts"] += len(facts)
        self.stats["conflicts"] += len(story.conflicts)
        return story

    # -- facts ------------------------------------------------------------------------

    @staticmethod
    def _facts(groups: list[list[Claim]], ids: list[str], by_article: dict[str, list[Claim]],
               names: dict[str, str]) -> list[dict]:
        facts: list[dict] = []
        details: list[dict] = []
        n = len(ids)
        # what the other articles give, for each article: their claims, and the words and entity
        # keys in them as slugs (an entity key, "joe-biden", then meets "Joe Biden's" in a text)
        others_of: dict[str, tuple[list[Claim], str, set[str]]] = {}
        for aid in by_article:
            others = [o for a, cs in by_article.items() if a != aid for o in cs]
            others_of[aid] = (others, slug(" ".join(o.text for o in others)),
                              {slug(x) for o in others for x in o.entities})
        for g in groups:
            support = list(dict.fromkeys(c.article_id for c in g))
            kind = "single" if len(support) == 1 else ("shared" if len(support) == n else "partial")
            rep = min(g, key=lambda c: (len(c.text) > 400, abs(len(c.text.split()) - 25)))
            facts.append({
                "text": rep.text,
                "supported_by": support,
                "omitted_by": [i for i in ids if i not in support],
                "kind": kind,
                "claims": [{"article_id": c.article_id, "text": c.text, "sentence": c.index} for c in g],
                "_pos": min(c.index for c in g),
            })
            if len(support) < 2:
                continue
            # details inside a shared fact that only one article gives: a number, a named entity
            for c in g:
                others, other_text, other_keys = others_of[c.article_id]
                for num in c.numbers:
                    if not _present(num["value"], others):
                        details.append({"text": num["text"], "detail_of": rep.text, "about": "number",
                                        "sentence": c.text, "article_id": c.article_id})
                for e in sorted(c.entities):
                    es = slug(e)
                    if es.rsplit("-", 1)[-1] in _DERIVED:
                        continue  # "u s made", "russian occupied": adjectives, not names
                    if len(es) >= 4 and es not in other_text and not any(es in x for x in other_keys):
                        details.append({"text": names.get(e, e), "detail_of": rep.text, "about": "name",
                                        "sentence": c.text, "article_id": c.article_id})
        order = {"shared": 0, "partial": 1, "single": 2}
        facts.sort(key=lambda f: (order[f["kind"]], f["supported_by"][0] if f["kind"] == "single" else "",
                                  f["_pos"]))
        for f in facts:
            del f["_pos"]
        for d in details:
            aid = d.pop("article_id")
            facts.append({"text": d["text"], "supported_by": [aid], "omitted_by": [i for i in ids if i != aid],
                          "kind": "detail", "about": d["about"], "detail_of": d["detail_of"],
                          "claims": [{"article_id": aid, "text": d["sentence"]}]})
        return facts

    @staticmethod
    def _sources(articles: list[Article], by_article: dict[str, list[Claim]], ids: list[str]) -> list[dict]:
        names: dict[str, dict[str, str]] = {}  # source key -> article id -> example text
        display: dict[str, str] = {}
        for a in articles:
            found = [(cit.source, cit.text) for cit in a.citations]
            for c in by_article[a.id]:
                found += [(s, c.text) for s in find_sources(c.text)]
            for name, text in found:
                k = source_key(name)
                if not k:
                    continue
                names.setdefault(k, {}).setdefault(a.id, text)
                if len(name) > len(display.get(k, "")):
                    display[k] = re.sub(r"^(the|The)\s+", "The ", name)
        out = []
        for k, arts in sorted(names.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            support = [i for i in ids if i in arts]
            out.append({"text": f"Source cited: {display[k]}", "supported_by": support,
                        "omitted_by": [i for i in ids if i not in arts],
                        "kind": "source", "claims": [{"article_id": i, "text": arts[i]} for i in support]})
        return out

    # -- conflicts --------------------------------------------------------------------

    @staticmethod
    def _conflicts(groups: list[list[Claim]], info: dict[str, Any]) -> list[dict]:
        out: list[dict] = []
        seen: set[tuple] = set()
        pairs: list[tuple[Claim, Claim]] = []
        for g in groups:
            pairs += [(a, b) for i, a in enumerate(g) for b in g[i + 1:]]
        # near-aligned pairs too: conflicting numbers lower the similarity of otherwise equal claims
        if info.get("encoder"):
            claims, score, t = info["claims"], info["score"], info["threshold"]
            for (i, j), s in score.items():
                if i < j and s < t and claims[i].entities & claims[j].entities:
                    pairs.append((claims[i], claims[j]))
        for a, b in pairs:
            if a.article_id == b.article_id:
                continue
            for x in a.numbers:
                for y in b.numbers:
                    if not _unit_match(x, y):
                        continue
                    verdict = compare_numbers(x, y)
                    key = (frozenset({a.article_id, b.article_id}), x["unit"], x["value"], y["value"])
                    if verdict and key not in seen:
                        seen.add(key)
                        out.append({"about": f"number of {x['unit']}" if x["unit"] not in {"USD", "%"}
                                    else ("amount" if x["unit"] == "USD" else "percentage"),
                                    "kind": verdict,
                                    "claims": [{"article_id": a.article_id, "text": a.text, "value": x["text"]},
                                               {"article_id": b.article_id, "text": b.text, "value": y["text"]}]})
            wa = {d for d in a.dates if d.endswith("day")}
            wb = {d for d in b.dates if d.endswith("day")}
            key2 = (a.article_id, a.index, b.article_id, b.index)
            if wa and wb and not (wa & wb) and key2 not in seen and _same_fact(a, b, groups):
                seen.add(key2)
                out.append({"about": "date", "kind": "contradiction",
                            "claims": [{"article_id": a.article_id, "text": a.text, "value": ", ".join(sorted(wa))},
                                       {"article_id": b.article_id, "text": b.text, "value": ", ".join(sorted(wb))}]})
            if a.sources and b.sources and not (a.sources & b.sources) and _same_fact(a, b, groups):
                out.append({"about": "attribution", "kind": "different source",
                            "claims": [{"article_id": a.article_id, "text": a.text},
                                       {"article_id": b.article_id, "text": b.text}]})
        return _merge_conflicts(out)

    @staticmethod
    def _framing(articles: list[Article]) -> list[dict]:
        from ..framing import Framing

        out, seen = [], set()
        for a in articles:
            flags = a.framing
            if not flags and not a.framing_profile:
                stage = Framing()
                flags = stage.process(a).framing
            for f in flags:
                if f.quoted:
                    continue
                key = (a.id, f.phrase.lower(), f.kind, f.in_title)
                if key in seen:
                    continue
                seen.add(key)
                out.append({"article_id": a.id, "phrase": f.phrase, "kind": f.kind, "explanation": f.explanation,
                            "neutral": f.neutral, "in_title": f.in_title, "sentence": f.sentence})
        return out


def _merge_conflicts(items: list[dict]) -> list[dict]:
    """One entry per disagreement: conflicts that share a claim and an "about" are merged."""
    merged: list[dict] = []
    for c in items:
        keys = {(x["article_id"], x["text"]) for x in c["claims"]}
        for m in merged:
            if m["about"] == c["about"] and keys & {(x["article_id"], x["text"]) for x in m["claims"]}:
                have = {(x["article_id"], x["text"]) for x in m["claims"]}
                m["claims"] += [x for x in c["claims"] if (x["article_id"], x["text"]) not in have]
                if c["kind"] == "contradiction":
                    m["kind"] = "contradiction"
                break
        else:
            merged.append(c)
    return merged


def _same_fact(a: Claim, b: Claim, groups: list[list[Claim]]) -> bool:
    return any(a in g and b in g for g in groups)


# -- summary ---------------------------------------------------------------------------

_TOK = re.compile(r"[a-z0-9]+")


def _jaccard(a: str, b: str) -> float:
    x, y = set(_TOK.findall(a.lower())), set(_TOK.findall(b.lower()))
    return len(x & y) / len(x | y) if x and y else 0.0


class Summarise(StoryStage):
    """An extractive, neutralised, balanced summary; every sentence cites its articles."""

    name = "summarise"
    requires = ("facts",)
    adds = ("summary",)
    version = "1"

    def __init__(self, max_sentences: int = 6, max_words: int = 150) -> None:
        super().__init__()
        self.max_sentences = max_sentences
        self.max_words = max_words

    def process_story(self, story: Story, articles: list[Article], ctx: Context | None = None) -> Story:
        story.summary = summarise(story.facts, [a.id for a in articles], self.max_sentences, self.max_words)
        self.stats["sentences"] += len(story.summary)
        return story


_CAPWORD = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]*[a-z][\w’'-]*|\b[A-Z]{2,}\b")


def _details(text: str) -> tuple[set[float], set[str]]:
    from .sentences import find_numbers

    nums = {n["value"] for n in find_numbers(text)}
    names = {w.lower().rstrip("’'s") for w in _CAPWORD.findall(text)}
    return nums, names


def _supports(chosen: str, other: str) -> bool:
    """Does ``other`` (another outlet's aligned claim) back the details of ``chosen``?

    Every number of the chosen wording must be in it, and most of its names; otherwise the
    sentence is cited to its own article only, so no outlet is credited with a detail it never gave.
    """
    nums, names = _details(chosen)
    onums, _ = _details(other)
    words = set(re.findall(r"[\w-]+", other.lower().replace("’s", "").replace("'s", "")))
    if not nums <= onums:
        return False
    if not names:
        return True
    return sum(1 for n in names if n in words) >= 0.6 * len(names)


def _candidate(fact: dict) -> tuple[str, list[str]] | None:
    """The fact's least loaded claim, neutralised, and the articles that back its wording;
    None if loaded language remains in every claim."""
    from ..framing import detect, neutralise

    order = {a: i for i, a in enumerate(fact["supported_by"])}
    options = []
    for c in fact["claims"]:
        t = c["text"].strip()
        if t.startswith(("“", '"')) or len(t.split()) < 6:
            continue
        n = neutralise(t)
        if detect(n) or len(n.split()) < 6:
            continue
        if not re.search(r"[.!?][\"”’)]*$", n):
            n = n.rstrip(",;: ") + "."
        sources = [c["article_id"]] + [o["article_id"] for o in fact["claims"]
                                       if o["article_id"] != c["article_id"] and _supports(t, o["text"])]
        sources = sorted(dict.fromkeys(sources), key=lambda a: order.get(a, 99))
        # the wording most outlets back, then the least loaded original, then a middling length
        options.append(((-len(sources), len(detect(t)), abs(len(t.split()) - 25)), n, sources))
    if not options:
        return None
    _, n, sources = min(options, key=lambda o: o[0])
    return n, sources


def summarise(facts: list[dict], article_ids: list[str], max_sentences: int = 6,
              max_words: int = 150) -> list[dict]:
    """Shared facts first (in story order), then the rest taken in turn from each article."""
    rank = {"shared": 0, "partial": 1}
    multi = [f for f in facts if f.get("kind") in rank]
    multi.sort(key=lambda f: (rank[f["kind"]], -len(f["supported_by"])))
    queues: dict[str, list[dict]] = {a: [] for a in article_ids}
    for f in facts:
        if f.get("kind") == "single":
            queues.setdefault(f["supported_by"][0], []).append(f)
    ordered = list(multi)
    while any(queues.values()):
        for a in list(queues):
            if queues[a]:
                ordered.append(queues[a].pop(0))
    out: list[dict] = []
    words = 0
    for f in ordered:
        if len(out) >= max_sentences:
            break
        cand = _candidate(f)
        if cand is None or any(_jaccard(cand[0], s["text"]) > 0.5 for s in out):
            continue
        text, sources = cand
        n = len(text.split())
        if words + n > max_words and out:
            continue
        out.append({"text": text, "sources": sources})
        words += n
    return out
