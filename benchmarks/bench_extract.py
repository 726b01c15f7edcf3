"""Speed of the Extract stage on a sample of the 37k-article corpus (read in place from the shared packs).

    PYTHONPATH=src python benchmarks/bench_extract.py [--n 400]

Prints ms/article for the whole stage and for each module, next to a
baseline measured in the same run: spaCy's blank English pipeline with its
rule-based ``sentencizer`` (tokenising and splitting sentences only, which is
less than we do). Also reports how often our sentence boundaries agree with
the sentencizer's, and whether ``en_core_web_sm`` is installed (it is optional
and never downloaded; when present its NER entity count is shown beside ours).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from newsprism.extract import Extract
from newsprism.extract.citations import extract_citations
from newsprism.extract.dates import extract_dates
from newsprism.extract.entities import extract_entities
from newsprism.extract.quantities import extract_quantities
from newsprism.extract.quotes import find_attributions
from newsprism.extract.sentences import split_sentences
from newsprism.model import Article
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def sample(path: Path, n: int) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    step = max(1, len(rows) // n)
    return [r for r in rows[::step] if r.get("text")][:n]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=400)
    args = ap.parse_args()
    path = shared_dir() / "corpus" / "abp-articles.jsonl.gz"
    if not path.exists():
        print(f"corpus pack not found at {path}; set NEWSPRISM_SHARED. Nothing to measure.")
        return 0
    rows = sample(path, args.n)
    chars = sum(len(r["text"]) for r in rows)
    print(f"{len(rows)} articles sampled evenly from {path.name} (mean {chars / len(rows):.0f} chars)")

    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    t0 = time.perf_counter()
    spacy_sents = [[s.start_char for s in nlp(r["text"]).sents] for r in rows]
    # compare starts at the first non-space character (spaCy sentences may begin with a newline token)
    spacy_sents = [[st + len(r["text"][st:]) - len(r["text"][st:].lstrip()) for st in starts]
                   for r, starts in zip(rows, spacy_sents)]
    base_ms = 1000 * (time.perf_counter() - t0) / len(rows)

    stage = Extract()
    t0 = time.perf_counter()
    quotes = cites = ents = 0
    for r in rows:
        a = stage.process(Article(id=r["id"], input=r["id"], clean_text=r["text"], outlet=r.get("source"),
                                  published=r.get("date_iso")))
        quotes += len(a.quotes)
        cites += len(a.citations)
        ents += len(a.entities)
    stage_ms = 1000 * (time.perf_counter() - t0) / len(rows)

    parts = {"sentences": 0.0, "entities": 0.0, "dates+quantities": 0.0, "quotes": 0.0, "citations": 0.0}
    agree = total = 0
    for r, sp_starts in zip(rows, spacy_sents):
        text = r["text"]
        t = time.perf_counter()
        spans = split_sentences(text)
        parts["sentences"] += time.perf_counter() - t
        t = time.perf_counter()
        idx = extract_entities(text, spans)
        parts["entities"] += time.perf_counter() - t
        t = time.perf_counter()
        _, taken = extract_dates(text, r.get("date_iso"), spans)
        extract_quantities(text, taken, spans)
        parts["dates+quantities"] += time.perf_counter() - t
        t = time.perf_counter()
        find_attributions(text, spans, idx)
        parts["quotes"] += time.perf_counter() - t
        t = time.perf_counter()
        extract_citations(text, spans, own_outlet=r.get("source"))
        parts["citations"] += time.perf_counter() - t
        ours = {s for s, _ in spans}
        theirs = set(sp_starts)
        agree += len(ours & theirs)
        total += len(ours | theirs)

    print(f"\n{'what':46s} {'ms/article':>10s}")
    print(f"{'baseline: spaCy blank en + sentencizer':46s} {base_ms:10.2f}")
    print(f"{'newsprism Extract (all modules)':46s} {stage_ms:10.2f}")
    for k, v in parts.items():
        print(f"{'  ' + k:46s} {1000 * v / len(rows):10.2f}")
    print(f"\nratio Extract / sentencizer baseline: {stage_ms / base_ms:.1f}x")
    print(f"sentence starts shared with the sentencizer: {agree / max(1, total):.3f} (Jaccard over all starts)")
    print(f"per article: {ents / len(rows):.1f} entities, {quotes / len(rows):.1f} quotes, {cites / len(rows):.2f} citations")
    try:
        import en_core_web_sm  # noqa: F401
    except ImportError:
        print("en_core_web_sm: not installed (optional; the default needs no statistical model)")
    else:
        sm = spacy.load("en_core_web_sm")
        t0 = time.perf_counter()
        n_ents = sum(len(sm(r["text"]).ents) for r in rows)
        print(f"en_core_web_sm: {1000 * (time.perf_counter() - t0) / len(rows):.1f} ms/article, "
              f"{n_ents / len(rows):.1f} entity mentions/article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
