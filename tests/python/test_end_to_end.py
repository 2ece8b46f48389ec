"""The whole pipeline through the CLI on the bundled sample exports, into a temp warehouse."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from loader.cli import app

from factories import SAMPLE_DIR, WriteCsv, calendly_row

runner = CliRunner()
# Pin "now" so statuses (scheduled vs completed) do not depend on the day the test runs.
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']

Query = Callable[[str], list[tuple[object, ...]]]


def test_sample_data_end_to_end(db_file: Path, query: Query) -> None:
    result = runner.invoke(
        app, ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db_file), *AS_OF]
    )
    assert result.exit_code == 0, result.output
    assert "4 loaded, 0 skipped, 0 rejected (34 rows landed)" in result.stdout

    # Two overlapping Calendly exports, 14 rows -> 10 distinct invitee bookings (plus two
    # LACRM contact exports, 7 + 13 rows).
    assert query("select count(*) from marts.fct_meetings") == [(10,)]
    statuses = dict(query("select status, count(*) from marts.fct_meetings group by 1"))
    assert statuses == {"completed": 7, "canceled": 1, "no_show": 1, "scheduled": 1}

    by_person = {
        (name, str(start)): (status, source)
        for name, start, status, source in query(
            "select invitee_name, start_at::date, status, source_file from marts.fct_meetings"
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
            "select invitee_name, strftime(start_at, '%Y-%m-%d %H:%M') from marts.fct_meetings"
            " where invitee_name in ('Bo Chen', 'Emma Rossi')"
        )
    )
    assert times == {"Bo Chen": "2026-09-10 18:00", "Emma Rossi": "2026-11-02 14:00"}

    # The group event has one meeting per invitee, each with its own stable id.
    assert query(
        "select count(distinct meeting_id) from marts.fct_meetings"
        " where event_type_name = 'New Client Onboarding'"
    ) == [(2,)]


def test_second_run_loads_nothing_and_keeps_ids(db_file: Path, query: Query) -> None:
    args = ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db_file), *AS_OF]
    assert runner.invoke(app, args).exit_code == 0
    ids_before = query("select meeting_id from marts.fct_meetings order by 1")
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 loaded, 4 skipped, 0 rejected" in again.stdout
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
