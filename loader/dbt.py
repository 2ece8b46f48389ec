"""Run dbt in-process through dbtRunner, against the warehouse the CLI was pointed at."""

from __future__ import annotations

import os
from pathlib import Path

from loader.errors import MeetingsError
from loader.settings import PROJECT_DIR


def run_dbt(args: list[str], db_path: Path, env: dict[str, str] | None = None) -> bool:
    """Invoke `dbt <args>` for this project; True when every node (models, tests) succeeded.

    profiles.yml reads the database path from MEETINGS_DB, so it is set for the call; `env`
    sets more environment variables for this call only (restored afterwards). The
    profile sets `keep_open: true` (one connection per invocation, not one per node); it is
    closed when dbt returns, so the next step of the same process (or another process) can
    open the file.
    """
    from dbt.cli.main import dbtRunner  # imported lazily: dbt takes ~1 s to import

    os.environ["MEETINGS_DB"] = str(db_path)
    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    try:
        result = dbtRunner().invoke(full_args)
    finally:
        _release_warehouse()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if result.exception is not None:
        raise MeetingsError(f"dbt could not run: {str(result.exception).strip().splitlines()[0]}")
    return bool(result.success)


def _release_warehouse() -> None:
    """Close the DuckDB connection dbt-duckdb keeps open (`keep_open: true`) for the run."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]
