"""Landing: lossless, idempotent, one transaction per file."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from loader.formats import CALCOM, CALENDLY
from loader.ingest import FileOutcome, load_folder
from loader.warehouse import connect

from factories import CALCOM_HEADER, SAMPLE_DIR, WriteCsv, calcom_row, calendly_row

NY = ZoneInfo("America/New_York")


def _load(data_dir: Path, db_file: Path) -> dict[str, FileOutcome]:
    with connect(db_file) as con:
        return {o.rel_path: o for o in load_folder(con, data_dir, NY)}


def _rows(db_file: Path, sql: str) -> list[tuple[object, ...]]:
    with connect(db_file) as con:
        return con.execute(sql).fetchall()


def test_every_cell_lands_verbatim_with_lineage(data_dir: Path, db_file: Path) -> None:
    source = SAMPLE_DIR / "calendly" / "calendly-2026-11-20T0930.csv"
    shutil.copy(source, data_dir / "calendly" / source.name)
    outcomes = _load(data_dir, db_file)
    assert outcomes[f"calendly/{source.name}"].status == "loaded"

    with source.open(newline="", encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    columns = list(expected[0].keys())
    select = ", ".join(f'"{c}"' for c in columns)
    landed = _rows(
        db_file,
        f"select {select}, _source_row, _source_file, _load_id from raw.calendly_events"
        " order by _source_row",
    )
    assert len(landed) == len(expected)
    for number, (want, got) in enumerate(zip(expected, landed, strict=True), start=1):
        cells = dict(zip(columns, got[: len(columns)], strict=True))
        # Empty cells land as NULL; every other value is byte-for-byte the file's text.
        assert cells == {k: (v if v != "" else None) for k, v in want.items()}
        assert got[len(columns) :] == (number, f"calendly/{source.name}", 1)


def test_unknown_column_is_kept(data_dir: Path, db_file: Path, write_csv: WriteCsv) -> None:
    header = [*CALENDLY.known_columns, "Question 9", "Brand New Column"]
    rows = [calendly_row(1, **{"Question 9": "Q?", "Brand New Column": "kept!"})]
    write_csv(data_dir / "calendly" / "events-export-20261120.csv", rows, header)
    outcome = _load(data_dir, db_file)["calendly/events-export-20261120.csv"]
    assert outcome.status == "loaded"
    assert "Brand New Column" in outcome.note
    assert _rows(db_file, 'select "Brand New Column", "Question 9" from raw.calendly_events') == [
        ("kept!", "Q?")
    ]


def test_same_content_loads_once_whatever_the_name(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    first = write_csv(data_dir / "calendly" / "events-export.csv", [calendly_row(1)])
    assert _load(data_dir, db_file)["calendly/events-export.csv"].status == "loaded"
    # Dropped again under another name, and in the top-level folder.
    shutil.copy(first, data_dir / "calendly" / "events-export (2).csv")
    shutil.copy(first, data_dir / "events-export-copy.csv")
    second = _load(data_dir, db_file)
    assert second["calendly/events-export.csv"].note == "already loaded"
    assert second["calendly/events-export (2).csv"].status == "skipped"
    assert second["calendly/events-export (2).csv"].note == (
        "same content as calendly/events-export.csv"
    )
    assert second["events-export-copy.csv"].status == "skipped"
    assert _rows(db_file, "select count(*) from raw.calendly_events") == [(1,)]
    assert _rows(db_file, "select count(*) from raw._load_manifest") == [(1,)]


def test_two_new_copies_in_one_run_load_once(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    first = write_csv(data_dir / "calendly" / "a.csv", [calendly_row(1), calendly_row(2)])
    shutil.copy(first, data_dir / "calendly" / "b.csv")
    outcomes = _load(data_dir, db_file)
    assert sorted(o.status for o in outcomes.values()) == ["loaded", "skipped"]
    assert _rows(db_file, "select count(*) from raw.calendly_events") == [(2,)]


def test_malformed_file_lands_nothing_and_others_still_load(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    good = write_csv(data_dir / "calendly" / "good-20261001.csv", [calendly_row(1)])
    bad = write_csv(
        data_dir / "calendly" / "bad-20261002.csv", [calendly_row(n) for n in range(2, 40)]
    )
    with bad.open("a", encoding="utf-8") as handle:  # a last row with one cell too many
        handle.write(",".join(["x"] * (len(CALENDLY.known_columns) + 1)) + "\n")
    outcomes = _load(data_dir, db_file)
    assert outcomes["calendly/good-20261001.csv"].status == "loaded"
    rejected = outcomes["calendly/bad-20261002.csv"]
    assert rejected.status == "rejected"
    assert rejected.note  # the reason, one line
    assert "\n" not in rejected.note
    # Nothing of the bad file landed, even its 38 good rows.
    assert _rows(db_file, "select distinct _source_file from raw.calendly_events") == [
        (good.relative_to(data_dir).as_posix(),)
    ]
    assert _rows(
        db_file, "select status, count(*) from raw._load_manifest group by 1 order by 1"
    ) == [
        ("loaded", 1),
        ("rejected", 1),
    ]
    # A second run reports it again but records the same rejection only once.
    assert _load(data_dir, db_file)["calendly/bad-20261002.csv"].status == "rejected"
    assert _rows(db_file, "select count(*) from raw._load_manifest") == [(2,)]
    # Fixed and dropped again: it loads.
    write_csv(bad, [calendly_row(n) for n in range(2, 40)])
    assert _load(data_dir, db_file)["calendly/bad-20261002.csv"].status == "loaded"
    assert _rows(db_file, "select count(*) from raw.calendly_events") == [(39,)]


def test_failure_inside_the_transaction_rolls_back(
    data_dir: Path, db_file: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing the manifest fails after the rows were inserted, the rows go too."""
    import loader.land as land

    def broken_manifest(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("disk full (simulated)")

    monkeypatch.setattr(land, "_insert_manifest", broken_manifest)
    write_csv(data_dir / "calendly" / "a.csv", [calendly_row(1), calendly_row(2)])
    outcome = _load(data_dir, db_file)["calendly/a.csv"]
    assert outcome.status == "rejected"
    assert "disk full" in outcome.note
    assert _rows(db_file, "select count(*) from raw.calendly_events") == [(0,)]


def test_header_only_file_is_recorded_as_empty(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    path = data_dir / "calendly" / "events-export-20261120.csv"
    path.write_text(",".join(f'"{c}"' for c in CALENDLY.known_columns) + "\n", encoding="utf-8")
    assert _load(data_dir, db_file)["calendly/events-export-20261120.csv"].status == "empty"
    assert _rows(db_file, "select status, row_count from raw._load_manifest") == [("empty", 0)]


def test_exports_land_oldest_first(data_dir: Path, db_file: Path, write_csv: WriteCsv) -> None:
    write_csv(data_dir / "calendly" / "a-20261120.csv", [calendly_row(1)])
    write_csv(data_dir / "calendly" / "b-20261001.csv", [calendly_row(2)])
    _load(data_dir, db_file)
    assert _rows(db_file, "select file_name from raw._load_manifest order by load_id") == [
        ("b-20261001.csv",),
        ("a-20261120.csv",),
    ]


def test_calcom_attendee_columns_grow_with_the_widest_booking(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    """Cal.com writes attendeeN/attendeePhoneN up to the largest booking in the file: a later
    export with five attendees adds attendee4/5 to the raw table; earlier rows keep NULL."""
    first = [calcom_row(1, attendee2="Gina Novak (gina.novak@example.com)")]
    write_csv(data_dir / "calcom" / "Insights-2026-08-01-2026-10-31.csv", first, CALCOM_HEADER)
    assert _load(data_dir, db_file)["calcom/Insights-2026-08-01-2026-10-31.csv"].rows == 1

    extra = ["attendee4", "attendeePhone4", "attendee5", "attendeePhone5", "Additional notes"]
    wide = calcom_row(
        2,
        attendee2="B (b@example.com)",
        attendee3="C (c@example.com)",
        attendee4="D (d@example.com)",
        attendeePhone4="+1 555 0104",
        attendee5="E (e@example.com)",
        **{"Additional notes": "bring statements"},
    )
    write_csv(
        data_dir / "calcom" / "Insights-2026-09-01-2026-11-26.csv", [wide], [*CALCOM_HEADER, *extra]
    )
    outcome = _load(data_dir, db_file)["calcom/Insights-2026-09-01-2026-11-26.csv"]
    assert outcome.status == "loaded"
    assert outcome.note == f"new column(s) kept: {', '.join(extra)}"
    assert _rows(
        db_file,
        'select uid, attendee1, attendee4, attendeePhone4, attendee5, "Additional notes"'
        " from raw.calcom_bookings order by _load_id",
    ) == [
        ("calUid0001xYz", "Client 1 (client1@example.com)", None, None, None, None),
        (
            "calUid0002xYz",
            "Client 2 (client2@example.com)",
            "D (d@example.com)",
            "+1 555 0104",
            "E (e@example.com)",
            "bring statements",
        ),
    ]
    manifest = _rows(db_file, "select platform, raw_table from raw._load_manifest")
    assert manifest == [("calcom", CALCOM.raw_table)] * 2


def test_source_row_is_the_file_row_on_a_multi_megabyte_file(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    # Big enough (~20 MB) for DuckDB to scan it in parallel chunks: `_source_row` comes from
    # the rowid order of the insert, so it must still be each row's own place in the file.
    # Blank `,,,` rows in between are numbered (they are rows of the file) but not landed.
    blank = dict.fromkeys(CALENDLY.known_columns, "")
    blank_at = {7, 12_345, 30_000, 39_999}
    rows = []
    for line in range(1, 40_001):
        padding = f"{line:06d} " + "x" * 400
        rows.append(blank if line in blank_at else calendly_row(line, **{"Response 1": padding}))
    path = write_csv(data_dir / "calendly" / "big-export.csv", rows)
    assert path.stat().st_size > 16_000_000
    with connect(db_file) as con:
        con.execute("set threads = 4")
        outcomes = {o.rel_path: o for o in load_folder(con, data_dir, NY)}
    assert outcomes["calendly/big-export.csv"].status == "loaded"
    landed = _rows(db_file, 'select "Invitee UUID", _source_row from raw.calendly_events')
    assert len(landed) == 40_000 - len(blank_at)
    wrong = [(uuid, n) for uuid, n in landed if uuid != f"inv-{n:04d}"]
    assert wrong == []
    assert _rows(db_file, "select row_count from raw._load_manifest") == [(40_000 - len(blank_at),)]


def test_unchanged_file_is_skipped_without_reading_it(
    data_dir: Path, db_file: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(data_dir / "calendly" / "events-export.csv", [calendly_row(1)])
    assert _load(data_dir, db_file)["calendly/events-export.csv"].status == "loaded"

    def no_reading(*_: object) -> object:
        raise AssertionError("an unchanged, already landed file was read again")

    # Same path, size and modification time as when it landed: not hashed, not sniffed.
    monkeypatch.setattr("loader.discover.hash_and_check_utf8", no_reading)
    again = _load(data_dir, db_file)["calendly/events-export.csv"]
    assert (again.status, again.note, again.platform) == ("skipped", "already loaded", "calendly")
    monkeypatch.undo()

    # Rewritten in place with the same size: a new modification time, so it is read again
    # and compared by content (a different booking -> it lands).
    stat = path.stat()
    write_csv(path, [calendly_row(2)])
    assert path.stat().st_size == stat.st_size
    assert path.stat().st_mtime_ns != stat.st_mtime_ns
    assert _load(data_dir, db_file)["calendly/events-export.csv"].status == "loaded"
    assert _rows(db_file, 'select "Invitee UUID" from raw.calendly_events order by 1') == [
        ("inv-0001",),
        ("inv-0002",),
    ]


def test_manifest_of_an_older_warehouse_gets_the_mtime_column(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    write_csv(data_dir / "calendly" / "events-export.csv", [calendly_row(1)])
    assert _load(data_dir, db_file)["calendly/events-export.csv"].status == "loaded"
    with connect(db_file) as con:
        con.execute("alter table raw._load_manifest drop column file_mtime_ns")
    # An entry without a modification time is compared by content, as before.
    again = _load(data_dir, db_file)["calendly/events-export.csv"]
    assert (again.status, again.note) == ("skipped", "already loaded")
    assert _rows(db_file, "select count(file_mtime_ns) from raw._load_manifest") == [(0,)]


def test_a_load_stopped_before_numbering_is_finished_by_the_next_load(
    data_dir: Path, db_file: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows and manifest commit first, the numbering (`_source_row`, blank rows dropped)
    second: if the process stops in between, the next `meetings load` finishes that load
    instead of landing the file again, and reports no rejection."""
    import loader.land as land
    from loader.errors import LoadNotFinished

    blank = dict.fromkeys(CALENDLY.known_columns, "")
    write_csv(
        data_dir / "calendly" / "a.csv",
        [calendly_row(1), blank, calendly_row(3), calendly_row(4)],
    )
    real_number_rows = land.number_rows

    def stopped(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("process stopped (simulated)")

    monkeypatch.setattr(land, "number_rows", stopped)
    with pytest.raises(LoadNotFinished, match="run `meetings load` again"):
        _load(data_dir, db_file)
    # committed: the rows (blank one still marked) and the manifest row, no rejection
    assert _rows(db_file, "select count(*), count(_source_row) from raw.calendly_events") == [
        (4, 1)
    ]
    assert _rows(db_file, "select status, row_count from raw._load_manifest") == [("loaded", 3)]

    monkeypatch.setattr(land, "number_rows", real_number_rows)
    with connect(db_file) as con:
        outcomes = load_folder(con, data_dir, NY)
    # reported once, as loaded now (the stopped run never said so), and not landed twice
    assert [(o.rel_path, o.status, o.rows) for o in outcomes] == [("calendly/a.csv", "loaded", 3)]
    assert "stopped before finishing" in outcomes[0].note
    landed = _rows(
        db_file, 'select "Invitee UUID", _source_row from raw.calendly_events order by 2'
    )
    assert landed == [("inv-0001", 1), ("inv-0003", 3), ("inv-0004", 4)]
    assert _rows(db_file, "select count(*) from raw._load_manifest") == [(1,)]
