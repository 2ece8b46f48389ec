#!/usr/bin/env python3
"""The legacy name of `meetings run`, kept for the runbook and the cron jobs written against it.

`python process_calendly_events.py [OPTIONS]` runs exactly what `meetings run [OPTIONS]` runs:
the same command, options, help and exit codes (1 for a rejected file or a failing model or
test, 2 for a bad option, 75 while another run holds the warehouse lock). It works from any
directory; started by a `python3` that lacks the project's packages, it runs itself again
with the project's virtualenv (.venv/bin/python).
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
VENV_PYTHON = PROJECT_DIR / ".venv" / "bin" / "python"

try:
    import typer

    from loader.cli_common import PASSTHROUGH
    from loader.commands import pipeline
except ModuleNotFoundError:
    if __name__ == "__main__" and VENV_PYTHON.exists() and Path(sys.executable) != VENV_PYTHON:
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    raise

LEGACY_NOTE = (
    "Legacy name of `meetings run` (the runbook's automated detection and normalization of"
    " new exports): the same command, options and exit codes."
)

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode="markdown")
app.command(
    name="run",
    context_settings=PASSTHROUGH,
    help=f"{LEGACY_NOTE}\n\n{inspect.getdoc(pipeline.run)}",
)(pipeline.run)

if __name__ == "__main__":
    app()
