"""`process_calendly_events.py`, the runbook's name for `meetings run`: same options, same
exit codes, runnable from any directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.run_lock import RUN_IN_PROGRESS_EXIT_CODE, run_lock

from factories import REPO, SAMPLE_DIR, read_only_rows

SCRIPT = REPO / "process_calendly_events.py"
MEETINGS = Path(sys.executable).with_name("meetings")
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']


def legacy(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python process_calendly_events.py <args>` with the project's Python, from `cwd`."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def options(help_text: str) -> list[str]:
    return sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text)))


def test_help_is_the_help_of_meetings_run(tmp_path: Path) -> None:
    result = legacy(["--help"], tmp_path)
    run_help = CliRunner().invoke(
        app, ["run", "--help"], prog_name="meetings", env={"COLUMNS": "100"}
    )
    assert result.returncode == 0 and run_help.exit_code == 0, result.stderr
    assert "Usage: process_calendly_events.py [OPTIONS]" in result.stdout
    flat = " ".join(result.stdout.split())
    assert "Legacy name of meetings run" in flat
    assert options(result.stdout) == options(run_help.output)
    assert options(result.stdout) == ["--apply", "--data-dir", "--db", "--help"]
    # The whole description of `meetings run` follows, exit codes included.
    assert "Exit code 75 if another meetings run" in flat
    assert "Load new exports, build, publish the analytics copy, then write the report page" in flat


@pytest.mark.parametrize("bad", [["--data-dir"], ["--apply=yes"]])
def test_bad_option_gives_the_exit_code_of_meetings_run(tmp_path: Path, bad: list[str]) -> None:
    result = legacy(bad, tmp_path)
    run = subprocess.run(
        [str(MEETINGS), "run", *bad],
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "100"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == run.returncode == 2
    assert result.stderr == run.stderr
    assert "Traceback" not in result.stderr


def test_second_run_ends_with_the_lock_exit_code(tmp_path: Path) -> None:
    db = tmp_path / "warehouse" / "legacy.duckdb"
    with run_lock(db, "meetings run") as held:
        result = legacy(["--data-dir", str(SAMPLE_DIR), "--db", str(db)], tmp_path)
    assert result.returncode == RUN_IN_PROGRESS_EXIT_CODE
    since = held.since.strftime("%Y-%m-%d %H:%M:%S")
    assert (
        result.stderr == f"another meetings run is in progress (pid {os.getpid()}, since {since})\n"
    )


def test_runs_the_whole_pipeline_from_any_directory(tmp_path: Path) -> None:
    """The cron line of the runbook: the sample exports into a temp warehouse (MEETINGS_DB),
    started from a folder that is not the project."""
    db = tmp_path / "legacy.duckdb"
    elsewhere = tmp_path / "cron-cwd"
    elsewhere.mkdir()
    env = {"MEETINGS_DB": str(db), "DBT_TARGET_PATH": str(tmp_path / "target")}
    result = legacy(["--data-dir", str(SAMPLE_DIR), *AS_OF], elsewhere, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 loaded, 0 skipped, 0 rejected (50 rows landed)" in result.stdout
    assert read_only_rows(
        db, "select platform, count(*) from marts.fct_meetings group by 1 order by 1"
    ) == [
        ("calcom", 11),
        ("calendly", 10),
    ]


@pytest.mark.skipif(not shutil.which("python3", path="/usr/bin:/bin"), reason="no python3")
def test_executable_with_any_python3_on_the_path(tmp_path: Path) -> None:
    """`./process_calendly_events.py` from cron, whose PATH has a python3 without the
    project's packages: the shebang's python3 hands over to the project's virtualenv."""
    assert SCRIPT.read_text().startswith("#!/usr/bin/env python3\n")
    assert os.access(SCRIPT, os.X_OK)
    result = subprocess.run(
        [str(SCRIPT), "--help"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: process_calendly_events.py [OPTIONS]" in result.stdout
