"""`meetings sql`: the analytics copy in the bundled DuckDB shell, read-only, no path to type;
the shell's exit code is the command's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from loader.cli import app
from loader.commands.sql import shell_command

from factories import read_only_rows

runner = CliRunner()
MEETINGS = Path(sys.executable).with_name("meetings")


def _sql(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`meetings sql ...` as a user runs it (the shell writes to the terminal, not to Python)."""
    return subprocess.run(
        [str(MEETINGS), "sql", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_one_query_is_run_on_the_copy_and_printed(sample_warehouse: Path) -> None:
    query = "select count(*) as meetings from marts.fct_meetings"
    done = _sql("--db", str(sample_warehouse), query)
    assert done.returncode == 0, done.stderr
    ((meetings,),) = read_only_rows(sample_warehouse.with_name("analytics.duckdb"), query)
    lines = [line.strip("│ ") for line in done.stdout.splitlines()]
    assert lines[1] == "meetings" and lines[-2] == str(meetings), done.stdout


def test_the_shell_reads_queries_from_its_input(sample_warehouse: Path) -> None:
    """Without a query: DuckDB's interactive shell (here fed by a pipe, as a script would)."""
    done = _sql(
        "--db",
        str(sample_warehouse),
        stdin="select current_database() as db, count(*) as tables from meta.published;\n",
    )
    assert done.returncode == 0, done.stderr
    assert "analytics" in done.stdout


def test_the_shell_exit_code_is_passed_through(sample_warehouse: Path) -> None:
    done = _sql("--db", str(sample_warehouse), "select * from marts.no_such_mart")
    assert done.returncode == 1
    assert "no_such_mart" in done.stderr


def test_the_copy_is_opened_read_only(sample_warehouse: Path) -> None:
    done = _sql("--db", str(sample_warehouse), "create table marts.scratch (i integer)")
    assert done.returncode == 1
    assert "read-only" in done.stderr


def test_shell_command_is_readonly_duckdb_on_the_copy(tmp_path: Path) -> None:
    shell, copy = tmp_path / "duckdb", tmp_path / "analytics.duckdb"
    assert shell_command(shell, copy, None) == [str(shell), "-readonly", str(copy)]
    assert shell_command(shell, copy, "select 1") == [
        str(shell),
        "-readonly",
        str(copy),
        "-c",
        "select 1",
    ]


def test_sql_before_anything_was_published_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sql", "--db", str(tmp_path / "meetings.duckdb")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: sql: nothing published yet (no {tmp_path / 'analytics.duckdb'}); run"
        " `meetings run` (or `meetings build`) first"
    ]


def test_sql_help_says_what_it_opens() -> None:
    result = runner.invoke(app, ["sql", "--help"], prog_name="meetings")
    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())
    assert "Usage: meetings sql [OPTIONS] [query]" in text
    assert "MEETINGS_ANALYTICS_DB" in text and "read-only" in text
