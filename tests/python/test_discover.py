import hashlib
import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from loader import discover
from loader.discover import (
    ExportFile,
    Problem,
    candidate_files,
    exported_at_from_name,
    hash_and_check_utf8,
    inspect,
    still_changing,
)
from loader.formats import CALCOM, CALENDLY

from factories import WriteCsv, calcom_row, calendly_row

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("calendly-2026-11-20T0930.csv", datetime(2026, 11, 20, 9, 30, tzinfo=NY)),
        ("events-export-20261120.csv", datetime(2026, 11, 20, tzinfo=NY)),
        ("calendly-2026-11-20.csv", datetime(2026, 11, 20, tzinfo=NY)),
        ("Insights-2026-08-01-2026-10-31.csv", datetime(2026, 10, 31, tzinfo=NY)),
        ("export 2026-11-20 14-05-09.csv", datetime(2026, 11, 20, 14, 5, 9, tzinfo=NY)),
        ("events-export (3).csv", None),
        ("events-export.csv", None),
        ("report-20261399.csv", None),  # not a real date
    ],
)
def test_export_timestamp_from_file_name(name: str, expected: datetime | None) -> None:
    assert exported_at_from_name(name, NY) == expected


def test_candidates_skip_hidden_files_and_the_sample_folder(data_dir: Path) -> None:
    (data_dir / "calendly" / ".gitkeep").write_text("")
    (data_dir / "calendly" / "a.csv").write_text("x")
    (data_dir / "sample" / "calendly").mkdir(parents=True)
    (data_dir / "sample" / "calendly" / "b.csv").write_text("x")
    (data_dir / "top.csv").write_text("x")
    found = [p.relative_to(data_dir).as_posix() for p in candidate_files(data_dir)]
    assert found == ["calendly/a.csv", "top.csv"]


def test_calendly_file_in_the_wrong_folder_is_recognised(
    data_dir: Path, write_csv: WriteCsv
) -> None:
    path = write_csv(data_dir / "calcom" / "events-export-20261120.csv", [calendly_row(1)])
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, ExportFile)
    assert found.fmt is CALENDLY
    assert found.rel_path == "calcom/events-export-20261120.csv"
    assert found.exported_at_source == "filename"


def test_calcom_file_in_the_wrong_folder_is_recognised(data_dir: Path, write_csv: WriteCsv) -> None:
    path = write_csv(data_dir / "calendly" / "Insights-2026-08-01-2026-10-31.csv", [calcom_row(1)])
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, ExportFile)
    assert found.fmt is CALCOM
    assert found.rel_path == "calendly/Insights-2026-08-01-2026-10-31.csv"
    # The end of the covered range is the export time.
    assert found.exported_at == datetime(2026, 10, 31, tzinfo=NY)
    assert found.exported_at_source == "filename"


def test_calcom_file_without_attendees_is_rejected_with_the_column_named(
    data_dir: Path, write_csv: WriteCsv
) -> None:
    row = calcom_row(1)
    del row["attendee1"], row["attendeePhone1"]
    path = write_csv(data_dir / "calcom" / "Insights-2026-08-01-2026-10-31.csv", [row])
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, Problem)
    assert found.platform == "calcom"
    assert found.reason.startswith("calcom export is missing required column(s): attendee1")


def test_file_without_date_in_name_uses_mtime(data_dir: Path, write_csv: WriteCsv) -> None:
    path = write_csv(data_dir / "calendly" / "events-export.csv", [calendly_row(1)])
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, ExportFile)
    assert found.exported_at_source == "mtime"
    assert found.exported_at.timestamp() == pytest.approx(path.stat().st_mtime)


def test_unrecognised_header_is_rejected_not_guessed(data_dir: Path, write_csv: WriteCsv) -> None:
    path = write_csv(data_dir / "calendly" / "contacts.csv", [{"Name": "Ann", "Email": "a@x"}])
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, Problem)
    assert found.status == "rejected"
    assert "matches no known export" in found.reason
    # The message says what each platform's header needs.
    assert "'Invitee UUID'" in found.reason and "'timeStatus'" in found.reason


def test_missing_required_column_is_named(data_dir: Path, write_csv: WriteCsv) -> None:
    row = calendly_row(1)
    del row["Invitee Email"]
    path = write_csv(data_dir / "calendly" / "no-email.csv", [row])
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, Problem)
    assert found.reason.startswith("calendly export is missing required column(s): Invitee Email")


def test_non_csv_and_empty_files_are_skipped_with_a_reason(data_dir: Path) -> None:
    xlsx = data_dir / "calendly" / "events-export.xlsx"
    xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
    empty = data_dir / "calendly" / "events-export-20261120.csv"
    empty.write_bytes(b"")
    con = duckdb.connect()
    xlsx_result = inspect(con, xlsx, data_dir, NY)
    empty_result = inspect(con, empty, data_dir, NY)
    assert isinstance(xlsx_result, Problem) and xlsx_result.status == "skipped"
    assert "not a CSV file (.xlsx)" in xlsx_result.reason
    assert isinstance(empty_result, Problem) and empty_result.status == "skipped"
    assert "empty" in empty_result.reason


def test_windows_1252_after_the_sniffed_bytes_is_still_found(data_dir: Path) -> None:
    """Only the first 64 KB are sniffed; the hashing pass checks UTF-8 over the whole file."""
    header = ",".join(CALENDLY.known_columns)
    ascii_row = ",".join(calendly_row(1)[c] for c in CALENDLY.known_columns)
    jose = calendly_row(2, **{"Invitee Name": "José"})
    accented = ",".join(jose[c] for c in CALENDLY.known_columns)
    text = header + "\n" + (ascii_row + "\n") * 400 + accented + "\n"
    path = data_dir / "calendly" / "events-export.csv"
    path.write_bytes(text.encode("cp1252"))
    assert path.stat().st_size > 64 * 1024
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, ExportFile)
    assert found.dialect is not None and found.dialect.encoding == "cp1252"


@pytest.mark.parametrize(
    "data",
    [
        b"plain ascii, several blocks long\n",
        "José, Zoë, Ærø — “quoted” 😀 and ascii after it for blocks\n".encode(),
        "ascii first then José\n".encode("cp1252"),  # invalid UTF-8 late in the file
        b"ends mid-character: Jos" + "é".encode()[:1],
        "é".encode()[:1] + b" a lone lead byte, then ascii blocks only....",
        # split around ascii: valid only if the ascii blocks are (wrongly) skipped
        "é".encode()[:1] + b" ascii between " + "é".encode()[1:] + b" tail",
        b"",
    ],
)
@pytest.mark.parametrize("block_bytes", [1, 2, 3, 5, 8, 64])
def test_hash_pass_matches_hashlib_and_the_utf8_decoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, block_bytes: int
) -> None:
    """Every block size puts a multi-byte character across some block boundary, so the
    ASCII shortcut must never skip a block while a character is pending."""
    monkeypatch.setattr(discover, "HASH_BLOCK_BYTES", block_bytes)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert hash_and_check_utf8(path) == (hashlib.sha256(data).hexdigest(), valid)


def test_unfinished_download_is_skipped(data_dir: Path) -> None:
    path = data_dir / "calendly" / "events-export.csv.crdownload"
    path.write_text("Invitee Name,Inv")
    found = inspect(duckdb.connect(), path, data_dir, NY)
    assert isinstance(found, Problem) and found.status == "skipped"
    assert found.reason == "an unfinished download or copy — it will be loaded once complete"


def test_recent_files_are_watched_together_until_they_stop_changing(
    data_dir: Path, write_csv: WriteCsv
) -> None:
    """23 just-copied exports cost about one stable second in all, not one each."""
    paths = [
        write_csv(data_dir / "calendly" / f"events-export-202610{n:02d}.csv", [calendly_row(n)])
        for n in range(1, 24)
    ]
    started = time.monotonic()
    assert still_changing(paths, 5) == set()
    elapsed = time.monotonic() - started
    assert discover.STABLE_SECONDS <= elapsed < 3, elapsed


def test_settle_time_zero_watches_nothing(data_dir: Path, write_csv: WriteCsv) -> None:
    path = write_csv(data_dir / "calendly" / "events-export.csv", [calendly_row(1)])
    started = time.monotonic()
    assert still_changing([path], 0) == set()
    assert time.monotonic() - started < 0.1


def test_old_and_partial_files_are_not_watched(data_dir: Path, write_csv: WriteCsv) -> None:
    old = write_csv(data_dir / "calendly" / "events-export.csv", [calendly_row(1)])
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    partial = data_dir / "calendly" / "events-export (1).csv.crdownload"
    partial.write_text("Invitee Name,Inv")
    started = time.monotonic()
    assert still_changing([old, partial], 5) == set()
    assert time.monotonic() - started < 0.5
