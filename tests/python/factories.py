"""Builders for small, human-readable test exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from loader.formats import CALCOM, CALENDLY

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "data" / "sample"

# Debian's chromium (installed by `make chromium`) for the browser tests; Playwright's own
# browser download is unreachable from these machines.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def calendly_row(n: int, **overrides: str) -> dict[str, str]:
    """One realistic Calendly invitee row; `n` makes its ids and times unique."""
    row = dict.fromkeys(CALENDLY.known_columns, "")
    row.update(
        {
            "User Name": "Maria Gomez",
            "User Email": "maria@harborpointadvisors.example",
            "Invitee Name": f"Client {n}",
            "Invitee First Name": "Client",
            "Invitee Last Name": str(n),
            "Invitee Email": f"client{n}@example.com",
            "Invitee Time Zone": "Eastern Time - US & Canada",
            "Event Type Name": "Quarterly Portfolio Review",
            "Start Date & Time": f"2026-10-{n % 28 + 1:02d} 10:00 am",
            "End Date & Time": f"2026-10-{n % 28 + 1:02d} 11:00 am",
            "Event Created Date & Time": "2026-09-01 09:00 am",
            "Canceled": "false",
            "Marked as No-Show": "No",
            "Event UUID": f"ev-{n:04d}",
            "Invitee UUID": f"inv-{n:04d}",
        }
    )
    row.update(overrides)
    return row


# Columns only some Cal.com versions have; a current export carries none of them.
CALCOM_VERSION_COLUMNS = ("userName", "isTeamBooking", "noShowGuest")
CALCOM_HEADER = [c for c in CALCOM.known_columns if c not in CALCOM_VERSION_COLUMNS]


def calcom_row(n: int, **overrides: str) -> dict[str, str]:
    """One realistic Cal.com booking row (current export version, one attendee); `n` makes
    its ids and times unique. Pass `attendee2=...` etc. for more attendees."""
    day = f"2026-10-{n % 28 + 1:02d}"
    row = dict.fromkeys(CALCOM_HEADER, "")
    row.update(
        {
            "id": str(9000 + n),
            "uid": f"calUid{n:04d}xYz",
            "title": f"Portfolio Review between Maria Gomez and Client {n}",
            "createdAt": "2026-09-01T13:00:00.000Z",
            "timeStatus": "completed",
            "eventTypeId": "4103",
            "eventLength": "60",
            "startTime": f"{day}T14:00:00.000Z",
            "endTime": f"{day}T15:00:00.000Z",
            "paid": "false",
            "userEmail": "maria@harborpointadvisors.example",
            "userUsername": "maria-gomez",
            "noShowHost": "false",
            "createdAt_date": "2026-09-01",
            "createdAt_time": "09:00:00",
            "startTime_date": day,
            "startTime_time": "10:00:00",
            "endTime_date": day,
            "endTime_time": "11:00:00",
            "noShowGuestsCount": "0",
            "attendee1": f"Client {n} (client{n}@example.com)",
        }
    )
    row.update(overrides)
    return row


WriteCsv = Callable[..., Path]


@dataclass(frozen=True)
class ServedSite:
    """The dbt docs site of the sample warehouse, served by `meetings docs --serve`."""

    url: str
    """Base URL on 127.0.0.1, ending in `/`."""
    target: Path
    """Folder dbt wrote the site to (index.html, manifest.json, catalog.json)."""


def read_only_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Run a query on a warehouse file opened read-only (and closed again), in UTC."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql).fetchall()
    finally:
        con.close()
