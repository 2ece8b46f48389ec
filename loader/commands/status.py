"""`meetings status`: one screen that tells staff what to do next."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from loader.cli_common import DbOption, console, user_errors
from loader.settings import Settings
from loader.status import StatusReport, read_status
from loader.warehouse import read_analytics

STYLE = {"ok": "green", "warn": "yellow", "error": "bold red", "never": "yellow"}


def _render(report: StatusReport) -> Group:
    lines: list[Text] = []
    for p in report.platforms:
        mark = {"ok": "✔", "warn": "!", "error": "✘", "never": "!"}[p.level]
        lines.append(Text(f"{mark} {p.message()}", style=STYLE[p.level]))
    for gap in report.gaps:
        lines.append(Text(f"! {gap.message()}", style="yellow"))
    if report.orphaned_meetings:
        lines.append(
            Text(
                f"! {report.orphaned_meetings} meeting(s) not matched to a LACRM contact"
                " — run `meetings review --decide`",
                style="yellow",
            )
        )
    # A measure, not a task: it does not count against "Nothing to do."
    measures = []
    if report.review_burden is not None:
        measures.append(Text(f"  {report.review_burden.message()}", style="dim"))
    if report.unclassified:
        names = ", ".join(f"{n} ({p}, {c})" for n, p, c in report.unclassified[:5])
        more = f" and {len(report.unclassified) - 5} more" if len(report.unclassified) > 5 else ""
        lines.append(
            Text(
                f"! {len(report.unclassified)} event type(s) unclassified: {names}{more}"
                " — add rules to seeds/meeting_type_rules.csv",
                style="yellow",
            )
        )
    for path, error in report.rejected_files:
        lines.append(Text(f"✘ rejected file {path}: {error}", style="red"))
    if all(p.level == "ok" for p in report.platforms) and len(lines) == len(report.platforms):
        lines.append(Text("Nothing to do.", style="green"))
    return Group(*lines, *measures)


def status(
    db: DbOption = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            help="Measure export ages at this time instead of now (e.g. 2026-12-01).",
            show_default=False,
        ),
    ] = None,
    fail_on_stale: Annotated[
        bool,
        typer.Option(
            "--fail-on-stale/--no-fail-on-stale",
            help="Exit 1 when an export is older than the error threshold (for cron).",
        ),
    ] = True,
) -> None:
    """Show what needs doing: export age per platform, coverage gaps, meetings awaiting
    review, unclassified event types, rejected files; then the review burden (meetings
    awaiting review per 100 meetings of the 90 days before the build).

    Reads the analytics copy the last successful build published (never the warehouse, so
    it works while `meetings run` does). Exit code 1 when an export is older than the error
    threshold (dbt var `freshness_error_after_days`, default 15 days), so a cron job can alert.
    """
    now = (as_of.replace(tzinfo=as_of.tzinfo or UTC)) if as_of else datetime.now(UTC)
    with user_errors("status"), read_analytics(Settings.resolve(db=db).analytics_db) as con:
        report = read_status(con, now)
    console.print(
        Panel(_render(report), title=f"meetings status — {now:%Y-%m-%d %H:%M} UTC", expand=False)
    )
    if report.is_stale and fail_on_stale:
        raise typer.Exit(code=1)
