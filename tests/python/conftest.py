"""Shared fixtures: a CSV writer, a temp data folder and a temp warehouse."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli import app

from factories import SAMPLE_DIR, ServedSite, WriteCsv, read_only_rows
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
        return read_only_rows(db_file, sql)

    return _query


# Statuses (scheduled vs completed) are pinned to this instant in every sample-data build.
SAMPLE_AS_OF = '{"as_of": "2026-11-27 12:00:00+00"}'


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built ONCE per test session from data/sample (`meetings run`, as of
    2026-11-27 12:00 UTC). Shared by the docs, browser and analyst-guide tests: read it,
    never write to it."""
    db = tmp_path_factory.mktemp("sample-warehouse") / "sample.duckdb"
    args = ["run", "--data-dir", str(SAMPLE_DIR), "--db", str(db), "--vars", SAMPLE_AS_OF]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def sample_analytics(sample_warehouse: Path) -> Path:
    """The analytics copy `meetings run` published beside the sample warehouse (what
    analysts, the report, status and review read). Read it, never write to it."""
    return sample_warehouse.with_name("analytics.duckdb")


@pytest.fixture(scope="session")
def served_docs(
    sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedSite]:
    """`meetings docs --serve` on the sample warehouse, as a real process on a free port of
    127.0.0.1 (site written to a temp folder via DBT_TARGET_PATH, not the project's target/).
    Teardown presses Ctrl-C and checks that the server stops cleanly."""
    target = tmp_path_factory.mktemp("docs-site") / "target"
    log_path = target.parent / "meetings-docs.log"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    meetings = Path(sys.executable).with_name("meetings")
    env = {**os.environ, "DBT_TARGET_PATH": str(target), "PYTHONUNBUFFERED": "1"}
    command = [str(meetings), "docs", "--db", str(sample_warehouse), "--serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 180  # dbt docs generate takes ~10 s on a busy machine
        while "Serving on" not in log_path.read_text():
            if server.poll() is not None:
                pytest.fail(
                    f"meetings docs exited with {server.returncode}:\n{log_path.read_text()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"docs server did not come up:\n{log_path.read_text()}")
            time.sleep(0.5)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
        yield ServedSite(url=url, target=target)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    output = log_path.read_text()
    assert server.returncode == 0, output
    assert "Stopped." in output and "Traceback" not in output, output


# Test files are written a moment before they are loaded: do not skip them as "still being
# written". Set for the whole session (module- and session-scoped fixtures build warehouses
# too, before any function-scoped fixture runs); tests of that behaviour set
# MEETINGS_SETTLE_SECONDS themselves with monkeypatch.
os.environ["MEETINGS_SETTLE_SECONDS"] = "0"
# Every test that builds with `--db` in a temp folder publishes the analytics copy beside it,
# never to a path set in the developer's shell (nor to the project's warehouse/ folder).
os.environ.pop("MEETINGS_ANALYTICS_DB", None)


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
