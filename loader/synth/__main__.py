"""`python -m loader.synth`: write synthetic exports (see `--help`)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from loader.cli_common import fail
from loader.errors import MeetingsError
from loader.synth import DEFAULT_LAST_EXPORT, SynthConfig, generate

console = Console()
_DEFAULT_LAST_EXPORT = datetime.combine(DEFAULT_LAST_EXPORT, datetime.min.time())
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder to write calendly/, calcom/, lacrm/, lacrm-api/ into "
            "(those sub-folders must be new or empty).",
        ),
    ],
    calendly_rows: Annotated[
        int,
        typer.Option(
            min=0,
            help="Calendly data rows in total, across all files (exact). Each booking repeats "
            "in every weekly export whose window covers it (~17x at steady state), so distinct "
            "bookings ~= rows / 17; with --single-file, rows = invitee bookings. 0 = none.",
        ),
    ] = 10_000,
    calcom_rows: Annotated[
        int, typer.Option(min=0, help="Cal.com data rows in total, across all files (exact).")
    ] = 10_000,
    contacts: Annotated[
        int, typer.Option(min=0, help="LACRM contacts (people; their companies are added).")
    ] = 2_000,
    contact_exports: Annotated[
        int,
        typer.Option(
            min=1,
            help="Weekly LACRM contact CSV exports, the newest on --last-export; older ones "
            "list the contacts of their week, some with the email they had before.",
        ),
    ] = 1,
    weeks: Annotated[
        int,
        typer.Option(
            min=1,
            help="Weekly exports per platform, each of the bookings starting 90 days before to "
            "30 days after the export. With --single-file: weeks of history in the one file.",
        ),
    ] = 26,
    shared_mailboxes: Annotated[
        int,
        typer.Option(
            min=0,
            help="Couples among the contacts who book from one shared address (each under"
            " their own name); 0 = none.",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option(help="Same seed and options -> byte-identical files.")] = 1,
    single_file: Annotated[
        bool,
        typer.Option(
            "--single-file", help="One export per platform covering all history (benchmarks)."
        ),
    ] = False,
    last_export: Annotated[
        datetime,
        typer.Option(formats=["%Y-%m-%d"], help="Day of the last weekly export."),
    ] = _DEFAULT_LAST_EXPORT,
) -> None:
    """Write realistic, deterministic Calendly and Cal.com exports (weekly overlapping
    windows, cancellations and no-shows arriving in later exports, reschedules, email
    variations) and a matching LACRM contact set (CSV export + GetContacts-shaped JSON)."""
    started = time.perf_counter()
    config = SynthConfig(
        out=out,
        calendly_rows=calendly_rows,
        calcom_rows=calcom_rows,
        contacts=contacts,
        contact_exports=contact_exports,
        weeks=weeks,
        shared_mailboxes=shared_mailboxes,
        seed=seed,
        single_file=single_file,
        last_export=last_export.date(),
    )
    try:
        result = generate(config)
    except MeetingsError as exc:
        fail(str(exc))
    for platform in ("calendly", "calcom"):
        if platform in result.files:
            console.print(
                f"{platform}: {len(result.files[platform])} file(s), {result.rows[platform]:,}"
                f" rows, {result.bookings[platform]:,} bookings"
                f" ({result.seconds[platform]:.1f} s)"
            )
    if result.contacts:
        exports = len(result.files["lacrm"]) - 1  # + the API-shaped JSON
        console.print(
            f"lacrm: {result.contacts:,} contacts, {exports} CSV export(s)"
            f" ({result.seconds['contacts']:.1f} s)"
        )
    console.print(f"written to {out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    app()
