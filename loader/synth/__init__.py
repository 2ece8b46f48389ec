"""Synthetic Calendly / Cal.com exports and a matching LACRM contact set, deterministic by seed.

Used by tests and by the benchmark (`bench/`); run it as `python -m loader.synth --help`.
Everything is built by DuckDB SQL (no Python row loops), so a million rows take seconds.

Layout written under `out`:
    calendly/calendly-<YYYY-MM-DD>T<HHMM>.csv   one Calendly export per week
    calcom/Insights-<start>-<end>.csv           one Cal.com Insights export per week
    lacrm/contacts-export-<YYYY-MM-DD>.csv      LACRM contact CSV export(s), one a week
    lacrm-api/contacts.json                     the same contacts as GetContacts results
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

import duckdb

from loader.errors import MeetingsError
from loader.synth import calcom, calendly
from loader.synth.bookings import Population, create_offsets, export_rows, schedule
from loader.synth.people import (
    create_contacts,
    create_people,
    prospect_count,
    share_mailboxes,
    write_contacts_csvs,
    write_contacts_json,
)
from loader.synth.sql import install_macros

DEFAULT_LAST_EXPORT = date(2026, 11, 20)
CALENDLY_EXPORT_TIME = time(9, 30)
CALCOM_EXPORT_TIME = time(9, 45)


@dataclass(frozen=True)
class SynthConfig:
    """What to generate. Row counts are data rows across all files of that platform."""

    out: Path
    calendly_rows: int = 10_000
    calcom_rows: int = 10_000
    contacts: int = 2_000
    contact_exports: int = 1
    """Weekly LACRM contact CSV exports, the newest on `last_export` (older ones show the
    contacts and emails of their week)."""
    weeks: int = 26
    shared_mailboxes: int = 0
    """Couples among the contacts who book from one shared address: the second of each pair
    takes the first's email and last name (0 = none, the files stay byte-identical)."""
    seed: int = 1
    single_file: bool = False
    last_export: date = DEFAULT_LAST_EXPORT


@dataclass
class SynthResult:
    """Files written and what is in them."""

    files: dict[str, list[Path]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    bookings: dict[str, int] = field(default_factory=dict)
    contacts: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time per step (people, <platform>, contacts), for the curious and the benchmark."""


FOLDERS = {"calendly": "calendly", "calcom": "calcom", "lacrm": "lacrm", "lacrm_api": "lacrm-api"}


def _check_empty(folders: list[Path]) -> None:
    """Never mix runs (or real exports) in one folder: stale files would be loaded too."""
    for folder in folders:
        if folder.is_dir() and any(folder.iterdir()):
            raise MeetingsError(f"{folder} is not empty; choose a new --out folder")


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def generate(config: SynthConfig) -> SynthResult:
    """Write the exports and contacts described by `config`; same config -> same bytes."""
    if config.weeks < 1:
        raise MeetingsError("--weeks must be at least 1")
    if min(config.calendly_rows, config.calcom_rows, config.contacts) < 0:
        raise MeetingsError("row and contact counts must not be negative")
    if config.contact_exports < 1:
        raise MeetingsError("--contact-exports must be at least 1")
    if config.shared_mailboxes < 0 or 2 * config.shared_mailboxes > config.contacts:
        raise MeetingsError("--shared-mailboxes must be between 0 and half the contacts")
    out = config.out
    wanted = {
        "calendly": config.calendly_rows > 0,
        "calcom": config.calcom_rows > 0,
        "lacrm": config.contacts > 0,
        "lacrm_api": config.contacts > 0,
    }
    _check_empty([out / FOLDERS[k] for k, on in wanted.items() if on])
    result = SynthResult()
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        started = clock.perf_counter()
        install_macros(con, config.seed)
        plans = {
            "calendly": schedule(
                config.last_export, config.weeks, config.single_file, CALENDLY_EXPORT_TIME
            ),
            "calcom": schedule(
                config.last_export, config.weeks, config.single_file, CALCOM_EXPORT_TIME
            ),
        }
        history_start = min(e.lo for plan in plans.values() for e in plan)
        last_export_at = max(e.at for plan in plans.values() for e in plan)
        create_offsets(
            con,
            history_start.date() - timedelta(days=1200),
            max(e.hi for plan in plans.values() for e in plan).date() + timedelta(days=60),
        )
        create_people(con, config.contacts, history_start, last_export_at)
        if config.shared_mailboxes:
            share_mailboxes(con, config.shared_mailboxes, config.contacts)
        population = Population(config.contacts, prospect_count(config.contacts))
        result.seconds["people"] = clock.perf_counter() - started
        writers = {"calendly": calendly.write_exports, "calcom": calcom.write_exports}
        targets = {"calendly": config.calendly_rows, "calcom": config.calcom_rows}
        for platform, rows in targets.items():
            if rows <= 0:
                continue
            started = clock.perf_counter()
            export_rows(con, platform, rows, plans[platform], population)
            folder = out / FOLDERS[platform]
            result.files[platform] = writers[platform](con, folder, plans[platform])
            result.rows[platform] = _count(con, f"select count(*) from {platform}_keys")
            result.bookings[platform] = _count(con, f"select count(*) from {platform}_bookings")
            result.seconds[platform] = clock.perf_counter() - started
        if config.contacts > 0:
            started = clock.perf_counter()
            create_contacts(con, last_export_at)
            json_path = out / FOLDERS["lacrm_api"] / "contacts.json"
            csv_paths = write_contacts_csvs(
                con, out / FOLDERS["lacrm"], last_export_at, config.contact_exports
            )
            result.contacts = write_contacts_json(con, json_path)
            result.files["lacrm"] = [*sorted(csv_paths), json_path]
            result.seconds["contacts"] = clock.perf_counter() - started
    finally:
        con.close()
    return result
