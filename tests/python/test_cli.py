"""The `meetings` command line: help texts, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.dbt import Build

from factories import WriteCsv, calendly_row

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["load"], ["build"], ["run"]])
def test_every_command_explains_itself(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], prog_name="meetings")
    assert result.exit_code == 0
    assert "Usage: meetings" in result.output
    if command in (["load"], ["run"]):
        assert "--data-dir" in result.output and "MEETINGS_DATA_DIR" in result.output
    if command:
        assert "--db" in result.output and "MEETINGS_DB" in result.output


def test_load_prints_summary_and_exits_zero(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    write_csv(data_dir / "calendly" / "events-export-20261120.csv", [calendly_row(1)])
    result = runner.invoke(app, ["load", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert result.exit_code == 0, result.output
    assert "1 loaded, 0 skipped, 0 rejected (1 rows landed)" in result.stdout
    again = runner.invoke(app, ["load", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert again.exit_code == 0
    assert "0 loaded, 1 skipped, 0 rejected" in again.stdout


def test_env_vars_choose_data_dir_and_db(
    data_dir: Path, db_file: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_csv(data_dir / "calendly" / "events-export-20261120.csv", [calendly_row(1)])
    monkeypatch.setenv("MEETINGS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("MEETINGS_DB", str(db_file))
    result = runner.invoke(app, ["load"])
    assert result.exit_code == 0, result.output
    assert db_file.exists()


def test_rejected_file_gives_exit_code_1(
    data_dir: Path, db_file: Path, write_csv: WriteCsv
) -> None:
    write_csv(data_dir / "calendly" / "mystery.csv", [{"Name": "Ann", "Email": "ann@x.com"}])
    result = runner.invoke(app, ["load", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert result.exit_code == 1
    assert "rejected" in result.stdout
    assert "matches no known export" in result.stdout


def test_missing_data_dir_is_one_clean_line(tmp_path: Path, db_file: Path) -> None:
    result = runner.invoke(
        app, ["load", "--data-dir", str(tmp_path / "nope"), "--db", str(db_file)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: load: data folder")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("variable", "value", "command", "message"),
    [
        ("MEETINGS_EXPORT_TZ", "Mars/Olympus_Mons", "load", "is not an IANA time zone"),
        ("MEETINGS_TEST_SCOPE", "recent", "run", "is not 'new_loads'"),
    ],
)
def test_bad_setting_is_one_clean_line_before_anything_lands(
    data_dir: Path,
    db_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    command: str,
    message: str,
) -> None:
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, [command, "--data-dir", str(data_dir), "--db", str(db_file)])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"error: {command}: {variable}={value!r} {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not db_file.exists()


@pytest.mark.parametrize("name", ["raw.duckdb", "Marts.duckdb", "main.duckdb", "temp.duckdb"])
@pytest.mark.parametrize("command", ["load", "status", "run"])
def test_warehouse_named_like_a_schema_is_one_clean_line(
    data_dir: Path, tmp_path: Path, name: str, command: str
) -> None:
    """DuckDB names the database after its file: `raw.duckdb` made `raw.calendly_events`
    ambiguous (a traceback in `load`), `main.duckdb` failed inside dbt."""
    db = tmp_path / name
    folder = [] if command == "status" else ["--data-dir", str(data_dir)]
    result = runner.invoke(app, [command, *folder, "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(
        f"error: {command}: the warehouse cannot be called {name}"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_database_in_use_by_another_process_is_busy(data_dir: Path, db_file: Path) -> None:
    db_file.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(60)",
            str(db_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = runner.invoke(app, ["load", "--data-dir", str(data_dir), "--db", str(db_file)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert "database busy" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["quarantine", "backup"])
def test_fault_commands_explain_themselves(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], prog_name="meetings")
    assert result.exit_code == 0
    assert f"Usage: meetings {command}" in result.output
    assert "--db" in result.output and "MEETINGS_DB" in result.output


def test_run_leaves_unit_tests_to_build(
    data_dir: Path, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`meetings run` (after every export) skips dbt unit tests and scopes the staging data
    tests to new loads; `meetings build` runs them all; extra arguments reach dbt unchanged
    in both."""
    calls: list[list[str]] = []
    scopes: list[str] = []

    def fake_dbt(args: list[str], db_path: Path, env: dict[str, str] | None = None) -> Build:
        calls.append(["build", *args])
        scopes.append((env or {}).get("MEETINGS_TEST_SCOPE", "unset"))
        return Build(success=True)

    monkeypatch.setattr("loader.dbt.build", fake_dbt)
    common = ["--db", str(db_file), "--select", "marts"]
    ran = runner.invoke(app, ["run", "--data-dir", str(data_dir), *common])
    built = runner.invoke(app, ["build", *common])
    assert ran.exit_code == 0 and built.exit_code == 0, ran.output + built.output
    assert calls == [
        ["build", "--exclude-resource-type", "unit_test", "--select", "marts"],
        ["build", "--select", "marts"],
    ]
    assert scopes == ["new_loads", "all"]
