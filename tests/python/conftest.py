"""Shared fixtures: a CSV writer, a temp data folder and a temp warehouse."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from factories import WriteCsv
from fake_lacrm import FakeLacrm


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
        con = duckdb.connect(str(db_file), read_only=True)
        try:
            con.execute("set TimeZone = 'UTC'")
            return con.execute(sql).fetchall()
        finally:
            con.close()

    return _query


@pytest.fixture
def fake_lacrm() -> Iterator[FakeLacrm]:
    """A fake LACRM API on 127.0.0.1 (random port), stopped after the test."""
    with FakeLacrm() as server:
        yield server


@pytest.fixture
def lacrm_env(fake_lacrm: FakeLacrm, monkeypatch: pytest.MonkeyPatch) -> FakeLacrm:
    """Point LACRM_* environment variables at the fake server (no throttle wait in tests)."""
    monkeypatch.setenv("LACRM_API_KEY", fake_lacrm.api_key)
    monkeypatch.setenv("LACRM_BASE_URL", fake_lacrm.url)
    monkeypatch.setenv("LACRM_REQUESTS_PER_MINUTE", "60000")
    return fake_lacrm
