"""One `meetings load` run: scan the drop folder, land each new export, report every file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import duckdb

from loader.discover import (
    ExportFile,
    Problem,
    candidate_files,
    inspect,
    is_unchanged,
    still_changing,
    still_changing_note,
)
from loader.errors import FileChanged, LoadNotFinished, MeetingsError
from loader.land import (
    FinishedLoad,
    ensure_raw_tables,
    finish_interrupted_loads,
    is_superseded_state,
    land_file,
    landed_unchanged,
    previous_load,
    record_rejection,
)


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file in the drop folder."""

    rel_path: str
    status: str  # loaded | empty | skipped | rejected
    platform: str | None = None
    rows: int | None = None
    exported_at: datetime | None = None
    note: str = ""


class LoadObserver(Protocol):
    """Progress reporting hooks (the CLI shows a rich progress bar through these)."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def file_started(self, rel_path: str, size_bytes: int) -> None: ...

    def file_done(self, outcome: FileOutcome, size_bytes: int) -> None: ...


# Header-only exports land as status 'empty': not an error, and not evidence that the
# period had no meetings (an empty export covers no date range).
EMPTY_NOTE = "header only, no rows: recorded as empty (covers no period)"
FINISHED_NOTE = "rows numbered now: the load that landed them stopped before finishing"


def _unreadable(exc: OSError) -> str:
    return (
        f"cannot read the file ({exc.strerror or type(exc).__name__}) — close it in other"
        " programs, check its permissions; it will be tried again on the next run"
    )


def _skipped_duplicate(export: ExportFile, earlier: str) -> FileOutcome:
    note = "already loaded" if earlier == export.rel_path else f"same content as {earlier}"
    return FileOutcome(
        export.rel_path, "skipped", export.fmt.platform, None, export.exported_at, note
    )


def _landed_before(con: duckdb.DuckDBPyConnection, export: ExportFile) -> str | None:
    """Where the same content was landed already (so skip it), else None.

    A full-state file (the overrides file) is skipped only when it is the latest state:
    dropping back an older version must make that version current again.
    """
    earlier = previous_load(con, export.sha256)
    if earlier is not None and is_superseded_state(con, export.fmt.raw_table, export.sha256):
        return None
    return earlier


def _land_one(con: duckdb.DuckDBPyConnection, export: ExportFile) -> FileOutcome:
    earlier = _landed_before(con, export)
    if earlier is not None:  # an identical copy landed earlier in this same run
        return _skipped_duplicate(export, earlier)
    try:
        landed = land_file(con, export, lambda: is_unchanged(export))
    except FileChanged as exc:
        return FileOutcome(export.rel_path, "skipped", export.fmt.platform, note=str(exc))
    except LoadNotFinished:
        raise  # the rows are in: not a rejection; the next run finishes the load
    except OSError as exc:
        return FileOutcome(export.rel_path, "skipped", export.fmt.platform, note=_unreadable(exc))
    except (duckdb.Error, MeetingsError) as exc:
        reason = str(exc).strip().splitlines()[0]
        record_rejection(con, export.rel_path, export.sha256, export.fmt.platform, reason)
        return FileOutcome(export.rel_path, "rejected", export.fmt.platform, note=reason)
    notes = []
    if landed.status == "empty":
        notes.append(EMPTY_NOTE)
    if landed.new_columns:
        notes.append(f"new column(s) kept: {', '.join(landed.new_columns)}")
    if landed.ignored_columns:
        notes.append(f"{landed.ignored_columns} empty column(s) without a header ignored")
    if export.dialect is not None and not export.dialect.is_plain:
        notes.append(f"read as {export.dialect.label}")
    note = "; ".join(notes)
    return FileOutcome(
        export.rel_path,
        landed.status,
        export.fmt.platform,
        landed.rows,
        export.exported_at,
        note,
    )


def _finished_interrupted(loads: list[FinishedLoad]) -> list[FileOutcome]:
    """Report the loads finish_interrupted_loads just completed as loaded now: the run that
    landed their rows stopped before saying so."""
    return [
        FileOutcome(f.rel_path, f.status, f.platform, f.rows, f.exported_at, FINISHED_NOTE)
        for f in loads
    ]


def _already_landed_here(
    con: duckdb.DuckDBPyConnection, path: Path, data_dir: Path
) -> FileOutcome | None:
    """Skip, without reading it, a file that landed from this same path and still has the
    size and modification time (ns) it had then; any change of either, or a new path, and
    the file is hashed and compared by content as usual."""
    try:
        stat = path.stat()
    except OSError:
        return None  # inspect() reports it
    rel_path = path.relative_to(data_dir).as_posix()
    known = landed_unchanged(con, rel_path, stat.st_size, stat.st_mtime_ns)
    if known is None:
        return None
    return FileOutcome(
        rel_path, "skipped", known.platform, None, known.exported_at, "already loaded"
    )


def load_folder(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    tz: ZoneInfo,
    observer: LoadObserver | None = None,
    settle_seconds: float = 0.0,
) -> list[FileOutcome]:
    """Land every new export under `data_dir`, oldest export first, one transaction each.

    Files modified less than `settle_seconds` ago are first watched (all together) until
    they stop changing; one still changing after `settle_seconds` is skipped this run.
    """
    if not data_dir.is_dir():
        raise MeetingsError(f"data folder {data_dir} does not exist; create it or pass --data-dir")
    ensure_raw_tables(con)
    outcomes = _finished_interrupted(finish_interrupted_loads(con))
    finished = {o.rel_path for o in outcomes}
    paths: list[Path] = []
    for path in candidate_files(data_dir):
        if (known := _already_landed_here(con, path, data_dir)) is not None:
            if known.rel_path not in finished:  # listed once, as finished above
                outcomes.append(known)
            continue
        paths.append(path)
    changing = still_changing(paths, settle_seconds)
    exports: list[ExportFile] = []
    for path in paths:
        if path in changing:
            rel_path = path.relative_to(data_dir).as_posix()
            outcomes.append(
                FileOutcome(rel_path, "skipped", note=still_changing_note(settle_seconds))
            )
            continue
        try:
            found = inspect(con, path, data_dir, tz)
        except OSError as exc:  # removed, locked or unreadable between listing and reading
            found = Problem(path.relative_to(data_dir).as_posix(), "skipped", _unreadable(exc))
        if isinstance(found, Problem):
            if found.status == "rejected" and found.sha256 is not None:
                record_rejection(con, found.rel_path, found.sha256, found.platform, found.reason)
            outcomes.append(
                FileOutcome(found.rel_path, found.status, found.platform, note=found.reason)
            )
        elif (earlier := _landed_before(con, found)) is not None:
            outcomes.append(_skipped_duplicate(found, earlier))
        else:
            exports.append(found)
    # Export order decides which state of a booking is the latest: land oldest first.
    exports.sort(key=lambda e: (e.exported_at, e.rel_path))
    if observer is not None and exports:
        observer.start(len(exports), sum(e.size_bytes for e in exports))
    for export in exports:
        if observer is not None:
            observer.file_started(export.rel_path, export.size_bytes)
        outcome = _land_one(con, export)
        outcomes.append(outcome)
        if observer is not None:
            observer.file_done(outcome, export.size_bytes)
    return outcomes
