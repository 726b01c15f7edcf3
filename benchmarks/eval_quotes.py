"""Evaluate quote / reported-speech extraction on PolNeAR (read in place from the shared data packs).

    PYTHONPATH=src python benchmarks/eval_quotes.py            # dev split (report this)
    PYTHONPATH=src python benchmarks/eval_quotes.py --split train --errors 20   # develop on train

Content spans are scored three ways, each one-to-one (a gold span is matched
by at most one prediction, greedily by overlap size):

* strict: same span after trimming spaces, punctuation, quotation marks and a
  leading "that";
* overlap (the HEADLINE number): the spans share at least one word token;
* token: precision/recall over word tokens (how much of the text is right).

Speaker attribution: a prediction is correct when its content overlaps a gold
content and its source phrase overlaps that gold attribution's source. P is
over predictions with a source, R over gold attributions with a source.

Two configurations of our rules are scored: the quotes the Extract stage
ships (speech cues: said, told, according to, wrote, ...; quotations;
postposed and preposed attribution), and the same plus *stance*
attributions (an agent's stance, belief or intention: "Clinton opposes the
deal", "it is expected that"), which PolNeAR also annotates. The baseline in
the same run: every quotation of three or more words, with the speaker taken
next to the nearest "said"/"says" in the same sentence. Nothing here is tuned
on dev; the rules were written looking at train.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter

from newsprism.extract.entities import extract_entities
from newsprism.extract.quotes import find_attributions, quotation_spans
from newsprism.extract.sentences import split_sentences
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

_TOK = re.compile(r"\w+")


def tokens(text: str, spans: list[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in spans:
        for m in _TOK.finditer(text, s, e):
            out.add(m.start())
    return out


def strict_key(text: str, spans: list[tuple[int, int]]) -> str:
    joined = " ".join(text[s:e] for s, e in spans)
    joined = re.sub(r"[\s“”\"‘’'.,:;!?—–-]+", " ", joined).strip().lower()
    return re.sub(r"^that ", "", joined)


def match(text: str, gold: list[dict], pred: list[dict]) -> list[tuple[int, int, int]]:
    """Greedy one-to-one matching by token overlap: (gold index, pred index, shared tokens)."""
    pairs = []
    gtok = [tokens(text, g["spans"]) for g in gold]
    ptok = [tokens(text, p["spans"]) for p in pred]
    for i, gt in enumerate(gtok):
        for j, pt in enumerate(ptok):
            n = len(gt & pt)
            if n:
                pairs.append((n, i, j))
    pairs.sort(reverse=True)
    used_g, used_p, out = set(), set(), []
    for n, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j, n))
    return out


def prf(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def gold_of(rec: dict) -> list[dict]:
    out = []
    for a in rec["attributions"]:
        if not a.get("content"):
            continue
        src = a.get("source")
        out.append({"spans": [tuple(s) for s in a["content"]["spans"]],
                    "source": [tuple(s) for s in src["spans"]] if src else None})
    return out


def ours(text: str, stance: bool = False) -> list[dict]:
    sents = split_sentences(text)
    ents = extract_entities(text, sents)
    return [{"spans": a.content, "source": [a.source_span] if a.source_span else None, "pattern": a.pattern}
            for a in find_attributions(text, sents, ents, stance=stance)]


def ours_stance(text: str) -> list[dict]:
    return ours(text, stance=True)


_SAID = re.compile(r"\b(said|says)\b")


def baseline(text: str) -> list[dict]:
    """Quotations of 3+ words; speaker = the words next to the nearest said/says in the sentence."""
    sents = split_sentences(text)
    out = []
    for qs, qe in quotation_spans(text):
        if len(text[qs:qe].split()) < 3:
            continue
        sent = next(((s, e) for s, e in sents if s <= qs < e), (qs, qe))
        best = None
        for m in _SAID.finditer(text, sent[0], max(sent[1], qe)):
            d = min(abs(m.start() - qe), abs(m.start() - qs))
            if best is None or d < best[0]:
                best = (d, m)
        source = None
        if best is not None:
            m = best[1]
            before = re.search(r"((?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*|he|she|they)\s+$", text[sent[0]:m.start()])
            after = re.match(r"\s+((?:[A-Z][\w.’'-]*\s*){1,4}|he|she|they)", text[m.end():sent[1]])
            if before:
                source = [(sent[0] + before.start(1), sent[0] + before.end(1))]
            elif after:
                source = [(m.end() + after.start(1), m.end() + after.end(1))]
        out.append({"spans": [(qs, qe)], "source": source})
    return out


def evaluate(records: list[dict], system, errors: int = 0) -> dict[str, float]:
    c = Counter()
    shown = 0
    for rec in records:
        text = rec["text"]
        gold = gold_of(rec)
        pred = system(text)
        c["gold"] += len(gold)
        c["pred"] += len(pred)
        pairs = match(text, gold, pred)
        c["overlap_tp"] += len(pairs)
        gkeys = Counter(strict_key(text, g["spans"]) for g in gold)
        for p in pred:
            k = strict_key(text, p["spans"])
            if gkeys[k] > 0:
                gkeys[k] -= 1
                c["strict_tp"] += 1
        gt = [tokens(text, g["spans"]) for g in gold]
        pt = [tokens(text, p["spans"]) for p in pred]
        c["tok_tp"] += sum(n for _, _, n in pairs)
        c["tok_gold"] += sum(len(t) for t in gt)
        c["tok_pred"] += sum(len(t) for t in pt)
        c["spk_gold"] += sum(1 for g in gold if g["source"])
        c["spk_pred"] += sum(1 for p in pred if p["source"])
        for i, j, _ in pairs:
            g, p = gold[i], pred[j]
            if g["source"] and p["source"] and tokens(text, g["source"]) & tokens(text, p["source"]):
                c["spk_tp"] += 1
        if errors and shown < errors:
            matched_p = {j for _, j, _ in pairs}
            matched_g = {i for i, _, _ in pairs}
            for j, p in enumerate(pred):
                if j not in matched_p and shown < errors:
                    shown += 1
                    print(f"FP[{p.get('pattern')}]: {' | '.join(text[s:e] for s, e in p['spans'])[:200]!r}")
            for i, g in enumerate(gold):
                if i not in matched_g and shown < errors:
                    shown += 1
                    print(f"FN: {' | '.join(text[s:e] for s, e in g['spans'])[:200]!r}")
    res = {}
    res["strict"] = prf(c["strict_tp"], c["pred"], c["gold"])
    res["overlap"] = prf(c["overlap_tp"], c["pred"], c["gold"])
    res["token"] = prf(c["tok_tp"], c["tok_pred"], c["tok_gold"])
    res["speaker"] = prf(c["spk_tp"], c["spk_pred"], c["spk_gold"])
    res["counts"] = (c["gold"], c["pred"])
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--stride", type=int, default=1, help="use every n-th article (quick runs on train)")
    ap.add_argument("--errors", type=int, default=0, help="print this many unmatched spans (use on train)")
    args = ap.parse_args()
    path = shared_dir() / "quotes" / f"polnear-{args.split}.jsonl.gz"
    if not path.exists():
        print(f"PolNeAR pack not found at {path}; set NEWSPRISM_SHARED. Nothing to evaluate.")
        return 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    records = records[:: args.stride]
    if args.limit:
        records = records[: args.limit]
    print(f"PolNeAR {args.split}: {len(records)} articles ({path})")
    rows = []
    systems = (("baseline: quotation marks + nearest said", baseline),
               ("newsprism quotes (speech cues; Extract)", ours),
               ("newsprism + stance (PolNeAR-style)", ours_stance))
    for name, system in systems:
        t0 = time.perf_counter()
        res = evaluate(records, system, errors=args.errors if system is ours_stance else 0)
        ms = 1000 * (time.perf_counter() - t0) / max(1, len(records))
        rows.append((name, res, ms))
    print(f"\n{'system':44s} {'metric':18s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for name, res, ms in rows:
        for metric, label in (("overlap", "content overlap*"), ("strict", "content strict"),
                              ("token", "content tokens"), ("speaker", "speaker")):
            p, r, f = res[metric]
            print(f"{name:44s} {label:18s} {p:6.3f} {r:6.3f} {f:6.3f}")
        print(f"{name:44s} gold={res['counts'][0]} predicted={res['counts'][1]} ({ms:.1f} ms/article)")
    print("\n* headline: one-to-one content-span match when the spans share at least one word token.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
