"""`meetings` command line: thin typer commands over the loader, dbt and reporting modules."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from loader import dbt, settings
from loader.errors import MeetingsError
from loader.ingest import FileOutcome, load_folder
from loader.land import connect, ensure_raw_tables
from loader.report import LoadProgress, summary_line, summary_table

app = typer.Typer(
    help=(
        "Meeting history pipeline: land Calendly / Cal.com CSV exports in DuckDB (load), "
        "build the dbt models and tests (build), or both (run)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
# Logs of cron jobs and CI are not terminals: give tables room instead of rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)
_state = {"debug": False}

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder with the exports (sub-folders calendly/, calcom/, lacrm/). "
        "Default: $MEETINGS_DATA_DIR, else data/ in the project.",
        show_default=False,
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB warehouse file. Default: $MEETINGS_DB, else warehouse/meetings.duckdb.",
        show_default=False,
    ),
]


def _fail(message: str) -> None:
    err_console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


@app.callback()
def main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks for unexpected errors.")
    ] = False,
) -> None:
    """Meeting history pipeline (Calendly + Cal.com -> DuckDB -> dbt -> LACRM)."""
    _state["debug"] = debug


def _load(data_dir: Path | None, db: Path | None) -> list[FileOutcome]:
    folder = settings.data_dir(data_dir)
    tz = settings.export_timezone()
    with connect(settings.db_path(db)) as con, LoadProgress(console) as progress:
        outcomes = load_folder(con, folder, tz, progress)
    console.print(summary_table(outcomes))
    console.print(summary_line(outcomes))
    return outcomes


def _build(db: Path | None, dbt_args: list[str]) -> bool:
    path = settings.db_path(db)
    # Raw tables must exist (even before any export) for the staging views to compile.
    with connect(path) as con:
        ensure_raw_tables(con)
    return dbt.run_dbt(["build", *dbt_args], path)


@contextmanager
def _user_errors(action: str) -> Iterator[None]:
    """Turn a MeetingsError into a one-line message and exit code 1 (traceback with --debug)."""
    try:
        yield
    except MeetingsError as exc:
        if _state["debug"]:
            raise
        _fail(f"{action}: {exc}")


@app.command()
def load(data_dir: DataDirOption = None, db: DbOption = None) -> None:
    """Land new export files from the data folder into the DuckDB raw tables.

    Files are recognised by their header, not their folder. A file whose content was
    already loaded (same bytes, any name) is skipped. Each file lands completely or not
    at all. Exit code 1 if any file was rejected.
    """
    with _user_errors("load"):
        outcomes = _load(data_dir, db)
    if any(o.status == "rejected" for o in outcomes):
        raise typer.Exit(code=1)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def build(ctx: typer.Context, db: DbOption = None) -> None:
    """Run `dbt build` (models, snapshots, seeds, tests) on the warehouse.

    Extra arguments go to dbt unchanged, e.g. `meetings build --select marts`.
    Exit code 1 if any model or test failed.
    """
    with _user_errors("build"):
        ok = _build(db, list(ctx.args))
    if not ok:
        _fail("build: dbt reported failing models or tests (see above)")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(ctx: typer.Context, data_dir: DataDirOption = None, db: DbOption = None) -> None:
    """Load new exports, then build. Extra arguments go to `dbt build`.

    The build still runs when a file was rejected (the other files are fine), but the
    exit code is 1 so a cron job notices.
    """
    with _user_errors("run"):
        outcomes = _load(data_dir, db)
        ok = _build(db, list(ctx.args))
    if not ok:
        _fail("run: dbt reported failing models or tests (see above)")
    if any(o.status == "rejected" for o in outcomes):
        _fail("run: some files were rejected (see the load summary)")
