"""Builders for small, human-readable test exports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from loader.formats import CALENDLY

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "data" / "sample"


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


WriteCsv = Callable[..., Path]


def read_only_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Run a query on a warehouse file opened read-only (and closed again), in UTC."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql).fetchall()
    finally:
        con.close()
