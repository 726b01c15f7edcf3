from __future__ import annotations

import re
from pathlib import Path

from newsprism.errors import Errors, NewsprismError

DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"


def codes() -> dict[str, str]:
    return {k: v for k, v in vars(Errors).items() if re.fullmatch(r"E\d{3}", k)}


def test_codes_are_unique_and_messages_distinct() -> None:
    c = codes()
    assert len(set(c.values())) == len(c)


def test_every_code_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    missing = [k for k in codes() if f"`{k}`" not in doc]
    assert not missing, f"run scripts/gen_errors_doc.py: {missing}"


def test_error_carries_its_code_and_names_the_input() -> None:
    e = NewsprismError(Errors.E103, input="corpus/blob.bin")
    assert e.code == "E103" and "corpus/blob.bin" in e.message and str(e).startswith("[E103]")


def test_missing_template_fields_never_hide_the_error() -> None:
    e = NewsprismError(Errors.E104, input="x.jsonl")  # no line/reason given
    assert e.code == "E104" and e.message
