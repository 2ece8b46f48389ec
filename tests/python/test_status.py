"""`meetings status`: freshness levels, gap lines, exit code for cron."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.status import Gap, PlatformFreshness

from factories import WriteCsv, calendly_row

runner = CliRunner()


def _freshness(days: int | None) -> PlatformFreshness:
    last = None if days is None else datetime(2026, 11, 14, 9, tzinfo=UTC)
    return PlatformFreshness("calendly", last, days, date(2026, 11, 14), 8, 15)


@pytest.mark.parametrize(
    ("days", "level"),
    [(0, "ok"), (7, "ok"), (8, "warn"), (14, "warn"), (15, "error"), (None, "never")],
)
def test_levels_follow_the_thresholds(days: int | None, level: str) -> None:
    assert _freshness(days).level == level


def test_stale_message_says_what_to_export() -> None:
    assert _freshness(12).message() == (
        "Calendly: last export 12 days ago — export events since 2026-11-14"
    )
    assert _freshness(3).message() == "Calendly: last export 3 days ago"


def test_gap_message_names_the_dates() -> None:
    gap = Gap("calcom", date(2026, 4, 16), date(2026, 4, 30), 15)
    assert gap.message() == (
        "Cal.com: no export covers 2026-04-16 → 2026-04-30 (15 days) — export that date range"
    )


def test_status_before_any_build_is_one_clean_line(db_file: Path) -> None:
    result = runner.invoke(app, ["status", "--db", str(db_file)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: status: nothing published yet (no {db_file.with_name('analytics.duckdb')});"
        " run `meetings run` (or `meetings build`) first"
    ]
    assert "Traceback" not in result.output


def test_status_reports_a_hole_between_exports_and_fails_when_stale(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    january = [
        calendly_row(
            n,
            **{
                "Start Date & Time": f"2026-01-{d:02d} 10:00 am",
                "End Date & Time": f"2026-01-{d:02d} 11:00 am",
            },
        )
        for n, d in enumerate((5, 20, 31), start=1)
    ]
    march = [
        calendly_row(
            n,
            **{
                "Start Date & Time": f"2026-03-{d:02d} 10:00 am",
                "End Date & Time": f"2026-03-{d:02d} 11:00 am",
            },
        )
        for n, d in enumerate((2, 15), start=10)
    ]
    write_csv(data_dir / "calendly" / "calendly-2026-02-01.csv", january)
    write_csv(data_dir / "calendly" / "calendly-2026-03-20.csv", march)
    built = runner.invoke(
        app,
        [
            "run",
            "--data-dir",
            str(data_dir),
            "--db",
            str(db_file),
            "--vars",
            '{"as_of": "2026-03-21 12:00:00+00"}',
        ],
    )
    assert built.exit_code == 0, built.output

    fresh = runner.invoke(app, ["status", "--db", str(db_file), "--as-of", "2026-03-22"])
    assert fresh.exit_code == 0, fresh.output
    assert "Calendly: last export 1 day ago" in fresh.stdout
    # Jan 31 is the last covered day of the first export, Mar 2 the first of the second.
    assert "no export covers 2026-02-01 → 2026-03-01 (29 days)" in fresh.stdout

    # Exported 2026-03-20 00:00 New York (04:00 UTC): 20 whole days before Apr 10 00:00 UTC.
    stale = runner.invoke(app, ["status", "--db", str(db_file), "--as-of", "2026-04-10"])
    assert stale.exit_code == 1
    assert "Calendly: last export 20 days ago — export events since 2026-03-20" in stale.stdout
    shown = runner.invoke(
        app, ["status", "--db", str(db_file), "--as-of", "2026-04-10", "--no-fail-on-stale"]
    )
    assert shown.exit_code == 0
