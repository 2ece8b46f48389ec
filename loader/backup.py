"""`meetings backup`: the warehouse's tables to a folder with DuckDB's EXPORT DATABASE.

The warehouse is the only copy of history once the platforms' export windows have moved
on. Every table (raw exports, load manifest, marts, any snapshot or sync state) is copied;
views are not, because `meetings build` re-creates them (dbt writes them with the
warehouse file's name inside, so they would not import into a file with another name).
Restore: `duckdb new.duckdb -c "IMPORT DATABASE '<folder>'"`, then `meetings build`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from loader.csv_source import quote_ident, sql_literal
from loader.errors import MeetingsError

_SCRATCH = "meetings_backup"


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    tables: dict[str, int]
    """schema.table -> rows, verified against the written parquet files."""


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    rows = con.execute(
        "select schema_name, table_name, sql from duckdb_tables()"
        " where database_name = current_database() and not temporary"
        " order by schema_name, table_name"
    ).fetchall()
    return [(str(s), str(t), str(sql)) for s, t, sql in rows]


def _copy_tables(
    con: duckdb.DuckDBPyConnection, main: str, tables: list[tuple[str, str, str]]
) -> dict[str, int]:
    """Re-create each table (same DDL, constraints included) in the scratch database."""
    counts: dict[str, int] = {}
    for schema, table, ddl in tables:
        name = f"{quote_ident(schema)}.{quote_ident(table)}"
        con.execute(f"create schema if not exists {quote_ident(schema)}")
        con.execute(ddl)
        con.execute(f"insert into {name} select * from {quote_ident(main)}.{name}")
        row = con.execute(f"select count(*) from {name}").fetchone()
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


def _verify(con: duckdb.DuckDBPyConnection, folder: Path, counts: dict[str, int]) -> None:
    """Every table has a parquet file holding as many rows as the table (read back)."""
    written: dict[str, int] = {}
    for line in (folder / "load.sql").read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY "):
            table = line.split()[1].replace('"', "")
            parquet = folder / Path(line.split("'")[1]).name
            row = con.execute(f"select count(*) from read_parquet({sql_literal(str(parquet))})")
            result = row.fetchone()
            written[table] = int(result[0]) if result else -1
    for table, rows in counts.items():
        if written.get(table) != rows:
            raise MeetingsError(
                f"backup check failed: {table} has {rows} rows, the backup"
                f" {written.get(table, 'none')} — {folder} is incomplete; run the backup again"
            )


def backup(con: duckdb.DuckDBPyConnection, folder: Path) -> BackupResult:
    """Export every table of the open warehouse to `folder` (parquet + schema.sql/load.sql).

    Written next to `folder` first and renamed at the end: `folder` is complete or absent.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise MeetingsError(f"{folder} already exists — choose another --out folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(folder.name + ".partial")
    scratch = folder.with_name(folder.name + ".scratch.duckdb")
    shutil.rmtree(partial, ignore_errors=True)
    for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
        leftover.unlink(missing_ok=True)
    row = con.execute("select current_database()").fetchone()
    assert row is not None
    main = str(row[0])
    tables = _tables(con)
    con.execute(f"attach {sql_literal(str(scratch))} as {_SCRATCH}")
    try:
        con.execute(f"use {_SCRATCH}")
        counts = _copy_tables(con, main, tables)
        con.execute(f"export database {_SCRATCH} to {sql_literal(str(partial))} (format parquet)")
        _verify(con, partial, counts)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        con.execute(f"use {quote_ident(main)}")
        con.execute(f"detach {_SCRATCH}")
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            leftover.unlink(missing_ok=True)
    if folder.exists():
        folder.rmdir()
    partial.rename(folder)
    return BackupResult(folder, counts)
