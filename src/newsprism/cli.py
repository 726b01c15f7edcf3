"""The ``newsprism`` command. It parses arguments, calls the library and prints.

Exit codes: 0 all good; 1 partial (some inputs were rejected); 2 usage error
(bad option, missing path, unknown story); 3 the run failed (e.g. the store
cannot be opened).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import Errors, NewsprismError, UsageError
from .store import DEFAULT_DB

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3

app = typer.Typer(
    name="newsprism",
    help="Compare many outlets' reports of the same events, fact by fact.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DB_OPTION = typer.Option(DEFAULT_DB, "--db", help="SQLite store file (created if missing).")


def _fail(exc: NewsprismError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED)


@app.command(epilog="Example: newsprism analyze examples/corpus --out out/")
def analyze(
    paths: list[Path] = typer.Argument(..., help=(
        "Files or directories. Formats: text (.txt .md), saved pages (.html .htm), JSON Lines (.jsonl .json), "
        "WARC crawls (.warc .warc.gz), RSS/Atom feeds (.rss .atom .xml), Parquet (.parquet); "
        "any of them gzipped (.gz). Unknown names are sniffed.")),
    db: Path = DB_OPTION,
    out: Optional[Path] = typer.Option(Path("out"), "--out", help="Directory for report.json and report.html."),
    engine: str = typer.Option("local", "--engine", help=(
        "Executor: local (this machine: this process, or --workers processes for runs of 1,000 articles "
        "or more), or ray (Ray Data, needs newsprism[ray]; starts a local Ray on all CPUs unless --address "
        "is given). All give the same report.")),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help=(
        "With --engine local: worker processes for the per-article stages (default: NEWSPRISM_WORKERS, "
        "else every CPU this process may use, at most 8; 1 = this process only).")),
    address: Optional[str] = typer.Option(None, "--address", help=(
        "With --engine ray: join this Ray cluster (e.g. ray://head:10001 or head:6379, or 'auto').")),
    max_doc_mb: float = typer.Option(20.0, "--max-doc-mb", help="Reject documents larger than this (MB)."),
    max_file_mb: float = typer.Option(2048.0, "--max-file-mb",
                                      help="Stop reading one multi-record file after this many MB (decompressed)."),
    max_files: int = typer.Option(1_000_000, "--max-files", help="Read at most this many files."),
    reprocess: bool = typer.Option(False, "--reprocess",
                                   help="Redo articles the store already holds (default: reuse them)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Ingest PATHS, run every stage, store the results and write the reports.

    Every input ends either as an article in the report or in its "rejected"
    list with a reason; the exit code is 1 when anything was rejected.
    """
    from .analyze import analyze as run
    from .config import Settings

    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        _fail(UsageError(Errors.E002, input=", ".join(missing)))
    settings = Settings(max_document_bytes=int(max_doc_mb * 1024 * 1024), max_files=max_files,
                        max_decompressed_bytes=int(max_file_mb * 1024 * 1024))
    options: dict[str, object] = {"address": address} if address else {}
    if workers is not None:
        if engine != "local":
            _fail(UsageError(Errors.E014, option="--workers", engine=engine))
        options["workers"] = workers
    try:
        result = run([str(p) for p in paths], db=db, out=out, engine=engine, settings=settings,
                     progress=None if not quiet else False, engine_options=options,
                     reprocess=reprocess)
    except NewsprismError as exc:
        _fail(exc)
        return
    if not quiet:
        multi = sum(1 for s in result.stories if len(s.article_ids) > 1)
        typer.echo(
            f"analysed {len(result.articles)} article(s) into {len(result.stories)} story(ies) "
            f"({multi} with several articles); {len(result.rejected)} input(s) rejected; "
            f"{result.seconds:.1f}s"
        )
        for r in result.rejected[:10]:
            typer.echo(f"  rejected [{r.code}] {r.reason}", err=True)
        if len(result.rejected) > 10:
            typer.echo(f"  ... and {len(result.rejected) - 10} more (see report.json)", err=True)
        typer.echo(f"store: {result.db}")
        for p in result.report_paths:
            typer.echo(f"report: {p}")
    raise typer.Exit(result.exit_code)


@app.command(epilog="Example: newsprism stories --db newsprism.db --limit 20")
def stories(
    db: Path = DB_OPTION,
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many stories."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many stories first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON Lines instead of a table."),
) -> None:
    """List the stories in the store, largest first."""
    store = _open(db)
    rows = store.list_stories(limit=limit, offset=offset)
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no stories in the store")
        return
    for r in rows:
        typer.echo(f"{r['id']}  {r['n_articles']:>3} article(s)  {r['last_seen'] or '-':<10}  {r['title']}")


@app.command(epilog="Example: newsprism show s_3f2a9c1d0e4b5a67 --db newsprism.db")
def show(
    story_id: str = typer.Argument(..., help="A story id, as printed by `newsprism stories`."),
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the story as report.json prints it."),
) -> None:
    """Show one story: its articles and what the comparison found."""
    from .report import story_json

    store = _open(db)
    story = store.get_story(story_id)
    if story is None:
        _fail(UsageError(Errors.E004, story_id=story_id, db=str(db)))
        return
    articles = store.get_articles(story.article_ids)
    if as_json:
        typer.echo(json.dumps(story_json(story, articles), ensure_ascii=False, indent=1))
        return
    typer.echo(f"{story.title}\n{story.id} · {len(articles)} article(s)")
    for a in articles:
        typer.echo(f"\n== {a.outlet or 'unknown outlet'} · {a.published or 'undated'} · {a.id}")
        typer.echo(a.title or a.display_title or "(no headline)")
        text = a.clean_text or ""
        typer.echo(text[:600] + (" ..." if len(text) > 600 else ""))
    for key in ("facts", "conflicts", "quote_differences", "summary"):
        items = getattr(story, key)
        if items:
            typer.echo(f"\n{key.replace('_', ' ')}: {len(items)}")
            for it in items[:10]:
                typer.echo(f"  - {it.get('text') or it.get('about') or it}")


@app.command(epilog="Example: newsprism runs --db newsprism.db")
def runs(
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON Lines instead of a table."),
) -> None:
    """List the runs recorded in the store: when, what, status and counts."""
    store = _open(db)
    for r in store.runs():
        if as_json:
            typer.echo(json.dumps(r, ensure_ascii=False))
        else:
            c = r["counts"]
            typer.echo(f"#{r['id']}  {r['started']}  {r['status']:<8} articles={c.get('articles', '-')} "
                       f"stories={c.get('stories', '-')} rejected={c.get('rejected', '-')}  {' '.join(r['inputs'])}")


@app.command(epilog="Example: newsprism export --format parquet --table articles --table quotes --out export/")
def export(
    fmt: str = typer.Option("jsonl", "--format", help="jsonl or parquet (one fixed schema per table)."),
    tables: Optional[list[str]] = typer.Option(
        None, "--table", help="articles, stories, facts or quotes; repeat for several (default: all four)."),
    out: Path = typer.Option(Path("export"), "--out", help="Directory to write into."),
    db: Path = DB_OPTION,
) -> None:
    """Export tables from the store: OUT/<table>.<format>.

    The files load straight into pandas (read_parquet / read_json(lines=True)),
    polars or DuckDB; nested fields are JSON strings in Parquet.
    """
    from .export import FORMATS, TABLES, export_store

    if fmt not in FORMATS:
        _fail(UsageError(Errors.E003, fmt=fmt, choices=", ".join(FORMATS)))
    bad = [t for t in tables or [] if t not in TABLES]
    if bad:
        _fail(UsageError(Errors.E122, table=bad[0], choices=", ".join(TABLES)))
    store = _open(db)
    try:
        paths = export_store(store, out, fmt, tables or TABLES)
    except NewsprismError as exc:
        _fail(exc)
        return
    for p in paths:
        typer.echo(f"wrote {p}")

@app.command(epilog="Example: newsprism serve --db newsprism.db --port 8000   (to allow uploads: "
                     "NEWSPRISM_TOKEN=s3cret newsprism serve --ingest-token-env NEWSPRISM_TOKEN)")
def serve(
    db: Path = DB_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default; 0.0.0.0 exposes it)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
    ingest_token_env: Optional[str] = typer.Option(
        None, "--ingest-token-env",
        help="Name of an environment variable holding the API ingest token. Without it, the API is read-only."),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn log level: warning, info, debug."),
) -> None:
    """Serve the web interface and the JSON API (/api/, schema at /api/openapi.json) over a store.

    The token is read from an environment variable, never from the command line, so it does
    not show up in `ps`. POST /api/ingest then needs `Authorization: Bearer <token>`.
    """
    import os

    if not db.exists():
        _fail(UsageError(Errors.E008, db=str(db), reason="no such file; run `newsprism analyze` first"))
    token = None
    if ingest_token_env:
        token = os.environ.get(ingest_token_env, "").strip()
        if not token:
            _fail(UsageError(Errors.E610, var=ingest_token_env))
    try:
        import uvicorn

        from .web import create_app

        web = create_app(str(db), ingest_token=token)
    except NewsprismError as exc:
        _fail(exc)
        return
    typer.echo(f"serving {db} on http://{host}:{port}/ (ingest {'on, token required' if token else 'off'})")
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: bound to {host}, not loopback: anyone who can reach this address can read the store",
                   err=True)
    uvicorn.run(web, host=host, port=port, log_level=log_level, server_header=False, timeout_keep_alive=5,
                h11_max_incomplete_event_size=16 * 1024)


@app.command(epilog='Example: newsprism framing draft.txt > flags.jsonl   '
                    '(or JSONL lines like {"id": "p1", "text": "The mayor caved."}; "-" reads stdin)')
def framing(
    file: str = typer.Argument(..., help="Text file (one passage per line) or JSONL {id, text}; - for stdin."),
) -> None:
    """Flag loaded language, one JSON line out per line in: {id, loaded, score, phrases}.

    Each phrase has its kind (loaded_verb, label, intensifier, presupposition, opinion), a
    one-line explanation and a neutral alternative. Bad lines give {id, error, code}; the exit
    code is then 1.
    """
    from .framing import check_lines

    if file == "-":
        stream, name = sys.stdin, "<stdin>"
    else:
        path = Path(file)
        if not path.exists():
            _fail(UsageError(Errors.E002, input=file))
        try:
            stream, name = path.open(encoding="utf-8", errors="replace"), file
        except OSError as exc:
            _fail(UsageError(Errors.E101, input=file, reason=exc.strerror or str(exc)))
            return
    bad = 0
    for rec in check_lines(stream, name):
        bad += "error" in rec
        typer.echo(json.dumps(rec, ensure_ascii=False))
    raise typer.Exit(EXIT_PARTIAL if bad else EXIT_OK)


def _open(db: Path):  # noqa: ANN202
    from .store import Store

    if not db.exists():
        _fail(UsageError(Errors.E008, db=str(db), reason="no such file; run `newsprism analyze` first"))
    try:
        return Store(db)
    except NewsprismError as exc:
        _fail(exc)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
