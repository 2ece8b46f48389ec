"""`meetings contacts pull`: LACRM contacts from the (fake) API into raw.lacrm_contacts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.lacrm.client import ClientSettings, LacrmClient, LacrmUnavailableError
from loader.lacrm.contacts import flatten, pull_contacts

from fake_lacrm import FakeLacrm, contact

runner = CliRunner()
Query = Callable[[str], list[tuple[object, ...]]]


def _client(fake: FakeLacrm, **overrides: object) -> LacrmClient:
    settings = ClientSettings(
        api_key=fake.api_key,
        base_url=fake.url,
        requests_per_minute=60000,
        **overrides,  # type: ignore[arg-type]
    )
    return LacrmClient(settings, sleep=lambda _: None)


def _people() -> list[dict[str, object]]:
    return [
        contact(1, "Ann", "Lee", ["ann.lee@example.com"], created="2024-01-01 09:00:00"),
        contact(
            2,
            "Kim",
            "Ward",
            ["kim.ward@wardlaw.example", "kim@wardfamily.example", "kw@x.example"],
            company="Ward Law",
            created="2024-01-02 09:00:00",
        ),
        contact(3, "Ward Law", "", [], is_company=True, created="2024-01-03 09:00:00"),
        contact(4, "Bo", "Chen", ["bo.chen@example.org"], created="2024-01-04 09:00:00"),
        contact(5, "Dev", "Patel", [], created="2024-01-05 09:00:00"),
    ]


def test_flatten_keeps_ids_as_text_and_every_email() -> None:
    row = flatten(contact(2, "Kim", "Ward", ["a@x.example", " b@y.example "], company="W"))
    assert row.contact_id == "3900000000000000000000000000002"
    assert row.assigned_to == "483823"  # a JSON number, compared as text
    assert (row.first_name, row.last_name, row.company_name) == ("Kim", "Ward", "W")
    assert row.emails == ["a@x.example", "b@y.example"]
    assert row.email_types == ["Work", "Personal"]
    assert json.loads(row.contact_json)["Name"]["FirstName"] == "Kim"


@pytest.mark.parametrize(
    ("emails", "expected"),
    [
        ("solo@x.example", ["solo@x.example"]),
        (["a@x.example", "", None, "b@x.example"], ["a@x.example", "b@x.example"]),
        ([{"Text": "c@x.example"}, {"Type": "Work"}], ["c@x.example"]),
        (None, []),
    ],
)
def test_flatten_reads_other_email_shapes_defensively(emails: object, expected: list[str]) -> None:
    item = contact(1, "Ann", "Lee")
    item["Email"] = emails
    assert flatten(item).emails == expected


def test_flatten_accepts_a_text_name() -> None:
    item = contact(1, "Ann", "Lee")
    item["Name"] = "Ann Lee"
    row = flatten(item)
    assert (row.name_text, row.first_name) == ("Ann Lee", None)


def test_pull_lands_every_contact_page_by_page_in_one_load(
    fake_lacrm: FakeLacrm, db_file: Path, query: Query
) -> None:
    fake_lacrm.contacts = _people()
    with _client(fake_lacrm) as client:
        result = pull_contacts(client, db_file, page_size=2)
    assert (result.contacts, result.requests, result.load_id) == (4, 2, 1)
    calls = fake_lacrm.calls("GetContacts")
    assert [c.parameters["Page"] for c in calls] == [1, 2]
    assert calls[0].parameters["RecordTypeFilter"] == "Contacts"
    assert (calls[0].parameters["SortBy"], calls[0].parameters["SortDirection"]) == (
        "DateCreated",
        "Ascending",
    )
    rows = query(
        "select contact_id, first_name, emails, _source_row, _load_id,"
        " contact_json->>'$.Name.LastName' from raw.lacrm_contacts order by _source_row"
    )
    assert [r[1] for r in rows] == ["Ann", "Kim", "Bo", "Dev"]  # companies left out
    assert rows[1][2] == ["kim.ward@wardlaw.example", "kim@wardfamily.example", "kw@x.example"]
    assert rows[3][2] == []
    assert [r[3] for r in rows] == [1, 2, 3, 4]
    assert {r[4] for r in rows} == {1}
    assert rows[0][5] == "Lee"  # the whole JSON object is kept
    assert query(
        "select file_path, platform, raw_table, status, row_count, exported_at_source"
        " from raw._load_manifest"
    ) == [("lacrm-api/GetContacts", "lacrm", "lacrm_contacts", "loaded", 4, "api")]


def test_each_pull_is_appended_so_history_is_kept(
    fake_lacrm: FakeLacrm, db_file: Path, query: Query
) -> None:
    fake_lacrm.contacts = _people()
    with _client(fake_lacrm) as client:
        pull_contacts(client, db_file)
        fake_lacrm.contacts[0]["Email"] = [{"Text": "ann@new.example", "Type": "Work"}]
        second = pull_contacts(client, db_file)
    assert second.load_id == 2
    assert query(
        "select _load_id, emails from raw.lacrm_contacts where first_name = 'Ann' order by _load_id"
    ) == [(1, ["ann.lee@example.com"]), (2, ["ann@new.example"])]


def test_a_failing_page_lands_nothing(fake_lacrm: FakeLacrm, db_file: Path, query: Query) -> None:
    fake_lacrm.contacts = _people()
    with _client(fake_lacrm) as client:
        pull_contacts(client, db_file, page_size=2)
    fake_lacrm.fail_every_nth = 4  # the second pull's second page (request 4) fails
    with _client(fake_lacrm, max_attempts=1) as client, pytest.raises(LacrmUnavailableError):
        pull_contacts(client, db_file, page_size=2)
    assert len(fake_lacrm.requests) == 4
    # Only the first pull is there: no half pull, no manifest entry for the failed one.
    assert query("select _load_id, count(*) from raw.lacrm_contacts group by 1") == [(1, 4)]
    assert query("select count(*) from raw._load_manifest") == [(1,)]


def test_a_pull_lands_in_one_transaction(
    fake_lacrm: FakeLacrm, db_file: Path, query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the manifest entry cannot be written after the rows were inserted, the rows go too."""
    import duckdb

    import loader.lacrm.contacts as contacts_module

    fake_lacrm.contacts = _people()
    with _client(fake_lacrm) as client:
        pull_contacts(client, db_file)
        monkeypatch.setattr(contacts_module, "next_load_id", lambda con: 1)  # already taken
        with pytest.raises(duckdb.ConstraintException):
            pull_contacts(client, db_file)
    assert query("select count(*) from raw.lacrm_contacts") == [(4,)]


def test_contacts_pull_command(lacrm_env: FakeLacrm, db_file: Path, query: Query) -> None:
    lacrm_env.contacts = _people()
    result = runner.invoke(
        app, ["contacts", "pull", "--db", str(db_file), "--page-size", "3"], prog_name="meetings"
    )
    assert result.exit_code == 0, result.output
    assert "pulled 4 contacts in 2 request(s) -> raw.lacrm_contacts (load 1)" in result.stdout
    assert query("select count(*) from raw.lacrm_contacts") == [(4,)]


def test_contacts_pull_without_key_is_one_line(
    db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LACRM_API_KEY", raising=False)
    result = runner.invoke(app, ["contacts", "pull", "--db", str(db_file)], prog_name="meetings")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: contacts pull: LACRM_API_KEY is not set")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not db_file.exists()


def test_contacts_pull_with_a_wrong_key_never_prints_it(
    lacrm_env: FakeLacrm, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "not-the-right-key-0042"
    monkeypatch.setenv("LACRM_API_KEY", secret)
    result = runner.invoke(app, ["contacts", "pull", "--db", str(db_file)], prog_name="meetings")
    assert result.exit_code == 1
    assert "HTTP 400 InvalidApiKey" in result.stderr
    assert secret not in result.output
    assert "Traceback" not in result.output
    assert len(lacrm_env.requests) == 1


def test_contacts_help_lists_pull() -> None:
    result = runner.invoke(app, ["contacts", "--help"], prog_name="meetings")
    assert result.exit_code == 0
    assert "pull" in result.output
    pull_help = runner.invoke(app, ["contacts", "pull", "--help"], prog_name="meetings")
    assert "LACRM_API_KEY" in pull_help.output and "--page-size" in pull_help.output
