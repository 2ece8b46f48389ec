"""`meetings docs`: the dbt docs site, generated from the sample warehouse, served on 127.0.0.1
and looked at in a real (headless) browser, as an analyst would."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect, sync_playwright
from typer.testing import CliRunner

from loader import docs_site
from loader.cli import app
from loader.errors import MeetingsError

from factories import CHROMIUM, CHROMIUM_ARGS, REPO, ServedSite

runner = CliRunner()

FCT = "model.meetings.fct_meetings"
SCREENSHOT = REPO / "docs" / "img" / "lineage.png"
# Node types the lineage graph draws (tests and unit tests are switched off for the picture).
LINEAGE_TYPES = {"source", "model", "seed", "snapshot", "exposure"}


def _squash(text: str) -> str:
    return " ".join(text.split())


def _lineage(manifest: dict[str, Any], unique_id: str) -> set[str]:
    """The node, all its ancestors and all its descendants (what `+node+` selects)."""
    found = {unique_id}
    for edges in (manifest["parent_map"], manifest["child_map"]):
        todo = [unique_id]
        while todo:
            for other in edges.get(todo.pop(), []):
                if other not in found and other.split(".")[0] in LINEAGE_TYPES:
                    found.add(other)
                    todo.append(other)
    return found


def test_docs_help_names_its_options() -> None:
    result = runner.invoke(app, ["docs", "--help"], prog_name="meetings")
    assert result.exit_code == 0
    assert "Usage: meetings docs" in result.output
    for option in ("--serve", "--port", "--db"):
        assert option in result.output


def test_site_goes_to_dbt_target_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "site"))
    assert docs_site.target_dir() == tmp_path / "site"
    monkeypatch.delenv("DBT_TARGET_PATH")
    assert docs_site.target_dir() == docs_site.PROJECT_DIR / "target"


def test_busy_port_is_one_clean_line(tmp_path: Path, db_file: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(MeetingsError, match=f"port {port} is already in use"):
            docs_site.make_server(tmp_path, port)
        # Through the CLI it fails before spending time on dbt, with no traceback.
        result = runner.invoke(app, ["docs", "--serve", "--port", str(port), "--db", str(db_file)])
    assert result.exit_code == 1
    assert f"docs: port {port} is already in use" in result.stderr
    assert "Traceback" not in result.output
    assert not db_file.exists()


def test_server_serves_only_on_localhost(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>site</p>")
    server = docs_site.make_server(tmp_path, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def _open_lineage(page: Page) -> None:
    """Open fct_meetings' lineage graph full-screen, models/sources/exposures only."""
    page.locator(".launcher-btn a").click()  # "View Lineage Graph" (bottom right)
    page.locator('a[ng-click="showExpanded()"]').click()  # "View Fullscreen"
    page.wait_for_selector("#cy canvas")
    types = page.locator('form.fields [data-form-type="resource_types"]')
    types.locator("select").click()
    for label in ("Tests", "Unit_tests"):
        types.locator("li", has_text=label).first.click()
    page.locator('input[ng-model="selectorService.selection.dirty.include"]').fill("+fct_meetings+")
    page.locator("#submit-graph-selection").click()


def _drawn_nodes(page: Page) -> set[str]:
    """Ids of the nodes cytoscape draws in the lineage graph (the graph is a canvas)."""
    script = """() => {
        const cy = document.getElementById("cy")._cyreg.cy;
        return cy.nodes().filter(n => n.visible()).map(n => n.id());
    }"""
    return set(page.evaluate(script))


def test_docs_site_in_a_browser(served_docs: ServedSite) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    manifest = json.loads((served_docs.target / "manifest.json").read_text())
    fct = manifest["nodes"][FCT]
    built = json.loads((served_docs.target / "catalog.json").read_text())["nodes"][FCT]["columns"]
    outside: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(served_docs.url):
            route.continue_()
        else:  # the site must work with no network beyond 127.0.0.1
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 800})
            page.route("**/*", local_only)
            page.goto(f"{served_docs.url}#!/model/{FCT}")

            # The model's description renders (markdown: code spans lose their backticks).
            description = _squash(fct["description"].replace("`", ""))
            markdown = page.locator("#description + .section-content .model-markdown")
            expect(markdown).to_have_text(description)

            # Every documented column shows, with its type from the warehouse and its description.
            rows = page.locator("#columns + .section-content tr.column-row")
            expect(rows).to_have_count(len(fct["columns"]))
            shown = {}
            for row in rows.all():
                name, data_type, text = (row.locator("td").nth(i).inner_text() for i in range(3))
                shown[name.strip()] = (data_type.strip(), _squash(text))
            assert shown == {
                name: (built[name]["type"], _squash(column["description"]))
                for name, column in fct["columns"].items()
            }

            # The lineage graph: raw source -> staging -> intermediate -> fct_meetings (-> ...).
            _open_lineage(page)
            expected = _lineage(manifest, FCT)
            page.wait_for_function(
                "n => document.getElementById('cy')._cyreg.cy.nodes()"
                ".filter(x => x.visible()).length === n",
                arg=len(expected),
            )
            assert _drawn_nodes(page) == expected
            layers = {
                manifest["nodes"][uid]["path"].split("/")[0]
                for uid in expected
                if uid.startswith("model.")
            }
            assert {"staging", "intermediate", "marts"} <= layers
            assert any(uid.startswith("source.") for uid in expected)
            page.wait_for_timeout(500)  # let the layout animation settle for the picture
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert outside == []
    assert SCREENSHOT.stat().st_size > 10_000
    assert re.match(rb"\x89PNG", SCREENSHOT.read_bytes()[:4])


def test_built_model_count_reads_the_catalog(tmp_path: Path) -> None:
    catalog = {"nodes": {}, "sources": {"source.meetings.calendly.calendly_events": {}}}
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    assert docs_site.built_model_count(tmp_path) == 0  # -> `meetings docs` says to build first
    catalog["nodes"] = {"model.meetings.fct_meetings": {}, "seed.meetings.map": {}}
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    assert docs_site.built_model_count(tmp_path) == 1
