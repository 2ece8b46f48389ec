"""`meetings` command line. Commands live in `loader/commands/<area>.py`; this file only
creates the app and registers them (one line per command)."""

from __future__ import annotations

from typing import Annotated

import typer

from loader.cli_common import PASSTHROUGH, state
from loader.commands import (
    backup,
    contacts,
    docs,
    pipeline,
    quarantine,
    report,
    review,
    sql,
    status,
    sync,
)

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


@app.callback()
def main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks for unexpected errors.")
    ] = False,
) -> None:
    """Meeting history pipeline (Calendly + Cal.com -> DuckDB -> dbt -> LACRM)."""
    state["debug"] = debug


# --- pipeline ---
app.command()(pipeline.load)
app.command(context_settings=PASSTHROUGH)(pipeline.build)
app.command(context_settings=PASSTHROUGH)(pipeline.run)

# --- monitoring ---
app.command()(status.status)

# --- docs, the report page and the analysts' copy ---
app.command()(docs.docs)
app.command()(report.report)
app.command()(sql.sql)

# --- bad input and faults ---
app.command()(quarantine.quarantine)
app.command()(backup.backup)

# --- contacts and matching ---
app.add_typer(contacts.app, name="contacts")
app.command()(review.review)
app.command()(review.resolve)

# --- export to LACRM ---
app.command()(sync.sync)
