"""Shared fixtures: a CSV writer, a temp data folder and a temp warehouse."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from factories import WriteCsv, read_only_rows


@pytest.fixture
def write_csv() -> WriteCsv:
    """write_csv(path, rows, header=None): write rows (dicts) with the given header."""

    def _write(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        columns = header or list(rows[0].keys())
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
        return path

    return _write


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "calendly").mkdir(parents=True)
    return folder


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "test.duckdb"


@pytest.fixture
def query(db_file: Path) -> Callable[[str], list[tuple[object, ...]]]:
    """Run a read-only query against the test warehouse (opened and closed per call)."""

    def _query(sql: str) -> list[tuple[object, ...]]:
        return read_only_rows(db_file, sql)

    return _query


@pytest.fixture(autouse=True)
def _no_settle_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test files are written a moment before they are loaded: do not skip them as
    'still being written' (tests of that behaviour set MEETINGS_SETTLE_SECONDS themselves)."""
    monkeypatch.setenv("MEETINGS_SETTLE_SECONDS", "0")
