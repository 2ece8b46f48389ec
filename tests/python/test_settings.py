"""Where things live: the warehouse and analytics copy file names must not clash with schemas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loader import settings
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
    assert settings.analytics_db_path() == settings.PROJECT_DIR / "warehouse" / "analytics.duckdb"
    # a temp warehouse (every test's --db) publishes beside itself, never into warehouse/
    assert settings.analytics_db_path(tmp_path / "t.duckdb") == tmp_path / "analytics.duckdb"
    monkeypatch.setenv("MEETINGS_ANALYTICS_DB", "shared/marts-copy.duckdb")
    assert settings.analytics_db_path(tmp_path / "t.duckdb") == (
        settings.PROJECT_DIR / "shared" / "marts-copy.duckdb"
    )


@pytest.mark.parametrize("name", ["meetings.duckdb", "marts.duckdb", "meta.duckdb"])
def test_analytics_copy_needs_a_file_and_a_name_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("MEETINGS_ANALYTICS_DB", str(tmp_path / name))
    with pytest.raises(MeetingsError, match=r"(the warehouse itself|cannot be called)"):
        settings.analytics_db_path(tmp_path / "meetings.duckdb")
