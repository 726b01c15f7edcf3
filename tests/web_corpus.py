"""A small store for the web tests, composed for them: one story compared across three outlets
(with facts, a conflict, a quote difference, framing, a summary, removed boilerplate and a
syndicated copy), one article carrying XSS payloads, and enough one-article stories to paginate."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsprism.model import Article, FramingFlag, Quote, Segment, Story
from newsprism.store import Store

XSS_TITLE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">Dam report'
XSS_TEXT = ('Engineers inspected the Orrin dam on Monday. <img src=x onerror=window.__xss=3> '
            '<script>window.__xss = 4; alert(1)</script>\n\n'
            'The inspection found <b>minor</b> seepage near the east spillway, officials said.')
STORY = "s_ferry"
XSS_STORY = "s_dam"


def articles() -> list[Article]:
    a1 = Article(
        id="a_tribune", input="tribune.txt", outlet="Lakeside Tribune", published="2026-04-02T08:15:00",
        title="Ferry runs aground off Tamsin Point; 41 passengers rescued",
        clean_text=("The passenger ferry Marten ran aground off Tamsin Point early on Thursday, and coast guard "
                    "crews rescued 41 passengers, the harbour authority said.\n\n"
                    "\"Everyone is safe and accounted for,\" harbour master Ilse Brandt said."),
        removed=[Segment(text="Share this story: 12 comments", reason="counter", line=0),
                 Segment(text="Photo: the Marten at dawn. Photo: the Marten at dawn.", reason="caption", line=3)],
        quotes=[Quote(speaker="Ilse Brandt", text="Everyone is safe and accounted for", cue="said")],
        copies=["a_digest"], canonical_id="a_tribune", story_id=STORY,
    )
    a2 = Article(
        id="a_courier", input="courier.txt", outlet="Harbour Courier", published="2026-04-02T11:40:00",
        title="Ferry fiasco: reckless crew strands dozens off Tamsin Point",
        clean_text=("A reckless crew steered the ferry Marten onto rocks off Tamsin Point on Thursday, stranding "
                    "about 40 passengers until the coast guard arrived.\n\n"
                    "\"Everyone is safe,\" harbour master Ilse Brandt said."),
        framing=[FramingFlag(phrase="reckless", kind="label", explanation="judges the crew before any inquiry",
                             neutral="the", in_title=True)],
        story_id=STORY,
    )
    a3 = Article(
        id="a_wire", input="wire.jsonl:1", outlet="Coastal Wire", published="2026-04-03",
        title="Ferry grounding off Tamsin Point under investigation",
        clean_text="Investigators began examining the ferry Marten on Friday, a day after it ran aground with "
                   "41 passengers aboard.",
        story_id=STORY,
    )
    copy = Article(
        id="a_digest", input="digest.txt", outlet="Valley Digest", published="2026-04-02T09:00:00",
        title="Ferry runs aground off Tamsin Point; 41 passengers rescued",
        clean_text=a1.clean_text, canonical_id="a_tribune", story_id=STORY,
    )
    xss = Article(id="a_xss", input="evil.txt", outlet="Dam <i>Watch</i>", published="2026-04-05",
                  title=XSS_TITLE, clean_text=XSS_TEXT, story_id=XSS_STORY,
                  removed=[Segment(text='<script>window.__xss = 5</script>', reason="embed")])
    filler = [Article(id=f"a_f{i:02d}", input=f"f{i}.txt", outlet="Filler Weekly" if i % 2 else "Other Daily",
                      published=f"2026-01-{i % 28 + 1:02d}", title=f"Parish notice number {i} about gardens",
                      clean_text=f"The parish garden committee met for session {i} and discussed hedges.",
                      story_id=f"s_f{i:02d}") for i in range(45)]
    return [a1, a2, a3, copy, xss, *filler]


def stories(arts: list[Article]) -> list[Story]:
    by_story: dict[str, list[Article]] = {}
    for a in arts:
        by_story.setdefault(a.story_id or "", []).append(a)
    out = []
    for sid, members in by_story.items():
        dates = sorted(a.published for a in members if a.published)
        out.append(Story(id=sid, title=members[0].title or "", article_ids=[a.id for a in members],
                         first_seen=dates[0], last_seen=dates[-1]))
    main = next(s for s in out if s.id == STORY)
    main.facts = [
        {"text": "The ferry Marten ran aground off Tamsin Point on Thursday.",
         "supported_by": ["a_tribune", "a_courier", "a_wire", "a_digest"], "omitted_by": []},
        {"text": "Investigators are examining the ferry.", "supported_by": ["a_wire"],
         "omitted_by": ["a_tribune", "a_courier", "a_digest"]},
    ]
    main.conflicts = [{"about": "number of passengers", "kind": "precision",
                       "claims": [{"article_id": "a_tribune", "text": "41 passengers"},
                                  {"article_id": "a_courier", "text": "about 40 passengers"}]}]
    main.quote_differences = [{"speaker": "Ilse Brandt", "kind": "trimmed",
                               "quotes": [{"article_id": "a_tribune", "text": "Everyone is safe and accounted for"},
                                          {"article_id": "a_courier", "text": "Everyone is safe"}]}]
    main.framing = [{"article_id": "a_courier", "phrase": "fiasco", "kind": "loaded_noun",
                     "explanation": "a judgement, not a description", "neutral": "grounding"},
                    {"article_id": "a_courier", "phrase": "reckless", "kind": "label",
                     "explanation": "judges the crew before any inquiry", "neutral": ""}]
    main.summary = [{"text": "The ferry Marten ran aground off Tamsin Point on Thursday and 41 passengers were "
                             "rescued.", "sources": ["a_tribune", "a_wire"]},
                    {"text": "Investigators began examining the ferry on Friday.", "sources": ["a_wire"]}]
    dam = next(s for s in out if s.id == XSS_STORY)
    dam.summary = [{"text": "<script>window.__xss = 6</script>Seepage was found.", "sources": ["a_xss"]}]
    dam.facts = [{"text": "<img src=x onerror=window.__xss=7>", "supported_by": ["a_xss"], "omitted_by": []}]
    dam.framing = [{"article_id": "a_xss", "phrase": "<b>minor</b>", "kind": "<i>k</i>",
                    "explanation": "<script>window.__xss=8</script>", "neutral": "small"}]
    return out


def build_store(path: Path) -> Path:
    arts = articles()
    with Store(path) as store:
        run = store.begin_run("test", ["fixture"])
        store.upsert_articles(arts, run)
        store.upsert_stories(stories(arts), run)
        store.finish_run(run, {"articles": len(arts)}, "ok")
    return path


@contextmanager
def running_server(db: Path, timeout: float = 60.0) -> Iterator[str]:
    """`newsprism serve` on a free loopback port in a subprocess; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src") + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "serve", "--db", str(db), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(base + "/api/runs", timeout=5).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    raise RuntimeError(f"newsprism serve did not start: {out}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
