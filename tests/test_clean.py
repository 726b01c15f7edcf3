"""Regression tests for the cleaner, in the style of trafilatura's: on noisy articles we wrote
ourselves (tests/data/clean), what must be kept, what must be dropped, and for which reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.clean import REASONS, Clean, classify
from newsprism.clean.meta import byline, date_line, dateline, display_title
from newsprism.clean.lines import Unit
from newsprism.errors import NewsprismError
from newsprism.model import Article

DATA = Path(__file__).parent / "data" / "clean"


def clean(name: str, **kw: object) -> Article:
    doc = Article(id="t", input=name, raw_text=(DATA / name).read_text(encoding="utf-8"), **kw)  # type: ignore[arg-type]
    return Clean().process(doc)


def reasons_of(doc: Article, fragment: str) -> set[str]:
    return {s.reason for s in doc.removed if fragment in s.text}


def check(doc: Article, keep: list[str], drop: dict[str, str]) -> None:
    assert doc.clean_text is not None
    for text in keep:
        assert text in doc.clean_text, f"body lost: {text!r}"
    for text, reason in drop.items():
        assert text not in doc.clean_text, f"noise kept in body: {text!r}"
        assert reason in reasons_of(doc, text), f"{text!r}: expected reason {reason}, got {reasons_of(doc, text)}"
    for seg in doc.removed:
        assert seg.reason in REASONS


def test_syndicated_copy_with_widgets_captions_and_bio() -> None:
    doc = clean("ferry-syndicated.txt")
    check(doc,
          keep=["Sound Link Ferries suspended all night crossings", "moved all 40 passengers",
                "By midnight the vessel had been towed back",  # "By ..." that is not a byline
                "I have sailed this route for nineteen years",  # first person inside a quote is body
                "day crossings would continue"],
          drop={"What's Your Reaction?": "widget", "Content created by": "licensing",
                "(Photo by Jon Arkwright": "caption", "214 12": "counter",
                "I'm a retired harbour pilot": "bio"})
    assert {s.text for s in doc.removed if s.reason == "widget"} >= {"like", "love", "angry", "sad", "wow"}
    assert doc.title == "Ferry operator suspends night crossings after engine fire in Greywater Sound"
    assert [s.reason for s in doc.removed if s.text == doc.title] == ["headline", "duplicate"]
    assert doc.dek and doc.dek.startswith("Crew evacuated 40 passengers")
    assert doc.published == "2026-02-03" and doc.metadata["published_time"] == "09:14"
    assert doc.origin == "The Tidewater Press Cooperative"
    assert doc.outlet == "The Tidewater Press Cooperative" and doc.metadata["outlet_from"] == "licensing"
    # the caption appears twice in the input and once in the captions
    assert len(doc.captions) == 1 and doc.captions[0].startswith("Passengers wait on the quay")
    assert sum(1 for s in doc.removed if s.reason == "caption") == 2


def test_appeal_address_embed_and_credit_without_headline() -> None:
    doc = clean("mine-appeal.txt")
    check(doc,
          keep=["Regulators ordered the Copperline mine", "Residents have complained",
                "The mine employs about 600 people"],
          drop={"Mailing Address": "address", "1200 Granite Way": "address", "Harlow Ridge, CO 81999": "address",
                "pic.twitter.com": "embed", "Reuters contributed reporting.": "credit",
                "A Message from The Kestrel Review:": "appeal", "Dear readers,": "appeal",
                "For twelve years we have reported": "appeal", "monthly contribution": "appeal"})
    assert doc.title is None, "no headline in the input: none may be invented"
    assert doc.display_title and doc.display_title.startswith("Regulators ordered the Copperline mine")
    assert doc.metadata["title_from"] == "lead"
    assert doc.origin == "The Kestrel Review" and doc.credits == ["Reuters"]
    assert sum(1 for s in doc.removed if s.reason == "address") == 6


def test_navigation_adverts_promo_contact_byline_and_dateline() -> None:
    doc = clean("council-budget.txt")
    check(doc,
          keep=["EASTBROOK (Valley Wire) — Eastbrook's council voted 6-3",
                "How the money will be spent",  # a subheading stays in the body
                "Councillor Bea Anand, who proposed the compromise",
                "I asked my neighbours what they wanted cut"],
          drop={"Home | Local | Politics | Sport": "navigation", "Advertisement": "advert",
                "Read more: Eastbrook parking fees": "navigation", "Story continues below advertisement": "advert",
                "Sign up for our morning briefing": "promo", "Tips? Email": "contact", "Tweet": "widget",
                "By Hana Lutz and Omar Field": "byline", "Published: 4 February 2026": "date"})
    assert doc.authors == ["Hana Lutz", "Omar Field"]
    assert doc.published == "2026-02-04"
    assert doc.dateline == "EASTBROOK" and doc.origin == "Valley Wire"
    assert doc.outlet is None, "a dateline agency is the origin, not the outlet that published the page"
    assert doc.dek and doc.dek.startswith("The plan keeps all five branches open")


def test_hard_wrapped_paragraphs_are_rejoined() -> None:
    doc = clean("wrapped-plain.txt")
    paras = doc.clean_text.split("\n\n")  # type: ignore[union-attr]
    assert len(paras) == 3
    assert "for the first time since 2023, organisers said" in paras[0]
    assert "Linden Square during the last festival" in doc.captions[0]
    assert reasons_of(doc, "Related: Linden Square") == {"navigation"}


def test_opinion_column_keeps_first_person_tables_and_lookalikes() -> None:
    """Lines that look like noise to a careless rule but are the article."""
    doc = clean("column-and-tables.txt")
    check(doc,
          keep=["For eleven years I have taken the last bus home",  # first person, not a bio
                "BY THE NUMBERS",  # a subheading, not a byline
                "2019 4,120", "2025 3,580",  # table rows, not counters
                "When the story appeared on local television",  # not a licensing note
                "Campaign donations are also part of the picture",  # not an appeal
                "was the leading co-author of the 2021 plan",  # not an author bio
                "My shift ends at midnight"],
          drop={"is a columnist for the Brackwater Herald": "bio"})
    assert doc.authors == ["Nadia Fell"] and reasons_of(doc, "Nadia Fell") >= {"byline"}


def test_reader_title_is_kept_and_its_repeat_dropped() -> None:
    text = ("Quarry road reopens after landslide\n"
            "Crews cleared the last of the rock from the quarry road on Friday, the county said.\n"
            "Quarry road reopens after landslide\n"
            "The road had been shut for nine days.\n")
    doc = Clean().process(Article(id="t", input="x", raw_text=text, title="Quarry road reopens after landslide"))
    assert doc.clean_text == ("Crews cleared the last of the rock from the quarry road on Friday, the county said."
                              "\n\nThe road had been shut for nine days.")
    assert [s.reason for s in doc.removed] == ["headline", "duplicate"]


def test_every_line_is_accounted_for_on_the_fixtures() -> None:
    for path in sorted(DATA.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        res = classify(raw)
        covered = sorted(i for u in res.units for i in u.lines)
        expected = [i for i, line in enumerate(raw.splitlines()) if line.strip()]
        assert covered == expected, path.name


def test_only_noise_is_a_coded_rejection() -> None:
    doc = Article(id="t", input="noise.txt", raw_text="Advertisement\nShare this article\n 12  4\n")
    with pytest.raises(NewsprismError) as err:
        Clean().process(doc)
    assert err.value.code == "E203" and "noise.txt" in err.value.message and "advert" in err.value.message


def test_a_lone_headline_is_kept_as_body_rather_than_rejected() -> None:
    doc = Clean().process(Article(id="t", input="x", raw_text="Storm closes mountain pass"))
    assert doc.clean_text == "Storm closes mountain pass"


@pytest.mark.parametrize("line,iso", [
    ("Nov 18, 2025 · 13:28", "2025-11-18"), ("March 10, 2026", "2026-03-10"), ("18 November 2025", "2025-11-18"),
    ("Published: 4 February 2026", "2026-02-04"), ("Updated Tuesday, Sept. 9, 2025 at 6:05 p.m. EDT", "2025-09-09"),
    ("2026-01-31T08:00:00Z", "2026-01-31"), ("3/7/2026", "2026-03-07"),
])
def test_date_lines(line: str, iso: str) -> None:
    assert (date_line(line) or ("",))[0] == iso


@pytest.mark.parametrize("line", ["March 10, 2026, was the wettest day of the year so far.", "Feb 30, 2026",
                                  "In 2026 the council met 14 times."])
def test_not_date_lines(line: str) -> None:
    assert date_line(line) is None


def _u(text: str) -> Unit:
    return Unit(text=text, lines=[0], block=0, words=len(text.split()))


def test_bylines() -> None:
    assert byline(_u("By Irene Castell, Courier staff")) == (["Irene Castell"], None)
    assert byline(_u("By Gregor Plaskett · March 10, 2026")) == (["Gregor Plaskett"], "2026-03-10")
    assert byline(_u("By September, funding for the project had run out, officials said.")) is None
    assert byline(_u("By Monday")) is None


def test_datelines_and_display_titles() -> None:
    assert dateline("PORT CALDER (Northern Wire) — A fire tore through") == ("PORT CALDER", "Northern Wire")
    assert dateline("KYIV, Ukraine (AP) — Officials said") == ("KYIV, Ukraine", "AP")
    assert dateline("Port Calder — A fire") is None
    assert display_title("U.S. officials said on Monday that the talks would resume. Both sides agreed.") == \
        "U.S. officials said on Monday that the talks would resume."
    assert display_title("WASHINGTON (AP) — Dr. Lena Ortiz was sworn in on Monday. She is 51.") == \
        "Dr. Lena Ortiz was sworn in on Monday."
    long = "A " + "very " * 40 + "long lead."
    t = display_title(long)
    assert len(t) <= 111 and t.endswith("…")
