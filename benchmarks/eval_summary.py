"""Neutral multi-source summaries on NeuS val (AllSides roundups: three outlets, one expert summary).

Reads ../shared/data/summaries in place (override with NEWSPRISM_SHARED). For every roundup the
three sources become one story; newsprism's CompareStory + Summarise produce the summary. Every
system gets the same length budget (whole sentences up to WORDS words, at least one sentence), and
is scored against the expert summary with ROUGE-1/2/L F (rouge-score, stemmed). Baselines in the
same run: lead sentences taken from each source in turn (lead-round-robin), and the first source's
lead only (lead-first). Loaded words are counted per summary twice: with the newsprism lexicon
(which the summariser removes, so this count is partly by construction) and with a tiny fixed list.

    PYTHONPATH=src python benchmarks/eval_summary.py [--limit N] [--encoder transformer|static|tfidf]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

WORDS = 60
TINY = {"radical", "slams", "destroys", "shocking", "disaster", "extreme", "crazy", "outrageous", "absurd", "evil",
        "blasts", "massive", "stunning", "furious", "chaos", "regime"}


def budget(sentences: list[str], words: int = WORDS) -> list[str]:
    out, n = [], 0
    for s in sentences:
        k = len(s.split())
        if out and n + k > words:
            continue
        out.append(s)
        n += k
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--encoder", default="auto")
    args = ap.parse_args()
    path = shared_dir() / "summaries" / "neus-val.jsonl.gz"
    if not path.exists():
        print(f"NeuS data not found at {path}; set NEWSPRISM_SHARED. Nothing to evaluate.")
        return 0
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        print("rouge-score is not installed (pip install -e '.[dev]'). Nothing to evaluate.")
        return 0
    from newsprism.compare import CompareStory, Summarise
    from newsprism.compare.sentences import split_sentences
    from newsprism.framing import detect
    from newsprism.model import Article, Story

    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    if args.limit:
        rows = rows[: args.limit]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    compare, summarise = CompareStory(encoder=args.encoder), Summarise(max_sentences=20, max_words=WORDS)
    systems = ("newsprism", "lead-round-robin", "lead-first")
    totals = {s: {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0, "lex": 0, "tiny": 0, "cited": 0, "sents": 0}
              for s in systems}
    ref_lex = ref_tiny = 0
    t0 = time.perf_counter()
    for r in rows:
        arts = [Article(id=f"{r['id']}-{i}", input=r["id"], outlet=src.get("side") or f"source {i}",
                        title=src.get("title"), clean_text=src.get("text") or "")
                for i, src in enumerate(r["sources"])]
        story = Story(id=r["id"], article_ids=[a.id for a in arts])
        story = summarise.process_story(compare.process_story(story, arts, None), arts, None)
        leads = [split_sentences(a.clean_text) for a in arts]
        rr = [s for k in range(max(map(len, leads), default=0)) for ls in leads if k < len(ls) for s in [ls[k]]]
        outputs = {
            "newsprism": [s["text"] for s in story.summary],
            "lead-round-robin": budget(rr),
            "lead-first": budget(leads[0] if leads else []),
        }
        ref = r["target_summary"]
        ref_lex += len(detect(ref))
        ref_tiny += len(set(re.findall(r"[a-z]+", ref.lower())) & TINY)
        for name, sents in outputs.items():
            text = " ".join(sents)
            sc = scorer.score(ref, text)
            for k in ("rouge1", "rouge2", "rougeL"):
                totals[name][k] += sc[k].fmeasure
            totals[name]["lex"] += sum(len(detect(s)) for s in sents)
            totals[name]["tiny"] += len(set(re.findall(r"[a-z]+", text.lower())) & TINY)
            totals[name]["sents"] += len(sents)
        totals["newsprism"]["cited"] += sum(1 for s in story.summary if s["sources"])
    n = len(rows)
    print(f"NeuS val: {n} roundups, budget {WORDS} words, encoder {compare.encoder}, "
          f"{time.perf_counter() - t0:.1f}s")
    print(f"{'system':<18} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'loaded/summary (lexicon)':>25} {'(tiny list)':>12}")
    for name in systems:
        t = totals[name]
        print(f"{name:<18} {t['rouge1'] / n:6.3f} {t['rouge2'] / n:6.3f} {t['rougeL'] / n:6.3f} "
              f"{t['lex'] / n:25.2f} {t['tiny'] / n:12.2f}")
    print(f"{'expert reference':<18} {'':>6} {'':>6} {'':>6} {ref_lex / n:25.2f} {ref_tiny / n:12.2f}")
    t = totals["newsprism"]
    print(f"newsprism summary sentences citing >= 1 source: {t['cited']}/{t['sents']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
