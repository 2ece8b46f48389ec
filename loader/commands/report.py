"""`meetings report`: write the one-page HTML report from the marts (and open it)."""

from __future__ import annotations

import time
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from loader import dashboard
from loader.cli_common import DbOption, console, err_console, user_errors
from loader.errors import MeetingsError
from loader.settings import Settings
from loader.warehouse import read_analytics


def write_report(config: Settings) -> Path:
    """Render the report from the marts of the analytics copy into the report page (`--out`,
    default warehouse/report.html)."""
    copy = config.analytics_db
    target = config.report_page
    with read_analytics(copy) as con:
        missing = dashboard.missing_marts(con)
        if missing:
            raise MeetingsError(
                f"the analytics copy has no marts.{missing[0]} yet; run `meetings build` first"
            )
        html = dashboard.render(con, config.export_tz.key)
    return dashboard.write(html, target)


def refresh_after_build(config: Settings) -> bool:
    """`meetings run`'s last step: write the report again; False (and one line) if it failed."""
    try:
        written = write_report(config)
    except MeetingsError as exc:
        err_console.print(f"[red]error:[/] report: {exc}", highlight=False, soft_wrap=True)
        return False
    console.print(f"Report: {written}", highlight=False, soft_wrap=True)
    return True


def report(
    db: DbOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write the page. Default: $MEETINGS_REPORT, else report.html"
            " beside the warehouse (warehouse/report.html).",
            show_default=False,
        ),
    ] = None,
    open_page: Annotated[
        bool, typer.Option("--open", help="Open the page in the default browser.")
    ] = False,
) -> None:
    """Write the report page: meetings per month and platform, each advisor's meetings,
    clients due for a portfolio review, export gaps and the review queue.

    One self-contained HTML file (charts included, no internet needed): open it in a
    browser or email it. Every number comes from the marts of the last published build (the
    analytics copy, never the warehouse: it can be written while `meetings run` works);
    `meetings run` writes it again after each successful build.
    """
    config = Settings.resolve(db=db, report=out)
    with user_errors("report"):
        started = time.perf_counter()
        written = write_report(config)
    size_mb = written.stat().st_size / 1_000_000
    console.print(
        f"Report: {written} ({size_mb:.1f} MB, {time.perf_counter() - started:.1f} s)",
        highlight=False,
    )
    if open_page:
        webbrowser.open(written.as_uri())
