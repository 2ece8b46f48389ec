"""Rejected exports still in the drop folder: what is wrong with each and what to do.

Files are never moved: a rejected file stays where the user put it and is listed here (from
`raw._load_manifest`) until a fixed version loads or the file is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from loader.discover import file_sha256
from loader.land import MANIFEST, RAW_SCHEMA


@dataclass(frozen=True)
class Quarantined:
    """A rejected file that is still in the drop folder."""

    file_path: str
    platform: str | None
    rejected_at: datetime
    reason: str
    changed_since: bool
    """The file at that path no longer has the rejected content: the next load re-checks it."""


def _manifest_exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = ? and table_name = '_load_manifest'",
        [RAW_SCHEMA],
    ).fetchone()
    return bool(row and row[0])


def quarantined(con: duckdb.DuckDBPyConnection, data_dir: Path) -> list[Quarantined]:
    """Files whose latest manifest entry is 'rejected' and that are still in `data_dir`."""
    if not _manifest_exists(con):
        return []
    rows = con.execute(
        f"""
        select file_path, platform, loaded_at, error, sha256
        from {MANIFEST}
        qualify row_number() over (partition by file_path order by load_id desc) = 1
            and status = 'rejected'
        order by file_path
        """
    ).fetchall()
    found = []
    for file_path, platform, rejected_at, reason, sha in rows:
        path = data_dir / str(file_path)
        if path.is_file():
            changed = file_sha256(path) != sha
            found.append(Quarantined(str(file_path), platform, rejected_at, str(reason), changed))
    return found
