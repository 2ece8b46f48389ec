"""DuckDB side of loading: the raw schema, the load manifest, one transaction per file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from loader.csv_source import (
    explain_csv_error,
    position_column,
    quote_ident,
    read_csv_sql,
    readable,
    sniff_or_fail,
)
from loader.discover import ExportFile
from loader.errors import FileChanged, LoadNotFinished, MeetingsError
from loader.formats import FORMATS, ExportFormat, header_key
from loader.lacrm.raw_tables import ensure_lacrm_raw_tables
from loader.sniff import Dialect

RAW_SCHEMA = "raw"
MANIFEST = f"{RAW_SCHEMA}._load_manifest"

# Lineage columns stamped on every landed row (documented in the raw sources' YAML).
META_COLUMNS: dict[str, str] = {
    "_source_file": "varchar",
    "_source_row": "bigint",
    "_file_sha256": "varchar",
    "_exported_at": "timestamptz",
    "_loaded_at": "timestamptz",
    "_load_id": "bigint",
}

MANIFEST_DDL = f"""
create table if not exists {MANIFEST} (
    load_id bigint primary key,
    file_path varchar not null,
    file_name varchar not null,
    sha256 varchar not null,
    platform varchar,
    raw_table varchar,
    status varchar not null,
    row_count bigint,
    file_size_bytes bigint,
    file_mtime_ns bigint,
    columns varchar[],
    exported_at timestamptz,
    exported_at_source varchar,
    loaded_at timestamptz not null,
    error varchar
)
"""


@dataclass(frozen=True)
class Landed:
    load_id: int
    rows: int
    status: str  # "loaded" or "empty"
    new_columns: list[str]
    ignored_columns: int = 0
    """Columns with a blank header and no value in any row (Excel's trailing empty columns)."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, the manifest and each platform's raw table (documented columns).

    Creating the documented columns up front means dbt's staging views compile even
    before the first export of a platform has been loaded.
    """
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(MANIFEST_DDL)
    # warehouses created before the column existed
    con.execute(f"alter table {MANIFEST} add column if not exists file_mtime_ns bigint")
    for fmt in FORMATS:
        columns = [f"{quote_ident(c)} varchar" for c in fmt.known_columns]
        columns += [f"{quote_ident(c)} {t}" for c, t in META_COLUMNS.items()]
        con.execute(
            f"create table if not exists {RAW_SCHEMA}.{fmt.raw_table} ({', '.join(columns)})"
        )
    ensure_lacrm_raw_tables(con)


def previous_load(con: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    """The file path under which identical content was already landed, if any."""
    row = con.execute(
        f"select file_path from {MANIFEST} where sha256 = ? and status in ('loaded', 'empty')"
        " order by load_id limit 1",
        [sha256],
    ).fetchone()
    return None if row is None else str(row[0])


@dataclass(frozen=True)
class KnownFile:
    """A manifest entry for a file that landed under this very path."""

    platform: str | None
    exported_at: datetime | None


def landed_unchanged(
    con: duckdb.DuckDBPyConnection, rel_path: str, size_bytes: int, mtime_ns: int
) -> KnownFile | None:
    """The landed file at `rel_path` when it still has the size and modification time it had
    when it landed (so it is the same file: no need to read and hash it again), else None.

    A full-state file (the overrides file) counts only while it is the latest state of its
    table: dropping back an older version must make that version current again.
    """
    row = con.execute(
        f"select platform, exported_at, raw_table, sha256 from {MANIFEST}"
        " where file_path = ? and file_size_bytes = ? and file_mtime_ns = ?"
        " and status in ('loaded', 'empty') order by load_id desc limit 1",
        [rel_path, size_bytes, mtime_ns],
    ).fetchone()
    if row is None:
        return None
    platform, exported_at, raw_table, sha256 = row
    if is_superseded_state(con, str(raw_table), str(sha256)):
        return None
    return KnownFile(platform, exported_at)


def is_superseded_state(con: duckdb.DuckDBPyConnection, raw_table: str, sha256: str) -> bool:
    """True for a full-state file (the overrides file) whose content is not the latest landed
    state of its table: it must land again to become current, even though it landed before."""
    full_state = any(f.full_state for f in FORMATS if f.raw_table == raw_table)
    return full_state and latest_load_sha256(con, raw_table) != sha256


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"select coalesce(max(load_id), 0) + 1 from {MANIFEST}").fetchone()
    assert row is not None
    return int(row[0])


def _existing_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ?",
        [RAW_SCHEMA, table],
    ).fetchall()
    return {header_key(str(r[0])) for r in rows}


def _column_plan(fmt: ExportFormat, header: list[str]) -> list[tuple[str, str]]:
    """(DuckDB column, raw column) pairs for the named headers; two headers landing in one
    column is an error. Blank headers are left out (see `_unnamed_columns_with_data`)."""
    plan: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for index, source in enumerate(header):
        if not source.strip():
            continue
        target = fmt.canonical(source)
        key = header_key(target)
        if key in seen:
            raise MeetingsError(
                f"columns {seen[key]!r} and {source!r} both mean {target!r}"
                " — delete one of them and save the file again"
            )
        if key in {header_key(m) for m in META_COLUMNS}:
            raise MeetingsError(
                f"column {source!r} clashes with a loader column — rename it and save again"
            )
        seen[key] = source
        plan.append((position_column(index), target))
    return plan


def _unnamed_columns_with_data(
    con: duckdb.DuckDBPyConnection, source: str, header: tuple[str, ...]
) -> tuple[list[tuple[str, str]], int]:
    """Blank-header columns that hold a value somewhere, as `Unnamed column N` (kept, never
    dropped), and how many blank-header columns are empty throughout (ignored)."""
    blank = [i for i, name in enumerate(header) if not name.strip()]
    if not blank:
        return [], 0
    counts = con.execute(
        f"select {', '.join(f'count({position_column(i)})' for i in blank)} from {source}"
    ).fetchone()
    assert counts is not None
    kept = [
        (position_column(i), f"Unnamed column {i + 1}")
        for i, n in zip(blank, counts, strict=True)
        if n
    ]
    return kept, len(blank) - len(kept)


def land_file(
    con: duckdb.DuckDBPyConnection,
    export: ExportFile,
    is_unchanged: Callable[[], bool] | None = None,
) -> Landed:
    """Land every row of one export in a single transaction: all rows and its manifest row, or
    nothing. Unknown columns are added to the raw table, never dropped; rows whose every cell
    is empty (blank lines, Excel's `,,,` rows) carry nothing and are not landed.

    `is_unchanged` is asked before and after reading: False (the file is still being
    written) rolls everything back and raises FileChanged.

    A second, short transaction then numbers the rows (`_source_row`) and drops the blank
    ones (number_rows): numbering rows the same transaction appended is ~2 s slower per 1M
    rows in DuckDB than numbering committed rows. Should the process stop in between, the
    next `meetings load` finishes it first (finish_interrupted_loads).
    """
    dialect = export.dialect or sniff_or_fail(export.path)
    plan = _column_plan(export.fmt, list(dialect.header))
    with readable(export.path, dialect) as path:
        return _land_rows(con, export, dialect, read_csv_sql(path, dialect), plan, is_unchanged)


def _land_rows(
    con: duckdb.DuckDBPyConnection,
    export: ExportFile,
    dialect: Dialect,
    source: str,
    plan: list[tuple[str, str]],
    is_unchanged: Callable[[], bool] | None,
) -> Landed:
    table = f"{RAW_SCHEMA}.{export.fmt.raw_table}"
    if is_unchanged is not None and not is_unchanged():
        raise FileChanged(_CHANGED)
    con.execute("begin transaction")
    try:
        try:
            unnamed, ignored = _unnamed_columns_with_data(con, source, dialect.header)
            plan = plan + unnamed
            load_id = _next_load_id(con)
            existing = _existing_columns(con, export.fmt.raw_table)
            new_columns = [t for _, t in plan if header_key(t) not in existing]
            for column in new_columns:
                con.execute(f"alter table {table} add column {quote_ident(column)} varchar")
            select_list = ", ".join(f"{s} as {quote_ident(t)}" for s, t in plan)
            every_cell = ", ".join(position_column(i) for i in range(len(dialect.header)))
            # No `row_number() over ()` here: that window serialises the whole scan -> insert
            # onto one thread (docs/performance.md). Every row of the file is inserted in
            # file order (preserve_insertion_order), blank ones marked with _source_row -1;
            # `number_rows` (after the commit) numbers them from their rowid and drops the
            # blank ones.
            inserted = con.execute(
                f"""
                insert into {table} by name
                select
                    {select_list},
                    case when coalesce({every_cell}) is null then -1 end as _source_row,
                    $source_file as _source_file,
                    $sha as _file_sha256,
                    $exported_at::timestamptz as _exported_at,
                    current_timestamp as _loaded_at,
                    $load_id as _load_id
                from {source}
                """,
                {
                    "source_file": export.rel_path,
                    "sha": export.sha256,
                    "exported_at": export.exported_at,
                    "load_id": load_id,
                },
            ).fetchone()
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            raise MeetingsError(explain_csv_error(exc, dialect)) from exc
        if is_unchanged is not None and not is_unchanged():
            raise FileChanged(_CHANGED)
        blank = con.execute(
            f"select count(*) from {table} where _load_id = ? and _source_row = -1", [load_id]
        ).fetchone()
        rows = (int(inserted[0]) if inserted else 0) - (int(blank[0]) if blank else 0)
        status = "loaded" if rows else "empty"
        _insert_manifest(con, load_id, export, status, rows, None)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    try:
        number_rows(con, table, load_id)
    except duckdb.Error as exc:
        raise LoadNotFinished(
            f"{export.rel_path}: rows landed (load {load_id}) but numbering them failed"
            f" ({_first_line(exc)}); run `meetings load` again to finish it"
        ) from exc
    return Landed(load_id, rows, status, new_columns, ignored)


def number_rows(con: duckdb.DuckDBPyConnection, table: str, load_id: int) -> None:
    """Set `_source_row` (1-based row of the file) on the rows of one committed load, and drop
    the rows whose every cell is empty (marked -1 by the insert), in one transaction.

    One insert appends its rows in file order with consecutive rowids, so a row's number in
    the file is its rowid minus the first rowid of the load, plus one (checked against a
    single-threaded `row_number()` on 1M rows: bench/profile_load.py verify, and
    tests/python/test_land.py). Blank rows are numbered too before they are dropped, so the
    rows after them keep their place in the file. Running it again changes nothing.
    """
    con.execute("begin transaction")
    try:
        first = con.execute(
            f"select min(rowid) from {table} where _load_id = ?", [load_id]
        ).fetchone()
        if first is not None and first[0] is not None:
            con.execute(f"delete from {table} where _load_id = ? and _source_row = -1", [load_id])
            con.execute(
                f"update {table} set _source_row = rowid - ? + 1"
                " where _load_id = ? and _source_row is null",
                [int(first[0]), load_id],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


@dataclass(frozen=True)
class FinishedLoad:
    """A load finish_interrupted_loads completed, as its manifest row records it."""

    rel_path: str
    status: str
    platform: str | None
    rows: int | None
    exported_at: datetime | None


def finish_interrupted_loads(con: duckdb.DuckDBPyConnection) -> list[FinishedLoad]:
    """Number the rows of loads whose second step (number_rows) never ran because the process
    stopped right after their rows were committed; returns those loads."""
    finished: list[FinishedLoad] = []
    for raw_table in sorted({fmt.raw_table for fmt in FORMATS}):
        table = f"{RAW_SCHEMA}.{raw_table}"
        pending = con.execute(
            f"select distinct _load_id from {table}"
            " where _source_row is null or _source_row = -1 order by 1"
        ).fetchall()
        for (load_id,) in pending:
            number_rows(con, table, int(load_id))
            row = con.execute(
                f"select file_path, status, platform, row_count, exported_at from {MANIFEST}"
                " where load_id = ?",
                [load_id],
            ).fetchone()
            if row is not None:
                path, status, platform, rows, exported_at = row
                finished.append(FinishedLoad(str(path), str(status), platform, rows, exported_at))
    return finished


_CHANGED = (
    "file changed while it was being loaded, it is still being written (nothing was loaded)"
    " — it will be loaded on the next run"
)


def _insert_manifest(
    con: duckdb.DuckDBPyConnection,
    load_id: int,
    export: ExportFile,
    status: str,
    rows: int | None,
    error: str | None,
) -> None:
    con.execute(
        f"""
        insert into {MANIFEST} (
            load_id, file_path, file_name, sha256, platform, raw_table, status, row_count,
            file_size_bytes, file_mtime_ns, columns, exported_at, exported_at_source,
            loaded_at, error
        ) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, ?)
        """,
        [
            load_id,
            export.rel_path,
            export.path.name,
            export.sha256,
            export.fmt.platform,
            export.fmt.raw_table,
            status,
            rows,
            export.size_bytes,
            export.mtime_ns,
            export.header,
            export.exported_at,
            export.exported_at_source,
            error,
        ],
    )


def record_rejection(
    con: duckdb.DuckDBPyConnection,
    rel_path: str,
    sha256: str,
    platform: str | None,
    error: str,
) -> None:
    """Remember a rejected file once per (content, reason) so `meetings status` can list it."""
    known = con.execute(
        f"select 1 from {MANIFEST} where sha256 = ? and status = 'rejected' and error = ?",
        [sha256, error],
    ).fetchone()
    if known:
        return
    con.execute("begin transaction")
    try:
        load_id = _next_load_id(con)
        con.execute(
            f"""
            insert into {MANIFEST} (load_id, file_path, file_name, sha256, platform, status,
                                    loaded_at, error)
            values (?, ?, ?, ?, ?, 'rejected', current_timestamp, ?)
            """,
            [load_id, rel_path, Path(rel_path).name, sha256, platform, error],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """The next load number (shared by file loads and API pulls); call inside the transaction."""
    return _next_load_id(con)


def latest_load_sha256(con: duckdb.DuckDBPyConnection, raw_table: str) -> str | None:
    """Content hash of the most recent landed (loaded or empty) file of a raw table."""
    row = con.execute(
        f"select sha256 from {MANIFEST} where raw_table = ? and status in ('loaded', 'empty')"
        " order by load_id desc limit 1",
        [raw_table],
    ).fetchone()
    return None if row is None else str(row[0])
