"""What every `meetings` command shares: consoles, common options, one-line error handling."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from loader.errors import MeetingsError
from loader.run_lock import RUN_IN_PROGRESS_EXIT_CODE, RunInProgress, run_lock
from loader.settings import Settings

# Logs of cron jobs and CI are not terminals: give tables room instead of rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)
state = {"debug": False}

# For commands that pass unknown arguments through to dbt.
PASSTHROUGH: dict[str, Any] = {"allow_extra_args": True, "ignore_unknown_options": True}

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder with the exports (sub-folders calendly/, calcom/, lacrm/). "
        "Default: $MEETINGS_DATA_DIR, else data/ in the project.",
        show_default=False,
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB warehouse file. Default: $MEETINGS_DB, else warehouse/meetings.duckdb.",
        show_default=False,
    ),
]


def fail(message: str) -> NoReturn:
    """Print `error: <message>` on stderr and exit with code 1."""
    err_console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


@contextmanager
def user_errors(action: str) -> Iterator[None]:
    """Turn a MeetingsError into a one-line message and exit code 1 (traceback with --debug)."""
    try:
        yield
    except MeetingsError as exc:
        if state["debug"]:
            raise
        fail(f"{action}: {exc}")


@contextmanager
def one_run_at_a_time(config: Settings, command: str) -> Iterator[None]:
    """Hold the warehouse's run lock (`<warehouse>.lock`) for the whole `meetings <command>`;
    if another run holds it, end at once: one line on stderr, exit code 75 (EX_TEMPFAIL)."""
    with ExitStack() as held:
        with user_errors(command.split()[0]):  # a bad --db, a folder it cannot write to
            path = config.db
            try:
                held.enter_context(run_lock(path, f"meetings {command}"))
            except RunInProgress as exc:
                err_console.print(str(exc), highlight=False, markup=False, soft_wrap=True)
                raise typer.Exit(code=RUN_IN_PROGRESS_EXIT_CODE) from None
        yield
