"""Write one CSV per export from a platform's rows.

The rows are first materialised in file order with typed columns only (sorting rendered
strings costs far more than rendering them); each file is then one filtered scan that renders
its cells. Precomputing the export-independent cells once per booking was tried and measured
slower: the sort then has to move every rendered string.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import duckdb

from loader.synth.bookings import Export
from loader.synth.sql import ident, lit


def build_rows(con: duckdb.DuckDBPyConnection, p: str, source: str, join_on: list[str]) -> None:
    """`{p}_rows`: one row per (export, booking[, invitee]) of `{p}_keys` with the typed columns
    of `source` (one row per booking[, invitee]), sorted as the files are."""
    on = " and ".join(f"c.{column} = r.{column}" for column in join_on)
    order = ", ".join(f"r.{column}" for column in join_on)
    con.execute(
        f"""
        create or replace table {p}_rows as
        select r.k, r.export_utc, c.*
        from {p}_keys as r
        inner join ({source}) as c on {on}
        order by r.k, c.start_utc, {order}
        """
    )


def write_files(
    con: duckdb.DuckDBPyConnection,
    p: str,
    folder: Path,
    exports: list[Export],
    file_name: Callable[[Export], str],
    header: Callable[[Export], list[str]],
    expressions: dict[str, str],
) -> list[Path]:
    """One CSV per export from `{p}_rows` (a filtered scan keeps the table's order); file
    modification times are the export times."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for export in exports:
        select = ",\n".join(
            f"({expressions[name]})::varchar as {ident(name)}" for name in header(export)
        )
        path = folder / file_name(export)
        con.execute(
            f"""
            copy (select {select} from {p}_rows where k = {export.k})
            to {lit(str(path))} (header true, delimiter ',', quote '"', escape '"')
            """
        )
        stamp = export.at.timestamp()
        os.utime(path, (stamp, stamp))
        written.append(path)
    con.execute(f"drop table {p}_rows")
    return written
