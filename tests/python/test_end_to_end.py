"""The whole pipeline through the CLI on the bundled sample exports, into a temp warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from loader.cli import app
from loader.settings import PROJECT_DIR

from factories import CALCOM_HEADER, SAMPLE_DIR, WriteCsv, calcom_row, calendly_row

runner = CliRunner()
# Pin "now" so statuses (scheduled vs completed) do not depend on the day the test runs.
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']

Query = Callable[[str], list[tuple[object, ...]]]


def test_sample_data_end_to_end(db_file: Path, query: Query) -> None:
    result = runner.invoke(
        app, ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db_file), *AS_OF]
    )
    assert result.exit_code == 0, result.output
    assert "6 loaded, 0 skipped, 0 rejected (50 rows landed)" in result.stdout

    # Two overlapping Calendly exports, 14 rows -> 10 distinct invitee bookings (the sample
    # also holds two Cal.com exports, 16 rows, and two LACRM contact exports, 7 + 13 rows).
    calendly = "from marts.fct_meetings where platform = 'calendly'"
    assert query(f"select count(*) {calendly}") == [(10,)]
    statuses = dict(query(f"select status, count(*) {calendly} group by 1"))
    assert statuses == {"completed": 7, "canceled": 1, "no_show": 1, "scheduled": 1}

    by_person = {
        (name, str(start)): (status, source)
        for name, start, status, source in query(
            f"select invitee_name, start_at::date, status, source_file {calendly}"
        )
    }
    # History: Ann's July review is only in the older export and must survive.
    assert by_person[("Ann Lee", "2026-07-15")] == (
        "completed",
        "calendly/events-export-20261002.csv",
    )
    # Canceled and no-show states arrived in the later export and win.
    assert by_person[("Carla Diaz", "2026-10-14")][0] == "canceled"
    assert by_person[("Dev Patel", "2026-09-24")][0] == "no_show"
    assert by_person[("Frank O'Neil", "2026-12-03")][0] == "scheduled"

    # New York wall time -> UTC on both sides of the DST change (Nov 1, 2026).
    times = dict(
        query(
            f"select invitee_name, strftime(start_at, '%Y-%m-%d %H:%M') {calendly}"
            " and invitee_name in ('Bo Chen', 'Emma Rossi')"
        )
    )
    assert times == {"Bo Chen": "2026-09-10 18:00", "Emma Rossi": "2026-11-02 14:00"}

    # The group event has one meeting per invitee, each with its own stable id.
    assert query(
        "select count(distinct meeting_id) from marts.fct_meetings"
        " where event_type_name = 'New Client Onboarding'"
    ) == [(2,)]


def test_sample_calcom_exports_end_to_end(db_file: Path, query: Query) -> None:
    result = runner.invoke(
        app, ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db_file), *AS_OF]
    )
    assert result.exit_code == 0, result.output
    calcom = "from marts.fct_meetings where platform = 'calcom'"
    # Two overlapping exports (7 + 9 booking rows, one with two attendees) -> 11 meetings.
    assert query(f"select count(*) {calcom}") == [(11,)]
    statuses = dict(query(f"select status, count(*) {calcom} group by 1"))
    assert statuses == {
        "completed": 6,
        "canceled": 1,
        "no_show": 1,
        "scheduled": 2,
        "rescheduled": 1,
    }
    # Rescheduled bookings are kept but are not counted as meetings.
    assert query(f"select count(*) {calcom} and is_counted") == [(10,)]

    by_key = {
        key: (name, status, source)
        for key, name, status, source in query(
            f"select platform_invitee_key, invitee_name, status, source_file {calcom}"
            " and status != 'rescheduled'"
        )
    }
    older = "calcom/Insights-2026-08-01-2026-10-31.csv"
    # Ann's booking is only in the older export (window moved on): kept, email key lower-case.
    assert by_key["ann.lee@example.com"] == ("Ann Lee", "completed", older)
    # Cancellation and no-show arrived in the later export; timeStatus labels are not copied.
    assert by_key["kim@wardfamily.example"][1] == "canceled"
    assert by_key["jon.reyes@googlemail.com"][1] == "no_show"
    assert by_key["sam@unknown-domain.example"][1] == "scheduled"
    # One booking, two attendees -> two meetings with their own ids.
    assert query(
        f"select count(distinct meeting_id) {calcom}"
        " and platform_invitee_key in ('gina.novak@example.com', 'hal.novak@example.com')"
    ) == [(2,)]
    # Carla canceled on Calendly and rebooked on Cal.com: two bookings, two meetings.
    assert query(
        "select platform, status from marts.fct_meetings"
        " where invitee_name = 'Carla Diaz' order by start_at"
    ) == [("calendly", "canceled"), ("calcom", "scheduled")]
    # Event type names come from the seed, host names from the title.
    assert query(
        f"select event_type_name, host_name, duration_minutes {calcom}"
        " and platform_invitee_key = 'jon.reyes@googlemail.com'"
    ) == [("Discovery Meeting", "Tom Becker", 45)]


def _run(data_dir: Path, db_file: Path) -> None:
    result = runner.invoke(app, ["run", "--data-dir", str(data_dir), "--db", str(db_file), *AS_OF])
    assert result.exit_code == 0, result.output


def _calendly(n: int, day: str, **overrides: str) -> dict[str, str]:
    return calendly_row(
        n,
        **{"Start Date & Time": f"{day} 10:00 am", "End Date & Time": f"{day} 11:00 am"},
        **overrides,
    )


def _calcom(n: int, day: str, created: str, **overrides: str) -> dict[str, str]:
    return calcom_row(
        n,
        createdAt=f"{created}T12:00:00.000Z",
        startTime=f"{day}T15:00:00.000Z",
        endTime=f"{day}T16:00:00.000Z",
        **overrides,
    )


def test_history_survives_moving_export_windows_on_both_platforms(
    db_file: Path, data_dir: Path, write_csv: WriteCsv, query: Query
) -> None:
    """Export A covers January-March, export B February-April. After loading A then B,
    January meetings (only in A) remain; February-March meetings carry B's state."""
    rosa = "Rosa Vega (rosa.vega@example.com)"
    calcom_a = [
        _calcom(1, "2026-01-20", "2026-01-05"),
        _calcom(2, "2026-02-12", "2026-02-02"),
        _calcom(3, "2026-04-05", "2026-03-10", timeStatus="uncompleted"),
        _calcom(4, "2026-04-14", "2026-03-03", timeStatus="uncompleted", attendee1=rosa),
    ]
    write_csv(data_dir / "calcom" / "Insights-2026-01-01-2026-03-31.csv", calcom_a, CALCOM_HEADER)
    write_csv(
        data_dir / "calendly" / "events-export-20260331.csv",
        [
            _calendly(1, "2026-01-15"),
            _calendly(2, "2026-02-10"),
            _calendly(3, "2026-03-10"),
        ],
    )
    _run(data_dir, db_file)
    meetings = "select platform, invitee_email, status from marts.fct_meetings order by 1, 2"
    assert query(meetings) == [
        ("calcom", "client1@example.com", "completed"),
        ("calcom", "client2@example.com", "completed"),
        ("calcom", "client3@example.com", "completed"),
        ("calcom", "rosa.vega@example.com", "completed"),
        ("calendly", "client1@example.com", "completed"),
        ("calendly", "client2@example.com", "completed"),
        ("calendly", "client3@example.com", "completed"),
    ]
    ids_after_a = dict(
        query("select invitee_email || platform, meeting_id from marts.fct_meetings")
    )

    # Export B: January is out of the window; February/March bookings changed state; Rosa's
    # Cal.com booking was replaced and she rebooked on Calendly; a 4-attendee booking adds
    # attendee columns the first export did not have.
    noshow = "Client 2 (CLIENT2@example.com)"
    group = {
        "attendee2": "Gina Novak (gina.novak@example.com)",
        "attendee3": "Hal Novak (hal.novak@example.com)",
        "attendee4": "Ivy Park (ivy.park@example.com)",
    }
    calcom_b = [
        _calcom(2, "2026-02-12", "2026-02-02", noShowGuests=noshow, noShowGuestsCount="1"),
        _calcom(3, "2026-04-05", "2026-03-10", timeStatus="cancelled"),
        _calcom(4, "2026-04-14", "2026-03-03", timeStatus="rescheduled", attendee1=rosa),
        _calcom(5, "2026-04-22", "2026-04-02", **group),
    ]
    write_csv(
        data_dir / "calcom" / "Insights-2026-02-01-2026-04-30.csv",
        calcom_b,
        [*CALCOM_HEADER, "attendee4", "attendeePhone4"],
    )
    write_csv(
        data_dir / "calendly" / "events-export-20260430.csv",
        [
            _calendly(2, "2026-02-10", Canceled="true"),
            _calendly(3, "2026-03-10", **{"Marked as No-Show": "Yes"}),
            _calendly(
                5,
                "2026-04-20",
                **{"Invitee Name": "Rosa Vega", "Invitee Email": "rosa.vega@example.com"},
            ),
        ],
    )
    _run(data_dir, db_file)
    assert query(meetings) == [
        ("calcom", "client1@example.com", "completed"),  # only in A: kept
        ("calcom", "client2@example.com", "no_show"),  # marked in B (email in other case)
        ("calcom", "client3@example.com", "canceled"),  # canceled in B
        ("calcom", "client5@example.com", "completed"),
        ("calcom", "gina.novak@example.com", "completed"),
        ("calcom", "hal.novak@example.com", "completed"),
        ("calcom", "ivy.park@example.com", "completed"),  # attendee4, new in B
        ("calcom", "rosa.vega@example.com", "rescheduled"),
        ("calendly", "client1@example.com", "completed"),  # only in A: kept
        ("calendly", "client2@example.com", "canceled"),
        ("calendly", "client3@example.com", "no_show"),
        ("calendly", "rosa.vega@example.com", "completed"),
    ]
    # January rows still come from export A; the others from B.
    sources = dict(
        query(
            "select platform || ':' || invitee_email, source_file from marts.fct_meetings"
            " where start_at < '2026-02-01'"
        )
    )
    assert sources == {
        "calcom:client1@example.com": "calcom/Insights-2026-01-01-2026-03-31.csv",
        "calendly:client1@example.com": "calendly/events-export-20260331.csv",
    }
    # Ids survive the second load: derived from platform keys, not load order.
    ids_after_b = dict(
        query("select invitee_email || platform, meeting_id from marts.fct_meetings")
    )
    assert {k: ids_after_b[k] for k in ids_after_a} == ids_after_a
    # Rescheduled on Cal.com, rebooked on Calendly: two meetings, only the rebooking counted.
    assert query(
        "select platform, status, is_counted from marts.fct_meetings"
        " where invitee_email = 'rosa.vega@example.com' order by platform"
    ) == [("calcom", "rescheduled", False), ("calendly", "completed", True)]


def test_second_run_loads_nothing_and_keeps_ids(db_file: Path, query: Query) -> None:
    args = ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db_file), *AS_OF]
    assert runner.invoke(app, args).exit_code == 0
    ids_before = query("select meeting_id from marts.fct_meetings order by 1")
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 loaded, 6 skipped, 0 rejected" in again.stdout
    assert query("select meeting_id from marts.fct_meetings order by 1") == ids_before


def test_build_releases_the_database_file(db_file: Path) -> None:
    args = ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db_file), *AS_OF]
    assert runner.invoke(app, args).exit_code == 0
    # Another process can take the write lock right after an in-process dbt build.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('checkpoint')",
            str(db_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr


def test_failing_dbt_test_fails_the_build(
    db_file: Path, data_dir: Path, write_csv: WriteCsv
) -> None:
    """A data test failure must turn into exit code 1 (no silent green)."""
    # An export row without Event UUID breaks the not_null key test in staging.
    rows = [calendly_row(1), calendly_row(2, **{"Event UUID": ""})]
    write_csv(data_dir / "calendly" / "events-export-20261120.csv", rows)
    result = runner.invoke(app, ["run", "--data-dir", str(data_dir), "--db", str(db_file), *AS_OF])
    assert result.exit_code == 1
    assert "dbt reported failing models or tests" in result.stderr


def _compiled_sql_of_last_build() -> dict[str, str]:
    """Node name -> the SQL dbt ran for it, from the last build's run_results.json."""
    results = json.loads((PROJECT_DIR / "target" / "run_results.json").read_text())
    return {r["unique_id"].split(".")[2]: r.get("compiled_code") or "" for r in results["results"]}


def _second_run_after_breaking_a_processed_row(
    write_csv: WriteCsv,
    data_dir: Path,
    db_file: Path,
    first: tuple[Path, list[dict[str, str]]],
    second: tuple[Path, list[dict[str, str]]],
    key: tuple[str, str],
) -> tuple[int, dict[str, str], str]:
    """`meetings run` with the first export; then row 2 of that processed load loses its
    key (raw table, column) -- raw is never edited by the pipeline: this stands for a
    staging change that old rows would now fail; then `meetings run` with the second export
    must pass. Returns the processed load's id, the SQL dbt ran per node in the second run
    and its output."""
    run = ["run", "--data-dir", str(data_dir), "--db", str(db_file), *AS_OF]
    write_csv(*first)
    result = runner.invoke(app, run)
    assert result.exit_code == 0, result.output
    raw_table, column = key
    with duckdb.connect(str(db_file)) as con:
        con.execute(f'update raw.{raw_table} set "{column}" = null where _source_row = 2')
        processed = con.execute(f"select max(_load_id) from raw.{raw_table}").fetchone()
    assert processed is not None and processed[0] is not None
    write_csv(*second)
    result = runner.invoke(app, run)
    assert result.exit_code == 0, result.output
    return int(processed[0]), _compiled_sql_of_last_build(), result.output


def test_run_checks_the_loads_it_processes_and_build_checks_all(
    db_file: Path, data_dir: Path, write_csv: WriteCsv
) -> None:
    """`meetings run` tests staging rows of the loads it processes (macros/
    get_where_subquery.sql); `meetings build` tests the whole history."""
    folder = data_dir / "calendly"
    processed, compiled, output = _second_run_after_breaking_a_processed_row(
        write_csv,
        data_dir,
        db_file,
        (folder / "events-export-20261120.csv", [calendly_row(1), calendly_row(2)]),
        (folder / "events-export-20261127.csv", [calendly_row(3)]),
        ("calendly_events", "Event UUID"),
    )
    assert "not_null_stg_calendly__events_event_uuid" in output  # ran, on the new load
    # staging tests: loads not yet in int_meetings__unioned; int_meetings__unioned's own
    # tests: loads not yet in int_meetings__deduplicated (both: the loads before this run)
    for test in (
        "not_null_stg_calendly__events_event_uuid",
        "not_null_int_meetings__unioned_meeting_id",
    ):
        assert f"where load_id > {processed})" in compiled[test], compiled[test]
    # the history check compares staging with int_meetings__unioned for those loads too
    history_check = compiled["assert_unioned_holds_every_staged_row"]
    assert history_check.count(f"where load_id > {processed}\n") == 3, history_check

    build = runner.invoke(app, ["build", "--db", str(db_file), *AS_OF])
    assert build.exit_code == 1
    assert "FAIL 1 not_null_stg_calendly__events_event_uuid" in build.output

    # A bad row in a new load fails `meetings run`, and keeps failing it: the load is not
    # taken into the meeting model, so the next run checks it again.
    write_csv(folder / "events-export-20261204.csv", [calendly_row(4, **{"Event UUID": ""})])
    run = ["run", "--data-dir", str(data_dir), "--db", str(db_file), *AS_OF]
    for _ in range(2):
        bad = runner.invoke(app, run)
        assert bad.exit_code == 1
        assert "FAIL 1 not_null_stg_calendly__events_event_uuid" in bad.output


def test_run_checks_the_contact_loads_it_processes(
    db_file: Path, data_dir: Path, write_csv: WriteCsv
) -> None:
    """Contact exports too: `meetings run` tests the staged contacts of loads not yet in
    int_contacts__unioned, and int_contacts__unioned's rows of loads not yet in
    int_contacts__history; `meetings build` tests every contact load."""

    def contact(n: int) -> dict[str, str]:
        return {
            "Contact ID": f"39110020040010000000000{n:08d}",
            "First Name": "Ann",
            "Last Name": f"Lee {n}",
            "Email 1": f"ann.lee{n}@example.com",
        }

    write_csv(data_dir / "calendly" / "events-export-20261120.csv", [calendly_row(1)])
    folder = data_dir / "lacrm"
    processed, compiled, _ = _second_run_after_breaking_a_processed_row(
        write_csv,
        data_dir,
        db_file,
        (folder / "lacrm-contacts-2026-11-20.csv", [contact(1), contact(2)]),
        (folder / "lacrm-contacts-2026-11-27.csv", [contact(1), contact(3)]),
        ("lacrm_contacts_csv", "Contact ID"),
    )
    for test in (
        "not_null_stg_lacrm__contacts_csv_contact_id",
        "not_null_int_contacts__unioned_contact_id",
    ):
        assert f"where load_id > {processed})" in compiled[test], compiled[test]

    build = runner.invoke(app, ["build", "--db", str(db_file), *AS_OF])
    assert build.exit_code == 1
    assert "FAIL 1 not_null_stg_lacrm__contacts_csv_contact_id" in build.output
