"""Find export files in the drop folder and work out what each one is."""

from __future__ import annotations

import codecs
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from loader.formats import ExportFormat, detect, signature_hint, similar_headers
from loader.sniff import Dialect, NotCsv, sniff

# Sub-folders of the data dir that hold exports. `sample/` is deliberately not scanned:
# bundled demo data must never land in a real warehouse by accident.
EXPORT_FOLDERS = ("calendly", "calcom", "lacrm")
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
# What a browser or copy tool names a file it has not finished writing.
PARTIAL_SUFFIXES = {".crdownload", ".part", ".partial", ".download", ".tmp"}
# Other things people save next to the exports: what they are and what to do instead.
OTHER_SUFFIXES = {
    ".xlsx": "an Excel workbook — in Excel use File > Save As > 'CSV UTF-8' and drop the .csv here",
    ".xls": "an Excel workbook — in Excel use File > Save As > 'CSV UTF-8' and drop the .csv here",
    ".numbers": "a Numbers document — use File > Export To > CSV and drop the .csv here",
    ".pdf": "a PDF document — download the CSV export from the platform instead",
}

_STAMP = re.compile(
    r"(?<!\d)(?P<y>20\d{2})-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)"
    r"(?:[T_ ](?P<H>[0-2]\d)[:.h-]?(?P<M>[0-5]\d)(?:[:.-]?(?P<S>[0-5]\d))?)?(?!\d)"
)


@dataclass(frozen=True)
class ExportFile:
    """A recognised export, ready to land."""

    path: Path
    rel_path: str
    sha256: str
    size_bytes: int
    header: list[str]
    fmt: ExportFormat
    exported_at: datetime
    exported_at_source: str  # "filename" or "mtime"
    dialect: Dialect | None = None
    """Encoding, delimiter and header as sniffed (None: land.py sniffs again)."""
    mtime_ns: int | None = None
    """Modification time when inspected: landing is abandoned if the file changes."""


@dataclass(frozen=True)
class Problem:
    """A file that will not be loaded this run, and why (one line a person can act on)."""

    rel_path: str
    status: str  # "rejected" (recorded in the manifest) or "skipped" (transient / not an export)
    reason: str
    sha256: str | None = None
    platform: str | None = None


def exported_at_from_name(name: str, tz: ZoneInfo) -> datetime | None:
    """The export time written in a file name, read as wall-clock time in `tz`.

    `calendly-2026-11-20T0930.csv` -> 2026-11-20 09:30; `events-export-20261120.csv` ->
    2026-11-20 00:00; `Insights-2026-08-01-2026-10-31.csv` -> the last date (end of range).
    """
    found: datetime | None = None
    for match in _STAMP.finditer(Path(name).stem):
        parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
        try:
            found = datetime(
                parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"], tzinfo=tz
            )
        except ValueError:
            continue
    return found


def file_sha256(path: Path) -> str:
    return hash_and_check_utf8(path)[0]


# Bytes per read of the hashing pass: small enough that the UTF-8 check of a block that needs
# it reads the block back from the CPU cache after hashing it (423 MB export, every block
# decoded: 0.41-0.63 s with 256 KiB blocks, 0.70 s with 1 MiB; hashing alone ~0.40 s).
HASH_BLOCK_BYTES = 1 << 18


def hash_and_check_utf8(path: Path) -> tuple[str, bool]:
    """SHA-256 of the file and whether all of it is valid UTF-8, in one streaming pass that
    never holds the whole file.

    A block of pure ASCII is valid UTF-8 by itself when no multi-byte character is pending
    from the block before, so only the other blocks go through Python's UTF-8 decoder (an
    all-ASCII export then costs what hashing it costs)."""
    digest = hashlib.sha256()
    decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    block = bytearray(HASH_BLOCK_BYTES)
    view = memoryview(block)
    with path.open("rb", buffering=0) as handle:
        while size := handle.readinto(block):
            chunk = view[:size]
            digest.update(chunk)
            if decoder is None:
                continue
            # (a full block is tested in place; only a short last block is copied)
            if (
                not decoder.getstate()[0]
                and (block if size == len(block) else chunk.tobytes()).isascii()
            ):
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                decoder = None
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            decoder = None
    return digest.hexdigest(), decoder is not None


def is_unchanged(export: ExportFile) -> bool:
    """True while the file still has the size and modification time it had when inspected."""
    try:
        stat = export.path.stat()
    except FileNotFoundError:
        return False
    return stat.st_size == export.size_bytes and (
        export.mtime_ns is None or stat.st_mtime_ns == export.mtime_ns
    )


def _not_csv_reason(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in OTHER_SUFFIXES:
        return f"not a CSV file ({suffix}): {OTHER_SUFFIXES[suffix]}"
    return (
        f"not a CSV file ({path.suffix or 'no extension'})"
        f" — only {', '.join(sorted(CSV_SUFFIXES))} exports are loaded"
    )


def candidate_files(data_dir: Path) -> list[Path]:
    """Files in the data dir's top level and its export sub-folders (hidden files ignored)."""
    folders = [data_dir, *(data_dir / name for name in EXPORT_FOLDERS)]
    files = {
        p
        for folder in folders
        if folder.is_dir()
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$"))
    }
    return sorted(files)


# A recently modified file counts as completely written once its size and modification time
# have stayed the same this long; both are checked this often while files are watched.
STABLE_SECONDS = 1.0
POLL_SECONDS = 0.2


def still_changing_note(settle_seconds: float) -> str:
    """Why a file that never stopped changing was not loaded (one line)."""
    return (
        f"still being written: it was still changing after {settle_seconds:g} s"
        " (MEETINGS_SETTLE_SECONDS) — it will be loaded on the next run after it stops"
    )


def still_changing(
    paths: list[Path],
    settle_seconds: float,
    *,
    stable_seconds: float = STABLE_SECONDS,
    poll_seconds: float = POLL_SECONDS,
) -> set[Path]:
    """The CSV files that are still being written: watched, all together, from now on.

    A file modified less than `settle_seconds` ago (a copy or download that may not have
    finished) is watched until its size and modification time stay the same for
    `stable_seconds`; it is still changing if it changes after `settle_seconds` of watching.
    A folder of just-copied files therefore costs about `stable_seconds` in all, and
    `settle_seconds` 0 loads every file at once without watching.
    """
    if settle_seconds <= 0:
        return set()
    stable_seconds = min(stable_seconds, settle_seconds)
    now_wall, started = time.time(), time.monotonic()
    watched: dict[Path, tuple[tuple[int, int], float]] = {}  # path -> (size, mtime), since
    for path in paths:
        if path.suffix.lower() not in CSV_SUFFIXES:
            continue  # not loaded whatever its age: nothing to wait for
        try:
            stat = path.stat()
        except OSError:
            continue  # gone or unreadable: inspect() reports it
        if now_wall - stat.st_mtime < settle_seconds:
            watched[path] = ((stat.st_size, stat.st_mtime_ns), started)
    changing: set[Path] = set()
    while watched:
        time.sleep(poll_seconds)
        now = time.monotonic()
        for path, (seen, since) in list(watched.items()):
            try:
                stat = path.stat()
            except OSError:
                del watched[path]  # removed or renamed meanwhile: inspect() reports it
                continue
            current = (stat.st_size, stat.st_mtime_ns)
            if current != seen and now - started > settle_seconds:
                changing.add(path)
                del watched[path]
            elif current != seen:
                watched[path] = (current, now)
            elif now - since >= stable_seconds:
                del watched[path]  # unchanged long enough: written completely
    return changing


def inspect(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data_dir: Path,
    tz: ZoneInfo,
) -> ExportFile | Problem:
    """Recognise one file by its first bytes and header; never guess from its folder or name.

    `con` is unused since sniffing moved to Python (sniff.py); it is kept for callers.
    Whether a recent file has finished being written is settled before (`still_changing`).
    """
    rel = path.relative_to(data_dir).as_posix()
    suffix = path.suffix.lower()
    if suffix in PARTIAL_SUFFIXES:
        return Problem(
            rel, "skipped", "an unfinished download or copy — it will be loaded once complete"
        )
    if suffix not in CSV_SUFFIXES:
        return Problem(rel, "skipped", _not_csv_reason(path))
    stat = path.stat()
    if stat.st_size == 0:
        return Problem(
            rel,
            "skipped",
            "file is empty (0 bytes) — if it is still being saved it will load on the next"
            " run; otherwise export it again",
        )
    sha, is_utf8 = hash_and_check_utf8(path)
    dialect = sniff(path)
    if isinstance(dialect, Dialect) and dialect.encoding == "utf-8" and not is_utf8:
        # Pure ASCII at the start, Windows-1252 further down (an accented name in row 900).
        dialect = sniff(path, encoding="cp1252")
    if isinstance(dialect, NotCsv):
        return Problem(rel, "rejected", dialect.reason, sha)
    header = list(dialect.header)
    fmt = detect(header)
    if fmt is None:
        return Problem(
            rel,
            "rejected",
            f"header matches no known export ({signature_hint()})"
            " — check it is an unedited platform export",
            sha,
        )
    missing = fmt.missing_required(header)
    if missing:
        hints = similar_headers(fmt, header, missing)
        hint = f" ({hints})" if hints else ""
        return Problem(
            rel,
            "rejected",
            f"{fmt.platform} export is missing required column(s): {', '.join(missing)}{hint}"
            " — re-export with all columns",
            sha,
            fmt.platform,
        )
    stamp = exported_at_from_name(path.name, tz)
    source = "filename"
    if stamp is None:
        stamp = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
        source = "mtime"
    return ExportFile(
        path, rel, sha, stat.st_size, header, fmt, stamp, source, dialect, stat.st_mtime_ns
    )
