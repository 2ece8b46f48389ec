"""`meetings backup`: copy the warehouse's tables to a folder (DuckDB EXPORT DATABASE)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from loader.backup import backup as export_backup
from loader.cli_common import DbOption, console, user_errors
from loader.errors import MeetingsError
from loader.settings import Settings
from loader.warehouse import connect

OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Folder to write (must not exist yet). Default: backups/meetings-YYYYMMDDTHHMMSSZ"
        " (UTC) next to the warehouse file.",
        show_default=False,
    ),
]


def backup(out: OutOption = None, db: DbOption = None) -> None:
    """Back up the warehouse: every table (raw exports, load manifest, marts) as parquet.

    The warehouse is the only copy of history older than the platforms' export windows:
    keep backups somewhere else. Restore into a new file with
    `duckdb restored.duckdb -c "IMPORT DATABASE '<folder>'"`, then `meetings build --db
    restored.duckdb` re-creates the views.
    """
    config = Settings.resolve(db=db)
    with user_errors("backup"):
        path = config.db
        if not path.exists():
            raise MeetingsError(f"no warehouse at {path} — nothing to back up")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = (out or path.parent / "backups" / f"{path.stem}-{stamp}").expanduser().resolve()
        with connect(path) as con:
            try:
                result = export_backup(con, folder)
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0]
                raise MeetingsError(
                    f"{folder}: backup failed ({first}) — check free disk space and retry"
                ) from exc
    rows = sum(n for t, n in result.tables.items() if t.startswith("raw.") and "._" not in t)
    console.print(
        f"backup written to {result.folder}: {len(result.tables)} table(s), {rows:,} export"
        " row(s) in raw, row counts verified",
        highlight=False,
    )
    console.print(
        f"restore: duckdb restored.duckdb -c \"IMPORT DATABASE '{result.folder}'\"",
        highlight=False,
        markup=False,
    )
