"""`meetings sync` against the local fake LACRM: dry run, exact calls, diff-only, no duplicate
events under faults, audit, stop and resume. Each test syncs a copy of the sample warehouse
(built once per session) into a fake whose contacts are the sample's contacts."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner, Result

from loader.cli import app
from loader.commands import pipeline
from loader.dbt import Build

from factories import WriteCsv, calendly_row, read_only_rows
from fake_lacrm import FakeLacrm, custom_field

runner = CliRunner()
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']  # as the sample warehouse

FIELDS = {
    "Last Meeting": "Date",
    "Next Meeting": "Date",
    "Last Portfolio Review": "Date",
    "Portfolio Reviews (12 mo)": "Number",
    "Total Meetings": "Number",
    "No-shows": "Number",
}
WRITES = {"EditContact", "CreateEvent", "EditEvent", "CreateNote", "DeleteEvent"}
ANN = "3911002004001000000000000000001"
BO = "3911002004001000000000000000002"
CARLA = "3911002004001000000000000000004"
# Meetings the timeline must carry, straight from fct_meetings (not from the sync's code).
TIMELINE_SQL = """
    select meeting_id from marts.fct_meetings
    where contact_id is not null and status in ('completed', 'scheduled')
        and is_counted and not has_data_issue
    order by meeting_id
"""


@dataclass
class SyncSetup:
    db: Path
    fake: FakeLacrm

    def invoke(self, *args: str) -> Result:
        return runner.invoke(app, ["sync", "--db", str(self.db), *args], prog_name="meetings")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return read_only_rows(self.db, sql)

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        con = duckdb.connect(str(self.db))
        try:
            con.execute(sql, params or [])
        finally:
            con.close()

    def writes(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (r.function, r.parameters)
            for r in self.fake.requests
            if r.function in WRITES and r.status == 200
        ]

    def functions(self) -> list[str | None]:
        return [r.function for r in self.fake.requests]

    def sync_tables(self) -> list[tuple[Any, ...]]:
        return self.rows(
            "select table_name from information_schema.tables where table_schema = 'sync'"
        )


@pytest.fixture
def setup(
    sample_warehouse: Path,
    tmp_path: Path,
    lacrm_env: FakeLacrm,
    monkeypatch: pytest.MonkeyPatch,
) -> SyncSetup:
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_warehouse, db)
    monkeypatch.setenv("MEETINGS_EXPORT_TZ", "America/New_York")
    monkeypatch.setenv("LACRM_BACKOFF_SECONDS", "0.01")
    monkeypatch.setenv("LACRM_MAX_BACKOFF_SECONDS", "0.05")
    lacrm_env.custom_fields = [custom_field(name, kind) for name, kind in FIELDS.items()]
    lacrm_env.custom_fields.append(custom_field("Referral Source", "Text"))
    for contact_id, first, last in read_only_rows(
        db, "select contact_id, first_name, last_name from marts.dim_contacts"
    ):
        lacrm_env.contacts.append(
            {
                "ContactId": contact_id,
                "IsCompany": False,
                "Name": {"FirstName": first, "LastName": last},
                "Email": [],
            }
        )
    return SyncSetup(db, lacrm_env)


def _expected_values(setup: SyncSetup, contact_id: str) -> dict[str, Any]:
    """The custom-field values a contact must end up with, from the mart (dates in New York)."""
    ((last, nxt, review, reviews, total, no_shows),) = setup.rows(
        f"""
        select
            strftime(timezone('America/New_York', last_meeting_at), '%Y-%m-%d'),
            strftime(timezone('America/New_York', next_meeting_at), '%Y-%m-%d'),
            strftime(timezone('America/New_York', last_portfolio_review_at), '%Y-%m-%d'),
            portfolio_reviews_last_12_months, total_meetings, no_show_meetings
        from marts.contact_meeting_metrics where contact_id = '{contact_id}'
        """
    )
    values = {
        "Last Meeting": last,
        "Next Meeting": nxt,
        "Last Portfolio Review": review,
        "Portfolio Reviews (12 mo)": reviews,
        "Total Meetings": total,
        "No-shows": no_shows,
    }
    return {k: v for k, v in values.items() if v is not None}  # empty dates are not sent


def _contacts_with_meetings(setup: SyncSetup) -> list[str]:
    return [
        r[0]
        for r in setup.rows(
            "select contact_id from marts.contact_meeting_metrics where total_meetings > 0"
            " order by contact_id"
        )
    ]


def _assert_everything_in_lacrm(setup: SyncSetup) -> None:
    """Every contact carries its values and every timeline meeting has exactly one event."""
    for contact_id in _contacts_with_meetings(setup):
        stored = setup.fake.contact_by_id(contact_id)
        for name, value in _expected_values(setup, contact_id).items():
            assert stored.get(name) == value, (contact_id, name)
    meetings = [r[0] for r in setup.rows(TIMELINE_SQL)]
    for meeting_id in meetings:
        assert len(setup.fake.events_for_meeting(meeting_id)) == 1, meeting_id
    assert len(setup.fake.events) == len(meetings)


# --- dry run ----------------------------------------------------------------------------------


def test_dry_run_changes_nothing(setup: SyncSetup) -> None:
    before = setup.db.read_bytes()
    result = setup.invoke()
    assert result.exit_code == 0, result.output
    assert "dry run: 12 contact(s) to update" in result.output
    assert "14 event(s) to create" in result.output
    assert "Ann Lee" in result.output and "Quarterly Portfolio Review" in result.output
    assert "nothing was sent to LACRM" in result.output
    assert setup.functions() == ["GetCustomFields"]  # a read, no write
    assert setup.sync_tables() == []  # no state, no audit rows
    assert setup.db.read_bytes() == before


def test_offline_dry_run_needs_no_key_and_no_network(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LACRM_API_KEY")
    result = setup.invoke("--offline")
    assert result.exit_code == 0, result.output
    assert "offline dry run" in result.output
    assert "12 contact(s) to update" in result.output
    assert setup.fake.requests == []
    assert setup.sync_tables() == []


def test_offline_apply_is_refused(setup: SyncSetup) -> None:
    result = setup.invoke("--offline", "--apply")
    assert result.exit_code == 1
    assert "--offline is a dry run" in result.stderr
    assert setup.fake.requests == []


def test_without_key_sync_says_what_to_set(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LACRM_API_KEY")
    result = setup.invoke("--apply")
    assert result.exit_code == 1
    assert "LACRM_API_KEY is not set" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- apply: exact calls, then nothing ----------------------------------------------------------


@pytest.mark.parametrize("shape", ["list", "results"])
def test_first_apply_sends_exactly_the_expected_calls(setup: SyncSetup, shape: str) -> None:
    setup.fake.custom_fields_shape = shape
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output

    meetings = [r[0] for r in setup.rows(TIMELINE_SQL)]
    contacts = _contacts_with_meetings(setup)
    assert setup.functions() == (
        ["GetCustomFields"] + ["EditContact"] * len(contacts) + ["CreateEvent"] * len(meetings)
    )
    assert setup.fake.calls("GetCustomFields")[0].parameters == {
        "RecordType": "Contact",
        "MaxNumberOfResults": 500,
        "Page": 1,
    }
    edits = {p["ContactId"]: p for f, p in setup.writes() if f == "EditContact"}
    assert sorted(edits) == contacts
    for contact_id in contacts:  # exactly the mart's values, nothing else, no nulls
        assert edits[contact_id] == {"ContactId": contact_id, **_expected_values(setup, contact_id)}
    assert edits[ANN] == {
        "ContactId": ANN,
        "Last Meeting": "2026-10-16",
        "Last Portfolio Review": "2026-10-16",
        "Portfolio Reviews (12 mo)": 3,
        "Total Meetings": 3,
        "No-shows": 0,
    }

    creates = [p for f, p in setup.writes() if f == "CreateEvent"]
    ids = sorted(p["Description"].rsplit("meeting_id: ", 1)[1] for p in creates)
    assert ids == meetings
    (first,) = [p for p in creates if p["StartDate"].startswith("2026-07-15")]
    assert first == {
        "Name": "Quarterly Portfolio Review",
        "StartDate": "2026-07-15T10:00:00-04:00",
        "EndDate": "2026-07-15T11:00:00-04:00",
        "Location": "Zoom URL: https://zoom.us/j/2851891507",
        "Description": "Quarterly Portfolio Review, booked on Calendly. Added by the meetings"
        " pipeline.\nmeeting_id: e89057412babb95a30967f6f3e0fc2f9",
        "Attendees": [{"IsUser": False, "AttendeeId": ANN, "AttendanceStatus": "IsAttending"}],
    }
    winter = [p for p in creates if p["StartDate"].startswith("2027-01-14")]
    assert winter[0]["StartDate"] == "2027-01-14T11:00:00-05:00"  # EST offset in January
    assert "Location" not in winter[0]  # no location: the field is not sent

    assert setup.rows("select count(*) from sync.event_map where state = 'created'") == [
        (len(meetings),)
    ]
    assert "events created" in result.output
    _assert_everything_in_lacrm(setup)


def test_second_apply_sends_zero_writes(setup: SyncSetup) -> None:
    assert setup.invoke("--apply").exit_code == 0
    setup.fake.requests.clear()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    assert setup.functions() == ["GetCustomFields"]
    assert "0 contact(s) to update (12 unchanged), 0 event(s) to create" in result.output
    dry = setup.invoke()
    assert "0 contact(s) to update" in dry.output


def test_one_changed_metric_sends_exactly_one_edit_contact(setup: SyncSetup) -> None:
    assert setup.invoke("--apply").exit_code == 0
    setup.fake.requests.clear()
    # As if a rebuild found one more completed meeting for Bo Chen.
    setup.execute(
        "update marts.contact_meeting_metrics set total_meetings = total_meetings + 1,"
        " last_meeting_at = timestamptz '2026-11-20 15:00:00+00' where contact_id = ?",
        [BO],
    )
    dry = setup.invoke()
    assert "1 contact(s) to update" in dry.output and "2026-10-01" in dry.output
    setup.fake.requests.clear()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    assert setup.writes() == [
        ("EditContact", {"ContactId": BO, "Last Meeting": "2026-11-20", "Total Meetings": 3})
    ]


def test_canceled_after_push_renames_the_event_once(setup: SyncSetup) -> None:
    assert setup.invoke("--apply").exit_code == 0
    ((meeting_id, event_id),) = setup.rows(
        f"select meeting_id, event_id from sync.event_map where contact_id = '{CARLA}'"
        " and start_date like '2027-01-14%'"
    )
    setup.execute(
        "update marts.fct_meetings set status = 'canceled' where meeting_id = ?", [meeting_id]
    )
    setup.execute(
        "update marts.contact_meeting_metrics set next_meeting_at = null where contact_id = ?",
        [CARLA],
    )
    setup.fake.requests.clear()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    writes = setup.writes()
    # No next meeting any more: the field the export wrote is blanked (null).
    assert ("EditContact", {"ContactId": CARLA, "Next Meeting": None}) in writes
    (edit,) = [p for f, p in writes if f == "EditEvent"]
    assert edit["EventId"] == event_id
    assert set(edit) == {"EventId", "Name", "Description"}
    assert edit["Name"] == "Canceled: Quarterly Portfolio Review"
    assert "Canceled on Cal.com" in edit["Description"]
    assert f"meeting_id: {meeting_id}" in edit["Description"]
    assert setup.fake.events[event_id]["Name"] == "Canceled: Quarterly Portfolio Review"
    assert not [f for f, _ in writes if f in ("CreateEvent", "CreateNote")]
    setup.fake.requests.clear()
    assert setup.invoke("--apply").exit_code == 0
    assert setup.writes() == []  # once


def test_no_timeline_since_and_limit(setup: SyncSetup) -> None:
    result = setup.invoke("--apply", "--no-timeline")
    assert result.exit_code == 0, result.output
    assert {f for f, _ in setup.writes()} == {"EditContact"}
    setup.fake.requests.clear()
    result = setup.invoke("--apply", "--since", "2026-11-01", "--limit", "2")
    assert result.exit_code == 0, result.output
    creates = [p for f, p in setup.writes() if f == "CreateEvent"]
    assert len(creates) == 2
    assert all(p["StartDate"] >= "2026-11-01" for p in creates)
    assert "left for a later run" in result.output
    setup.fake.requests.clear()
    assert setup.invoke("--apply", "--since", "2026-11-01").exit_code == 0
    assert len(setup.writes()) == 4  # the rest of November onwards: 6 meetings in all


# --- faults: never a duplicate, every contact updated ----------------------------------------


def test_every_third_request_failing_still_ends_complete_without_duplicates(
    setup: SyncSetup,
) -> None:
    setup.fake.fail_every_nth = 3
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    _assert_everything_in_lacrm(setup)
    # A failed CreateEvent (HTTP 500) was looked up before being sent again.
    assert setup.fake.calls("GetEvents")
    statuses = {r.status for r in setup.fake.requests}
    assert 500 in statuses


def test_retry_after_is_honoured(setup: SyncSetup) -> None:
    setup.fake.rate_limit_next(1, retry_after="1")
    started = time.monotonic()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.0
    assert setup.fake.requests[0].status == 429
    _assert_everything_in_lacrm(setup)
    audit = setup.rows("select function, http_status, outcome from sync.lacrm_audit limit 2")
    assert audit == [("GetCustomFields", 429, "transient"), ("GetCustomFields", 200, "ok")]


@pytest.mark.parametrize("action", ["drop", "500"])
def test_create_whose_reply_is_lost_is_found_not_duplicated(setup: SyncSetup, action: str) -> None:
    # LACRM creates the event, but the reply never arrives (or is a 500).
    setup.fake.after_processing_next("CreateEvent", action, count=3)
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    _assert_everything_in_lacrm(setup)
    assert len(setup.fake.calls("GetEvents")) == 3
    assert all("ContactId" in r.parameters for r in setup.fake.calls("GetEvents"))
    assert setup.rows(
        "select count(*) from sync.lacrm_audit where detail like '%found existing event%'"
    ) == [(3,)]


def test_create_lost_before_reaching_lacrm_is_created_after_lookup(setup: SyncSetup) -> None:
    # The connection drops before LACRM acts: the lookup finds nothing, so it is sent again.
    setup.fake.drop_next_call("CreateEvent", count=2)
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    _assert_everything_in_lacrm(setup)
    assert len(setup.fake.calls("GetEvents")) == 2
    meetings = len(setup.rows(TIMELINE_SQL))
    assert len(setup.fake.calls("CreateEvent")) == meetings + 2


def test_pending_create_from_a_crash_is_looked_up_first(setup: SyncSetup) -> None:
    assert setup.invoke("--apply").exit_code == 0
    # As if the process died between LACRM creating one event and the state being saved.
    ((meeting_id,),) = setup.rows(
        f"select meeting_id from sync.event_map where contact_id = '{BO}'"
        " order by meeting_id limit 1"
    )
    setup.execute(
        "update sync.event_map set state = 'pending', event_id = null where meeting_id = ?",
        [meeting_id],
    )
    # ...and another one where the process died before the request went out.
    ((other_id, other_event),) = setup.rows(
        f"select meeting_id, event_id from sync.event_map where contact_id = '{ANN}'"
        " order by meeting_id limit 1"
    )
    setup.execute(
        "update sync.event_map set state = 'pending', event_id = null where meeting_id = ?",
        [other_id],
    )
    del setup.fake.events[other_event]
    dry = setup.invoke()
    assert "look up, else create" in dry.output
    setup.fake.requests.clear()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    assert [f for f, _ in setup.writes()] == ["CreateEvent"]
    assert len(setup.fake.calls("GetEvents")) == 2
    _assert_everything_in_lacrm(setup)


# --- what the live docs leave open (issue 18): read every form LACRM may answer in ----------


def _found_existing(setup: SyncSetup) -> list[tuple[Any, ...]]:
    return setup.rows(
        "select count(*) from sync.lacrm_audit where detail like '%found existing event%'"
    )


@pytest.mark.parametrize("form", ["crlf", "cr", "html"])
def test_a_lost_create_is_found_whatever_form_its_description_comes_back_in(
    setup: SyncSetup, form: str
) -> None:
    # LACRM creates the events but the replies are lost; the lookups then read descriptions
    # with other line breaks, or as HTML (<p>, <br/>, &#58;, &nbsp;).
    setup.fake.description_format = form
    setup.fake.after_processing_next("CreateEvent", "drop", count=3)
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    assert len(setup.fake.calls("GetEvents")) == 3
    assert _found_existing(setup) == [(3,)]
    _assert_everything_in_lacrm(setup)  # in particular: no meeting has two events


def test_an_event_of_a_longer_meeting_id_is_not_taken_for_this_meeting(setup: SyncSetup) -> None:
    assert setup.invoke("--apply").exit_code == 0
    ((meeting_id, event_id),) = setup.rows(
        f"select meeting_id, event_id from sync.event_map where contact_id = '{ANN}'"
        " order by meeting_id limit 1"
    )
    # The process died before this meeting's CreateEvent went out; the contact has an event
    # at the same time whose meeting id merely starts with this one.
    setup.execute(
        "update sync.event_map set state = 'pending', event_id = null where meeting_id = ?",
        [meeting_id],
    )
    decoy = setup.fake.events[event_id]
    decoy["Description"] = decoy["Description"].replace(meeting_id, meeting_id + "7")
    setup.fake.description_format = "html"
    setup.fake.requests.clear()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    assert [f for f, _ in setup.writes()] == ["CreateEvent"]
    ((new_event,),) = setup.rows(
        f"select event_id from sync.event_map where meeting_id = '{meeting_id}'"
    )
    assert new_event != event_id
    assert [e["EventId"] for e in setup.fake.events_for_meeting(meeting_id)] == [new_event]


def test_results_keyed_by_id_are_read_by_every_paged_call(setup: SyncSetup) -> None:
    setup.fake.results_keyed_by_id = True  # GetCustomFields and GetEvents
    setup.fake.custom_fields_shape = "results"
    setup.fake.after_processing_next("CreateEvent", "drop", count=2)
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    assert len(setup.fake.calls("GetEvents")) == 2
    assert _found_existing(setup) == [(2,)]
    _assert_everything_in_lacrm(setup)


def test_every_page_of_custom_fields_is_read(setup: SyncSetup) -> None:
    setup.fake.custom_fields_shape = "results"
    setup.fake.custom_fields_page_size = 2  # 7 fields: the mapped ones span all 4 pages
    result = setup.invoke()
    assert result.exit_code == 0, result.output
    assert "all 6 mapped custom fields exist in LACRM" in result.output
    setup.fake.requests.clear()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    calls = setup.fake.calls("GetCustomFields")
    assert [(r.parameters["Page"], r.parameters["MaxNumberOfResults"]) for r in calls] == [
        (1, 500),
        (2, 500),
        (3, 500),
        (4, 500),
    ]
    _assert_everything_in_lacrm(setup)


# --- errors: one contact, many in a row, key, fields ------------------------------------------


def test_a_refused_contact_is_reported_and_the_rest_continue(setup: SyncSetup) -> None:
    setup.fake.contacts = [c for c in setup.fake.contacts if c["ContactId"] != BO]
    result = setup.invoke("--apply")
    assert result.exit_code == 1
    assert f"failed: EditContact {BO} (Bo Chen)" in result.stderr
    assert "RecordNotFound" in result.stderr
    contacts = _contacts_with_meetings(setup)
    edited = [p["ContactId"] for f, p in setup.writes() if f == "EditContact"]
    assert edited == [c for c in contacts if c != BO]
    assert setup.rows(
        "select function, http_status, outcome, error_code from sync.lacrm_audit"
        f" where contact_id = '{BO}' and function = 'EditContact'"
    ) == [("EditContact", 400, "api_error", "RecordNotFound")]
    state = setup.rows(f"select count(*) from sync.contact_field_state where contact_id = '{BO}'")
    assert state == [(0,)]


def test_consecutive_failures_stop_the_run_and_the_next_run_resumes(setup: SyncSetup) -> None:
    everyone = list(setup.fake.contacts)
    contacts = _contacts_with_meetings(setup)
    # LACRM refuses everybody after the first two contacts.
    setup.fake.contacts = [c for c in everyone if c["ContactId"] in contacts[:2]]
    result = setup.invoke("--apply", "--max-failures", "3")
    assert result.exit_code == 1
    assert "stopped after 3 failed calls in a row" in result.stderr
    assert "run `meetings sync --apply` again to resume" in result.stderr
    assert len(setup.fake.calls("EditContact")) == 5  # 2 done, 3 refused, then it stopped
    assert not setup.fake.calls("CreateEvent")
    done = setup.rows("select distinct contact_id from sync.contact_field_state order by 1")
    assert done == [(c,) for c in contacts[:2]]

    setup.fake.contacts = everyone
    setup.fake.requests.clear()
    result = setup.invoke("--apply")
    assert result.exit_code == 0, result.output
    edited = [p["ContactId"] for f, p in setup.writes() if f == "EditContact"]
    assert edited == contacts[2:]  # resumed where it stopped
    _assert_everything_in_lacrm(setup)


def test_wrong_key_is_one_line_without_the_key(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "wrong-key-7d1e9a0c55b2"
    monkeypatch.setenv("LACRM_API_KEY", secret)
    for args in ((), ("--apply",), ("--apply", "--verbose")):
        result = setup.invoke(*args)
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("error: sync: LACRM GetCustomFields failed (HTTP 400")
        assert "InvalidApiKey" in lines[-1]
        assert secret not in result.output
    assert not setup.writes()
    rows = setup.rows("select * from sync.lacrm_audit")
    assert rows and secret not in json.dumps(rows, default=str)


def test_missing_custom_field_is_named_with_how_to_create_it(setup: SyncSetup) -> None:
    setup.fake.custom_fields = [f for f in setup.fake.custom_fields if f["Name"] != "No-shows"]
    for args in ((), ("--apply",)):
        result = setup.invoke(*args)
        assert result.exit_code == 1
        (line,) = result.stderr.strip().splitlines()
        assert 'custom field "No-shows" (Number) is missing' in line
        assert "Settings -> Custom Fields" in line
    assert setup.functions() == ["GetCustomFields", "GetCustomFields"]


def test_custom_field_of_the_wrong_type_is_refused(setup: SyncSetup) -> None:
    for f in setup.fake.custom_fields:
        if f["Name"] == "Total Meetings":
            f["Type"] = "Dropdown"
    result = setup.invoke("--apply")
    assert result.exit_code == 1
    assert '"Total Meetings" is a Dropdown field in LACRM' in result.stderr
    assert not setup.writes()


def test_verbose_log_and_audit_never_carry_the_key(setup: SyncSetup) -> None:
    setup.fake.fail_every_nth = 4
    result = setup.invoke("--apply", "--verbose")
    assert result.exit_code == 0, result.output
    assert "EditContact contact=" in result.stderr
    assert "CreateEvent" in result.stderr
    assert setup.fake.api_key not in result.output
    rows = setup.rows("select * from sync.lacrm_audit")
    assert len(rows) == len(setup.fake.requests)  # every request, retries included
    assert setup.fake.api_key not in json.dumps(rows, default=str)
    columns = [r[0] for r in setup.rows("describe sync.lacrm_audit")]
    assert columns == [
        "called_at",
        "run_id",
        "function",
        "contact_id",
        "meeting_id",
        "event_id",
        "http_status",
        "outcome",
        "error_code",
        "detail",
    ]


# --- meetings run --apply ---------------------------------------------------------------------


def test_run_apply_loads_builds_then_syncs_only_what_changed(
    setup: SyncSetup, tmp_path: Path, write_csv: WriteCsv
) -> None:
    assert setup.invoke("--apply").exit_code == 0
    setup.fake.requests.clear()
    # A new export with one more completed meeting for Bo Chen.
    data = tmp_path / "new-exports"
    row = calendly_row(
        901,
        **{
            "Invitee Name": "Bo Chen",
            "Invitee Email": "bo.chen@example.org",
            "Event Type Name": "Financial Planning Session",
            "Start Date & Time": "2026-11-20 10:00 am",
            "End Date & Time": "2026-11-20 11:00 am",
        },
    )
    write_csv(data / "calendly" / "calendly-2026-11-25T0900.csv", [row])
    args = ["run", "--apply", "--data-dir", str(data), "--db", str(setup.db)]
    result = runner.invoke(app, [*args, *AS_OF], prog_name="meetings")
    assert result.exit_code == 0, result.output
    writes = setup.writes()
    assert [f for f, _ in writes] == ["EditContact", "CreateEvent"]
    assert writes[0][1] == {"ContactId": BO, "Last Meeting": "2026-11-20", "Total Meetings": 3}
    assert writes[1][1]["Name"] == "Financial Planning Session"
    assert writes[1][1]["StartDate"] == "2026-11-20T10:00:00-05:00"
    assert writes[1][1]["Attendees"][0]["AttendeeId"] == BO


def test_run_apply_sends_nothing_when_the_build_fails(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "load_exports", lambda config: [])
    monkeypatch.setattr(pipeline, "build_models", lambda config, args, env=None: Build(False))
    result = runner.invoke(app, ["run", "--apply", "--db", str(setup.db)], prog_name="meetings")
    assert result.exit_code == 1
    assert "nothing was sent to LACRM" in result.stderr
    assert setup.fake.requests == []
    assert setup.sync_tables() == []


def test_run_apply_without_key_fails_before_loading(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LACRM_API_KEY")
    db = tmp_path / "never.duckdb"
    result = runner.invoke(app, ["run", "--apply", "--db", str(db)], prog_name="meetings")
    assert result.exit_code == 1
    assert "LACRM_API_KEY is not set" in result.stderr
    assert not db.exists()
    assert setup.fake.requests == []


def test_plain_run_never_talks_to_lacrm(setup: SyncSetup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "load_exports", lambda config: [])
    monkeypatch.setattr(pipeline, "build_models", lambda config, args, env=None: Build(True))
    result = runner.invoke(app, ["run", "--db", str(setup.db)], prog_name="meetings")
    assert result.exit_code == 0, result.output
    assert setup.fake.requests == []


def test_sync_and_run_help_name_their_options() -> None:
    result = runner.invoke(app, ["sync", "--help"], prog_name="meetings")
    assert result.exit_code == 0
    assert "Usage: meetings sync" in result.output
    for option in (
        "--apply",
        "--since",
        "--no-timeline",
        "--limit",
        "--offline",
        "--max-failures",
        "--verbose",
        "--db",
    ):
        assert option in result.output
    run_help = runner.invoke(app, ["run", "--help"], prog_name="meetings")
    assert "--apply" in run_help.output
