"""Opening DuckDB files: the warehouse (the pipeline's, one writer) and the analytics copy
(everything that only reads).

DuckDB lets one process write a file and no other process open it meanwhile, not even to
read. So the pipeline alone opens the warehouse; `meetings report`, `status`, `review` and
analysts' sessions open the published copy (loader/publish.py writes it), which the pipeline
replaces in one rename and never opens for writing.

Every file the loader opens goes through here (landing, docs, backup, quarantine, the LACRM
contacts pull and sync, and the read-only commands); publishing attaches the warehouse read-only
inside its own connection (loader/publish.py) and shares is_locked().
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from loader.errors import MeetingsError

NOTHING_PUBLISHED = "run `meetings run` (or `meetings build`) first"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_locked(exc: duckdb.IOException) -> bool:
    """DuckDB could not lock the file: another process has it open (for writing, or at all
    when this one wants to write)."""
    return "lock" in str(exc).lower()


@contextmanager
def _opened(path: Path, *, read_only: bool, locked: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection in UTC, closed on exit; `locked` is the message when the file is busy."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if is_locked(exc):
            raise MeetingsError(locked) from exc
        raise MeetingsError(f"cannot open database {path}: {_first_line(exc)}") from exc
    try:
        con.execute("set TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating its folder); a file locked by another process is 'busy'.

    `read_only=True` never creates anything: a missing warehouse is a one-line error."""
    if read_only and not path.exists():
        raise MeetingsError(f"no warehouse at {path}; run `meetings run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    busy = (
        f"database busy: {path} is open in another process (a running `meetings` or `duckdb`"
        " session); wait for it to finish and retry"
    )
    with _opened(path, read_only=read_only, locked=busy) as con:
        yield con


@contextmanager
def read_analytics(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the analytics copy read-only, in UTC. Any number of readers may hold it while
    the pipeline runs and publishes; each keeps the version it opened."""
    if not path.exists():
        raise MeetingsError(f"nothing published yet (no {path}); {NOTHING_PUBLISHED}")
    # Only a session that opened the copy for writing (`duckdb` without -readonly) locks
    # readers out; publishing never does.
    writing = (
        f"{path} is open for writing in another process (a `duckdb` session started without"
        " -readonly?); close it and retry"
    )
    with _opened(path, read_only=True, locked=writing) as con:
        yield con


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether `schema.table` (a table or a view) exists in the open database."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])
