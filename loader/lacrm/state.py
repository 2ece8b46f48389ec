"""What was pushed to LACRM, kept in the warehouse's `sync` schema.

- `sync.contact_field_state`: per contact and custom field, the value of the last
  SUCCESSFUL EditContact (JSON text; `null` = the field was blanked). The next sync sends
  only values that differ from it.
- `sync.event_map`: meeting_id -> LACRM EventId plus the event fields last written. A row
  with `state = 'pending'` is written (and committed) BEFORE each CreateEvent and replaced by
  `created` after it: a pending row found later means the outcome of a create is unknown
  (crash, dropped connection), so the event is looked up before it is created again.
- `sync.lacrm_audit`: every HTTP request of an `--apply` run (see audit.py).

Each change is committed together with its audit rows right after the call it records, so an
interrupted run keeps its progress and the next run resumes from there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from loader.lacrm.audit import AuditRow
from loader.lacrm.field_map import FieldValue

SYNC_SCHEMA = "sync"
CONTACT_FIELD_STATE = f"{SYNC_SCHEMA}.contact_field_state"
EVENT_MAP = f"{SYNC_SCHEMA}.event_map"
AUDIT = f"{SYNC_SCHEMA}.lacrm_audit"

DDL = (
    f"create schema if not exists {SYNC_SCHEMA}",
    f"""
    create table if not exists {CONTACT_FIELD_STATE} (
        contact_id varchar not null,
        lacrm_field varchar not null,
        value_json varchar not null,
        pushed_at timestamptz not null,
        run_id varchar not null,
        primary key (contact_id, lacrm_field)
    )
    """,
    f"""
    create table if not exists {EVENT_MAP} (
        meeting_id varchar primary key,
        contact_id varchar not null,
        event_id varchar,
        state varchar not null,
        event_name varchar not null,
        start_date varchar not null,
        end_date varchar not null,
        location varchar,
        description varchar not null,
        first_attempt_at timestamptz not null,
        pushed_at timestamptz,
        run_id varchar not null
    )
    """,
    f"""
    create table if not exists {AUDIT} (
        called_at timestamptz not null,
        run_id varchar not null,
        function varchar not null,
        contact_id varchar,
        meeting_id varchar,
        event_id varchar,
        http_status integer,
        outcome varchar not null,
        error_code varchar,
        detail varchar
    )
    """,
)


@dataclass(frozen=True)
class EventFields:
    """The fields of a LACRM event as the export writes them."""

    name: str
    start_date: str
    end_date: str
    location: str | None
    description: str


@dataclass(frozen=True)
class EventRecord:
    """One row of sync.event_map."""

    meeting_id: str
    contact_id: str
    event_id: str | None
    state: str  # "pending" (outcome of a CreateEvent unknown) or "created"
    fields: EventFields


def ensure_sync_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".")
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def load_contact_state(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """contact_id -> {field name -> JSON text of the value last pushed}."""
    if not has_table(con, CONTACT_FIELD_STATE):
        return {}
    state: dict[str, dict[str, str]] = {}
    for contact_id, field, value_json in con.execute(
        f"select contact_id, lacrm_field, value_json from {CONTACT_FIELD_STATE}"
    ).fetchall():
        state.setdefault(contact_id, {})[field] = value_json
    return state


def load_event_map(con: duckdb.DuckDBPyConnection) -> dict[str, EventRecord]:
    if not has_table(con, EVENT_MAP):
        return {}
    rows = con.execute(
        f"""
        select meeting_id, contact_id, event_id, state, event_name, start_date, end_date,
            location, description
        from {EVENT_MAP}
        """
    ).fetchall()
    return {
        row[0]: EventRecord(row[0], row[1], row[2], row[3], EventFields(*row[4:])) for row in rows
    }


def _event_values(
    meeting_id: str, contact_id: str, fields: EventFields, run_id: str
) -> dict[str, object]:
    return {
        "meeting_id": meeting_id,
        "contact_id": contact_id,
        "event_name": fields.name,
        "start_date": fields.start_date,
        "end_date": fields.end_date,
        "location": fields.location,
        "description": fields.description,
        "run_id": run_id,
    }


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _insert_audit(con: duckdb.DuckDBPyConnection, rows: list[AuditRow]) -> None:
    if rows:
        con.executemany(
            f"insert into {AUDIT} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    r.called_at,
                    r.run_id,
                    r.function,
                    r.contact_id,
                    r.meeting_id,
                    r.event_id,
                    r.http_status,
                    r.outcome,
                    r.error_code,
                    r.detail,
                ]
                for r in rows
            ],
        )


def write_audit(con: duckdb.DuckDBPyConnection, rows: list[AuditRow]) -> None:
    with _transaction(con):
        _insert_audit(con, rows)


def save_contact_fields(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    contact_id: str,
    values: Mapping[str, FieldValue],
    audit: list[AuditRow],
) -> None:
    """Record the values an EditContact just wrote (with its audit rows, atomically)."""
    with _transaction(con):
        _insert_audit(con, audit)
        con.executemany(
            f"""
            insert or replace into {CONTACT_FIELD_STATE}
            values (?, ?, ?, current_timestamp, ?)
            """,
            [[contact_id, field, json.dumps(value), run_id] for field, value in values.items()],
        )


def mark_event_pending(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    meeting_id: str,
    contact_id: str,
    fields: EventFields,
    audit: list[AuditRow],
) -> None:
    """Before a CreateEvent: remember that its outcome is not known yet."""
    with _transaction(con):
        _insert_audit(con, audit)
        con.execute(
            f"""
            insert or replace into {EVENT_MAP} (
                meeting_id, contact_id, event_id, state, event_name, start_date, end_date,
                location, description, first_attempt_at, pushed_at, run_id
            ) values (
                $meeting_id, $contact_id, null, 'pending', $event_name, $start_date,
                $end_date, $location, $description, current_timestamp, null, $run_id
            )
            """,
            _event_values(meeting_id, contact_id, fields, run_id),
        )


def save_event(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    meeting_id: str,
    contact_id: str,
    event_id: str,
    fields: EventFields,
    audit: list[AuditRow],
) -> None:
    """The meeting's event exists in LACRM with these fields (after a create, a lookup that
    found it, or an edit)."""
    with _transaction(con):
        _insert_audit(con, audit)
        con.execute(
            f"""
            insert into {EVENT_MAP} (
                meeting_id, contact_id, event_id, state, event_name, start_date, end_date,
                location, description, first_attempt_at, pushed_at, run_id
            ) values (
                $meeting_id, $contact_id, $event_id, 'created', $event_name, $start_date,
                $end_date, $location, $description, current_timestamp, current_timestamp,
                $run_id
            )
            on conflict (meeting_id) do update set
                contact_id = excluded.contact_id,
                event_id = excluded.event_id,
                state = excluded.state,
                event_name = excluded.event_name,
                start_date = excluded.start_date,
                end_date = excluded.end_date,
                location = excluded.location,
                description = excluded.description,
                pushed_at = excluded.pushed_at,
                run_id = excluded.run_id
            """,
            {**_event_values(meeting_id, contact_id, fields, run_id), "event_id": event_id},
        )


def drop_pending_event(
    con: duckdb.DuckDBPyConnection, meeting_id: str, audit: list[AuditRow]
) -> None:
    """A CreateEvent certainly did not happen (LACRM refused it, or it was never sent)."""
    with _transaction(con):
        _insert_audit(con, audit)
        con.execute(
            f"delete from {EVENT_MAP} where meeting_id = ? and state = 'pending'", [meeting_id]
        )
