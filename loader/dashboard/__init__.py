"""`meetings report`: the one-page HTML report for the people at the firm.

queries.py holds the numbers (SQL over the marts), charts.py one figure per question,
page.py the HTML; this module puts them in the order people read: what needs doing first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from loader.dashboard import charts, page
from loader.dashboard.queries import Result, Value, run_all

REVIEW_COLUMNS = [
    "full_name",
    "review_status",
    "last_review_on",
    "review_due_on",
    "days_overdue",
    "last_host_name",
    "primary_email",
]

# The marts the page reads: they must be built before a report can be written.
REQUIRED_MARTS = (
    "fct_meetings_monthly",
    "host_meetings_monthly",
    "portfolio_review_due",
    "orphaned_meetings",
    "export_coverage",
    "export_gaps",
    "export_freshness",
)


def missing_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    built = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    return [m for m in REQUIRED_MARTS if m not in built]


def _month_label(month: Value) -> str:
    return month.strftime("%B %Y") if isinstance(month, date) else "the month"


def _platform_title(share: Result, last_month: Value) -> str:
    month = _month_label(last_month)
    parts = [
        f"{charts.platform_label(r['platform'])} {page.fmt(r['booked_share'], 'booked_share')}"
        for r in share.records()
    ]
    if not parts:
        return "Meetings per month by platform (Calendly → Cal.com migration)"
    return f"Meetings per month by platform: bookings in {month} were {', '.join(parts)}"


def _headline(results: dict[str, Result]) -> str:
    head = results["headline"].records()[0]
    this_label = _month_label(head["this_month"])
    last_label = _month_label(head["last_month"])
    cards = [
        page.figure_card(
            "meetings_this_month", f"meetings in {this_label}", head["meetings_this_month"]
        ),
        page.figure_card(
            "completed_this_month", f"completed in {this_label}", head["completed_this_month"]
        ),
        page.figure_card(
            "meetings_last_month", f"meetings in {last_label}", head["meetings_last_month"]
        ),
        page.figure_card(
            "completed_last_month", f"completed in {last_label}", head["completed_last_month"]
        ),
        page.figure_card(
            "no_show_rate_last_month",
            f"no-show rate in {last_label}",
            head["no_show_rate_last_month"],
        ),
        page.figure_card(
            "clients_overdue",
            "clients overdue for a portfolio review",
            head["clients_overdue"],
            alert=bool(head["clients_overdue"]),
        ),
        page.figure_card(
            "meetings_awaiting_review",
            "meetings awaiting review (no client matched)",
            head["meetings_awaiting_review"],
            alert=bool(head["meetings_awaiting_review"]),
        ),
    ]
    for row in results["freshness"].records():
        platform = charts.platform_label(row["platform"])
        cards.append(
            page.figure_card(
                f"days_since_export_{row['platform']}",
                f"days since the last {platform} export",
                row["days_since_last_export"],
                alert=row["freshness_status"] != "ok",
            )
        )
    return page.section("At a glance", f'<div class="figures">{"".join(cards)}</div>')


def render(con: duckdb.DuckDBPyConnection, export_tz: str) -> str:
    """The whole page from the marts of an open warehouse."""
    results = run_all(con, export_tz)
    head = results["headline"].records()[0]
    as_of = page.fmt(head["as_of"])
    due = results["reviews_due"]
    reviews = page.section(
        "Who is due for a portfolio review",
        f"<p>{len(due.rows)} client(s) overdue or due within the next weeks, most overdue"
        " first. Ask the advisor who met them last to book the review.</p>",
        page.table(due, REVIEW_COLUMNS, row_class="review_status", key="reviews_due"),
        page.source(due.marts, as_of),
    )
    exports = page.section(
        "Exports: what to download next",
        page.table(results["freshness"], key="freshness"),
        page.source(results["freshness"].marts, as_of),
        "<h3>Gaps: days no export covers (export a window that spans them)</h3>",
        page.table(results["gaps"], key="gaps"),
        page.chart_html(charts.export_coverage(results["coverage"], results["gaps"]), as_of),
    )
    meetings = page.section(
        "Meetings",
        page.chart_html(
            charts.meetings_by_platform(
                results["by_platform"],
                _platform_title(results["platform_share"], head["last_month"]),
            ),
            as_of,
        ),
        page.chart_html(charts.meetings_by_category(results["by_category"]), as_of),
        page.chart_html(charts.rates_by_month(results["rates"]), as_of),
    )
    advisors = page.section(
        "Advisors",
        page.chart_html(charts.host_meetings(results["host_monthly"]), as_of),
        page.chart_html(charts.host_no_show_rates(results["host_rates"]), as_of),
    )
    queue = results["review_queue"]
    matching = page.section(
        "Matching meetings to clients",
        page.chart_html(charts.matching_health(results["matching"]), as_of),
        "<h3>Review queue: meetings no client could be matched to"
        " (resolve with <code>meetings review</code>)</h3>",
        page.table(queue, key="review_queue"),
        page.source(queue.marts, as_of),
    )
    return page.document(
        "Meetings report",
        f"Calendly and Cal.com meetings matched to LACRM clients · as of {as_of}",
        [_headline(results), reviews, exports, meetings, advisors, matching],
    )


def write(html: str, out: Path) -> Path:
    """Write the page atomically (a reader never sees half a file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out
