"""Where things live and how a run behaves: project, database and data folders, the analytics
copy, the report page and the environment's knobs.

A command builds one `Settings` from its options at the CLI boundary
(`Settings.resolve(db=..., data_dir=...)`) and passes it down to every step. Each value is
resolved, and its environment variable checked, the first time a step reads it, then kept:
every step of a run sees the same paths, and a variable a command never reads cannot fail it
(`meetings sql` does not care about MEETINGS_TEST_SCOPE).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loader.errors import MeetingsError

PROJECT_DIR = Path(os.environ.get("MEETINGS_PROJECT_DIR", Path(__file__).resolve().parent.parent))
DEFAULT_DB = "warehouse/meetings.duckdb"
DEFAULT_DATA_DIR = "data"
REPORT_NAME = "report.html"
ANALYTICS_NAME = "analytics.duckdb"
DEFAULT_EXPORT_TZ = "America/New_York"
DEFAULT_SETTLE_SECONDS = 5.0
TEST_SCOPES = ("all", "new_loads")


def _resolve(value: str) -> Path:
    """Relative paths are taken from the project folder, so `meetings` works from any directory."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (PROJECT_DIR / path)


def _option(value: Path) -> Path:
    """A path given on the command line: relative to the current directory."""
    return value.expanduser().resolve()


# DuckDB names a database after its file (`meetings.duckdb` -> catalog `meetings`). A catalog
# named like one of the warehouse's schemas makes `raw.x` or `marts.x` ambiguous in every
# query, and `main`, `temp` and `system` are DuckDB's own names.
WAREHOUSE_SCHEMAS = ("raw", "staging", "intermediate", "marts", "seeds", "snapshots")
RESERVED_CATALOGS = ("main", "temp", "system")
# Schemas only the analytics copy has (meta.published: when and from which build).
PUBLISHED_SCHEMAS = ("meta",)


def export_timezone() -> ZoneInfo:
    """Wall-clock zone of exported timestamps (`MEETINGS_EXPORT_TZ`, default America/New_York).

    dbt reads the same variable (var `export_time_zone` in dbt_project.yml), so the
    loader and the models never disagree about it.
    """
    name = os.environ.get("MEETINGS_EXPORT_TZ", DEFAULT_EXPORT_TZ)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MeetingsError(
            f"MEETINGS_EXPORT_TZ={name!r} is not an IANA time zone (e.g. America/New_York)"
        ) from exc


@dataclass(frozen=True)
class Settings:
    """One command's settings: its `--db`, `--data-dir` and `--out` (report) options, and
    every value resolved from them and the environment (each on first read, then kept)."""

    db_option: Path | None = None
    data_dir_option: Path | None = None
    report_option: Path | None = None

    @classmethod
    def resolve(
        cls, db: Path | None = None, data_dir: Path | None = None, report: Path | None = None
    ) -> Settings:
        """The settings of a command given these options (None: the environment, else the
        default). Nothing is read yet: each value is resolved when a step first needs it."""
        return cls(db, data_dir, report)

    @cached_property
    def db(self) -> Path:
        """The DuckDB file: `--db`, else `MEETINGS_DB`, else `warehouse/meetings.duckdb`."""
        if self.db_option is not None:
            path = _option(self.db_option)
        else:
            path = _resolve(os.environ.get("MEETINGS_DB", DEFAULT_DB)).resolve()
        if path.stem.lower() in WAREHOUSE_SCHEMAS + RESERVED_CATALOGS:
            raise MeetingsError(
                f"the warehouse cannot be called {path.name}: DuckDB names the database after the"
                f" file, and {path.stem!r} is also the name of a schema or of DuckDB's own catalog"
                " — choose another file name, e.g. meetings.duckdb"
            )
        return path

    @cached_property
    def data_dir(self) -> Path:
        """The export drop folder: `--data-dir`, else `MEETINGS_DATA_DIR`, else `data/`."""
        if self.data_dir_option is not None:
            return _option(self.data_dir_option)
        return _resolve(os.environ.get("MEETINGS_DATA_DIR", DEFAULT_DATA_DIR)).resolve()

    @cached_property
    def analytics_db(self) -> Path:
        """The published read-only copy of the marts that everything which only reads opens:
        `MEETINGS_ANALYTICS_DB`, else `analytics.duckdb` beside the warehouse
        (`warehouse/analytics.duckdb` with the default warehouse; a `--db` in another folder
        publishes there, like the report page)."""
        warehouse = self.db
        if "MEETINGS_ANALYTICS_DB" in os.environ:
            path = _resolve(os.environ["MEETINGS_ANALYTICS_DB"]).resolve()
        else:
            path = warehouse.with_name(ANALYTICS_NAME)
        if path == warehouse:
            raise MeetingsError(
                f"MEETINGS_ANALYTICS_DB is the warehouse itself ({path}); the analytics copy needs"
                " a file of its own, e.g. warehouse/analytics.duckdb"
            )
        if path.stem.lower() in (*WAREHOUSE_SCHEMAS, *RESERVED_CATALOGS, *PUBLISHED_SCHEMAS):
            raise MeetingsError(
                f"the analytics copy cannot be called {path.name}: DuckDB names the database after"
                f" the file, and {path.stem!r} is also the name of a schema or of DuckDB's own"
                " catalog — choose another file name, e.g. analytics.duckdb"
            )
        return path

    @cached_property
    def report_page(self) -> Path:
        """The report page: `--out`, else `MEETINGS_REPORT`, else `report.html` beside the
        warehouse (`warehouse/report.html` with the default warehouse)."""
        if self.report_option is not None:
            return _option(self.report_option)
        if "MEETINGS_REPORT" in os.environ:
            return _resolve(os.environ["MEETINGS_REPORT"]).resolve()
        return self.db.with_name(REPORT_NAME)

    @cached_property
    def export_tz(self) -> ZoneInfo:
        """`MEETINGS_EXPORT_TZ`: see export_timezone()."""
        return export_timezone()

    @cached_property
    def settle_seconds(self) -> float:
        """`MEETINGS_SETTLE_SECONDS` (default 5): `meetings load` watches files modified more
        recently than this until their size and modification time stop changing (about a
        second for a folder of just-copied exports, all watched together) and then loads them;
        a file still changing after this many seconds is skipped and loaded on the next run.
        0 loads every file at once without waiting."""
        value = os.environ.get("MEETINGS_SETTLE_SECONDS", str(DEFAULT_SETTLE_SECONDS))
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if seconds < 0:
            raise MeetingsError(
                f"MEETINGS_SETTLE_SECONDS={value!r} is not a number of seconds (e.g. 5, or 0 to"
                " load files at once, without waiting for recent ones to stop changing)"
            )
        return seconds

    @cached_property
    def test_scope(self) -> str:
        """`MEETINGS_TEST_SCOPE` for `meetings run` (default `new_loads`): which rows the data
        tests of the models that read exports row for row check, the loads the run processes
        or `all` of history (macros/get_where_subquery.sql reads the same variable; `meetings
        build` checks all)."""
        value = os.environ.get("MEETINGS_TEST_SCOPE", "new_loads")
        if value not in TEST_SCOPES:
            raise MeetingsError(
                f"MEETINGS_TEST_SCOPE={value!r} is not 'new_loads' (the loads this run processes,"
                " the default) or 'all' (the whole history)"
            )
        return value
