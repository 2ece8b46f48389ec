"""`meetings report`: the one-page HTML report of the sample warehouse, checked against the
marts it reads (with SQL of the test's own) and looked at in a real browser, offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Route, sync_playwright
from typer.testing import CliRunner

from loader.cli import app

from factories import CHROMIUM, CHROMIUM_ARGS, REPO, SAMPLE_DIR, read_only_rows

runner = CliRunner()
SCREENSHOT = REPO / "docs" / "img" / "dashboard.png"
# The sample is built as of 2026-11-27 (as conftest.SAMPLE_AS_OF): "this month" is November
# 2026 in the export time zone, "last month" October. With the firm's yearly interval no
# sample client is due yet (the sample starts in July 2026): a build with a two-month interval has
# clients overdue and due soon, so the list on the page is checked with rows in it.
THIS_MONTH, LAST_MONTH = "2026-11-01", "2026-10-01"
TWO_MONTHLY = '{"as_of": "2026-11-27 12:00:00+00", "portfolio_review_interval_months": 2}'


class PageText(HTMLParser):
    """The figures (`data-figure`) and table cells (`data-table`) of the page, as shown."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.charts: list[str] = []
        self.scripts_with_src: list[str] = []
        self._figure: str | None = None
        self._in_value = False
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "link", "img", "iframe") and (found.get("src") or found.get("href")):
            self.scripts_with_src.append(f"{tag} {found.get('src') or found.get('href')}")
        if found.get("data-figure"):
            self._figure = found["data-figure"]
        if tag == "div" and found.get("class") == "value" and self._figure:
            self._in_value = True
        if found.get("data-chart"):
            self.charts.append(str(found["data-chart"]))
        if tag == "table" and found.get("data-table"):
            self._table = str(found["data-table"])
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._in_value:
            self._in_value = False
            self._figure = None
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            if self._row:
                self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._in_value and self._figure:
            self.figures[self._figure] = self.figures.get(self._figure, "") + data.strip()
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def two_monthly_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, run by a firm that reviews portfolios every 2 months (`meetings run`
    writes the report beside the warehouse after its build)."""
    db = tmp_path_factory.mktemp("two-monthly") / "meetings.duckdb"
    args = ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db), "--vars", TWO_MONTHLY]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    written = db.with_name("report.html")  # `meetings run` wrote the page after its build
    assert f"Report: {written}" in " ".join(result.output.split())
    assert "Plotly.newPlot" in written.read_text(encoding="utf-8")
    return db


@pytest.fixture(scope="module")
def report(two_monthly_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = runner.invoke(app, ["report", "--db", str(two_monthly_warehouse), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Report: {out}" in " ".join(result.output.split())
    return out


@pytest.fixture(scope="module")
def shown(report: Path) -> PageText:
    parser = PageText()
    parser.feed(report.read_text(encoding="utf-8"))
    return parser


def test_report_help_names_its_options() -> None:
    result = runner.invoke(app, ["report", "--help"], prog_name="meetings")
    assert result.exit_code == 0
    for option in ("--out", "--open", "--db"):
        assert option in result.output


def test_report_before_any_build_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: report: nothing published yet (no {tmp_path / 'analytics.duckdb'}); run"
        " `meetings run` (or `meetings build`) first"
    ]
    assert not out.exists()


def test_report_on_a_copy_without_the_marts_is_one_line(tmp_path: Path) -> None:
    duckdb.connect(str(tmp_path / "analytics.duckdb")).close()
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "m.duckdb"), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: report: the analytics copy has no marts.fct_meetings_monthly yet; run"
        " `meetings build` first"
    ]
    assert not out.exists()


def test_report_defaults_to_report_html_beside_the_warehouse(
    sample_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "meetings.duckdb"
    db.write_bytes(sample_warehouse.read_bytes())
    analytics = sample_warehouse.with_name("analytics.duckdb")
    (tmp_path / "analytics.duckdb").write_bytes(analytics.read_bytes())
    monkeypatch.delenv("MEETINGS_REPORT", raising=False)
    result = runner.invoke(app, ["report", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").stat().st_size > 0


def test_page_is_one_file_that_needs_no_network(report: Path, shown: PageText) -> None:
    html = report.read_text(encoding="utf-8")
    assert shown.scripts_with_src == []  # nothing fetched: scripts and styles are inline
    assert html.count("<!DOCTYPE html>") == 1
    assert "Plotly.newPlot" in html
    assert report.stat().st_size < 10_000_000


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def test_headline_figures_equal_the_marts(two_monthly_warehouse: Path, shown: PageText) -> None:
    def one(sql: str) -> object:
        return read_only_rows(two_monthly_warehouse, sql)[0][0]

    monthly = (
        "select coalesce(sum({}), 0) from marts.fct_meetings_monthly where meeting_month = '{}'"
    )
    assert _int(shown.figures["meetings_this_month"]) == one(
        monthly.format("booked_meetings", THIS_MONTH)
    )
    assert _int(shown.figures["completed_this_month"]) == one(
        monthly.format("completed_meetings", THIS_MONTH)
    )
    assert _int(shown.figures["meetings_last_month"]) == one(
        monthly.format("booked_meetings", LAST_MONTH)
    )
    no_show = one(
        "select sum(no_show_meetings) / sum(no_show_meetings + completed_meetings)"
        f" from marts.fct_meetings_monthly where meeting_month = '{LAST_MONTH}'"
    )
    assert shown.figures["no_show_rate_last_month"] == f"{float(no_show):.1%}"  # type: ignore[arg-type]
    assert _int(shown.figures["clients_overdue"]) == one(
        "select count(*) from marts.portfolio_review_due where review_status = 'overdue'"
    )
    assert _int(shown.figures["meetings_awaiting_review"]) == one(
        "select count(*) from marts.orphaned_meetings"
    )
    for platform, days in read_only_rows(
        two_monthly_warehouse, "select platform, days_since_last_export from marts.export_freshness"
    ):
        assert _int(shown.figures[f"days_since_export_{platform}"]) == days


def test_lists_and_chart_numbers_equal_the_marts(
    two_monthly_warehouse: Path, shown: PageText
) -> None:
    sample_warehouse = two_monthly_warehouse
    due = read_only_rows(
        sample_warehouse,
        "select full_name, review_status, days_overdue from marts.portfolio_review_due"
        " where review_status in ('overdue', 'due_soon')"
        " order by days_overdue desc, review_due_on, full_name",
    )
    assert {status for _, status, _ in due} == {"overdue", "due_soon"}  # both kinds shown
    assert [(r[0], r[1], _int(r[4])) for r in shown.tables["reviews_due"]] == due

    platform_label = {"calendly": "Calendly", "calcom": "Cal.com"}
    by_platform = read_only_rows(
        sample_warehouse,
        "select strftime(meeting_month, '%Y-%m-%d'), platform, sum(booked_meetings)"
        " from marts.fct_meetings_monthly group by all order by 1, 2",
    )
    assert [(r[0], r[1], _int(r[2])) for r in shown.tables["by_platform"]] == [
        (month, platform_label[str(platform)], count) for month, platform, count in by_platform
    ]

    per_host = read_only_rows(
        sample_warehouse,
        "select host_name, sum(booked_meetings) from marts.host_meetings_monthly group by 1",
    )  # no two sample hosts share a name: the page labels each by name
    shown_per_host: dict[str, int] = {}
    for _month, host, count in shown.tables["host_monthly"]:
        shown_per_host[host] = shown_per_host.get(host, 0) + _int(count)
    assert shown_per_host == dict(per_host)
    assert (
        sum(shown_per_host.values())
        == read_only_rows(
            sample_warehouse, "select sum(booked_meetings) from marts.fct_meetings_monthly"
        )[0][0]
    )

    queue = read_only_rows(
        sample_warehouse, "select reason, count(*) from marts.orphaned_meetings group by 1"
    )
    assert {r[0]: _int(r[1]) for r in shown.tables["review_queue"]} == dict(queue)


def test_report_in_a_browser_offline(report: Path, shown: PageText) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    outside: list[str] = []
    problems: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:  # the page must work with no network at all
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "console",
                lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.route("**/*", local_only)
            page.goto(report.as_uri())
            page.wait_for_function(
                "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                arg=len(shown.charts),
            )
            drawn = page.evaluate(
                """() => Array.from(document.querySelectorAll('figure.chart')).map(f => [
                    f.dataset.chart,
                    f.querySelectorAll('.js-plotly-plot .trace').length,
                ])"""
            )
            # Every table of numbers starts folded and opens with a click (or a screen reader).
            details = page.locator("figure.chart details")
            folded = details.evaluate_all("all => all.filter(d => !d.open).length")
            details.first.locator("summary").click()
            first_table_visible = details.first.locator("table").is_visible()
            details.first.locator("summary").click()
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert outside == []
    assert problems == []
    assert folded == len(shown.charts) and first_table_visible
    assert [key for key, _ in drawn] == shown.charts
    assert len(shown.charts) >= 7
    assert all(traces > 0 for _, traces in drawn), drawn  # every chart drew something
    assert SCREENSHOT.stat().st_size > 50_000
    assert re.match(rb"\x89PNG", SCREENSHOT.read_bytes()[:4])


def test_two_advisors_with_one_name_stay_two_series() -> None:
    from loader.dashboard.queries import QUERIES

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.host_meetings_monthly as select * from (values"
        " ('Sam Lee', 'sam@firm.example', date '2026-10-01', 3),"
        " ('Sam Lee', 'sam.lee@firm.example', date '2026-10-01', 2),"
        " ('Ann Kim', 'ann@firm.example', date '2026-10-01', 1),"
        " ('unknown host', null, date '2026-10-01', 4))"
        " as t(host_name, host_email, meeting_month, booked_meetings)"
    )
    rows = con.execute(QUERIES["host_monthly"].sql).fetchall()
    assert {(advisor, count) for _, advisor, count in rows} == {
        ("Sam Lee (sam@firm.example)", 3),
        ("Sam Lee (sam.lee@firm.example)", 2),
        ("Ann Kim", 1),
        ("unknown host", 4),
    }
