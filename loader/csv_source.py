"""How a CSV export is read: DuckDB's own CSV reader, every column as text."""

from __future__ import annotations

from pathlib import Path

import duckdb


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_csv_sql(path: Path) -> str:
    """A `read_csv(...)` table function call that lands every cell as text.

    strict_mode and no null padding: a malformed row fails the whole file instead of
    being silently dropped or shifted.
    """
    return (
        f"read_csv({sql_literal(str(path))}, header = true, all_varchar = true,"
        " auto_detect = true, strict_mode = true, null_padding = false,"
        " ignore_errors = false, quote = '\"', escape = '\"')"
    )


def read_header(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Column names as DuckDB reads them (original spelling kept)."""
    rows = con.execute(f"describe select * from {read_csv_sql(path)}").fetchall()
    return [str(row[0]) for row in rows]
