"""Manual check: quotes and citations the default pipeline extracts from the two seed articles.

    PYTHONPATH=src python benchmarks/check_seeds_extract.py

Reads ``seeds/`` from the shared data in place (nothing is copied) and runs
the document stages of ``default_pipeline()`` (clean, then extract) on each
seed, printing every quote with its speaker, cue and entity key, and every
citation. Speaker and source names below are the issue's "done when" list;
the script says which are found. It is a check for people, not a test.
"""

from __future__ import annotations

import sys

from newsprism.model import Article, Rejection
from newsprism.pipeline import apply_document_stages
from newsprism.stages import default_pipeline
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


#: (seed prefix, speakers whose quotes must carry them, sources that must be cited)
EXPECT = {
    "000": ((), ("The Washington Post", "The New York Times")),
    "004": (("Vladimir Putin", "Emmanuel Macron", "Mike Waltz", "Donald Trump Jr.", "The New York Times",
             "Keir Starmer’s office"), ("The New York Times", "AFP")),
}


def main() -> int:
    seeds = sorted((shared_dir() / "seeds").glob("*.txt"))
    if not seeds:
        print(f"no seeds under {shared_dir() / 'seeds'}; set NEWSPRISM_SHARED. Nothing to check.")
        return 0
    stages = default_pipeline().document_stages
    for path in seeds:
        doc = Article(id=path.stem, input=str(path), raw_text=path.read_text(encoding="utf-8"),
                      published="2024-11-18")
        (res,) = list(apply_document_stages(stages, [doc]))
        print(f"== {path.name}")
        if isinstance(res, Rejection):
            print("   rejected:", res.reason)
            continue
        for q in res.quotes:
            kind = "direct" if q.direct else "indirect"
            print(f"   quote [{kind}] {q.speaker!s} ({q.speaker_entity}) {q.cue}: {q.text[:90]!r}")
        for c in res.citations:
            print(f"   cites {c.source} [{c.kind}]: {c.text[:80]!r}")
        speakers, sources = EXPECT.get(path.name[:3], ((), ()))
        got_speakers = {q.speaker for q in res.quotes if q.direct}
        got_sources = {c.source for c in res.citations}
        for s in speakers:
            print(f"   {'OK ' if s in got_speakers else 'MISSING'} quote speaker {s}")
        for s in sources:
            print(f"   {'OK ' if s in got_sources else 'MISSING'} citation {s}")
        removed = [q for q in res.quotes if any(q.text[:40] in seg.text for seg in res.removed)]
        late = [q for q in res.quotes if "contributed reporting" in res.text
                and q.start is not None and q.start > res.text.find("contributed reporting")]
        print(f"   {'OK ' if not removed and not late else 'FAIL'} quotes from removed text or after the credit "
              f"line: {len(removed) + len(late)}")
        print(f"   removed by clean: {len(res.removed)} segment(s); credits: {res.credits}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
