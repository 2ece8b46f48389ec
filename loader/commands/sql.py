"""`meetings sql`: the analytics copy in DuckDB's own shell, read-only, with no path to type."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from loader.cli_common import DbOption, user_errors
from loader.errors import MeetingsError
from loader.settings import Settings
from loader.warehouse import NOTHING_PUBLISHED


def duckdb_shell() -> Path:
    """The `duckdb` executable of the duckdb-cli package, installed beside this Python."""
    shell = Path(sys.executable).with_name("duckdb")
    if not shell.exists():
        raise MeetingsError(
            f"the DuckDB shell is not installed ({shell} is missing); `make install` installs"
            " it (package duckdb-cli)"
        )
    return shell


def shell_command(shell: Path, copy: Path, query: str | None) -> list[str]:
    """`duckdb -readonly <copy> [-c QUERY]`: read-only, so any number of sessions can stay
    open while `meetings run` publishes a new copy."""
    return [str(shell), "-readonly", str(copy), *(["-c", query] if query is not None else [])]


def run_shell(command: list[str]) -> int:
    """Run the shell in this terminal; its exit code (128 + N when killed by signal N).

    Ctrl-C belongs to the shell (it stops the running query): while the shell runs, this
    process only ignores it. A handler, not SIG_IGN, so the shell does not inherit the
    ignoring."""
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        code = subprocess.run(command, check=False).returncode
    finally:
        signal.signal(signal.SIGINT, previous)
    return 128 - code if code < 0 else code


def sql(
    query: Annotated[
        str | None,
        typer.Argument(
            help="One query to run and print (quote it); without it, the interactive shell.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Query the marts: the analytics copy in DuckDB's shell, read-only.

    `meetings sql` opens the shell (`.tables`, `.help`, Ctrl-D to leave); `meetings sql
    "select count(*) from marts.fct_meetings"` runs one query and prints the result. The copy
    (`MEETINGS_ANALYTICS_DB`, default analytics.duckdb beside the warehouse) holds the public
    marts of the last successful build under their warehouse names, and `meta.published`
    says when and from which build. It never blocks `meetings run`. Exit code: the shell's
    (1 when the query failed).
    """
    config = Settings.resolve(db=db)
    with user_errors("sql"):
        copy = config.analytics_db
        if not copy.exists():
            raise MeetingsError(f"nothing published yet (no {copy}); {NOTHING_PUBLISHED}")
        command = shell_command(duckdb_shell(), copy, query)
    raise typer.Exit(code=run_shell(command))
