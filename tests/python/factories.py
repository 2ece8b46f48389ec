"""Builders for small, human-readable test exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class ServedSite:
    """The dbt docs site of the sample warehouse, served by `meetings docs --serve`."""

    url: str
    """Base URL on 127.0.0.1, ending in `/`."""
    target: Path
    """Folder dbt wrote the site to (index.html, manifest.json, catalog.json)."""
