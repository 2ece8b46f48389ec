"""`meetings status`: freshness levels, gap lines, exit code for cron."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.status import Gap, PlatformFreshness, ReviewBurden

from factories import WriteCsv, calendly_row, read_only_rows

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


def _run(data_dir: Path, db_file: Path, as_of: str) -> None:
    """`meetings run` on the test's exports, statuses and ages as of `as_of`."""
    args = ["run", "--data-dir", str(data_dir), "--db", str(db_file)]
    built = runner.invoke(app, [*args, "--vars", f'{{"as_of": "{as_of}"}}'])
    assert built.exit_code == 0, built.output


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
    _run(data_dir, db_file, as_of="2026-03-21 12:00:00+00")

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


def test_review_burden_message() -> None:
    since = datetime(2026, 8, 29, 12, tzinfo=UTC)
    as_of = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert ReviewBurden(since, as_of, 3, 8, 37.5).message() == (
        "review burden: 37.5 meetings awaiting review per 100 meetings of the last 90 days"
        " (3 of the 8 that started 2026-08-29 → 2026-11-27)"
    )
    assert ReviewBurden(since, as_of, 0, 0, None).message() == (
        "review burden: no meeting started in the 90 days 2026-08-29 → 2026-11-27"
    )


# The build's as-of, and 90 days before it. Calendly cells are New York wall-clock times:
# 07:00 am on Nov 27 (EST) and 08:00 am on Aug 29 (EDT) are both 12:00 UTC.
BURDEN_AS_OF = "2026-11-27 12:00:00+00"
BURDEN_BOOKINGS = [
    # (email, New York start, canceled, counted in the window, awaiting review)
    ("client1@example.com", "2026-09-10 10:00 am", "false", True, False),
    ("client2@example.com", "2026-10-05 10:00 am", "false", True, False),
    ("client3@example.com", "2026-11-20 10:00 am", "false", True, False),
    ("client1@example.com", "2026-11-27 07:00 am", "false", True, False),  # at as_of: in
    ("stranger1@unknown.example", "2026-11-27 07:00 am", "false", True, True),  # at as_of: in
    ("stranger2@unknown.example", "2026-10-15 10:00 am", "false", True, True),
    ("stranger3@unknown.example", "2026-11-02 10:00 am", "true", True, True),  # canceled
    ("colleague@harborpointadvisors.example", "2026-10-20 10:00 am", "false", True, False),
    ("stranger4@unknown.example", "2026-08-29 08:00 am", "false", False, True),  # 90 days: out
    ("stranger5@unknown.example", "2026-08-01 10:00 am", "false", False, True),
    ("client2@example.com", "2026-08-01 10:00 am", "false", False, False),
    ("stranger6@unknown.example", "2026-12-10 10:00 am", "false", False, True),  # after as_of
]


def test_status_shows_the_review_burden_of_the_last_90_days(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    """Meetings awaiting review per 100 meetings that started in (as_of - 90 days, as_of]:
    3 of the 8 in that window (a canceled one counts, an internal one is a meeting but not
    queued; the day 90 days back, older and future meetings are in neither count)."""
    write_csv(
        data_dir / "lacrm" / "lacrm-contacts-2026-11-20.csv",
        [
            {
                "Contact ID": f"39110020040010000000000000000{n:02d}",
                "First Name": "Client",
                "Last Name": str(n),
                "Email 1": f"client{n}@example.com",
            }
            for n in (1, 2, 3)
        ],
    )
    rows = []
    for n, (email, start, canceled, _, _) in enumerate(BURDEN_BOOKINGS, start=1):
        end = f"{start[:11]}{int(start[11:13]) + 1:02d}{start[13:]}"  # an hour later
        rows.append(
            calendly_row(
                n,
                **{
                    "Invitee Email": email,
                    "Start Date & Time": start,
                    "End Date & Time": end,
                    "Canceled": canceled,
                },
            )
        )
    write_csv(data_dir / "calendly" / "calendly-2026-11-26.csv", rows)
    _run(data_dir, db_file, as_of=BURDEN_AS_OF)

    in_window = [b for b in BURDEN_BOOKINGS if b[3]]
    awaiting = [b for b in in_window if b[4]]
    assert (len(awaiting), len(in_window)) == (3, 8)
    # The same figures by another route: each meeting of fct_meetings, whether it is in
    # the queue, the window from the as-of the test gave (seconds since the epoch).
    analytics = db_file.with_name("analytics.duckdb")
    assert read_only_rows(
        analytics,
        f"""
        select
            count(orphaned_meetings.meeting_id),
            count(*),
            round(count(orphaned_meetings.meeting_id) * 100.0 / count(*), 1)
        from marts.fct_meetings
        left join marts.orphaned_meetings
            on fct_meetings.meeting_id = orphaned_meetings.meeting_id
        where epoch(fct_meetings.start_at)
            between epoch(timestamptz '{BURDEN_AS_OF}') - 90 * 86400 + 1
            and epoch(timestamptz '{BURDEN_AS_OF}')
        """,
    ) == [(3, 8, 37.5)]
    # Every queued booking is in the queue; the burden counts only the window's.
    assert read_only_rows(analytics, "select count(*) from marts.orphaned_meetings") == [
        (len([b for b in BURDEN_BOOKINGS if b[4]]),)
    ]

    shown = runner.invoke(app, ["status", "--db", str(db_file), "--no-fail-on-stale"])
    assert shown.exit_code == 0, shown.output
    assert "! 6 meeting(s) not matched to a LACRM contact" in shown.stdout
    assert (
        "review burden: 37.5 meetings awaiting review per 100 meetings of the last 90 days"
        " (3 of the 8 that started 2026-08-29 → 2026-11-27)" in " ".join(shown.stdout.split())
    )
