"""What `meetings status` reports: export freshness and gaps, review queue and its burden,
unclassified types.

Reads the analytics copy (loader/publish.py): the marts built by dbt (export_freshness,
export_gaps, unclassified_event_types and, when present, orphaned_meetings) plus the load
manifest, which is published with them, so status never opens the warehouse that a running
`meetings run` holds. Everything is as of the last successful build, rejected files included
(a file rejected by a `meetings load` alone shows after the next `meetings run`). Export
ages are recomputed at the time the command runs; the thresholds come from the build (dbt
vars), so there is one place to configure them.

The review burden is the build's, not the command's: meetings awaiting review per 100
meetings that started in the 90 days up to the build's as-of (BURDEN_SQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from loader.errors import MeetingsError
from loader.warehouse import has_table

PLATFORM_LABELS = {"calendly": "Calendly", "calcom": "Cal.com"}


@dataclass(frozen=True)
class PlatformFreshness:
    platform: str
    last_exported_at: datetime | None
    days_since_last_export: int | None
    export_since_date: date | None
    warn_after_days: int
    error_after_days: int

    @property
    def label(self) -> str:
        return PLATFORM_LABELS.get(self.platform, self.platform)

    @property
    def level(self) -> str:
        """ok, warn, error, or never (no export landed yet)."""
        if self.days_since_last_export is None:
            return "never"
        if self.days_since_last_export >= self.error_after_days:
            return "error"
        if self.days_since_last_export >= self.warn_after_days:
            return "warn"
        return "ok"

    def message(self) -> str:
        if self.days_since_last_export is None:
            return f"{self.label}: no export loaded yet — export all events and drop the file in"
        age = self.days_since_last_export
        text = f"{self.label}: last export {age} day{'s' if age != 1 else ''} ago"
        if self.level != "ok" and self.export_since_date is not None:
            text += f" — export events since {self.export_since_date.isoformat()}"
        return text


@dataclass(frozen=True)
class Gap:
    platform: str
    start: date
    end: date
    days: int

    def message(self) -> str:
        label = PLATFORM_LABELS.get(self.platform, self.platform)
        return (
            f"{label}: no export covers {self.start.isoformat()} → {self.end.isoformat()}"
            f" ({self.days} day{'s' if self.days != 1 else ''}) — export that date range"
        )


BURDEN_WINDOW_DAYS = 90

# Meetings awaiting review per 100 meetings of the last 90 days, as of the build: of the
# meetings in marts.fct_meetings whose start_at is in (as_of - 90 days, as_of] -- canceled,
# internal and ignored ones included -- the share that is in marts.orphaned_meetings (the
# review queue is a subset of fct_meetings), times 100. as_of is the build's "now"
# (export_freshness.as_of, as on the report page and in meta.published). Meetings booked
# for after the build are in neither count.
BURDEN_SQL = f"""
with

as_of as (

    select max(as_of) as as_of from marts.export_freshness

),

window_bounds as (

    select as_of - interval {BURDEN_WINDOW_DAYS} day as window_start, as_of from as_of

),

meetings as (

    select count(*) as meetings
    from marts.fct_meetings
    inner join window_bounds
        on fct_meetings.start_at > window_bounds.window_start
        and fct_meetings.start_at <= window_bounds.as_of

),

awaiting as (

    select count(*) as awaiting_review
    from marts.orphaned_meetings
    inner join window_bounds
        on orphaned_meetings.start_at > window_bounds.window_start
        and orphaned_meetings.start_at <= window_bounds.as_of

)

select
    window_bounds.window_start,
    window_bounds.as_of,
    awaiting.awaiting_review,
    meetings.meetings,
    round(100.0 * awaiting.awaiting_review / nullif(meetings.meetings, 0), 1) as per_100
from window_bounds, awaiting, meetings
"""


@dataclass(frozen=True)
class ReviewBurden:
    """Meetings awaiting review per 100 meetings of the BURDEN_WINDOW_DAYS before the build."""

    window_start: datetime
    as_of: datetime
    awaiting_review: int
    meetings: int
    per_100: float | None  # None: no meeting in the window

    def message(self) -> str:
        since, until = f"{self.window_start:%Y-%m-%d}", f"{self.as_of:%Y-%m-%d}"
        if self.per_100 is None:
            return (
                f"review burden: no meeting started in the {BURDEN_WINDOW_DAYS} days"
                f" {since} → {until}"
            )
        return (
            f"review burden: {self.per_100:.1f} meetings awaiting review per 100 meetings of"
            f" the last {BURDEN_WINDOW_DAYS} days ({self.awaiting_review} of the"
            f" {self.meetings} that started {since} → {until})"
        )


@dataclass
class StatusReport:
    as_of: datetime
    platforms: list[PlatformFreshness] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    orphaned_meetings: int | None = None  # None: the review queue is not built
    review_burden: ReviewBurden | None = None  # None: the review queue is not built
    unclassified: list[tuple[str, str, int]] = field(default_factory=list)
    rejected_files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_stale(self) -> bool:
        """True when an export is older than the error threshold (cron should fail)."""
        return any(p.level == "error" for p in self.platforms)


def read_status(con: duckdb.DuckDBPyConnection, now: datetime) -> StatusReport:
    """Collect the status from the analytics copy; `now` is the time ages are measured at."""
    if not has_table(con, "marts", "export_freshness"):
        raise MeetingsError(
            "the analytics copy has no marts.export_freshness; run `meetings run` first"
        )
    report = StatusReport(as_of=now)
    for platform, last_at, since, warn, error in con.execute(
        "select platform, last_exported_at, export_since_date, warn_after_days, error_after_days"
        " from marts.export_freshness order by platform"
    ).fetchall():
        days = None if last_at is None else max((now - last_at).days, 0)
        report.platforms.append(PlatformFreshness(platform, last_at, days, since, warn, error))
    report.gaps = [
        Gap(*row)
        for row in con.execute(
            "select platform, gap_start_date, gap_end_date, gap_days from marts.export_gaps"
            " order by platform, gap_start_date"
        ).fetchall()
    ]
    if has_table(con, "marts", "orphaned_meetings"):
        row = con.execute("select count(*) from marts.orphaned_meetings").fetchone()
        report.orphaned_meetings = int(row[0]) if row else 0
        report.review_burden = read_review_burden(con)
    report.unclassified = [
        (str(name), str(platform), int(count))
        for name, platform, count in con.execute(
            "select coalesce(event_type_name, '(no name)'), platform, meeting_count"
            " from marts.unclassified_event_types order by meeting_count desc, 1"
        ).fetchall()
    ]
    # Rejected files whose content never landed later (a fixed re-drop clears the warning).
    report.rejected_files = [
        (str(path), str(error))
        for path, error in con.execute(
            """
            select file_path, error from raw._load_manifest as rejected
            where status = 'rejected'
              and not exists (
                  select 1 from raw._load_manifest as later
                  where later.file_path = rejected.file_path
                    and later.status in ('loaded', 'empty')
                    and later.load_id > rejected.load_id
              )
            order by load_id
            """
        ).fetchall()
    ]
    return report


def read_review_burden(con: duckdb.DuckDBPyConnection) -> ReviewBurden | None:
    """The review burden of the build in the open analytics copy (None: no as-of known)."""
    row = con.execute(BURDEN_SQL).fetchone()
    if row is None or row[1] is None:
        return None
    window_start, as_of, awaiting, meetings, per_100 = row
    return ReviewBurden(
        window_start,
        as_of,
        int(awaiting),
        int(meetings),
        None if per_100 is None else float(per_100),
    )
