"""The user-owned decisions file `data/lacrm/email_overrides.csv` (written by `meetings resolve`
and `meetings review --decide`, both through `decide`).

One row per email: `email,contact_id,action,decided_at,note` with action `match` (the email
belongs to contact_id) or `ignore` (internal/test address: never matched, never queued).
Recording a decision for an email that already has a row replaces that row. The file is
landed by `meetings load` like any export; its latest landed version is what the models use.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from loader.errors import MeetingsError
from loader.formats import EMAIL_OVERRIDES, header_key

FILE_NAME = "email_overrides.csv"
HEADER = list(EMAIL_OVERRIDES.known_columns)


@dataclass(frozen=True)
class Decision:
    email: str
    contact_id: str | None
    action: str  # "match" or "ignore"
    decided_at: str
    note: str = ""

    def as_row(self) -> dict[str, str]:
        return {
            "email": self.email.strip(),
            "contact_id": self.contact_id or "",
            "action": self.action,
            "decided_at": self.decided_at,
            "note": self.note,
        }


def overrides_path(data_dir: Path) -> Path:
    return data_dir / EMAIL_OVERRIDES.folder / FILE_NAME


def email_key(email: str) -> str:
    """Two spellings of one email that the file should hold once (case, spaces)."""
    return "".join(email.split()).casefold()


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        return HEADER, []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h for h in (reader.fieldnames or []) if h is not None]
        missing = [
            c
            for c in EMAIL_OVERRIDES.required
            if header_key(c) not in {header_key(h) for h in header}
        ]
        if missing:
            raise MeetingsError(
                f"{path} is not an overrides file (missing column(s): {', '.join(missing)});"
                " fix or move it"
            )
        rows = [{k: v or "" for k, v in row.items() if k is not None} for row in reader]
    # Columns the user added are kept; documented ones missing from an old file are added.
    extra = [h for h in HEADER if header_key(h) not in {header_key(x) for x in header}]
    return header + extra, rows


def record(path: Path, decision: Decision) -> bool:
    """Write the decision into the file (atomically); True if it replaced an earlier one."""
    header, rows = _read(path)
    email_column = next(h for h in header if header_key(h) == "email")
    key = email_key(decision.email)
    kept = [r for r in rows if email_key(r.get(email_column, "")) != key]
    canonical = {header_key(h): h for h in header}
    new_row = {canonical[header_key(k)]: v for k, v in decision.as_row().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".email_overrides.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(
                out, fieldnames=header, extrasaction="ignore", lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows([*kept, new_row])
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return len(kept) != len(rows)


def decide(path: Path, email: str, contact_id: str | None, note: str = "") -> bool:
    """Record, stamped now, that `email` belongs to `contact_id` (None: ignore the email).
    The one way the CLI writes a decision; True if it replaced an earlier one."""
    decision = Decision(
        email=email,
        contact_id=contact_id,
        action="ignore" if contact_id is None else "match",
        decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
        note=note.strip(),
    )
    return record(path, decision)


def decided_emails(path: Path) -> set[str]:
    """The emails the file holds a decision for (as `email_key` spells them)."""
    header, rows = _read(path)
    email_column = next(h for h in header if header_key(h) == "email")
    return {email_key(r.get(email_column, "")) for r in rows} - {""}
