"""Per-article cost of the heavy building blocks that scale-out planning depends on.

Measured on real articles from the 37k corpus (read in place), in one run:

* sentence split (a regex, the baseline every other number is compared with),
* MinHash signature of word 5-shingles (datasketch, 128 permutations), as near-copy detection uses,
* sentence embeddings with ``newsprism.embed``: the static (model2vec) encoder on every
  sentence, and the transformer (MiniLM) on a smaller sample, because it is ~100x slower.

Prints ms per article and per sentence for each, on this machine's CPUs. These feed the
arithmetic in ``docs/scaling.md``.

    python benchmarks/bench_components.py --articles 400 --transformer-articles 40
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_dir  # noqa: E402
from bench_engines import CORPUS  # noqa: E402

_SENT = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")


def sentences(text: str) -> list[str]:
    return [s.strip() for para in text.split("\n") for s in _SENT.split(para) if len(s.strip()) > 20]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--transformer-articles", type=int, default=40)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    src = shared_dir() / CORPUS
    if not src.exists():
        print(f"bench_components: the corpus {src} is not there (set NEWSPRISM_SHARED); nothing measured.")
        return 0
    texts: list[str] = []
    with gzip.open(src, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 50:  # every 50th article, spread over the whole period
                continue
            rec = json.loads(line)
            if rec.get("text"):
                texts.append(rec["text"])
            if len(texts) >= args.articles:
                break
    n = len(texts)
    words = sum(len(t.split()) for t in texts)
    print(f"{n} articles, {words / n:.0f} words each on average; cpus: {os.cpu_count()}; "
          f"load average at start: {os.getloadavg()[0]:.1f} (other work on the machine slows every number)")
    results: dict[str, dict[str, float]] = {}

    t = time.perf_counter()
    sents = [sentences(x) for x in texts]
    split_s = time.perf_counter() - t
    n_sent = sum(len(s) for s in sents)
    results["sentence split (baseline)"] = {"ms_per_article": 1000 * split_s / n}
    print(f"{n_sent / n:.1f} sentences per article")

    from datasketch import MinHash

    t = time.perf_counter()
    for x in texts:
        toks = x.lower().split()
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(toks[i:i + 5]).encode() for i in range(max(1, len(toks) - 4))])
    results["minhash 128 perm"] = {"ms_per_article": 1000 * (time.perf_counter() - t) / n}

    from newsprism.embed import get_encoder

    static = get_encoder("static")
    static.encode(["warm up"])
    flat = [s for ss in sents for s in ss]
    t = time.perf_counter()
    static.encode(flat)
    dt = time.perf_counter() - t
    results["embed static"] = {"ms_per_article": 1000 * dt / n, "ms_per_sentence": 1000 * dt / len(flat)}

    k = min(args.transformer_articles, n)
    tr = get_encoder("transformer")
    tr.encode(["warm up"])
    sample = [s for ss in sents[:k] for s in ss]
    t = time.perf_counter()
    tr.encode(sample)
    dt = time.perf_counter() - t
    results["embed transformer"] = {"ms_per_article": 1000 * dt / k, "ms_per_sentence": 1000 * dt / len(sample),
                                    "articles": k}

    pages = shared_dir() / "extraction/pages.jsonl.gz"
    if pages.exists():  # WARC crawls are HTML: the page extractor's cost per page
        from newsprism.clean import HtmlExtract
        from newsprism.model import Article

        with gzip.open(pages, "rt", encoding="utf-8") as f:
            htmls = [json.loads(line)["html"] for line in f]
        stage = HtmlExtract()
        stage.ensure_setup()
        stage.process(Article(id="warm", input="warm", raw_html=htmls[0]))
        t = time.perf_counter()
        for i, h in enumerate(htmls):
            try:
                stage.process(Article(id=str(i), input=str(i), raw_html=h))
            except Exception:  # noqa: BLE001 - a page without text still cost its time
                pass
        results["html extract (page)"] = {"ms_per_article": 1000 * (time.perf_counter() - t) / len(htmls),
                                          "pages": len(htmls),
                                          "kb_per_page": sum(len(h.encode()) for h in htmls) / 1024 / len(htmls)}

    base = results["sentence split (baseline)"]["ms_per_article"]
    print(f"\n{'component':<28}{'ms/article':>12}{'ms/sentence':>13}{'x baseline':>12}")
    for name, r in results.items():
        per_s = f"{r['ms_per_sentence']:.3f}" if "ms_per_sentence" in r else "-"
        print(f"{name:<28}{r['ms_per_article']:>12.3f}{per_s:>13}{r['ms_per_article'] / base:>12.1f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"articles": n, "sentences_per_article": n_sent / n,
                                               "words_per_article": words / n, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
