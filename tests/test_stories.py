"""Story grouping and copy collapsing, on small articles written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.analyze import analyze
from newsprism.dedup import (MIN_SKETCH, Dedup, Fingerprint, _group_pairs, choose_canonical, fingerprint, is_copy,
                             may_copy, stored_keys)
from newsprism.model import Article
from newsprism.pipeline import Context
from newsprism.stories import GroupStories, average_linkage, key_terms

QUAKE_A1 = {
    "id": "ledger-varn-1", "outlet": "Coastal Ledger", "published": "2026-03-03",
    "title": "Magnitude 6.1 earthquake shakes Varnholt valley, dozens injured",
    "text": (
        "A magnitude 6.1 earthquake struck the Varnholt valley early on Tuesday, injuring at least 40 people "
        "and damaging the old stone bridge at Kellmoor, regional officials said.\n\n"
        "The quake hit at 4:12 a.m. at a depth of about 10 kilometres, according to the Varnholt Seismic "
        "Office. Governor Ilse Marrow said rescue teams were checking farmhouses along the Draue river.\n\n"
        "\"We are still counting the damage,\" Marrow told reporters in Kellmoor. Schools in the valley "
        "will stay closed until engineers inspect them."
    ),
}
QUAKE_A2 = {
    "id": "tribune-varn-1", "outlet": "Highland Tribune", "published": "2026-03-03",
    "title": "Varnholt quake injures 40, cracks Kellmoor bridge",
    "text": (
        "Governor Ilse Marrow declared an emergency in the Varnholt valley after a strong earthquake "
        "injured about 40 residents before dawn on Tuesday.\n\n"
        "The Varnholt Seismic Office measured the tremor at magnitude 6.1. The historic Kellmoor bridge "
        "over the Draue river was closed after inspectors found cracks in two arches.\n\n"
        "Rescue crews searched farmhouses near Kellmoor through the morning, and valley schools were shut."
    ),
}
QUAKE_B1 = {
    "id": "ledger-sorrel-1", "outlet": "Coastal Ledger", "published": "2026-03-20",
    "title": "Earthquake of magnitude 5.4 hits Sorrel Bay, ferry service halted",
    "text": (
        "An earthquake of magnitude 5.4 hit Sorrel Bay on Friday afternoon, toppling chimneys in the "
        "harbour town of Eastwick and halting the island ferry, the coastguard said.\n\n"
        "Nobody was seriously hurt, Mayor Tobias Fenn said. The Bay Geological Service put the epicentre "
        "12 kilometres off the Eastwick pier.\n\n"
        "Ferry operator Gullwing Lines said crossings would resume once the pier had been checked."
    ),
}
QUAKE_B2 = {
    "id": "herald-sorrel-1", "outlet": "Eastern Herald", "published": "2026-03-20",
    "title": "Sorrel Bay tremor topples Eastwick chimneys",
    "text": (
        "Chimneys fell in Eastwick and the Gullwing Lines ferry stopped running after a magnitude 5.4 "
        "earthquake rattled Sorrel Bay on Friday.\n\n"
        "Mayor Tobias Fenn said there were no serious injuries. The Bay Geological Service located the "
        "quake offshore, about 12 kilometres from the Eastwick pier, and warned of aftershocks."
    ),
}
QUAKE_B3_LATER = {
    "id": "gazette-sorrel-2", "outlet": "Eastwick Gazette", "published": "2026-03-21",
    "title": "Eastwick counts cost of Sorrel Bay earthquake as ferries resume",
    "text": (
        "Gullwing Lines restarted its island ferry on Saturday, a day after the magnitude 5.4 Sorrel Bay "
        "earthquake, once engineers had checked the Eastwick pier.\n\n"
        "Mayor Tobias Fenn said 30 homes in Eastwick had lost chimneys. The Bay Geological Service "
        "recorded more than a dozen small aftershocks overnight."
    ),
}
WIRE = {
    "id": "wire-varn-1", "outlet": "Union Newswire", "published": "2026-03-03",
    "title": "Strong quake hits Varnholt valley",
    "text": (
        "KELLMOOR (Union Newswire) - A strong earthquake rattled the Varnholt valley before dawn on "
        "Tuesday, injuring dozens of people and cracking the stone bridge that carries the main road "
        "over the Draue river at Kellmoor.\n\n"
        "The regional seismic office said the quake measured 6.1 and was centred at a shallow depth "
        "below the valley floor. Emergency crews from three neighbouring districts were sent to help "
        "search farms and check houses for damage.\n\n"
        "Governor Ilse Marrow asked residents to stay away from the bridge and to report gas leaks. "
        "Classes at valley schools were cancelled for the rest of the week while engineers inspect "
        "the buildings for cracks."
    ),
}
REPOST = {
    "id": "pinecrest-varn-1", "outlet": "Pinecrest Daily", "published": "2026-03-04",
    "title": "Strong quake hits Varnholt valley",
    "text": "Our region's readers with family in the valley can call the help line listed below.\n\n" + WIRE["text"],
}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def story_of(result, article_id: str) -> str:
    return next(a.story_id for a in result.articles if a.id == article_id)


def test_same_event_joins_and_different_event_of_the_same_kind_stays_apart(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "in" / "quakes.jsonl", [QUAKE_A1, QUAKE_B1, QUAKE_A2, QUAKE_B2])
    r = analyze([corpus], db=tmp_path / "s.db")
    assert story_of(r, "ledger-varn-1") == story_of(r, "tribune-varn-1")
    assert story_of(r, "ledger-sorrel-1") == story_of(r, "herald-sorrel-1")
    assert story_of(r, "ledger-varn-1") != story_of(r, "ledger-sorrel-1")
    assert len(r.stories) == 2


def test_different_events_stay_apart_without_dates() -> None:
    docs = [Article(id=rec["id"], input=rec["id"], title=rec["title"], clean_text=rec["text"], outlet=rec["outlet"])
            for rec in (QUAKE_A1, QUAKE_A2, QUAKE_B1, QUAKE_B2)]
    out = {d.id: d.story_id for d in GroupStories().run(docs, Context())}
    assert out["ledger-varn-1"] == out["tribune-varn-1"]
    assert out["ledger-sorrel-1"] == out["herald-sorrel-1"]
    assert out["ledger-varn-1"] != out["ledger-sorrel-1"]


def test_syndicated_copy_collapses_into_the_canonical_story_and_report(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "in" / "a.jsonl", [REPOST, QUAKE_A1, WIRE, QUAKE_B1])
    out = tmp_path / "out"
    r = analyze([corpus], db=tmp_path / "s.db", out=out)
    arts = {a.id: a for a in r.articles}
    # the earliest published version is canonical; the later repost is its copy
    assert arts["pinecrest-varn-1"].canonical_id == "wire-varn-1"
    assert arts["wire-varn-1"].copies == ["pinecrest-varn-1"]
    assert arts["pinecrest-varn-1"].story_id == arts["wire-varn-1"].story_id == arts["ledger-varn-1"].story_id
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    story = next(s for s in report["stories"] if s["id"] == arts["wire-varn-1"].story_id)
    wire = next(a for a in story["articles"] if a["id"] == "wire-varn-1")
    assert [c["outlet"] for c in wire["also_published_by"]] == ["Pinecrest Daily"]
    repost = next(a for a in story["articles"] if a["id"] == "pinecrest-varn-1")
    assert repost["copy_of"] == "wire-varn-1"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "also published by" in html and "Pinecrest Daily" in html


def test_second_run_joins_stored_story_and_finds_stored_copies(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = analyze([write_jsonl(tmp_path / "1" / "a.jsonl", [QUAKE_A1, QUAKE_B1, QUAKE_B2, WIRE])], db=db)
    sorrel = story_of(first, "ledger-sorrel-1")
    varn = story_of(first, "wire-varn-1")
    second = analyze([write_jsonl(tmp_path / "2" / "b.jsonl", [QUAKE_B3_LATER, REPOST])], db=db)
    assert story_of(second, "gazette-sorrel-2") == sorrel
    repost = next(a for a in second.articles if a.id == "pinecrest-varn-1")
    assert repost.canonical_id == "wire-varn-1" and repost.story_id == varn
    from newsprism.store import Store

    with Store(db) as store:
        assert store.get_article("wire-varn-1").copies == ["pinecrest-varn-1"]
        assert set(store.story_article_ids(sorrel)) == {"ledger-sorrel-1", "herald-sorrel-1", "gazette-sorrel-2"}
    assert second.stats["group"].get("joined_stored", 0) >= 1


def test_story_ids_are_stable_across_reruns_and_fresh_stores(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "in" / "a.jsonl", [QUAKE_B2, QUAKE_A1, QUAKE_A2, QUAKE_B1, WIRE, REPOST])
    r1 = analyze([corpus], db=tmp_path / "one.db")
    r2 = analyze([corpus], db=tmp_path / "one.db")
    r3 = analyze([corpus], db=tmp_path / "two.db", reprocess=True)
    ids = [{a.id: a.story_id for a in r.articles} for r in (r1, r2, r3)]
    assert ids[0] == ids[1] == ids[2]


def test_dedup_kinds() -> None:
    a = WIRE["text"]
    exact = a.upper().replace("\n\n", "\n")
    near = a.replace("Tuesday", "Wednesday").replace("three", "four")
    part = "Editor's note: readers may call the help line.\n\n" + a + "\n\nMore local coverage follows tomorrow."
    other = QUAKE_B1["text"]
    fa, sa = fingerprint(a)
    assert fingerprint(exact)[0].content_hash == fa.content_hash
    assert is_copy(sa, fingerprint(near)[1]) == "near"
    assert is_copy(fingerprint(a[: len(a) // 2])[1], fingerprint(part)[1]) == "contained"
    assert is_copy(sa, fingerprint(other)[1]) is None
    docs = [Article(id=i, input=i, clean_text=t) for i, t in (("x1", a), ("x2", exact), ("x3", near), ("x4", other))]
    out = {d.id: d for d in Dedup().run(docs, Context())}
    assert out["x1"].copies == ["x2", "x3"] and out["x4"].canonical_id == "x4"


def test_anchor_screen_passes_copies_and_drops_strangers() -> None:
    a = WIRE["text"]
    part = "Editor's note: readers may call the help line.\n\n" + a + "\n\nMore local coverage follows tomorrow."
    fa, fp = fingerprint(a)[0], fingerprint(part)[0]
    assert len(fa.anchors) >= 1 and may_copy(fa, fp) and may_copy(fp, fa)
    # many anchors, none shared: dropped; too few anchors for an estimate: always verified
    many = list(range(0, 16 * MIN_SKETCH, 16))
    stranger = Fingerprint(content_hash="x", n_words=500, anchors=[x + 1 for x in many])
    assert not may_copy(Fingerprint(content_hash="y", n_words=500, anchors=many), stranger)
    few = Fingerprint(content_hash="z", n_words=60, anchors=many[: MIN_SKETCH - 1])
    assert may_copy(few, stranger)
    # half the anchors shared: well inside three standard errors of the thresholds at this size
    half = Fingerprint(content_hash="h", n_words=500, anchors=many[: MIN_SKETCH // 2] + [x + 1 for x in many[MIN_SKETCH // 2:]])
    assert may_copy(half, Fingerprint(content_hash="y", n_words=500, anchors=many))


def test_two_articles_carrying_the_same_wire_text_are_not_made_copies_of_each_other() -> None:
    wire = WIRE["text"]
    own_a = (
        "In Pinecrest, the town council met late on Tuesday to decide whether the spring market should go "
        "ahead. Councillor Brenna Hale said stall holders had already paid their fees and that the square "
        "itself was undamaged, but the fire chief asked for another day to inspect the old arcade. The vote "
        "was postponed until Thursday evening, when engineers are expected to report on the arcade roof and "
        "the footbridge near the library."
    )
    own_b = (
        "Farther north, the Oslin dairy cooperative said two of its milk tankers were stuck behind the closed "
        "bridge and that collection rounds would be rerouted through the Tessel pass. Manager Corin Vale "
        "estimated the detour would add ninety minutes to each round and asked farmers to keep their cooling "
        "tanks running overnight. The cooperative also offered its yard as a staging point for the volunteer "
        "crews arriving from the coast."
    )
    a, b = wire + "\n\n" + own_a, own_b + "\n\n" + wire
    # each carries the whole wire text, but they are not copies of one another
    assert is_copy(fingerprint(wire)[1], fingerprint(a)[1]) == "contained"
    assert is_copy(fingerprint(wire)[1], fingerprint(b)[1]) == "contained"
    assert is_copy(fingerprint(a)[1], fingerprint(b)[1]) is None
    docs = [Article(id=i, input=i, clean_text=t) for i, t in (("w", wire), ("a", a), ("b", b))]
    stage = Dedup()
    out = {d.id: d for d in stage.run(docs, Context())}
    assert out["a"].canonical_id != out["b"].canonical_id
    # the wire text joins one of them, not both
    assert out["w"].canonical_id in (out["a"].canonical_id, out["b"].canonical_id)
    assert stage.stats["refused_joins"] == 1


def test_canonical_prefers_origin_then_earliest_then_id() -> None:
    wire = Article(id="z", input="z", outlet="Union Newswire", published="2026-03-05")
    repost = Article(id="a", input="a", outlet="Pinecrest Daily", published="2026-03-01", origin="Union Newswire")
    assert choose_canonical([repost, wire]).id == "z"
    early = Article(id="b", input="b", published="2026-03-01")
    late = Article(id="a", input="a", published="2026-03-02")
    assert choose_canonical([late, early]).id == "b"
    assert choose_canonical([Article(id="q", input="q"), Article(id="p", input="p")]).id == "p"


def test_average_linkage_on_a_sparse_graph() -> None:
    # two tight triangles joined by one weak edge: the weak edge must not chain them
    ii = np.array([0, 0, 1, 3, 3, 4, 2])
    jj = np.array([1, 2, 2, 4, 5, 5, 3])
    s = np.array([0.9, 0.8, 0.85, 0.9, 0.8, 0.85, 0.3])
    labels = average_linkage(6, ii, jj, s, 0.5)
    assert labels == [0, 0, 0, 3, 3, 3]


def test_key_terms_weigh_names_and_headline() -> None:
    terms = key_terms("Varnholt quake", "Governor Ilse Marrow said the quake was strong.")
    assert terms["varnholt"] > terms["strong"]
    assert "ilse_marrow" in terms and "the" not in terms


# capitals, lower case, accented and non-Latin letters, digits, the joiners a name may hold, the
# separators a pair may or may not span, punctuation
_NAMEISH = st.text(alphabet="ABZÀÉÞabzßéø0'’-_ \t\n.,;Ω", max_size=60)


@settings(max_examples=400, deadline=None)
@given(_NAMEISH)
def test_caps_and_pairs_in_one_scan_equal_their_regex_definitions(text: str) -> None:
    from newsprism.stories import _CAP_PAIRS, _CAPS, _caps_and_pairs

    words, pairs = _caps_and_pairs(text)
    assert words == _CAPS.findall(text)
    assert pairs == _CAP_PAIRS.findall(text)


def _tfidf_by_hand(raw: list[tuple[tuple[str, ...], np.ndarray]], doc_terms: int) -> list[dict[str, float]]:
    """The documented weighting, one term at a time: (1 + ln tf) * (ln((N + 1) / (df + 1)) + 1),
    each document cut to its strongest terms (ties: by term), L2-normalised."""
    import math

    n = len(raw)
    df: dict[str, int] = {}
    for terms, _ in raw:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    out = []
    for terms, tfs in raw:
        w = {t: (1.0 + math.log(tf)) * (math.log((n + 1) / (df[t] + 1)) + 1.0) for t, tf in zip(terms, tfs.tolist())}
        top = sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:doc_terms]
        norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
        out.append({t: v / norm for t, v in top})
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from([f"t{i}" for i in range(40)]),
                                st.integers(1, 12), min_size=0, max_size=30), min_size=1, max_size=25),
       st.booleans())
def test_tfidf_matches_the_weighting_done_by_hand(docs: list[dict[str, int]], halves: bool) -> None:
    # weights that are sums of halves take the table path (with weights ranked by (tf, df)
    # pair); other weights the general one; both must agree with the formula, order included
    from newsprism import stories

    scale = 0.5 if halves else 0.3
    raw = [(tuple(d), np.array([c * scale for c in d.values()], dtype=np.float64)) for d in docs]
    for cut in (stories.DOC_TERMS, 5):  # 5: most documents are cut, so the order decides
        saved = stories.DOC_TERMS
        stories.DOC_TERMS = cut
        try:
            vecs, X, vocab, *_ = stories._tfidf(raw, None)
        finally:
            stories.DOC_TERMS = saved
        want = _tfidf_by_hand(raw, cut)
        assert [list(v) for v in vecs] == [list(v) for v in want]  # same terms in the same order
        for got, exp in zip(vecs, want):
            assert got == pytest.approx(exp, rel=1e-12)
        assert X.shape[0] == len(raw) and set(vocab) == {t for v in want for t in v}


def _centroid_by_adding(vecs, emb, days, members, founder):
    """What the centroid of ``members`` is by its definition: each member added in turn."""
    from newsprism.stories import _Story, story_id_for

    cl = _Story(id=story_id_for(founder))
    for i in members:
        cl.add(vecs[i], emb[i], days[i])
    return cl


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 30), st.sampled_from([6, 500]), st.integers(0, 2**32 - 1), st.booleans())
def test_centroids_equal_adding_members_one_by_one(n: int, vocab: int, seed: int, with_terms: bool) -> None:
    # clusters of one and of several, some undated members. A small vocabulary gives tied sums
    # (the order of ties is the insertion order); a large one centroids that outgrow 2 * STORY_TERMS
    from newsprism import stories

    rng = np.random.default_rng(seed)
    raw = []
    for _ in range(n):
        terms = rng.choice(vocab, size=int(rng.integers(0, min(vocab, 90) + 1)), replace=False)
        raw.append((tuple(f"t{t}" for t in terms.tolist()), rng.integers(1, 3, len(terms)) * 0.5))
    docs = [dict(zip(t, w)) for t, w in raw]
    vecs = stories._tfidf(raw, None)[0]
    n = len(docs)
    emb = rng.standard_normal((n, 4)).astype(np.float32)
    days = [None if x < 0 else int(x) for x in rng.integers(-1, 5, n)]
    label = rng.integers(0, max(1, n // 4), n)
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(label.tolist()):
        groups.setdefault(lab, []).append(i)
    clusters = sorted(groups.values(), key=lambda m: m[0])
    founders = [f"doc{m[0]}" for m in clusters]
    got = stories._centroids(clusters, founders, vecs, emb, days, with_terms=with_terms)
    assert len(got) == len(clusters)
    for members, founder, cl in zip(clusters, founders, got):
        want = _centroid_by_adding(vecs, emb, days, members, founder)
        assert (cl.id, cl.n, cl.first_day, cl.last_day) == (want.id, want.n, want.first_day, want.last_day)
        assert np.array_equal(cl.emb, want.emb)
        summed: dict[str, float] = {}
        for i in members:
            for t, v in vecs[i].items():
                summed[t] = summed.get(t, 0.0) + v
        if len(summed) <= 2 * stories.STORY_TERMS:  # never cut while adding: exactly the same
            assert cl.to_state() == want.to_state()
            if with_terms:
                assert list(cl.terms.items()) == list(want.terms.items())  # order too
        else:  # the strongest of the exact sums
            strongest = sorted(summed.items(), key=lambda kv: kv[1], reverse=True)[:stories.STORY_TERMS]
            assert list(cl.to_state()[3]["terms"]) == [t for t, _ in strongest]
            if with_terms:
                assert list(cl.terms.items()) == strongest
        if not with_terms:
            assert cl.terms == {}


def test_doc_weight_term_order_is_lexsort() -> None:
    from newsprism.stories import _doc_weight_term_order

    rng = np.random.default_rng(7)
    doc = np.sort(rng.integers(0, 50, 2000))
    w = rng.choice([0.5, 1.0, 1.5, 2.25, 3.0], 2000)  # many ties on weight
    term = rng.permutation(2000)  # a document's terms are distinct
    want = np.lexsort((term, -w, doc))
    assert np.array_equal(_doc_weight_term_order(doc, w, term, 50, 2000), want)
    assert np.array_equal(_doc_weight_term_order(doc, w, term, 2**40, 2**30), want)  # too wide: lexsort


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-2**63, 2**63 - 1),
                          st.lists(st.integers(-2**63, 2**63 - 1), max_size=4),
                          st.lists(st.integers(-2**63, 2**63 - 1), max_size=40)), max_size=6))
def test_stored_keys_are_each_fingerprints_keys(parts: list[tuple[int, list[int], list[int]]]) -> None:
    fps = {f"a{i}": Fingerprint(content_hash=str(i), n_words=100, hash_key=h, bands=b, anchors=a)
           for i, (h, b, a) in enumerate(parts)}
    ids, keys, owner = stored_keys(fps)
    assert ids == list(fps) and keys.dtype == np.int64 and len(keys) == len(owner)
    for i, (aid, fp) in enumerate(fps.items()):
        assert sorted(keys[owner == i].tolist()) == sorted(fp.keys())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), max_size=60), st.booleans())
def test_group_pairs_finds_the_pairs_sharing_a_key(entries: list[tuple[int, int]], ascending: bool) -> None:
    if ascending:
        entries = sorted(entries, key=lambda e: e[1])  # the order dedup builds
    keys = np.array([k for k, _ in entries], dtype=np.int64)
    docs = np.array([d for _, d in entries], dtype=np.int64)
    want = set()
    for k in set(keys.tolist()):
        holders = docs[keys == k].tolist()
        if 2 <= len(holders) <= 4:
            want |= {min(a, b) * 6 + max(a, b) for a in holders for b in holders if a != b}
    got = _group_pairs(keys, docs, 6, 4)
    assert set(got.tolist()) == want


def test_candidate_pairs_are_the_same_on_one_thread_and_two(monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy import sparse

    import newsprism.stories as stories_mod

    rng = np.random.default_rng(3)
    n, terms = 400, 300
    X = sparse.random(n, terms, density=0.04, format="csr", random_state=rng, dtype=np.float32)
    emb = rng.standard_normal((n, 8)).astype(np.float32)
    day = np.sort(rng.integers(740000, 740060, n)).astype(np.int64)
    day[rng.random(n) < 0.15] = -1  # undated ones take the other path
    order = np.argsort(np.where(day < 0, 10**9, day), kind="stable")
    X, emb, day = X[order], emb[order], day[order]
    vocab = {f"t{i}": i for i in range(terms)}
    dfs = {f"t{i}": int(rng.integers(1, 60)) for i in range(terms)}
    g = GroupStories()
    got = []
    for threads in (1, 2):
        monkeypatch.setattr(stories_mod, "PAIR_THREADS", threads)
        monkeypatch.setattr(stories_mod.os, "cpu_count", lambda: 2)
        got.append(g._candidate_pairs(X, emb, day, vocab, dfs, n))
    assert len(got[0][0]) > 100
    assert all(np.array_equal(a, b) for a, b in zip(got[0], got[1]))


def test_strict_top_per_row_keeps_k_by_count_then_weight_then_column() -> None:
    from scipy import sparse

    from newsprism.stories import _strict_top_per_row

    count = sparse.csr_matrix(np.array([[1, 1, 1, 1, 2, 0],
                                        [1, 1, 0, 0, 0, 0]], dtype=np.float32))
    weight = sparse.csr_matrix(np.array([[0.1, 0.3, 0.3, 0.2, 0.05, 0],
                                         [0.5, 0.5, 0, 0, 0, 0]], dtype=np.float32))
    got = _strict_top_per_row(count, weight, 3).toarray()
    # row 0: the count of 2 first, then the two heaviest of the tied ones (0.3, 0.3; the lower
    # column first among those is moot, both fit); row 1 has fewer than k and keeps both
    assert (got[0] > 0).tolist() == [False, True, True, False, True, False]
    assert (got[1] > 0).tolist() == [True, True, False, False, False, False]
    got = _strict_top_per_row(count, weight, 2).toarray()
    assert (got[0] > 0).tolist() == [False, True, False, False, True, False]  # tie on weight: lower column
    with pytest.raises(ValueError):
        _strict_top_per_row(count, sparse.csr_matrix(np.ones((2, 6), dtype=np.float32)), 2)


def test_an_undated_article_gets_at_most_its_share_of_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    # a rare term shared by many undated articles: ties on the count of shared terms used to
    # keep every partner, so candidates grew with the corpus
    from scipy import sparse

    import newsprism.stories as stories_mod

    n = 40
    dense = np.zeros((n, 3), dtype=np.float32)
    dense[:, 0] = 1.0  # every article has the shared term
    dense[:, 1] = np.linspace(0.1, 0.9, n)  # and a weight that tells them apart
    X = sparse.csr_matrix(dense)
    day = np.full(n, -1, dtype=np.int64)
    monkeypatch.setattr(stories_mod, "UNDATED_NEIGHBOURS", 5)
    ii, jj, _ = GroupStories()._candidate_pairs(X, None, day, {"a": 0, "b": 1, "c": 2},
                                                {"a": 3, "b": 3, "c": 3}, 1000)
    # at most five chosen by each (all 780 pairs before); the five heaviest are everyone's choice
    assert n * 5 // 2 <= len(ii) <= n * 5
    assert len(set(zip(ii.tolist(), jj.tolist()))) == len(ii)
