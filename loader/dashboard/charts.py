"""One Plotly figure per question on the report page, drawn from a query result as it is.

Colours are fixed per platform, per meeting status and per rate, the same on every chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import plotly.graph_objects as go  # type: ignore[import-untyped]

from loader.dashboard.queries import Result, Value

PLATFORM_COLOURS = {"calendly": "#006bff", "calcom": "#292929"}
PLATFORM_LABELS = {"calendly": "Calendly", "calcom": "Cal.com"}
RATE_COLOURS = {"no_show_rate": "#d62728", "cancellation_rate": "#7f7f7f"}
MATCHED_COLOUR = "#2ca02c"
GAP_COLOUR = "#d62728"
SERIES_COLOURS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728",
]  # fmt: skip


@dataclass(frozen=True)
class Chart:
    """A figure with the title that says what it shows and the result it was drawn from."""

    key: str
    title: str
    figure: go.Figure
    result: Result


def platform_label(platform: Value) -> str:
    return PLATFORM_LABELS.get(str(platform), str(platform))


def _layout(figure: go.Figure, y_title: str, *, percent: bool = False) -> go.Figure:
    figure.update_layout(
        template="plotly_white",
        height=360,
        margin={"l": 60, "r": 20, "t": 20, "b": 50},
        legend={"orientation": "h", "y": -0.18},
        hovermode="x unified",
    )
    figure.update_yaxes(
        title_text=y_title, tickformat=".0%" if percent else ",d", rangemode="tozero"
    )
    return figure


def _months_axis(figure: go.Figure) -> go.Figure:
    figure.update_xaxes(title_text="Month", dtick="M1", tickformat="%b %Y")
    return figure


def _series(result: Result, key: str, value: str) -> dict[str, tuple[list[Value], list[Value]]]:
    """Rows grouped by `key`: x = meeting_month, y = `value`, in row order."""
    series: dict[str, tuple[list[Value], list[Value]]] = {}
    for row in result.records():
        xs, ys = series.setdefault(str(row[key]), ([], []))
        xs.append(row["meeting_month"])
        ys.append(row[value])
    return series


def meetings_by_platform(result: Result, title: str) -> Chart:
    figure = go.Figure()
    for platform, (months, counts) in _series(result, "platform", "booked_meetings").items():
        figure.add_bar(
            x=months,
            y=counts,
            name=platform_label(platform),
            marker_color=PLATFORM_COLOURS.get(platform),
        )
    figure.update_layout(barmode="stack")
    return Chart("by_platform", title, _months_axis(_layout(figure, "Meetings booked")), result)


def meetings_by_category(result: Result) -> Chart:
    figure = go.Figure()
    for i, (category, (months, counts)) in enumerate(
        _series(result, "meeting_category", "booked_meetings").items()
    ):
        figure.add_bar(
            x=months,
            y=counts,
            name=category.replace("_", " "),
            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
        )
    figure.update_layout(barmode="stack")
    title = "Meetings per month by kind of meeting (portfolio reviews, onboarding, ...)"
    return Chart("by_category", title, _months_axis(_layout(figure, "Meetings booked")), result)


def rates_by_month(result: Result) -> Chart:
    figure = go.Figure()
    months = result.column("meeting_month")
    for column, label in (
        ("no_show_rate", "No-show rate (of meetings held or missed)"),
        ("cancellation_rate", "Cancellation rate (of meetings booked)"),
    ):
        figure.add_scatter(
            x=months,
            y=result.column(column),
            name=label,
            mode="lines+markers",
            line_color=RATE_COLOURS[column],
        )
    title = "How often clients miss or cancel, month by month"
    return Chart("rates", title, _months_axis(_layout(figure, "Share", percent=True)), result)


def host_meetings(result: Result) -> Chart:
    figure = go.Figure()
    for i, (host, (months, counts)) in enumerate(
        _series(result, "advisor", "booked_meetings").items()
    ):
        figure.add_scatter(
            x=months,
            y=counts,
            name=host,
            mode="lines+markers",
            line_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
        )
    title = "Each advisor's meetings per month (both platforms)"
    return Chart("host_monthly", title, _months_axis(_layout(figure, "Meetings booked")), result)


def host_no_show_rates(result: Result) -> Chart:
    figure = go.Figure()
    figure.add_bar(
        x=result.column("advisor"),
        y=result.column("no_show_rate"),
        marker_color=RATE_COLOURS["no_show_rate"],
        name="No-show rate",
    )
    figure.update_xaxes(title_text="Advisor")
    title = "No-show rate per advisor over the last 12 months"
    return Chart("host_rates", title, _layout(figure, "No-show rate", percent=True), result)


def export_coverage(coverage: Result, gaps: Result) -> Chart:
    """Each export file as a bar over the dates it covers; gaps as red bars between them."""
    figure = go.Figure()
    day_ms = 86_400_000

    def span(start: Value, end: Value) -> int:
        assert isinstance(start, date) and isinstance(end, date)
        return ((end - start) + timedelta(days=1)).days * day_ms

    for platform, label in PLATFORM_LABELS.items():
        rows = [r for r in coverage.records() if r["platform"] == platform]
        if rows:
            figure.add_bar(
                base=[r["coverage_start_date"] for r in rows],
                x=[span(r["coverage_start_date"], r["coverage_end_date"]) for r in rows],
                y=[label] * len(rows),
                orientation="h",
                name=f"{label} export",
                marker_color=PLATFORM_COLOURS[platform],
                opacity=0.35,
                hovertext=[str(r["file_path"]) for r in rows],
            )
    gap_rows = gaps.records()
    if gap_rows:
        figure.add_bar(
            base=[r["gap_start_date"] for r in gap_rows],
            x=[span(r["gap_start_date"], r["gap_end_date"]) for r in gap_rows],
            y=[platform_label(r["platform"]) for r in gap_rows],
            orientation="h",
            name="Gap: no export covers these days",
            marker_color=GAP_COLOUR,
        )
    figure.update_layout(
        barmode="overlay",
        template="plotly_white",
        height=260,
        margin={"l": 80, "r": 20, "t": 20, "b": 50},
        legend={"orientation": "h", "y": -0.3},
    )
    figure.update_xaxes(type="date", title_text="Days covered by the exports")
    title = (
        f"Export coverage per platform: {len(gap_rows)} gap(s) no export covers"
        if gap_rows
        else "Export coverage per platform: every day is covered by an export"
    )
    return Chart("coverage", title, figure, coverage)


def matching_health(result: Result) -> Chart:
    figure = go.Figure()
    figure.add_scatter(
        x=result.column("meeting_month"),
        y=result.column("matched_share"),
        name="Share of meetings matched to a client",
        mode="lines+markers",
        line_color=MATCHED_COLOUR,
    )
    figure.update_yaxes(range=[0, 1.05])
    title = "Share of each month's meetings matched to an LACRM client"
    return Chart("matching", title, _months_axis(_layout(figure, "Matched", percent=True)), result)
