"""Publish the analytics copy: after a successful build, the public marts in a DuckDB file of
their own, which analysts, the report page, `meetings status` and `meetings review` read.

DuckDB lets one process write a file and no other open it meanwhile, so anyone reading the
warehouse would make the next `meetings run` fail. The copy is written to a temporary file
beside it, checked (row counts equal the warehouse's), made read-only and moved over the old
copy in one rename: a session that has the old copy open keeps reading the old version
(its file stays whole until the session closes it), the next session opens the new one, and
nobody ever sees half a copy. Schemas and tables keep their warehouse names
(`marts.fct_meetings`), so a query runs unchanged on either file. `meta.published` says when
and from which build the copy was made. docs/decisions/0001-published-analytics-copy.md.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from loader.csv_source import quote_ident, sql_literal
from loader.dbt import Build
from loader.errors import MeetingsError
from loader.warehouse import is_locked

# Published with the marts: the load manifest (one row per export file). `meetings status`
# lists rejected files from it, and analysts join `marts.export_coverage.load_id` to it.
EXTRA_TABLES = (("raw", "_load_manifest"),)
META_TABLE = "meta.published"
_WAREHOUSE = "warehouse"  # aliases of the two files in the publishing connection
_COPY = "published"


@dataclass(frozen=True)
class Published:
    """One analytics copy, as written and checked."""

    path: Path
    tables: dict[str, int]
    """schema.table -> rows (the same in the copy and the warehouse)."""
    size_bytes: int
    seconds: float


def not_published_because(build: Build) -> str | None:
    """Why a successful build publishes nothing (None: it publishes)."""
    if build.selection:
        return f"the build covered part of the project ({build.selection})"
    if not build.published_models:
        return "the build ran no public model"
    return None


def temporary_path(copy: Path) -> Path:
    """Where the next copy is written before the rename (same folder: same file system)."""
    return copy.with_name(f".{copy.name}.publishing")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _spill(path: Path) -> Path:
    return path.with_name(path.name + ".spill")


def _count(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> int:
    row = con.execute(f"select count(*) from {catalog}.{name}").fetchone()
    return int(row[0]) if row else 0


def _qualified(schema: str, table: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table)}"


def _copy_tables(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]]) -> dict[str, int]:
    """Create each table in the copy (the warehouse's DDL, NOT NULL and keys included; a
    view is copied as a table) and fill it; rows per table as read from the warehouse."""
    ddl = {
        (str(s), str(t)): str(sql)
        for s, t, sql in con.execute(
            "select schema_name, table_name, sql from duckdb_tables()"
            f" where database_name = {sql_literal(_WAREHOUSE)}"
        ).fetchall()
    }
    counts: dict[str, int] = {}
    con.execute(f"use {_COPY}")
    for schema, table in tables:
        name = _qualified(schema, table)
        con.execute(f"create schema if not exists {quote_ident(schema)}")
        if (schema, table) in ddl:
            con.execute(ddl[schema, table])
            con.execute(f"insert into {_COPY}.{name} select * from {_WAREHOUSE}.{name}")
        else:
            con.execute(f"create table {_COPY}.{name} as select * from {_WAREHOUSE}.{name}")
        counts[f"{schema}.{table}"] = _count(con, _WAREHOUSE, name)
    return counts


def _write_meta(con: duckdb.DuckDBPyConnection, build: Build, counts: dict[str, int]) -> None:
    """meta.published: one row per published table, with the build it came from. `as_of` is
    the build's "now" as the marts hold it (export_freshness.as_of, the report's "as of")."""
    as_of = (
        f"(select max(as_of) from {_COPY}.marts.export_freshness)"
        if "marts.export_freshness" in counts
        else "null"
    )
    con.execute(
        f"""
        create schema meta;
        create table {META_TABLE} (
            schema_name varchar not null,
            table_name varchar not null,
            row_count bigint not null,
            published_at timestamptz not null,
            invocation_id varchar not null,
            as_of timestamptz,
            primary key (schema_name, table_name)
        )
        """
    )
    rows = ", ".join(
        f"({sql_literal(schema)}, {sql_literal(table)}, {n})"
        for (schema, table), n in sorted((tuple(k.split(".", 1)), v) for k, v in counts.items())
    )
    con.execute(
        f"insert into {META_TABLE} select names.*, now(), ?, {as_of} from (values {rows}) as names",
        [build.invocation_id],
    )


def _check(con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> None:
    """The written file, opened read-only as analysts will: every table has the warehouse's
    row count (counted again now)."""
    for name in counts:
        schema, table = name.split(".", 1)
        qualified = _qualified(schema, table)
        in_copy, in_warehouse = _count(con, _COPY, qualified), _count(con, _WAREHOUSE, qualified)
        if in_copy != in_warehouse:
            raise MeetingsError(
                f"the copy of {name} has {in_copy:,} rows, the warehouse {in_warehouse:,};"
                " nothing was published"
            )


def _attach_warehouse(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    try:
        con.execute(f"attach {sql_literal(str(warehouse))} as {_WAREHOUSE} (read_only)")
    except duckdb.IOException as exc:
        if is_locked(exc):
            raise MeetingsError(
                f"database busy: {warehouse} is open in another process; nothing was"
                " published (analysts keep the last copy)"
            ) from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MeetingsError(f"cannot open {warehouse}: {first}; nothing was published") from exc


def _write(warehouse: Path, tmp: Path, build: Build) -> dict[str, int]:
    """Write and check the copy in `tmp`; rows per table."""
    con = duckdb.connect()  # in memory: both files are attached under fixed names
    try:
        con.execute("set TimeZone = 'UTC'")
        # The same memory ceiling as the build (profiles.yml); beyond it, spill beside the copy.
        memory = os.environ.get("MEETINGS_DUCKDB_MEMORY_LIMIT", "1GB")
        con.execute(f"set memory_limit = {sql_literal(memory)}")
        con.execute(f"set temp_directory = {sql_literal(str(_spill(tmp)))}")
        con.execute("set preserve_insertion_order = false")  # tables carry no row order
        _attach_warehouse(con, warehouse)
        present = {
            (str(s), str(t))
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
                f" where table_catalog = {sql_literal(_WAREHOUSE)}"
            ).fetchall()
        }
        missing = [f"{s}.{t}" for s, t in build.published_models if (s, t) not in present]
        if missing:
            raise MeetingsError(
                f"the warehouse has no {missing[0]} although the build ran it; nothing was"
                " published"
            )
        tables = [*build.published_models, *(t for t in EXTRA_TABLES if t in present)]
        con.execute(f"attach {sql_literal(str(tmp))} as {_COPY}")
        counts = _copy_tables(con, tables)
        _write_meta(con, build, counts)
        con.execute(f"use {_WAREHOUSE}")
        con.execute(f"detach {_COPY}")  # checkpoints: the whole copy is in the file, no WAL
        con.execute(f"attach {sql_literal(str(tmp))} as {_COPY} (read_only)")
        _check(con, counts)
        return counts
    finally:
        con.close()
        shutil.rmtree(_spill(tmp), ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after it leaves the new copy)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(paths: tuple[Path, ...]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def publish(warehouse: Path, copy: Path, build: Build) -> Published:
    """Write the analytics copy of `build` from `warehouse` to `copy`, replacing the old one
    in one rename. On any failure the old copy is left as it was."""
    started = time.perf_counter()
    tmp = temporary_path(copy)
    leftovers = (tmp, _wal(tmp))
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        _remove(leftovers)  # of a publish that was killed half-way
        counts = _write(warehouse, tmp, build)
        tmp.chmod(0o444)  # a read-only copy: a `duckdb` session cannot write to it by mistake
        # A WAL beside the old copy (someone opened it for writing) must not be replayed
        # into the new one.
        _wal(copy).unlink(missing_ok=True)
        os.replace(tmp, copy)
        _sync_folder(copy.parent)
    except OSError as exc:
        _remove(leftovers)
        raise MeetingsError(
            f"cannot write the analytics copy {copy} ({exc.strerror or type(exc).__name__});"
            " nothing was published"
        ) from exc
    except BaseException:
        _remove(leftovers)
        raise
    return Published(copy, counts, copy.stat().st_size, time.perf_counter() - started)
