"""Run the whole pipeline on the seed articles and print the issue's "done when" checks.

The seeds (../shared/data/seeds, override with NEWSPRISM_SHARED) are two outlets' reports of one
event. The checks live here, in the script; nothing in the package knows about the seeds. If the
pipeline's story grouping does not put the two seeds in one story, that is printed, and the compare
stages are then also run on the two as one story so the comparison itself can be checked.

    PYTHONPATH=src python benchmarks/check_seeds.py
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from _shared import shared_dir  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def main() -> int:
    seeds = shared_dir() / "seeds"
    if not seeds.exists():
        print(f"seeds not found at {seeds}; set NEWSPRISM_SHARED. Nothing to check.")
        return 0
    from newsprism.analyze import analyze
    from newsprism.compare import CompareStory, Summarise
    from newsprism.framing import detect
    from newsprism.model import Story
    from newsprism.report import story_json

    out = Path(tempfile.mkdtemp(prefix="newsprism-seeds-"))
    result = analyze([str(seeds)], db=out / "seeds.db", out=out, progress=False)
    arts = {Path(a.input).name[:3]: a for a in result.articles}
    print(f"pipeline: {len(result.articles)} articles, {len(result.stories)} stories, "
          f"{len(result.rejected)} rejected; reports in {out}")
    a0, a4 = arts.get("000"), arts.get("004")
    if a0 is None or a4 is None:
        print("FAIL: the two seeds did not both become articles")
        return 1
    together = [s for s in result.stories if {a0.id, a4.id} <= set(s.article_ids)]
    if together:
        story = together[0]
        print(f"grouping: PASS, both seeds are in story {story.id}")
        members = [a for a in result.articles if a.id in story.article_ids]
    else:
        print("grouping: FAIL, the seeds are in different stories; comparing them as one story below")
        members = [a0, a4]
        story = Story(id="seeds", article_ids=[a0.id, a4.id])
        story = Summarise().process_story(CompareStory().process_story(story, members, None), members, None)
    s = story_json(story, members)
    i0, i4 = a0.id, a4.id
    facts = s["facts"]
    both = [f for f in facts if {i0, i4} <= set(f["supported_by"])]
    only = {i0: [f for f in facts if f["supported_by"] == [i0]], i4: [f for f in facts if f["supported_by"] == [i4]]}

    def has(fs: list[dict], *pats: str) -> dict | None:
        for f in fs:
            text = " ".join([f["text"]] + [c["text"] for c in f.get("claims", [])])
            if all(re.search(p, text, re.I) for p in pats):
                return f
        return None

    checks = []

    def check(name: str, f: dict | None) -> None:
        checks.append(f is not None)
        print(f"{'PASS' if f else 'FAIL'}  {name}" + (f"\n        -> [{f['kind']}] {f['text'][:150]}" if f else ""))

    print(f"\nfacts: {len(facts)} ({len(both)} in both seeds); conflicts: {len(s['conflicts'])}; "
          f"quote differences: {len(s['quote_differences'])}; framing flags: {len(s['framing'])}")
    check("shared: long-range US missiles authorised for strikes inside Russia",
          has(both, r"authori[sz]", r"long-range", r"Russia"))
    check("shared: ATACMS", has(both, r"ATACMS"))
    check("shared: North Korean troops in Kursk as the reason", has(both, r"North Korea", r"Kursk"))
    check("shared: The New York Times as a source", has([f for f in both if f["kind"] == "source"],
                                                        r"New York Times|NYT"))
    check("only in 000: the 10,000-troop estimate", has(only[i0], r"10,000"))
    for pat, name in ((r"Storm Shadow", "Storm Shadow"), (r"SCALP", "SCALP"), (r"Taurus", "Taurus"),
                      (r"\$6 billion", "$6 billion")):
        check(f"only in 004: {name}", has(only[i4], pat))
    leaks = [f["text"][:80] for f in facts if f["supported_by"] != [i4] and f["kind"] != "single"
             and re.search(r"Storm Shadow|Taurus|\$6 billion", f["text"])]
    if leaks:
        print(f"note: a 004-only detail is also the wording of a fact supported by both: {leaks}")
    caves = [f for f in s["framing"] if f["phrase"].lower().startswith("cave")]
    check("\"caves\" flagged with a neutral alternative",
          caves[0] | {"text": f"{caves[0]['phrase']} -> {caves[0]['neutral']}", "kind": caves[0]["kind"]}
          if caves and caves[0]["neutral"] else None)
    summ = s["summary"]
    cited = all(x["sources"] for x in summ)
    clean = [x["text"] for x in summ if detect(x["text"])]
    ok = bool(summ) and cited and not clean
    checks.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  summary: {len(summ)} sentences, every one cites >= 1 article: {cited}; "
          f"sentences with a flagged phrase: {len(clean)}")
    for x in summ:
        print(f"        - {x['text'][:140]} {x['sources']}")
    for c in s["conflicts"]:
        print(f"conflict [{c['kind']}] {c['about']}: " + " | ".join(
            f"{c2['article_id'][:8]}: {c2.get('value', c2['text'][:60])}" for c2 in c["claims"]))
    print(f"\n{sum(checks)}/{len(checks)} checks pass")
    print(json.dumps({"story": s["id"], "passed": sum(checks), "total": len(checks)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
