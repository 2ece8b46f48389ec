"""LACRM files in the drop folder: contact CSV exports and the email overrides file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from loader.formats import CALENDLY, EMAIL_OVERRIDES, LACRM_CONTACTS_CSV, detect
from loader.ingest import FileOutcome, load_folder
from loader.overrides import Decision, overrides_path, record
from loader.warehouse import connect

from factories import SAMPLE_DIR, WriteCsv

NY = ZoneInfo("America/New_York")
Query = Callable[[str], list[tuple[object, ...]]]


def _load(data_dir: Path, db_file: Path) -> dict[str, FileOutcome]:
    with connect(db_file) as con:
        return {o.rel_path: o for o in load_folder(con, data_dir, NY)}


@pytest.mark.parametrize(
    "header",
    [
        ["Contact ID", "First Name", "Last Name", "Company Name", "Email", "Date Created"],
        ["ContactId", "FirstName", "LastName", "Email 1", "Email 2", "Email 3"],
        [" contact id ", "FIRST NAME", "last name", "Email (Work)", "Email (Personal)"],
    ],
)
def test_lacrm_contact_export_is_detected_by_header(header: list[str]) -> None:
    assert detect(header) is LACRM_CONTACTS_CSV
    assert LACRM_CONTACTS_CSV.missing_required(header) == []


def test_formats_are_not_confused() -> None:
    assert detect(["email", "contact_id", "action", "decided_at", "note"]) is EMAIL_OVERRIDES
    assert detect(list(CALENDLY.known_columns)) is CALENDLY
    assert detect(["Name", "Email", "Phone"]) is None  # a generic contact list is not guessed
    assert LACRM_CONTACTS_CSV.canonical("ContactId") == "Contact ID"
    assert LACRM_CONTACTS_CSV.canonical("Email (Work)") == "Email (Work)"  # kept as-is


def test_contact_export_lands_with_every_email_column(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    (data_dir / "lacrm").mkdir()
    for path in sorted((SAMPLE_DIR / "lacrm").glob("*.csv")):
        shutil.copy(path, data_dir / "lacrm" / path.name)
    outcomes = _load(data_dir, db_file)
    older = outcomes["lacrm/lacrm-contacts-2026-06-01.csv"]
    newer = outcomes["lacrm/lacrm-contacts-2026-11-20.csv"]
    assert (older.platform, older.status, older.rows) == ("lacrm", "loaded", 7)
    assert (newer.status, newer.rows) == ("loaded", 13)
    assert "Email 1, Email 2" in newer.note  # new email columns are kept, never dropped
    kim = query(
        'select "Email 1", "Email 2", _load_id from raw.lacrm_contacts_csv'
        " where \"First Name\" = 'Kim'"
    )
    assert kim == [("kim.ward@wardlaw.example", "kim@wardfamily.example", 2)]
    assert (
        query("select platform, raw_table, status from raw._load_manifest order by load_id")
        == [("lacrm", "lacrm_contacts_csv", "loaded")] * 2
    )


def test_overrides_file_lands_and_an_older_version_dropped_back_lands_again(
    data_dir: Path, db_file: Path, query: Query
) -> None:
    path = overrides_path(data_dir)
    record(path, Decision("ann@x.example", "390001", "match", "2026-11-20T10:00:00+00:00"))
    version_1 = path.read_bytes()
    assert _load(data_dir, db_file)["lacrm/email_overrides.csv"].status == "loaded"
    record(path, Decision("ann@x.example", "390002", "match", "2026-11-21T10:00:00+00:00"))
    assert _load(data_dir, db_file)["lacrm/email_overrides.csv"].status == "loaded"
    # Unchanged since: skipped like any export.
    assert _load(data_dir, db_file)["lacrm/email_overrides.csv"].status == "skipped"
    # `git revert` of the file: the old bytes are the current state again, so they land again.
    path.write_bytes(version_1)
    assert _load(data_dir, db_file)["lacrm/email_overrides.csv"].status == "loaded"
    assert query(
        "select _load_id, contact_id from raw.lacrm_email_overrides order by _load_id"
    ) == [(1, "390001"), (2, "390002"), (3, "390001")]


def test_record_replaces_the_earlier_decision_for_the_same_email(tmp_path: Path) -> None:
    path = tmp_path / "lacrm" / "email_overrides.csv"
    assert not record(path, Decision("Ann@X.example", "1", "match", "t1"))
    assert not record(path, Decision("test@x.example", None, "ignore", "t2", "internal"))
    assert record(path, Decision(" ann@x.example ", "2", "match", "t3"))
    assert path.read_text(encoding="utf-8").splitlines() == [
        "email,contact_id,action,decided_at,note",
        "test@x.example,,ignore,t2,internal",
        "ann@x.example,2,match,t3,",
    ]


def test_record_keeps_columns_the_user_added(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = tmp_path / "email_overrides.csv"
    write_csv(
        path,
        [{"email": "a@x.example", "contact_id": "1", "action": "match", "reviewer": "MG"}],
    )
    record(path, Decision("b@x.example", "2", "match", "t"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "email,contact_id,action,reviewer,decided_at,note"
    assert lines[1] == "a@x.example,1,match,MG,,"


def test_record_refuses_a_file_that_is_not_an_overrides_file(
    tmp_path: Path, write_csv: WriteCsv
) -> None:
    path = write_csv(tmp_path / "email_overrides.csv", [{"Name": "Ann", "Email": "a@x"}])
    from loader.errors import MeetingsError

    with pytest.raises(MeetingsError, match="not an overrides file"):
        record(path, Decision("b@x.example", "2", "match", "t"))
    assert "Ann" in path.read_text(encoding="utf-8")  # untouched
