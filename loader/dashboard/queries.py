"""The numbers of the report page: one named query per chart or list, each over the marts.

Every figure on the page is a column of one of these results; the page code only lays them
out. The queries aggregate (the page never receives row-level data) and read marts only, so
an analyst can rerun any of them in `duckdb` and get the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb

Value = str | int | float | date | datetime | Decimal | bool | None


@dataclass(frozen=True)
class Result:
    """Rows of one query, with its column names and the marts it read."""

    columns: list[str]
    rows: list[tuple[Value, ...]]
    marts: tuple[str, ...]

    def column(self, name: str) -> list[Value]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Query:
    name: str
    marts: tuple[str, ...]
    sql: str


# "This month" is the month of the build's as-of instant in the export time zone, the same
# months fct_meetings_monthly groups by ($1 = MEETINGS_EXPORT_TZ).
_MONTHS = """
    with as_of as (
        select max(as_of) as as_of from marts.export_freshness
    )
    select
        as_of,
        cast(date_trunc('month', timezone($1, as_of)) as date) as this_month,
        cast(date_trunc('month', timezone($1, as_of)) - interval 1 month as date) as last_month
    from as_of
"""

# An advisor is a host of host_meetings_monthly (host_name + host_email); the name alone
# labels them unless two hosts share it.
_ADVISORS = """
    select
        host_name,
        host_email,
        case
            when count(*) over (partition by host_name) > 1
                then host_name || ' (' || coalesce(host_email, 'no email') || ')'
            else host_name
        end as advisor
    from (select distinct host_name, host_email from marts.host_meetings_monthly)
"""

QUERIES: dict[str, Query] = {
    q.name: q
    for q in [
        Query(
            "headline",
            ("fct_meetings_monthly", "portfolio_review_due", "orphaned_meetings"),
            f"""
            with months as ({_MONTHS}),
            monthly as (
                select
                    meeting_month,
                    sum(booked_meetings) as booked,
                    sum(completed_meetings) as completed,
                    sum(no_show_meetings) as no_show
                from marts.fct_meetings_monthly
                group by meeting_month
            )
            select
                months.as_of,
                months.this_month,
                months.last_month,
                coalesce(this_month.booked, 0) as meetings_this_month,
                coalesce(this_month.completed, 0) as completed_this_month,
                coalesce(last_month.booked, 0) as meetings_last_month,
                coalesce(last_month.completed, 0) as completed_last_month,
                last_month.no_show / nullif(last_month.no_show + last_month.completed, 0)
                    as no_show_rate_last_month,
                (select count(*) from marts.portfolio_review_due
                    where review_status = 'overdue') as clients_overdue,
                (select count(*) from marts.portfolio_review_due
                    where review_status = 'due_soon') as clients_due_soon,
                (select count(*) from marts.orphaned_meetings) as meetings_awaiting_review
            from months
            left join monthly as this_month on this_month.meeting_month = months.this_month
            left join monthly as last_month on last_month.meeting_month = months.last_month
            """,
        ),
        Query(
            "freshness",
            ("export_freshness",),
            """
            select
                platform,
                last_exported_at,
                days_since_last_export,
                freshness_status,
                gap_count,
                gap_days
            from marts.export_freshness
            order by platform
            """,
        ),
        Query(
            "by_platform",
            ("fct_meetings_monthly",),
            """
            select meeting_month, platform, sum(booked_meetings) as booked_meetings
            from marts.fct_meetings_monthly
            group by all
            order by meeting_month, platform
            """,
        ),
        Query(
            "platform_share",
            ("fct_meetings_monthly",),
            f"""
            with months as ({_MONTHS})
            select
                platform,
                sum(booked_meetings) / sum(sum(booked_meetings)) over () as booked_share
            from marts.fct_meetings_monthly, months
            where meeting_month = months.last_month
            group by platform
            order by booked_share desc, platform
            """,
        ),
        Query(
            "by_category",
            ("fct_meetings_monthly",),
            """
            select
                meeting_month,
                coalesce(meeting_category, 'unclassified') as meeting_category,
                sum(booked_meetings) as booked_meetings
            from marts.fct_meetings_monthly
            group by all
            order by meeting_month, meeting_category
            """,
        ),
        Query(
            "rates",
            ("fct_meetings_monthly",),
            """
            select
                meeting_month,
                sum(booked_meetings) as booked_meetings,
                sum(no_show_meetings) / nullif(sum(no_show_meetings + completed_meetings), 0)
                    as no_show_rate,
                sum(canceled_meetings) / nullif(sum(booked_meetings), 0) as cancellation_rate
            from marts.fct_meetings_monthly
            group by meeting_month
            order by meeting_month
            """,
        ),
        Query(
            "host_monthly",
            ("host_meetings_monthly",),
            f"""
            with advisors as ({_ADVISORS})
            select
                monthly.meeting_month,
                advisors.advisor,
                sum(monthly.booked_meetings) as booked_meetings
            from marts.host_meetings_monthly as monthly
            inner join advisors
                on monthly.host_name = advisors.host_name
                and monthly.host_email is not distinct from advisors.host_email
            group by all
            order by monthly.meeting_month, advisors.advisor
            """,
        ),
        Query(
            "host_rates",
            ("host_meetings_monthly",),
            f"""
            with months as ({_MONTHS}), advisors as ({_ADVISORS})
            select
                advisors.advisor,
                sum(monthly.booked_meetings) as booked_meetings,
                sum(monthly.completed_meetings) as completed_meetings,
                sum(monthly.no_show_meetings) as no_show_meetings,
                sum(monthly.no_show_meetings)
                / nullif(sum(monthly.no_show_meetings + monthly.completed_meetings), 0)
                    as no_show_rate
            from marts.host_meetings_monthly as monthly
            inner join advisors
                on monthly.host_name = advisors.host_name
                and monthly.host_email is not distinct from advisors.host_email
            cross join months
            where monthly.meeting_month > months.this_month - interval 12 month
            group by advisors.advisor
            order by booked_meetings desc, advisors.advisor
            """,
        ),
        Query(
            "reviews_due",
            ("portfolio_review_due",),
            """
            select
                full_name,
                primary_email,
                review_status,
                cast(last_portfolio_review_at as date) as last_review_on,
                review_due_on,
                days_overdue,
                last_host_name
            from marts.portfolio_review_due
            where review_status in ('overdue', 'due_soon')
            order by days_overdue desc, review_due_on, full_name
            """,
        ),
        Query(
            "coverage",
            ("export_coverage",),
            """
            select
                platform,
                file_path,
                coverage_start_date,
                coverage_end_date,
                bookings
            from marts.export_coverage
            where coverage_start_date is not null and coverage_end_date is not null
            order by platform, coverage_start_date
            """,
        ),
        Query(
            "gaps",
            ("export_gaps",),
            """
            select platform, gap_start_date, gap_end_date, gap_days, next_export_file
            from marts.export_gaps
            order by platform, gap_start_date
            """,
        ),
        Query(
            "matching",
            ("fct_meetings_monthly",),
            """
            select
                meeting_month,
                sum(booked_meetings) as booked_meetings,
                sum(unmatched_meetings) as unmatched_meetings,
                1 - sum(unmatched_meetings) / nullif(sum(booked_meetings), 0) as matched_share
            from marts.fct_meetings_monthly
            group by meeting_month
            order by meeting_month
            """,
        ),
        Query(
            "review_queue",
            ("orphaned_meetings",),
            """
            select reason, count(*) as meetings, count(distinct email_key) as emails
            from marts.orphaned_meetings
            group by reason
            order by meetings desc, reason
            """,
        ),
    ]
}


def run_all(con: duckdb.DuckDBPyConnection, export_tz: str) -> dict[str, Result]:
    """Every query of the page, by name."""
    results = {}
    for query in QUERIES.values():
        params = [export_tz] if "$1" in query.sql else []
        cursor = con.execute(query.sql, params)
        columns = [d[0] for d in cursor.description]
        results[query.name] = Result(columns, cursor.fetchall(), query.marts)
    return results
