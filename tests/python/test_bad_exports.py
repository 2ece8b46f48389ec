"""Real-world broken exports (tests/fixtures/bad_exports/, see its README): each one is either
landed losslessly or refused with one `file: problem — what to do` line, and every test checks
the rows in raw and in the manifest (nothing lost, nothing duplicated, nothing half-loaded)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from loader.cli import app
from loader.formats import CALENDLY

from factories import REPO, SAMPLE_DIR, calendly_row

FIXTURES = REPO / "tests" / "fixtures" / "bad_exports"
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']

runner = CliRunner()
Query = Callable[[str], list[tuple[object, ...]]]


# --- helpers -----------------------------------------------------------------------------


def drop(data_dir: Path, fixture: str, as_name: str | None = None) -> str:
    """Copy a fixture into the drop folder; returns its path relative to the data folder."""
    target = data_dir / "calendly" / (as_name or fixture)
    shutil.copyfile(FIXTURES / fixture, target)
    return target.relative_to(data_dir).as_posix()


def load(data_dir: Path, db_file: Path) -> Result:
    return runner.invoke(
        app, ["load", "--data-dir", str(data_dir), "--db", str(db_file)], prog_name="meetings"
    )


def flat(text: str) -> str:
    """Terminal output without table borders and line wrapping, for phrase assertions."""
    return " ".join(re.sub(r"[│┃]", " ", text).split())


def expected_rows(fixture: str, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[dict]:
    """The fixture's data rows as Python's csv module reads them (independent of DuckDB):
    rows with at least one non-empty cell, empty cells as None, headers canonical."""
    text = (FIXTURES / fixture).read_bytes().decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [CALENDLY.canonical(h) for h in next(reader)]
    return [
        {h: (v if v != "" else None) for h, v in zip(header, row, strict=True) if h}
        for row in reader
        if any(cell.strip() for cell in row)
    ]


def landed(query: Query, rel: str, columns: list[str]) -> list[dict]:
    select = ", ".join(f'"{c}"' for c in columns)
    rows = query(
        f"select {select} from raw.calendly_events"
        f" where _source_file = '{rel}' order by _source_row"
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def manifest(query: Query, rel: str) -> list[tuple[object, ...]]:
    return query(
        f"select status, row_count from raw._load_manifest where file_path = '{rel}'"
        " order by load_id"
    )


def raw_count(query: Query, rel: str | None = None) -> int:
    where = f" where _source_file = '{rel}'" if rel else ""
    return int(query(f"select count(*) from raw.calendly_events{where}")[0][0])


def assert_lossless(
    result: Result, query: Query, rel: str, fixture: str, rows: int, **read: str
) -> None:
    """Loaded: exit 0, every cell as the csv module reads it, `rows` rows once, manifest ok."""
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.stderr == ""
    expected = expected_rows(fixture, **read)
    assert len(expected) == rows
    assert landed(query, rel, list(expected[0])) == expected
    assert raw_count(query, rel) == rows
    assert manifest(query, rel) == [("loaded", rows)]


def assert_refused(
    result: Result, query: Query, rel: str, status: str, message: str, exit_code: int
) -> None:
    """Skipped or rejected: one `file: problem — what to do` line, no rows at all."""
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{rel}: ")]
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert " — " in lines[0]  # problem — what to do
    assert raw_count(query, rel) == 0
    recorded = manifest(query, rel)
    if status == "rejected":
        assert recorded == [("rejected", None)]
    else:
        assert recorded == []


# --- encodings and dialects ----------------------------------------------------------------


def test_utf8_with_byte_order_mark(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "utf8_bom.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "utf8_bom.csv", 3)
    assert "read as UTF-8 with BOM" in flat(result.stdout)
    # The BOM did not end up in a column name (no '\ufeffInvitee Name' column was added).
    assert "new column" not in result.stdout


def test_utf16_excel_unicode_text(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "utf16_excel_unicode_text.txt")
    result = load(data_dir, db_file)
    assert_lossless(
        result, query, rel, "utf16_excel_unicode_text.txt", 3, encoding="utf-16", delimiter="\t"
    )
    assert "read as UTF-16 (little-endian), tab-delimited" in flat(result.stdout)
    names = {r["Invitee Name"] for r in landed(query, rel, ["Invitee Name"])}
    assert names == {"José Müller", "Zoë Ærøe", "François O\u2019Neil"}


def test_utf16_big_endian_is_transcoded(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "utf16_big_endian.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "utf16_big_endian.csv", 3, encoding="utf-16")
    assert "read as UTF-16 (big-endian)" in flat(result.stdout)


def test_windows_1252_accented_names(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "windows1252_accents.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "windows1252_accents.csv", 3, encoding="cp1252")
    assert "read as Windows-1252" in flat(result.stdout)
    # Same text as the UTF-8 original, including the cp1252-only curly quotes and euro sign.
    original = expected_rows("accented_names.csv")
    got = landed(query, rel, ["Invitee Name", "Response 1"])
    assert got == [{k: r[k] for k in ("Invitee Name", "Response 1")} for r in original]


def test_crlf_line_endings(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "crlf_line_endings.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "crlf_line_endings.csv", 2)
    # No stray carriage return at the end of the last column.
    ids = [r["Invitee UUID"] for r in landed(query, rel, ["Invitee UUID"])]
    assert ids == ["inv-crlf-01", "inv-crlf-02"]


def test_quoted_newlines_and_commas(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "quoted_newlines_and_commas.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "quoted_newlines_and_commas.csv", 2)
    first = landed(query, rel, ["Invitee Name", "Response 1"])[0]
    assert first["Invitee Name"] == "Lee, Ann"
    assert first["Response 1"] == "Line one\nline two, with a comma\n\nand a blank line above"


def test_semicolon_delimited(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "semicolon_delimited.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "semicolon_delimited.csv", 2, delimiter=";")
    assert "read as UTF-8, ';'-delimited" in flat(result.stdout)
    responses = [r["Response 1"] for r in landed(query, rel, ["Response 1"])]
    assert responses == ["Portfolio, pension and taxes", "Semicolon; inside quotes"]


# --- Excel-mangled files -------------------------------------------------------------------


def test_excel_reformatted_dates_land_verbatim(data_dir: Path, db_file: Path, query: Query) -> None:
    """Raw keeps `3/5/2026 2:30 PM` as text; staging parses it (dbt unit test
    test_stg_calendly__events_excel_resaves_and_bad_values_are_flagged, and the end-to-end
    test below)."""
    rel = drop(data_dir, "excel_dates.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "excel_dates.csv", 3)
    assert landed(query, rel, ["Start Date & Time"])[0] == {"Start Date & Time": "3/5/2026 2:30 PM"}


def test_excel_leading_apostrophes_stay_in_raw(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "excel_leading_apostrophes.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "excel_leading_apostrophes.csv", 2)
    first = landed(query, rel, ["Event UUID", "Invitee Email", "Response 1"])[0]
    assert first == {
        "Event UUID": "'ev-apos-01",
        "Invitee Email": "'ann.lee@example.com",
        "Response 1": "'=not a formula",
    }


def test_excel_trailing_empty_columns_are_ignored(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    rel = drop(data_dir, "excel_trailing_empty_columns.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "excel_trailing_empty_columns.csv", 2)
    assert "3 empty column(s) without a header ignored" in flat(result.stdout)
    columns = {
        r[0]
        for r in query(
            "select column_name from information_schema.columns"
            " where table_name = 'calendly_events'"
        )
    }
    assert not any(str(c).startswith(("Unnamed", "column")) for c in columns)


def test_excel_unnamed_column_with_values_is_kept(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    rel = drop(data_dir, "excel_trailing_column_with_notes.csv")
    result = load(data_dir, db_file)
    assert result.exit_code == 0, result.output
    assert "new column(s) kept: Unnamed column 11" in flat(result.stdout)
    notes = [r["Unnamed column 11"] for r in landed(query, rel, ["Unnamed column 11"])]
    assert notes == ["call back first", None]
    assert manifest(query, rel) == [("loaded", 2)]


def test_excel_blank_lines_at_end_are_not_rows(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "excel_blank_lines_at_end.csv")
    result = load(data_dir, db_file)
    # Two `,,,,,,,,,` rows and an empty line follow the two real rows: only those land.
    assert_lossless(result, query, rel, "excel_blank_lines_at_end.csv", 2)
    rows = query(f"select _source_row from raw.calendly_events where _source_file = '{rel}'")
    assert sorted(rows) == [(1,), (2,)]


# --- empty, truncated, not CSV, still being written ------------------------------------------


def test_header_only_file_is_recorded_as_empty(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "header_only.csv")
    result = load(data_dir, db_file)
    assert result.exit_code == 0
    assert result.stderr == ""  # not an error
    assert "header only, no rows: recorded as empty (covers no period)" in flat(result.stdout)
    assert raw_count(query, rel) == 0
    assert manifest(query, rel) == [("empty", 0)]
    # Loaded once: the next run does not record it again.
    assert load(data_dir, db_file).exit_code == 0
    assert manifest(query, rel) == [("empty", 0)]


def test_zero_byte_file_is_skipped_until_it_has_content(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    rel = drop(data_dir, "zero_bytes.csv")
    result = load(data_dir, db_file)
    assert_refused(result, query, rel, "skipped", "file is empty (0 bytes)", exit_code=0)
    # The download finishes: the same file name now has content and loads once.
    shutil.copyfile(FIXTURES / "good_export.csv", data_dir / rel)
    assert load(data_dir, db_file).exit_code == 0
    assert raw_count(query, rel) == 3
    assert manifest(query, rel) == [("loaded", 3)]


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("truncated_mid_quote.csv", "row 3: a quoted value never ends, the file looks truncated"),
        ("truncated_mid_row.csv", "row 3 has 5 of 10 columns, the file looks truncated"),
    ],
)
def test_truncated_file_is_rejected_whole(
    data_dir: Path, db_file: Path, query: Query, fixture: str, message: str
) -> None:
    rel = drop(data_dir, fixture)
    result = load(data_dir, db_file)
    # Its first row is complete and still does not land: all or nothing.
    assert_refused(result, query, rel, "rejected", message, exit_code=1)
    assert "export it again" in result.stderr


@pytest.mark.parametrize(
    ("fixture", "status", "message"),
    [
        ("excel_workbook.xlsx", "skipped", "not a CSV file (.xlsx): an Excel workbook"),
        ("export.pdf", "skipped", "not a CSV file (.pdf): a PDF document"),
        ("workbook_saved_as.csv", "rejected", "not a CSV file: it is an Excel workbook"),
    ],
)
def test_non_csv_file_in_the_folder(
    data_dir: Path, db_file: Path, query: Query, fixture: str, status: str, message: str
) -> None:
    rel = drop(data_dir, fixture)
    drop(data_dir, "good_export.csv")  # the real export next to it still loads
    result = load(data_dir, db_file)
    assert_refused(result, query, rel, status, message, exit_code=1 if status == "rejected" else 0)
    assert "Save As" in result.stderr or "download the CSV" in result.stderr
    assert raw_count(query) == 3


def test_just_copied_exports_load_in_the_same_run(
    data_dir: Path, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copying a folder of exports in and running `meetings load` at once loads them all
    (with the default settle time they used to be skipped as "maybe still being written")."""
    monkeypatch.delenv("MEETINGS_SETTLE_SECONDS")  # the default, 5 s
    copied = []
    for export in sorted(SAMPLE_DIR.rglob("*.csv")):
        target = data_dir / export.relative_to(SAMPLE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(export, target)  # a fresh modification time, as a copy gets
        copied.append(target)
    assert len(copied) == 6
    assert all(time.time() - path.stat().st_mtime < 5 for path in copied)
    result = load(data_dir, db_file)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "6 loaded, 0 skipped, 0 rejected (50 rows landed)" in result.stdout


def test_file_still_being_written_after_the_settle_time_waits_for_the_next_run(
    data_dir: Path, db_file: Path, query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A download that keeps growing for longer than MEETINGS_SETTLE_SECONDS is skipped with
    one line; the file beside it loads; once the writer is done, the next run loads it."""
    monkeypatch.setenv("MEETINGS_SETTLE_SECONDS", "2")
    done = drop(data_dir, "good_export.csv", "events-export-20261001.csv")
    growing = data_dir / "calendly" / "events-export-20261002.csv"
    rel = growing.relative_to(data_dir).as_posix()
    with growing.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(CALENDLY.known_columns)
    stop = threading.Event()
    written: list[int] = []

    def append_rows() -> None:  # one booking every 0.1 s until told to stop
        with growing.open("a", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CALENDLY.known_columns)
            while not stop.is_set():
                writer.writerow(calendly_row(100 + len(written)))
                handle.flush()
                written.append(1)
                time.sleep(0.1)

    writer = threading.Thread(target=append_rows)
    writer.start()
    try:
        started = time.monotonic()
        result = load(data_dir, db_file)
        elapsed = time.monotonic() - started
        assert writer.is_alive()
    finally:
        stop.set()
        writer.join()
    assert_refused(
        result,
        query,
        rel,
        "skipped",
        "still being written: it was still changing after 2 s (MEETINGS_SETTLE_SECONDS)"
        " — it will be loaded on the next run after it stops",
        exit_code=0,
    )
    assert elapsed >= 2  # watched for the settle time before giving up
    assert "1 loaded, 1 skipped, 0 rejected (3 rows landed)" in result.stdout
    assert raw_count(query, done) == 3
    # The writer is done: the next run (at once, the file only just stopped) loads all of it.
    again = load(data_dir, db_file)
    assert again.exit_code == 0, again.output
    assert again.stderr == ""
    assert raw_count(query, rel) == len(written) > 20
    assert manifest(query, rel) == [("loaded", len(written))]


@pytest.mark.parametrize("suffix", [".crdownload", ".part"])
def test_unfinished_download_is_skipped_not_waited_for(
    data_dir: Path, db_file: Path, query: Query, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.delenv("MEETINGS_SETTLE_SECONDS")  # the default, 5 s
    rel = drop(data_dir, "good_export.csv", f"events-export.csv{suffix}")
    drop(data_dir, "good_export.csv", "events-export-20261001.csv")
    started = time.monotonic()
    result = load(data_dir, db_file)
    assert time.monotonic() - started < 5  # the partial file was not watched
    assert_refused(result, query, rel, "skipped", "an unfinished download or copy", exit_code=0)
    assert "1 loaded, 1 skipped, 0 rejected (3 rows landed)" in result.stdout


def test_file_growing_while_it_is_loaded_is_skipped(
    data_dir: Path, db_file: Path, query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy is still running: the file grows between sniffing and landing."""
    import loader.ingest as ingest

    rel = drop(data_dir, "good_export.csv", "events-export.csv")
    real_inspect = ingest.inspect

    def inspect_then_append(*args: object, **kwargs: object) -> object:
        found = real_inspect(*args, **kwargs)
        with (data_dir / rel).open("a", encoding="utf-8") as handle:
            handle.write(
                "Dev Patel,dev@example.com,Intro Call,2026-10-08 09:00 am,"
                "2026-10-08 09:30 am,false,No,,ev-good-04,inv-good-04\n"
            )
        return found

    monkeypatch.setattr(ingest, "inspect", inspect_then_append)
    result = load(data_dir, db_file)
    assert_refused(result, query, rel, "skipped", "file changed while it was being loaded", 0)
    monkeypatch.setattr(ingest, "inspect", real_inspect)
    # Next run: the complete file (4 rows) loads, exactly once.
    assert load(data_dir, db_file).exit_code == 0
    assert raw_count(query, rel) == 4
    assert manifest(query, rel) == [("loaded", 4)]


# --- columns -------------------------------------------------------------------------------


def test_missing_required_column_is_rejected_by_name(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    rel = drop(data_dir, "missing_email_column.csv")
    result = load(data_dir, db_file)
    assert_refused(
        result,
        query,
        rel,
        "rejected",
        "calendly export is missing required column(s): Invitee Email",
        exit_code=1,
    )
    # The similar header is reported, not silently mapped.
    assert "the file has 'Invitee E-mail'" in result.stderr
    assert "re-export with all columns" in result.stderr


def test_renamed_columns_are_mapped(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "renamed_columns.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "renamed_columns.csv", 2)
    row = landed(query, rel, ["Invitee Name", "Event Type Name", "Canceled", "Invitee Time Zone"])
    assert row[1] == {
        "Invitee Name": "Bo Chen",
        "Event Type Name": "Intro Call",
        "Canceled": "true",
        "Invitee Time Zone": "Pacific Time - US & Canada",
    }
    assert "new column" not in result.stdout  # every header found its documented column


def test_extra_columns_are_kept(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "extra_columns.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "extra_columns.csv", 2)
    assert "new column(s) kept: Question 7, Response 7, Assigned Advisor" in flat(result.stdout)


# --- bad values in a good file -------------------------------------------------------------


def test_bad_values_are_kept_in_raw(data_dir: Path, db_file: Path, query: Query) -> None:
    rel = drop(data_dir, "bad_values.csv")
    result = load(data_dir, db_file)
    assert_lossless(result, query, rel, "bad_values.csv", 5)


def test_mangled_and_bad_values_through_the_models(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    """Staging reads Excel re-saves like the originals; bad values are flagged, listed in
    marts.data_quality_issues with file and row, and marked in fct_meetings."""
    for fixture in ("excel_dates.csv", "excel_leading_apostrophes.csv", "bad_values.csv"):
        drop(data_dir, fixture)
    result = runner.invoke(app, ["run", "--data-dir", str(data_dir), "--db", str(db_file), *AS_OF])
    assert result.exit_code == 0, result.output
    assert raw_count(query) == 10

    # Excel dates (New York wall time, EST in March) and apostrophes are read like originals.
    starts = dict(
        query(
            "select platform_booking_id, strftime(start_at, '%Y-%m-%d %H:%M')"
            " from marts.fct_meetings where platform_booking_id like 'ev-xdate-%'"
        )
    )
    assert starts == {
        "ev-xdate-01": "2026-03-05 19:30",
        "ev-xdate-02": "2026-11-12 14:00",
        "ev-xdate-03": "2026-03-05 19:30",
    }
    assert query(
        "select platform_booking_id, invitee_email, has_data_issue from marts.fct_meetings"
        " where platform_invitee_key = 'inv-apos-01'"
    ) == [("ev-apos-01", "ann.lee@example.com", False)]

    # Every bad row is still a meeting, marked; every problem is listed once with its row.
    assert query("select count(*) from marts.fct_meetings") == [(10,)]
    flagged = query(
        "select platform_booking_id from marts.fct_meetings where has_data_issue order by 1"
    )
    assert flagged == [("ev-bad-02",), ("ev-bad-03",), ("ev-bad-04",), ("ev-bad-05",)]
    issues = query(
        "select source_file, source_row, issue_code, offending_value, is_latest_state"
        " from marts.data_quality_issues order by source_row"
    )
    assert issues == [
        ("calendly/bad_values.csv", 2, "invalid_start_at", "next Tuesday 2pm", True),
        ("calendly/bad_values.csv", 3, "missing_email", None, True),
        ("calendly/bad_values.csv", 4, "invalid_email", "dev.patel.example.net", True),
        (
            "calendly/bad_values.csv",
            5,
            "end_before_start",
            "2026-11-19 03:00 pm -> 2026-11-19 02:00 pm",
            True,
        ),
    ]


# --- the same content again ----------------------------------------------------------------


@pytest.mark.parametrize(
    "second_name",
    [
        "good_export.csv",  # dropped twice: the same file, same name, next run
        "events-export (2).csv",  # the browser's name for a second download
        "calendly-2026-11-21.csv",  # re-exported later with identical content
    ],
)
def test_identical_content_loads_once(
    data_dir: Path, db_file: Path, query: Query, second_name: str
) -> None:
    first = drop(data_dir, "good_export.csv")
    assert load(data_dir, db_file).exit_code == 0
    second = drop(data_dir, "good_export.csv", second_name)
    again = load(data_dir, db_file)
    assert again.exit_code == 0
    expected = "already loaded" if second == first else f"same content as {first}"
    assert expected in flat(again.stdout)
    assert again.stderr == ""  # not a problem, nothing to do
    assert raw_count(query) == 3
    assert query("select status, row_count from raw._load_manifest") == [("loaded", 3)]


# --- quarantine ----------------------------------------------------------------------------


def test_rejected_file_is_quarantined_until_fixed(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    rel = drop(data_dir, "truncated_mid_row.csv", "events-export.csv")
    drop(data_dir, "missing_email_column.csv")
    assert load(data_dir, db_file).exit_code == 1

    listing = runner.invoke(app, ["quarantine", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert listing.exit_code == 0, listing.output
    text = flat(listing.stdout)
    assert "calendly/events-export.csv" in text and "looks truncated" in text
    assert "calendly/missing_email_column.csv" in text and "Invitee Email" in text
    assert "2 rejected file(s)" in text
    assert (data_dir / rel).exists()  # never moved or deleted

    # Fixed (exported again) and dropped under the same name: it loads and leaves the list.
    shutil.copyfile(FIXTURES / "good_export.csv", data_dir / rel)
    assert "(file changed since" in flat(
        runner.invoke(app, ["quarantine", "--data-dir", str(data_dir), "--db", str(db_file)]).stdout
    )
    (data_dir / "calendly" / "missing_email_column.csv").unlink()  # removed by the user
    fixed = load(data_dir, db_file)
    assert fixed.exit_code == 0, fixed.output
    assert raw_count(query, rel) == 3
    assert manifest(query, rel) == [("rejected", None), ("loaded", 3)]
    after = runner.invoke(app, ["quarantine", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert "quarantine is empty" in after.stdout


def test_quarantine_without_a_warehouse_is_one_line(data_dir: Path, db_file: Path) -> None:
    result = runner.invoke(app, ["quarantine", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: quarantine: no warehouse at")
    assert "run `meetings load` first" in result.stderr
    assert not db_file.exists()


# --- the corpus itself ---------------------------------------------------------------------


def test_committed_binary_fixtures_match_their_generator(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_binary_fixtures", FIXTURES / "make_binary_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(tmp_path):
        committed = FIXTURES / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{path.name} differs: run tests/fixtures/bad_exports/make_binary_fixtures.py"
        )


def test_unreadable_file_is_skipped_not_a_traceback(
    data_dir: Path, db_file: Path, query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked by another program (or deleted) between listing and reading."""
    import loader.discover as discover

    rel = drop(data_dir, "good_export.csv", "events-export.csv")
    drop(data_dir, "accented_names.csv")
    real_hash = discover.hash_and_check_utf8

    def locked(path: Path) -> tuple[str, bool]:
        if path.name == "events-export.csv":
            raise PermissionError(13, "Permission denied")
        return real_hash(path)

    monkeypatch.setattr(discover, "hash_and_check_utf8", locked)
    result = load(data_dir, db_file)
    assert_refused(result, query, rel, "skipped", "cannot read the file (Permission denied)", 0)
    assert raw_count(query) == 3  # the other file loaded


def test_file_that_is_no_known_export_is_rejected(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    rel = "calendly/contacts.csv"
    (data_dir / rel).write_text("Name,Email,Phone\nAnn Lee,ann@example.com,555-0100\n")
    result = load(data_dir, db_file)
    assert_refused(result, query, rel, "rejected", "header matches no known export", 1)
    assert "check it is an unedited platform export" in result.stderr
