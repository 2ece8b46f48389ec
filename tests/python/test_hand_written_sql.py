"""bench/hand_written.sql (the comparator of `make bench`) builds the same marts as dbt.

Each warehouse below is built by dbt (`meetings run` / `build`) with a pinned as_of; the
script runs on a copy of it with the same as_of, export time zone and seeds, and every
table it writes into schema `hand` must hold exactly the rows (as a multiset) and columns of
the dbt mart of the same name. Two warehouses: the bundled sample, and a richer one
(synthetic weekly exports, hand-made broken rows, an older export leaving a gap, an API
contact pull with historical and shared emails, manual decisions) so every branch of the
marts' logic has rows.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.lacrm.contacts import land_contacts
from loader.settings import export_timezone
from loader.warehouse import connect

from factories import CALCOM_HEADER, REPO, SAMPLE_DIR, calcom_row, calendly_row

SCRIPT = REPO / "bench" / "hand_written.sql"
AS_OF = "2026-11-27 12:00:00+00"
# The marts the script reproduces; every mart dbt builds must be among them.
MARTS = (
    "fct_meetings",
    "dim_contacts",
    "orphaned_meetings",
    "contact_meeting_metrics",
    "fct_meetings_monthly",
    "host_meetings_monthly",
    "portfolio_review_due",
    "data_quality_issues",
    "export_coverage",
    "export_gaps",
    "export_freshness",
    "unclassified_event_types",
)
runner = CliRunner()


def run_hand_written(db: Path) -> None:
    """Run the script on `db` the way bench/run.py does: as_of, zone and seeds pinned."""
    con = duckdb.connect(str(db))
    try:
        con.execute(f"set variable as_of = timestamptz '{AS_OF}'")
        con.execute("set variable export_time_zone = ?", [export_timezone().key])
        con.execute("set variable seeds_dir = ?", [str(REPO / "seeds")])
        con.execute(SCRIPT.read_text(encoding="utf-8"))
    finally:
        con.close()


def columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [str(r[0]) for r in rows]


def differences(db: Path) -> dict[str, str]:
    """Mart -> what differs between marts.<mart> and hand.<mart> (empty when all match)."""
    problems: dict[str, str] = {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        built = {
            str(r[0])
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        for extra in sorted(built - set(MARTS)):
            problems[extra] = "dbt builds this mart; the hand-written script does not"
        for mart in MARTS:
            dbt_columns, hand_columns = columns(con, "marts", mart), columns(con, "hand", mart)
            if not hand_columns:
                problems[mart] = "missing from schema hand"
                continue
            if dbt_columns != hand_columns:
                problems[mart] = f"columns differ: dbt {dbt_columns} vs hand {hand_columns}"
                continue
            # No column is excluded: as_of is pinned for both, nothing else depends on the
            # time of the build.
            select = ", ".join(f'"{c}"' for c in dbt_columns)
            only_dbt = con.execute(
                f"select {select} from marts.{mart} except all select {select} from hand.{mart}"
            ).fetchall()
            only_hand = con.execute(
                f"select {select} from hand.{mart} except all select {select} from marts.{mart}"
            ).fetchall()
            if only_dbt or only_hand:
                problems[mart] = (
                    f"{len(only_dbt)} row(s) only in marts.{mart}, e.g. {only_dbt[:2]}; "
                    f"{len(only_hand)} row(s) only in hand.{mart}, e.g. {only_hand[:2]}"
                )
    finally:
        con.close()
    return problems


def hand_written_copy(built: Path, tmp_path: Path) -> Path:
    """A copy of a built warehouse with the script's tables added (the original is shared)."""
    db = tmp_path / "compare.duckdb"
    shutil.copy(built, db)
    run_hand_written(db)
    return db


# --- a warehouse that exercises every branch -----------------------------------------------

PARTNER_ID_PREFIX = "3999000000000000000000000"


def _person(contact: dict[str, Any]) -> bool:
    return not contact.get("IsCompany") and bool(contact.get("Email"))


def api_pull(contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The synthetic contacts as a later API pull: every 7th person lost its first email
    (still in the older CSV export: a historical email), every 11th has a partner sharing
    it (a shared mailbox: told apart by name, or ambiguous when both have one first name),
    one name comes as text."""
    pulled: list[dict[str, Any]] = []
    people = 0
    for contact in contacts:
        contact = json.loads(json.dumps(contact))
        if _person(contact):
            people += 1
            if people % 7 == 0 and len(contact["Email"]) > 1:
                contact["Email"] = contact["Email"][1:]
            elif people % 11 == 0:
                partner = {
                    **contact,
                    "ContactId": f"{PARTNER_ID_PREFIX}{people:06d}",
                    # every other partner has the same first name: the booking name cannot
                    # tell them apart (ambiguous); the others are told apart by name
                    # (shared_email_name)
                    "Name": {
                        **contact["Name"],
                        "FirstName": contact["Name"]["FirstName"]
                        if people % 22 == 0
                        else "Partner",
                        "MiddleName": "Q",
                    },
                    "Email": contact["Email"][:1],
                }
                pulled.append(partner)
            elif people == 5:
                name = contact["Name"]
                contact["Name"] = f"{name['FirstName']} {name['LastName']}"
        pulled.append(contact)
    return pulled


def broken_calendly_rows(name_twin: str, local_twin: str) -> list[dict[str, str]]:
    """January 2025 (leaves a gap before the synthetic exports): bad and odd rows."""

    def row(n: int, day: int, **overrides: str) -> dict[str, str]:
        base = {
            "Start Date & Time": f"2025-01-{day:02d} 10:00 am",
            "End Date & Time": f"2025-01-{day:02d} 11:00 am",
            "Event Created Date & Time": "2024-12-20 09:00 am",
        }
        return calendly_row(900 + n, **{**base, **overrides})

    return [
        row(1, 6, **{"Invitee Name": "Walk In", "Invitee Email": "walkin.client@example.org"}),
        row(2, 6, **{"Invitee Name": "QA Bot", "Invitee Email": "qa-bot@test.example"}),
        row(3, 7, **{"Start Date & Time": "not a date"}),
        row(4, 7, **{"End Date & Time": "2025-01-07 09:00 am"}),
        row(5, 8, **{"Invitee Email": ""}),
        row(6, 8, **{"Invitee Name": "Ann Typo", "Invitee Email": "ann at example.com"}),
        row(7, 9, **{"Event Type Name": "Coffee   Chat"}),
        row(8, 10, **{"Start Date & Time": "'2025-01-10 10:00 am", "Event UUID": "'ev-0908"}),
        row(
            9,
            12,
            **{"Start Date & Time": "1/12/2025 2:30 PM", "End Date & Time": "1/12/2025 3:30 PM"},
        ),
        row(10, 13, **{"Invitee Email": "staff@harborpointadvisors.example"}),
        row(
            11,
            14,
            **{"Event Type Name": "Free Consultation", "End Date & Time": "2025-01-14 10:30 am"},
        ),
        row(12, 14, **{"Event Type Name": "Free Consultation"}),
        row(13, 15, **{"Invitee Email": '"Walk In" <Walkin.Client@Example.org>'}),
        row(14, 16, **{"Canceled": "true", "Cancellation reason": "sick"}),
        row(15, 17, **{"Marked as No-Show": "Yes"}),
        row(
            16, 20, **{"Invitee Name": name_twin, "Invitee Email": "someone.else@elsewhere.example"}
        ),
        row(
            17,
            21,
            **{"Invitee Name": "Nobody Known", "Invitee Email": f"{local_twin}@other.example"},
        ),
        row(18, 22, **{"Invitee Email": "Mailto:Client918@Example.com"}),
    ]


def broken_calcom_rows() -> list[dict[str, str]]:
    """January 2025 Cal.com bookings: attendees, no-shows, reschedules, unknown types."""

    def row(n: int, day: int, **overrides: str) -> dict[str, str]:
        base = {
            "startTime": f"2025-01-{day:02d}T14:00:00.000Z",
            "endTime": f"2025-01-{day:02d}T15:00:00.000Z",
            "createdAt": "2024-12-20T13:00:00.000Z",
        }
        return calcom_row(900 + n, **{**base, **overrides})

    return [
        row(
            1,
            6,
            attendee2="Bo Chen (bo.chen@example.org)",
            noShowGuests="Bo Chen (bo.chen@example.org)",
        ),
        row(2, 7, attendee2="Client 902 (CLIENT902@example.com)"),
        row(3, 8, attendee1="Just A Name"),
        row(4, 9, attendee1=""),
        row(5, 10, timeStatus="rescheduled"),
        row(6, 10, timeStatus="cancelled"),
        row(7, 11, eventTypeId="9999", title="Coffee Chat between Maria Gomez and Client 907"),
        row(8, 12, eventTypeId="", title="Ad hoc call"),
        row(9, 13, endTime="garbage"),
        row(10, 14, startTime="2025-01-14 14:00:00", endTime="2025-01-14 15:30:00"),
        row(11, 15, attendee1="guest-911@example.com", timeStatus="uncompleted"),
    ]


def write_rows(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def rich_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hand-written")
    synth, data, db = root / "synth", root / "data", root / "rich.duckdb"
    subprocess.run(
        [
            sys.executable, "-m", "loader.synth", "--out", str(synth),
            "--calendly-rows", "1500", "--calcom-rows", "1500", "--contacts", "200",
            "--weeks", "8", "--seed", "7",
        ],
        check=True, capture_output=True, cwd=REPO,
    )  # fmt: skip
    for folder in ("calendly", "calcom", "lacrm"):
        shutil.copytree(synth / folder, data / folder)
    for platform in ("calendly", "calcom"):
        for sample in (SAMPLE_DIR / platform).glob("*.csv"):
            shutil.copy(sample, data / platform / sample.name)
    (contacts_json,) = (synth / "lacrm-api").glob("*.json")
    contacts = json.loads(contacts_json.read_text(encoding="utf-8"))
    people = [c for c in contacts if _person(c)]
    twin, local_twin = people[2]["Name"], people[3]["Email"][0]["Text"].split("@")[0]
    write_rows(
        data / "calendly" / "events-export-20250201.csv",
        broken_calendly_rows(f"{twin['FirstName']} {twin['LastName']}", local_twin),
    )
    # Two bookings again in a later export, one now canceled, one with its start fixed: the
    # later state wins, the older row's issue is no longer the latest state.
    write_rows(
        data / "calendly" / "events-export-20250301.csv",
        [
            broken_calendly_rows("x", "x")[0] | {"Canceled": "true"},
            broken_calendly_rows("x", "x")[2] | {"Start Date & Time": "2025-01-07 10:00 am"},
        ],
    )
    write_rows(
        data / "calcom" / "Insights-2025-01-01-2025-02-01.csv",
        broken_calcom_rows(),
        header=CALCOM_HEADER,
    )
    write_rows(
        data / "lacrm" / "email_overrides.csv",
        [
            {"email": "WALKIN.CLIENT@example.org", "contact_id": people[0]["ContactId"],
             "action": "ignore", "decided_at": "2026-11-01T10:00:00Z", "note": "first try"},
            {"email": "walkin.client@example.org", "contact_id": people[0]["ContactId"],
             "action": "match", "decided_at": "2026-11-02T10:00:00Z", "note": "later row wins"},
            {"email": "qa-bot@test.example", "contact_id": "", "action": "ignore",
             "decided_at": "2026-11-02T10:00:00Z", "note": "test address"},
        ],
    )  # fmt: skip
    loaded = runner.invoke(app, ["load", "--data-dir", str(data), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    with connect(db) as con:
        land_contacts(con, api_pull(contacts), datetime(2026, 11, 21, 12, tzinfo=UTC))
    built = runner.invoke(app, ["build", "--db", str(db), "--vars", json.dumps({"as_of": AS_OF})])
    assert built.exit_code == 0, built.output
    return db


def scalar(db: Path, sql: str) -> Any:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    return None if row is None else row[0]


# --- the comparisons ----------------------------------------------------------------------


def test_rich_warehouse_exercises_every_branch(rich_warehouse: Path) -> None:
    """Without these rows the comparison below would prove little."""
    expectations = {
        ("fct_meetings", "match_method"): [
            "exact", "historical_email", "manual", "normalized", "secondary_email",
            "shared_email_name",
        ],
        ("fct_meetings", "status"): [
            "canceled", "completed", "no_show", "rescheduled", "scheduled",
        ],
        ("orphaned_meetings", "reason"): [
            "ambiguous_email", "invalid_email", "no_contact_with_email",
        ],
        ("data_quality_issues", "issue_code"): [
            "end_before_start", "invalid_email", "invalid_end_at", "invalid_start_at",
            "missing_email",
        ],
        ("export_gaps", "platform"): ["calcom", "calendly"],
    }  # fmt: skip
    for (mart, column), expected in expectations.items():
        sql = (
            f"select list(distinct {column} order by {column})"
            f" filter (where {column} is not null) from marts.{mart}"
        )
        assert scalar(rich_warehouse, sql) == expected, f"{mart}.{column}"
    counts = {
        "third suggestions": "select count(suggested_contact_id_3) from marts.orphaned_meetings",
        "unclassified types": "select count(*) from marts.unclassified_event_types",
        "api contacts": "select count(*) from marts.dim_contacts where contact_source = 'api'",
        "internal meetings": "select count(*) from marts.fct_meetings where invitee_email"
        " like '%harborpointadvisors.example' and contact_id is null",
        "superseded issue rows": "select count(*) from marts.data_quality_issues"
        " where not is_latest_state",
    }
    for what, sql in counts.items():
        assert scalar(rich_warehouse, sql) > 0, what


@pytest.mark.parametrize("warehouse", ["sample_warehouse", "rich_warehouse"])
def test_hand_written_sql_builds_the_same_marts_as_dbt(
    warehouse: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    db = hand_written_copy(request.getfixturevalue(warehouse), tmp_path)
    problems = differences(db)
    assert not problems, "\n".join(f"{mart}: {what}" for mart, what in problems.items())


def test_the_comparison_notices_a_changed_row(sample_warehouse: Path, tmp_path: Path) -> None:
    """The check can fail: a changed column and a missing mart are reported by name."""
    db = hand_written_copy(sample_warehouse, tmp_path)
    con = duckdb.connect(str(db))
    try:
        con.execute("update hand.fct_meetings set duration_minutes = duration_minutes + 1")
        con.execute("drop table hand.export_gaps")
    finally:
        con.close()
    problems = differences(db)
    assert set(problems) == {"fct_meetings", "export_gaps"}, problems
    assert "only in marts.fct_meetings" in problems["fct_meetings"]
    assert problems["export_gaps"] == "missing from schema hand"


def test_script_needs_no_dbt_schema(tmp_path: Path) -> None:
    """It runs on a warehouse that only `meetings load` filled (what the benchmark times)."""
    db = tmp_path / "loaded.duckdb"
    result = runner.invoke(app, ["load", "--data-dir", str(SAMPLE_DIR), "--db", str(db)])
    assert result.exit_code == 0, result.output
    run_hand_written(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
        meetings = con.execute("select count(*) from hand.fct_meetings").fetchone()
    finally:
        con.close()
    assert {"marts", "staging", "intermediate", "seeds"}.isdisjoint(schemas), schemas
    assert meetings is not None and meetings[0] > 0


def test_bench_refuses_a_ratio_against_different_marts(
    sample_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench/run.py checks the script's tables before it reports build / hand-written."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # dataclasses look their module up
    spec.loader.exec_module(bench)
    db = hand_written_copy(sample_warehouse, tmp_path)
    assert f"same rows as dbt's {len(MARTS)} marts" in bench.compare_marts(sample_warehouse, db)
    con = duckdb.connect(str(db))
    try:
        con.execute(
            "delete from hand.dim_contacts"
            " where contact_id = (select min(contact_id) from hand.dim_contacts)"
        )
    finally:
        con.close()
    with pytest.raises(RuntimeError, match=r"dim_contacts: 1 rows in only one"):
        bench.compare_marts(sample_warehouse, db)
