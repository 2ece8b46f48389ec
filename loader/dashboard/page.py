"""The report as one self-contained HTML file: plotly.js inlined, no request to any host.

Layout only: every number is a value of a query result (loader/dashboard/queries.py), shown
as it is, formatted for reading. Each chart carries its title, the marts it reads and its
numbers in a collapsible table (for people who cannot see the chart).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from html import escape

import plotly.io as pio  # type: ignore[import-untyped]
from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

from loader.dashboard.charts import Chart, platform_label
from loader.dashboard.queries import Result, Value

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1f2328; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: 16px 32px; }
header h1 { margin: 0; font-size: 1.5rem; }
header p { margin: 4px 0 0; color: #d0d7de; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 32px 48px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 16px 24px;
          margin: 16px 0; }
h2 { font-size: 1.2rem; margin: 0 0 8px; }
h3 { font-size: 1rem; margin: 16px 0 4px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; }
.figure { flex: 1 1 160px; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; }
.figure .value { font-size: 1.8rem; font-weight: 600; }
.figure .label { color: #57606a; font-size: 0.9rem; }
.figure.alert .value { color: #cf222e; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.overdue td { color: #cf222e; }
.source { color: #57606a; font-size: 0.8rem; margin: 0; }
details { margin: 4px 0 12px; }
summary { cursor: pointer; color: #0969da; font-size: 0.9rem; }
.empty { color: #57606a; font-style: italic; }
"""

_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}


def fmt(value: Value, column: str = "") -> str:
    """A cell as people read it: rates as percentages, counts with separators, ISO dates."""
    if value is None:
        return "—"
    if ("rate" in column or "share" in column) and isinstance(value, float | Decimal):
        return f"{float(value):.1%}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return f"{float(value):,.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    if column == "platform":
        return platform_label(value)
    return str(value)


def _cell(value: Value, column: str) -> str:
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    css = ' class="num"' if numeric else ""
    return f"<td{css}>{escape(fmt(value, column))}</td>"


def table(
    result: Result,
    columns: Sequence[str] | None = None,
    *,
    row_class: str | None = None,
    key: str = "",
) -> str:
    """An HTML table of a result (all or some columns); `row_class` names a column whose
    value becomes each row's CSS class (e.g. review_status -> overdue rows in red)."""
    names = list(columns or result.columns)
    if not result.rows:
        return '<p class="empty">Nothing to show.</p>'
    head = "".join(f"<th>{escape(n.replace('_', ' '))}</th>" for n in names)
    body = []
    for record in result.records():
        css = f' class="{escape(str(record[row_class]))}"' if row_class else ""
        cells = "".join(_cell(record[n], n) for n in names)
        body.append(f"<tr{css}>{cells}</tr>")
    return (
        f'<table data-table="{escape(key)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def source(marts: Iterable[str], as_of: str) -> str:
    names = ", ".join(f"marts.{m}" for m in marts)
    return f'<p class="source">Source: {escape(names)} · as of {escape(as_of)}</p>'


def chart_html(chart: Chart, as_of: str) -> str:
    div = pio.to_html(
        chart.figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{chart.key}",
        config=_PLOTLY_CONFIG,
    )
    return (
        f'<figure class="chart" data-chart="{escape(chart.key)}">'
        f"<h3>{escape(chart.title)}</h3>{div}"
        f"{source(chart.result.marts, as_of)}"
        f"<details><summary>Numbers behind this chart</summary>"
        f"{table(chart.result, key=chart.key)}</details></figure>"
    )


def figure_card(key: str, label: str, value: Value, *, alert: bool = False) -> str:
    css = "figure alert" if alert else "figure"
    return (
        f'<div class="{css}" data-figure="{escape(key)}">'
        f'<div class="value">{escape(fmt(value, key))}</div>'
        f'<div class="label">{escape(label)}</div></div>'
    )


def section(title: str, *parts: str) -> str:
    return f"<section><h2>{escape(title)}</h2>{''.join(parts)}</section>"


def document(title: str, subtitle: str, sections: Sequence[str]) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        "</head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
        f"<main>{''.join(sections)}</main></body></html>\n"
    )
