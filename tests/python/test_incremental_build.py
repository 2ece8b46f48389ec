"""Incremental builds are exact: after several `meetings run`s, each landing a few weekly
exports (one batch an OLDER export landed late, the last one a newer LACRM contacts export
that changes the matching inputs), every model equals what `meetings build --full-refresh`
makes from the same landed rows."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from loader.cli import app
from loader.synth import SynthConfig, generate

AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']
SCHEMAS = ("intermediate", "marts")
INCREMENTAL = {
    "int_meetings__calcom_attendees",
    "int_meetings__unioned",
    "int_meetings__deduplicated",
    "int_contacts__unioned",
    "int_contacts__history",
}
runner = CliRunner()


def _invoke(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


def _batches(out: Path) -> list[list[Path]]:
    """Weekly files of both platforms in three landing batches: weeks 1-3 and 6 (plus the
    contacts), then weeks 4-5 (older than what is already landed), then the rest."""
    weekly = {
        platform: sorted((out / platform).glob("*.csv")) for platform in ("calendly", "calcom")
    }
    first, late, rest = [], [], []
    for files in weekly.values():
        assert len(files) == 8, files
        first += files[:3] + files[5:6]
        late += files[3:5]
        rest += files[6:]
    first += sorted((out / "lacrm").glob("*.csv"))
    return [first, late, rest]


def _newer_contacts_export(out: Path, db: Path, data: Path) -> str:
    """A later LACRM contacts export in which one contact gained the email of a queued
    (unmatched) invitee, another contact was renamed and a third changed its primary email
    (the old one becomes historical): the matching inputs change, so the next run must
    re-match and re-score meetings it did not land. Returns the gained email."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "select invitee_email_normalized from marts.orphaned_meetings"
            " where reason = 'no_contact_with_email' order by meeting_id limit 1"
        ).fetchone()
    finally:
        con.close()
    assert row is not None, "the synthetic data should leave some unmatched invitees"
    email = str(row[0])
    (source,) = sorted((out / "lacrm").glob("*.csv"))
    with source.open(newline="") as f:
        reader = csv.DictReader(f)
        fields, contacts = list(reader.fieldnames or []), list(reader)
    contacts[0]["Email 2"] = email
    contacts[1]["Last Name"] = contacts[1]["Last Name"] + "-Renamed"
    changed = next(contact for contact in contacts[2:] if contact["Email"])
    changed["Email"] = "moved." + changed["Email"]
    target = data / "lacrm" / "contacts-export-2026-11-27.csv"
    with target.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(contacts)
    return email


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_type = 'BASE TABLE' and table_schema in ('intermediate', 'marts')"
        " order by 1, 2"
    ).fetchall()
    return [(str(schema), str(name)) for schema, name in rows]


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(f"select count(*) from ({sql})").fetchone()
    return int(row[0]) if row else 0


def test_incremental_runs_equal_a_full_refresh(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    generate(
        SynthConfig(out=out, calendly_rows=2400, calcom_rows=2000, contacts=300, weeks=8, seed=11)
    )
    data, db = tmp_path / "data", tmp_path / "warehouse.duckdb"
    newly_known_email = ""
    for number, batch in enumerate(_batches(out), start=1):
        for path in batch:
            target = data / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        if number == 3:
            newly_known_email = _newer_contacts_export(out, db, data)
        _invoke(["run", "--data-dir", str(data), "--db", str(db), *AS_OF])

    con = duckdb.connect(str(db))
    try:
        tables = _tables(con)
        names = {name for _, name in tables}
        assert names >= INCREMENTAL, f"incremental models missing: {INCREMENTAL - names}"
        assert {"fct_meetings", "orphaned_meetings", "contact_meeting_metrics"} <= names
        con.execute("create schema incremental_copy")
        for schema, name in tables:
            con.execute(
                f"create table incremental_copy.{schema}__{name} as select * from {schema}.{name}"
            )
        assert _count(con, "select * from intermediate.int_meetings__deduplicated") > 100
        # the late batch really exercised the merge: some meetings' newest load is not the
        # one supplying their state
        late = (
            "select * from intermediate.int_meetings__deduplicated"
            " where last_seen_load_id > load_id"
        )
        assert _count(con, late) > 0
        # the newer contacts export re-matched meetings landed in earlier runs
        rematched = (
            "select * from intermediate.int_meetings__matched"
            f" where invitee_email_normalized = '{newly_known_email}'"
            " and match_status = 'matched'"
        )
        assert _count(con, rematched) > 0
        # the contact history merged the newer export into the stored rows: an email only
        # the older export had is still there, now historical
        historical = (
            "select * from intermediate.int_contacts__history as history"
            " inner join intermediate.int_contacts__current as current"
            " on history.contact_id = current.contact_id"
            " where len(history.emails_seen) > len(current.emails)"
        )
        assert _count(con, historical) > 0
    finally:
        con.close()

    # models only compared here; unit tests (fixed inputs) are not about these data
    _invoke(
        [
            "build", "--db", str(db), "--full-refresh",
            "--exclude-resource-type", "unit_test", *AS_OF,
        ]
    )  # fmt: skip

    con = duckdb.connect(str(db), read_only=True)
    try:
        assert _tables(con) == tables
        differences = []
        for schema, name in tables:
            copy = f"incremental_copy.{schema}__{name}"
            rebuilt = f"{schema}.{name}"
            only_incremental = _count(
                con, f"select * from {copy} except all select * from {rebuilt}"
            )
            only_full = _count(con, f"select * from {rebuilt} except all select * from {copy}")
            if only_incremental or only_full:
                differences.append(
                    f"{rebuilt}: {only_incremental} row(s) only after incremental runs,"
                    f" {only_full} only after --full-refresh"
                )
    finally:
        con.close()
    assert not differences, "\n".join(differences)


def test_a_unioned_table_out_of_step_with_staging_fails_the_build(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    """tests/dbt/assert_unioned_holds_every_staged_row lists staged rows the append-only
    table lacks and rows it holds that staging does not, by row -- also when the load's
    row count still matches (one row swapped for a stray one)."""
    db = tmp_path / sample_warehouse.name  # same file stem: the views name that catalog
    shutil.copy2(sample_warehouse, db)
    with duckdb.connect(str(db)) as con:
        load_id, platform = con.execute(
            "select load_id, platform from intermediate.int_meetings__unioned"
            " where platform = 'calendly' group by all"
            " order by load_id limit 1"
        ).fetchone() or (None, None)
        con.execute(
            "delete from intermediate.int_meetings__unioned"
            f" where load_id = {load_id} and source_row = 1"
        )
        con.execute(
            "insert into intermediate.int_meetings__unioned (meeting_id, platform, load_id,"
            f" source_row) values ('stray', '{platform}', {load_id}, 999)"
        )
    test = "assert_unioned_holds_every_staged_row"
    result = runner.invoke(app, ["build", "--db", str(db), "--select", test, *AS_OF])
    assert result.exit_code == 1
    assert f"FAIL 2 {test}" in result.output
