"""Run dbt in-process through dbtRunner, against the warehouse the CLI was pointed at."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.errors import MeetingsError
from loader.settings import PROJECT_DIR

# Published with the `access: public` models, whatever their own access: the data-quality
# mart and the monitoring marts (models/marts/monitoring/), which `meetings status` reads.
ALWAYS_PUBLISHED = ("data_quality_issues",)
ALWAYS_PUBLISHED_FOLDERS = ("monitoring",)
# dbt arguments that build part of the project (dbt's own names in the run results' args).
_SELECTION_ARGS = ("select", "exclude", "selector", "resource_types", "exclude_resource_types")


@dataclass(frozen=True)
class Build:
    """What one `dbt build` did, as the analytics copy needs it (loader/publish.py)."""

    success: bool
    invocation_id: str = ""
    published_models: tuple[tuple[str, str], ...] = ()
    """(schema, table) of the models to publish: every model this build ran that is
    `access: public`, plus ALWAYS_PUBLISHED (from the build's own manifest)."""
    selection: str = ""
    """The selection arguments when the build ran part of the project ("" = all of it)."""


def run_dbt(args: list[str], db_path: Path, env: dict[str, str] | None = None) -> bool:
    """Invoke `dbt <args>` for this project; True when every node (models, tests) succeeded."""
    return bool(_invoke(args, db_path, env).success)


def build(args: list[str], db_path: Path, env: dict[str, str] | None = None) -> Build:
    """`dbt build <args>`: whether every node succeeded, and what to publish from it.

    The models come from the run results dbt returns in-process (each result carries its
    node as the build parsed it, `access` included), not from target/manifest.json, which
    any other dbt run in the same project folder may have rewritten since."""
    from dbt_common.invocation import get_invocation_id

    result = _invoke(["build", *args], db_path, env)
    invocation_id = get_invocation_id()  # the id of the invocation that just ended
    executed = getattr(result.result, "results", None) or []
    dbt_args: dict[str, Any] = getattr(result.result, "args", None) or {}
    return Build(
        success=bool(result.success),
        invocation_id=invocation_id,
        published_models=tuple(
            sorted({(r.node.schema, r.node.alias) for r in executed if _published(r.node)})
        ),
        selection=_selection(dbt_args),
    )


def _selection(dbt_args: dict[str, Any]) -> str:
    """The arguments that made a build cover part of the project ("" when none did), e.g.
    `select: marts`. Leaving out unit tests (`meetings run`) builds every model and runs
    every data test, so it is not a selection."""
    parts = []
    for name in _SELECTION_ARGS:
        value = dbt_args.get(name)
        if name == "exclude_resource_types":
            value = [v for v in value or [] if v != "unit_test"]
        if value:
            shown = " ".join(map(str, value)) if isinstance(value, list | tuple) else value
            parts.append(f"{name}: {shown}")
    return "; ".join(parts)


def _published(node: Any) -> bool:
    if node.resource_type != "model" or node.config.materialized == "ephemeral":
        return False
    return (
        node.access == "public"
        or node.name in ALWAYS_PUBLISHED
        or any(folder in node.fqn[:-1] for folder in ALWAYS_PUBLISHED_FOLDERS)
    )


def _invoke(args: list[str], db_path: Path, env: dict[str, str] | None = None) -> Any:
    """Invoke `dbt <args>` for this project; dbt's dbtRunnerResult.

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
    return result


def _release_warehouse() -> None:
    """Close the DuckDB connection dbt-duckdb keeps open (`keep_open: true`) for the run."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]
