"""Where things live: the warehouse and analytics copy file names must not clash with schemas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader import settings
from loader.cli import app
from loader.errors import MeetingsError
from loader.land import RAW_SCHEMA

from factories import REPO


def test_every_schema_of_the_warehouse_is_a_forbidden_file_name() -> None:
    """The schemas dbt writes (dbt_project.yml) and the loader's raw schema are all refused as
    the warehouse's file name, so a schema added later cannot silently become ambiguous."""
    project = (REPO / "dbt_project.yml").read_text(encoding="utf-8")
    dbt_schemas = set(re.findall(r"^\s*\+schema:\s*(\w+)\s*$", project, re.M))
    assert dbt_schemas  # the pattern still finds them
    assert dbt_schemas | {RAW_SCHEMA} <= set(settings.WAREHOUSE_SCHEMAS)


def test_analytics_copy_sits_beside_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEETINGS_ANALYTICS_DB", raising=False)
    monkeypatch.delenv("MEETINGS_DB", raising=False)
    assert (
        settings.Settings.resolve().analytics_db
        == settings.PROJECT_DIR / "warehouse" / "analytics.duckdb"
    )
    # a temp warehouse (every test's --db) publishes beside itself, never into warehouse/
    assert (
        settings.Settings.resolve(db=tmp_path / "t.duckdb").analytics_db
        == tmp_path / "analytics.duckdb"
    )
    monkeypatch.setenv("MEETINGS_ANALYTICS_DB", "shared/marts-copy.duckdb")
    assert settings.Settings.resolve(db=tmp_path / "t.duckdb").analytics_db == (
        settings.PROJECT_DIR / "shared" / "marts-copy.duckdb"
    )


@pytest.mark.parametrize("name", ["meetings.duckdb", "marts.duckdb", "meta.duckdb"])
def test_analytics_copy_needs_a_file_and_a_name_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("MEETINGS_ANALYTICS_DB", str(tmp_path / name))
    with pytest.raises(MeetingsError, match=r"(the warehouse itself|cannot be called)"):
        _ = settings.Settings.resolve(db=tmp_path / "meetings.duckdb").analytics_db


def test_each_setting_is_resolved_when_first_read_and_then_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command's Settings reads an environment variable only when a step needs its value
    (a bad one fails only the commands that use it), and every later step sees the same."""
    monkeypatch.setenv("MEETINGS_TEST_SCOPE", "recent")
    monkeypatch.setenv("MEETINGS_SETTLE_SECONDS", "soon")
    monkeypatch.delenv("MEETINGS_REPORT", raising=False)
    config = settings.Settings.resolve(db=tmp_path / "w.duckdb")
    assert config.db == tmp_path / "w.duckdb"
    assert config.report_page == tmp_path / "report.html"
    with pytest.raises(MeetingsError, match=r"^MEETINGS_TEST_SCOPE='recent' is not 'new_loads'"):
        _ = config.test_scope
    with pytest.raises(MeetingsError, match=r"^MEETINGS_SETTLE_SECONDS='soon' is not a number"):
        _ = config.settle_seconds
    monkeypatch.setenv("MEETINGS_EXPORT_TZ", "Europe/Paris")
    assert config.export_tz.key == "Europe/Paris"
    monkeypatch.setenv("MEETINGS_EXPORT_TZ", "Asia/Tokyo")
    monkeypatch.setenv("MEETINGS_ANALYTICS_DB", str(tmp_path / "elsewhere.duckdb"))
    assert config.export_tz.key == "Europe/Paris"  # kept: read once
    assert config.analytics_db == tmp_path / "elsewhere.duckdb"
    monkeypatch.setenv("MEETINGS_ANALYTICS_DB", str(tmp_path / "moved.duckdb"))
    assert config.analytics_db == tmp_path / "elsewhere.duckdb"


def test_a_command_does_not_read_the_settings_it_does_not_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`meetings sql` needs the analytics copy only: a bad MEETINGS_TEST_SCOPE (read by
    `meetings run`) or MEETINGS_EXPORT_TZ does not stop it."""
    monkeypatch.setenv("MEETINGS_TEST_SCOPE", "recent")
    monkeypatch.setenv("MEETINGS_EXPORT_TZ", "Mars/Olympus_Mons")
    result = CliRunner().invoke(app, ["sql", "--db", str(tmp_path / "w.duckdb"), "select 1"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: sql: nothing published yet (no {tmp_path / 'analytics.duckdb'});"
        " run `meetings run` (or `meetings build`) first"
    )
