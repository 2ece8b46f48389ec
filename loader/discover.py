"""Find export files in the drop folder and work out what each one is."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from loader.csv_source import read_header
from loader.formats import ExportFormat, detect, signature_hint

# Sub-folders of the data dir that hold exports. `sample/` is deliberately not scanned:
# bundled demo data must never land in a real warehouse by accident.
EXPORT_FOLDERS = ("calendly", "calcom", "lacrm")
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}

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
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def inspect(
    con: duckdb.DuckDBPyConnection, path: Path, data_dir: Path, tz: ZoneInfo
) -> ExportFile | Problem:
    """Recognise one file by its header; never guess from the folder it sits in."""
    rel = path.relative_to(data_dir).as_posix()
    if path.suffix.lower() not in CSV_SUFFIXES:
        return Problem(
            rel, "skipped", f"not a CSV file ({path.suffix or 'no extension'}); export as CSV"
        )
    size = path.stat().st_size
    if size == 0:
        return Problem(rel, "skipped", "file is empty (0 bytes); export it again")
    sha = file_sha256(path)
    try:
        header = read_header(con, path)
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        return Problem(rel, "rejected", f"cannot read as CSV: {first_line}", sha)
    fmt = detect(header)
    if fmt is None:
        return Problem(
            rel,
            "rejected",
            f"header matches no known export ({signature_hint()});"
            " check it is an unedited platform export",
            sha,
        )
    missing = fmt.missing_required(header)
    if missing:
        return Problem(
            rel,
            "rejected",
            f"{fmt.platform} export is missing required column(s): {', '.join(missing)};"
            " re-export with all columns",
            sha,
            fmt.platform,
        )
    stamp = exported_at_from_name(path.name, tz)
    source = "filename"
    if stamp is None:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        source = "mtime"
    return ExportFile(path, rel, sha, size, header, fmt, stamp, source)
