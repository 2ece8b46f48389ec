"""The synthetic export generator: exact formats, determinism, overlap, and a pipeline smoke run."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from loader.cli import app as meetings_app
from loader.formats import CALENDLY, FORMATS, detect
from loader.synth import SynthConfig, SynthResult, generate
from loader.synth.__main__ import app as synth_app

from factories import read_only_rows

runner = CliRunner()
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']

# Documented Cal.com Insights header (../shared/export-formats.md), before the attendee pairs.
CALCOM_DOCUMENTED = [
    "id", "uid", "title", "createdAt", "timeStatus", "eventTypeId", "eventLength", "startTime",
    "endTime", "paid", "userEmail", "userUsername", "rating", "ratingFeedback", "noShowHost",
    "createdAt_date", "createdAt_time", "startTime_date", "startTime_time", "endTime_date",
    "endTime_time", "noShowGuests", "noShowGuestsCount",
    "attendee1", "attendeePhone1", "attendee2", "attendeePhone2",
]  # fmt: skip
LACRM_CSV_HEADER = [
    "Contact ID", "First Name", "Last Name", "Company Name", "Email", "Email 2", "Date Created",
]  # fmt: skip

SMALL = {"calendly_rows": 1500, "calcom_rows": 1200, "contacts": 300, "weeks": 6, "seed": 7}


def small(out: Path, **overrides: object) -> SynthConfig:
    return SynthConfig(out=out, **{**SMALL, **overrides})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthResult]:
    out = tmp_path_factory.mktemp("synth")
    return out, generate(small(out))


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def header_of(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def all_rows(files: list[Path]) -> list[tuple[str, dict[str, str]]]:
    return [(f.name, row) for f in sorted(files) for row in read_rows(f)]


def normalise(email: str) -> str:
    """What a careful matcher does: trim, lower, drop plus tags, Gmail dots, googlemail."""
    local, _, domain = email.strip().lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def test_row_counts_are_exact_and_files_weekly(synth: tuple[Path, SynthResult]) -> None:
    out, result = synth
    assert len(result.files["calendly"]) == len(result.files["calcom"]) == SMALL["weeks"]
    assert len(all_rows(result.files["calendly"])) == SMALL["calendly_rows"]
    assert len(all_rows(result.files["calcom"])) == SMALL["calcom_rows"]
    names = sorted(p.name for p in (out / "calendly").iterdir())
    assert names[-1] == "calendly-2026-11-20T0930.csv"
    assert all(re.fullmatch(r"calendly-\d{4}-\d\d-\d\dT\d{4}\.csv", n) for n in names)
    insights = sorted(p.name for p in (out / "calcom").iterdir())
    assert insights[-1] == "Insights-2026-08-22-2026-11-20.csv"


def test_calendly_files_have_the_documented_header_and_are_detected(
    synth: tuple[Path, SynthResult],
) -> None:
    _, result = synth
    headers = [header_of(f) for f in sorted(result.files["calendly"])]
    assert headers[0] == list(CALENDLY.known_columns)
    # Newer exports carry a second question pair right after the first.
    at = CALENDLY.known_columns.index("Response 1") + 1
    newer = [*CALENDLY.known_columns[:at], "Question 2", "Response 2", *CALENDLY.known_columns[at:]]
    assert headers[-1] == newer
    assert all(detect(h) is CALENDLY for h in headers)
    assert all(CALENDLY.missing_required(h) == [] for h in headers)


def test_calcom_files_have_the_documented_header(synth: tuple[Path, SynthResult]) -> None:
    _, result = synth
    for path in result.files["calcom"]:
        header = header_of(path)
        fixed = len(CALCOM_DOCUMENTED) - 4
        assert header[:fixed] == CALCOM_DOCUMENTED[:fixed]
        rest = [h for h in header[fixed:] if h != "Additional notes"]
        pairs = len(rest) // 2
        assert pairs >= 1
        assert rest == [
            x for n in range(1, pairs + 1) for x in (f"attendee{n}", f"attendeePhone{n}")
        ]
        if pairs >= 2:
            assert header[: len(CALCOM_DOCUMENTED)] == CALCOM_DOCUMENTED
        assert detect(header) is not CALENDLY  # never mistaken for Calendly


def test_cell_formats(synth: tuple[Path, SynthResult]) -> None:
    _, result = synth
    calendly = [row for _, row in all_rows(result.files["calendly"])]
    wall = re.compile(r"\d{4}-\d\d-\d\d (0\d|1[0-2]):[0-5]\d (am|pm)")
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    for row in calendly:
        for column in ("Start Date & Time", "End Date & Time", "Event Created Date & Time"):
            assert wall.fullmatch(row[column]), row[column]
        assert uuid.fullmatch(row["Event UUID"]) and uuid.fullmatch(row["Invitee UUID"])
        assert row["Canceled"] in ("true", "false")
        assert row["Marked as No-Show"] in ("Yes", "No")
    calcom = [row for _, row in all_rows(result.files["calcom"])]
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
    attendee = re.compile(r"[^()]+ \([^()\s]+@[^()\s]+\)")
    for row in calcom:
        for column in ("startTime", "endTime", "createdAt"):
            assert iso.fullmatch(row[column]), row[column]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["startTime_date"])
        assert re.fullmatch(r"\d\d:\d\d:\d\d", row["startTime_time"])
        assert row["timeStatus"] in ("completed", "uncompleted", "cancelled", "rescheduled", "")
        assert attendee.fullmatch(row["attendee1"]), row["attendee1"]
        assert int(row["eventLength"]) in (30, 45, 60, 90)
        guests = [g for g in row["noShowGuests"].split("; ") if g]
        assert int(row["noShowGuestsCount"]) == len(guests)


def test_calendly_wall_times_are_new_york(synth: tuple[Path, SynthResult]) -> None:
    """Business-hours meetings in New York: 08:00-17:00 wall time, whatever the season."""
    _, result = synth
    for _, row in all_rows(result.files["calendly"]):
        clock = row["Start Date & Time"][11:]
        hour = int(clock[:2]) % 12 + (12 if clock.endswith("pm") else 0)
        assert 8 <= hour <= 16


def test_overlapping_windows_repeat_bookings_and_states_only_move_forward(
    synth: tuple[Path, SynthResult],
) -> None:
    _, result = synth
    seen: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for name, row in all_rows(result.files["calendly"]):
        seen[row["Invitee UUID"]].append((name, row["Canceled"], row["Marked as No-Show"]))
    files_per_booking = [len({n for n, _, _ in v}) for v in seen.values()]
    assert max(files_per_booking) == SMALL["weeks"]
    assert sum(1 for n in files_per_booking if n > 1) > len(seen) / 2
    late_cancel = late_no_show = 0
    for states in seen.values():
        states.sort()
        canceled = [s[1] for s in states]
        no_show = [s[2] for s in states]
        assert canceled == sorted(canceled, key=lambda v: v == "true")  # false ... true
        assert no_show == sorted(no_show, key=lambda v: v == "Yes")
        late_cancel += canceled[0] == "false" and canceled[-1] == "true"
        late_no_show += no_show[0] == "No" and no_show[-1] == "Yes"
    assert late_cancel > 0 and late_no_show > 0

    order = {"uncompleted": 0, "": 0, "completed": 1, "cancelled": 1, "rescheduled": 1}
    statuses: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, row in all_rows(result.files["calcom"]):
        statuses[row["uid"]].append((name, row["timeStatus"]))
    moved = 0
    for states in statuses.values():
        ranks = [order[s] for _, s in sorted(states)]
        assert ranks == sorted(ranks)
        moved += ranks[0] < ranks[-1]
    assert moved > 0


def test_multi_attendee_rescheduled_and_group_bookings_exist(
    synth: tuple[Path, SynthResult],
) -> None:
    _, result = synth
    calcom = [row for _, row in all_rows(result.files["calcom"])]
    assert any(row.get("attendee2") for row in calcom)
    assert any(row["timeStatus"] == "rescheduled" for row in calcom)
    invitees: dict[str, set[str]] = defaultdict(set)
    for _, row in all_rows(result.files["calendly"]):
        invitees[row["Event UUID"]].add(row["Invitee UUID"])
    assert any(len(v) > 1 for v in invitees.values())


def test_email_variants_still_match_the_crm(synth: tuple[Path, SynthResult]) -> None:
    out, result = synth
    contacts = read_rows(out / "lacrm" / "contacts-export-2026-11-20.csv")
    crm = [normalise(e) for c in contacts for e in (c["Email"], c["Email 2"]) if e]
    assert len(crm) == len(set(crm)), "two contacts share an address after normalisation"
    emails = [row["Invitee Email"] for _, row in all_rows(result.files["calendly"])]
    emails += [
        re.sub(r".*\((.*)\)$", r"\1", row[column])
        for _, row in all_rows(result.files["calcom"])
        for column in ("attendee1", "attendee2")
        if row.get(column)
    ]
    crm_lower = {e.lower() for c in contacts for e in (c["Email"], c["Email 2"]) if e}
    variants = {
        "upper case": any(e != e.lower() for e in emails),
        "stray space": any(e != e.strip() for e in emails),
        "plus tag": any("+" in e for e in emails),
        "googlemail": any("@googlemail.com" in e for e in emails),
        "gmail dots": any(
            e.endswith("@gmail.com")
            and "+" not in e
            and e.lower() not in crm_lower
            and normalise(e) in set(crm)
            for e in emails
        ),
    }
    assert all(variants.values()), variants
    matched = sum(normalise(e) in set(crm) for e in emails)
    assert matched / len(emails) > 0.6


def test_lacrm_json_and_csv_describe_the_same_contacts(synth: tuple[Path, SynthResult]) -> None:
    out, result = synth
    records = json.loads((out / "lacrm-api" / "contacts.json").read_text(encoding="utf-8"))
    people = [r for r in records if not r["IsCompany"]]
    assert len(people) == result.contacts == SMALL["contacts"]
    assert any(r["IsCompany"] for r in records)
    for record in records:
        assert isinstance(record["ContactId"], str) and re.fullmatch(r"\d{31}", record["ContactId"])
    for person in people:
        assert set(person["Name"]) >= {"FirstName", "LastName"}
        assert person["Email"] and all(set(e) == {"Text", "Type"} for e in person["Email"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", person["DateCreated"])
    csv_path = out / "lacrm" / "contacts-export-2026-11-20.csv"
    assert header_of(csv_path) == LACRM_CSV_HEADER
    from_csv = {r["Contact ID"]: (r["Email"], r["Email 2"]) for r in read_rows(csv_path)}
    from_json = {p["ContactId"]: tuple([e["Text"] for e in p["Email"]] + [""])[:2] for p in people}
    assert from_csv == from_json


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    def snapshot(out: Path) -> dict[str, bytes]:
        return {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }

    first = snapshot_of(tmp_path / "a", snapshot)
    assert first == snapshot_of(tmp_path / "b", snapshot)
    generate(small(tmp_path / "c", seed=8))
    assert snapshot(tmp_path / "c") != first


def snapshot_of(out: Path, snapshot: Callable[[Path], dict[str, bytes]]) -> dict[str, bytes]:
    generate(small(out))
    return snapshot(out)


def test_single_file_mode_writes_one_export_per_platform(tmp_path: Path) -> None:
    result = generate(
        SynthConfig(tmp_path, calendly_rows=3000, calcom_rows=0, contacts=0, single_file=True)
    )
    (export,) = result.files["calendly"]
    assert len(read_rows(export)) == 3000
    assert "calcom" not in result.files and "lacrm" not in result.files
    invitees = [row["Invitee UUID"] for row in read_rows(export)]
    assert len(invitees) == len(set(invitees))  # one export: every booking once


def test_shared_mailboxes_give_couples_one_email_and_each_books_in_their_name(
    tmp_path: Path,
) -> None:
    result = generate(
        SynthConfig(tmp_path, calendly_rows=4000, calcom_rows=0, contacts=200, shared_mailboxes=10)
    )
    contacts = read_rows(tmp_path / "lacrm" / "contacts-export-2026-11-20.csv")
    owners: dict[str, list[dict[str, str]]] = {}
    for contact in contacts:
        owners.setdefault(contact["Email"].lower(), []).append(contact)
    couples = [pair for pair in owners.values() if len(pair) > 1]
    assert len(couples) == 10
    assert all(len(pair) == 2 and pair[0]["Last Name"] == pair[1]["Last Name"] for pair in couples)
    # both partners book from the shared address, each under their own name
    shared = {email for email, pair in owners.items() if len(pair) > 1}
    names_per_email: dict[str, set[str]] = {}
    for path in result.files["calendly"]:
        for row in read_rows(path):
            email = row["Invitee Email"].strip().lower()
            if email in shared:
                names_per_email.setdefault(email, set()).add(row["Invitee Name"])
    assert sum(len(names) > 1 for names in names_per_email.values()) >= 3


def test_cli_help_defines_row_counts_and_refuses_a_used_folder(tmp_path: Path) -> None:
    help_text = runner.invoke(synth_app, ["--help"], prog_name="python -m loader.synth")
    assert help_text.exit_code == 0
    assert "across all files" in help_text.output
    args = ["--out", str(tmp_path), "--calendly-rows", "50", "--calcom-rows", "50",
            "--contacts", "20", "--weeks", "2"]  # fmt: skip
    first = runner.invoke(synth_app, args)
    assert first.exit_code == 0, first.output
    assert "calendly: 2 file(s), 50 rows" in first.output
    again = runner.invoke(synth_app, args)
    assert again.exit_code == 1
    assert "is not empty" in again.output


def test_synthetic_exports_load_and_build(tmp_path: Path, synth: tuple[Path, SynthResult]) -> None:
    """Smoke test: every platform the loader knows lands and builds (no timing asserts)."""
    out, result = synth
    data = tmp_path / "data"
    known = {fmt.folder for fmt in FORMATS}
    for folder in sorted(known & {"calendly", "calcom", "lacrm"}):
        shutil.copytree(out / folder, data / folder)
    db = tmp_path / "warehouse.duckdb"
    loaded = runner.invoke(meetings_app, ["load", "--data-dir", str(data), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    assert "0 rejected" in loaded.output
    built = runner.invoke(meetings_app, ["build", "--db", str(db), *AS_OF])
    assert built.exit_code == 0, built.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        landed = con.execute("select count(*) from raw.calendly_events").fetchone()
        meetings = con.execute(
            "select count(*) from marts.fct_meetings where platform = 'calendly'"
        ).fetchone()
    finally:
        con.close()
    assert landed == (SMALL["calendly_rows"],)
    invitees = {row["Invitee UUID"] for _, row in all_rows(result.files["calendly"])}
    assert meetings == (len(invitees),)


def test_weekly_contact_exports_show_each_week_and_land_as_history(
    tmp_path: Path, synth: tuple[Path, SynthResult]
) -> None:
    """--contact-exports N: N weekly contact lists, the newest byte-identical to the single
    export of the same config; older ones lack later contacts and show emails since moved,
    which the pipeline keeps as historical emails of the same contact."""
    out = tmp_path / "synth"
    result = generate(small(out, contact_exports=4))
    exports = sorted((out / "lacrm").glob("contacts-export-*.csv"))
    assert [p.name for p in exports] == [
        f"contacts-export-2026-{day}.csv" for day in ("10-30", "11-06", "11-13", "11-20")
    ]
    assert result.files["lacrm"][:4] == exports
    single, _ = synth
    assert exports[-1].read_bytes() == (single / "lacrm" / exports[-1].name).read_bytes()

    weeks = [{r["Contact ID"]: r["Email"] for r in read_rows(path)} for path in exports]
    newest = weeks[-1]
    for older, newer in pairwise(weeks):
        assert set(older) <= set(newer)  # contacts are created, never dropped, in the synth
    assert len(weeks[0]) < len(newest)
    moved = {cid: email for cid, email in weeks[0].items() if email != newest[cid]}
    assert moved, "some contact should have had another email four weeks ago"
    assert len(set(moved.values())) == len(moved)
    current = {e.lower() for e in newest.values() if e}
    assert not {e.lower() for e in moved.values()} & current

    data, db = tmp_path / "data", tmp_path / "warehouse.duckdb"
    shutil.copytree(out / "lacrm", data / "lacrm")
    (data / "calendly").mkdir()
    for path in result.files["calendly"]:
        shutil.copy(path, data / "calendly" / path.name)
    run = runner.invoke(meetings_app, ["run", "--data-dir", str(data), "--db", str(db), *AS_OF])
    assert run.exit_code == 0, run.output
    spellings = read_only_rows(
        db,
        "select unnest(all_spellings), contact_id, email_kind"
        " from intermediate.int_contacts__email_index",
    )
    indexed = {str(spelling): (cid, kind) for spelling, cid, kind in spellings}
    assert {email: indexed.get(email) for email in moved.values()} == {
        email: (cid, "historical") for cid, email in moved.items()
    }
