"""The sync plan: diff rules for contact fields, which meetings become events, edits, --limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from loader.lacrm.field_map import NOT_COMPUTED
from loader.lacrm.plan import (
    UNSET,
    ContactUpdate,
    EventCreate,
    FieldChange,
    Meeting,
    Plan,
    apply_limit,
    carries_meeting_id,
    diff_contact,
    event_fields,
    plan_timeline,
)
from loader.lacrm.state import EventRecord

NEW_YORK = ZoneInfo("America/New_York")


def _meeting(meeting_id: str = "m1", **changes: object) -> Meeting:
    values: dict[str, object] = {
        "meeting_id": meeting_id,
        "contact_id": "c1",
        "status": "completed",
        "is_counted": True,
        "has_data_issue": False,
        "event_type_name": "Portfolio Review",
        "start_at": datetime(2026, 11, 12, 18, 0, tzinfo=UTC),
        "end_at": datetime(2026, 11, 12, 19, 0, tzinfo=UTC),
        "location": None,
        "platform": "calcom",
    }
    values.update(changes)
    return Meeting(**values)  # type: ignore[arg-type]


def test_only_changed_values_are_sent() -> None:
    pushed = {"Total Meetings": json.dumps(3), "Last Meeting": json.dumps("2026-10-01")}
    changes, skipped = diff_contact({"Total Meetings": 4, "Last Meeting": "2026-10-01"}, pushed)
    assert changes == [FieldChange("Total Meetings", 3, 4)]
    assert skipped == []


def test_empty_value_blanks_only_a_field_the_export_wrote() -> None:
    pushed = {"Next Meeting": json.dumps("2026-12-03")}
    changes, _ = diff_contact({"Next Meeting": None, "Last Portfolio Review": None}, pushed)
    # The next meeting is gone: blank it. The review date was never written: leave it alone.
    assert changes == [FieldChange("Next Meeting", "2026-12-03", None)]


def test_a_value_not_computed_is_never_sent() -> None:
    changes, skipped = diff_contact({"Total Meetings": NOT_COMPUTED}, {"Total Meetings": "3"})
    assert changes == []
    assert skipped == ["Total Meetings"]


def test_never_pushed_values_are_new() -> None:
    changes, _ = diff_contact({"Total Meetings": 0}, {})
    assert changes == [FieldChange("Total Meetings", UNSET, 0)]


def test_event_fields_carry_offset_and_meeting_id() -> None:
    fields = event_fields(_meeting(location="  "), NEW_YORK)
    assert fields.start_date == "2026-11-12T13:00:00-05:00"
    assert fields.end_date == "2026-11-12T14:00:00-05:00"
    assert fields.location is None
    assert fields.description.splitlines()[-1] == "meeting_id: m1"
    canceled = event_fields(_meeting(status="canceled", event_type_name=None), NEW_YORK)
    assert canceled.name == "Canceled: Meeting"
    assert "Canceled on Cal.com" in canceled.description


MEETING = "e89057412babb95a30967f6f3e0fc2f9"


@pytest.mark.parametrize(
    "description",
    [
        f"Review, booked on Calendly.\nmeeting_id: {MEETING}",  # as written
        f"Review, booked on Calendly.\r\nmeeting_id: {MEETING}\r\n",
        f"Review, booked on Calendly.\rmeeting_id: {MEETING}",
        f"meeting_id: {MEETING}\nCanceled on Cal.com: did not take place.",  # not last
        f"Review, booked on Calendly. meeting_id: {MEETING} (moved by hand)",  # not on its own
        f"  meeting_id :\t{MEETING}  \n\n",
        f"<p>Tax &amp; Estate Review, booked on Calendly.<br>meeting_id: {MEETING}</p>",
        f"<p>Review</p><p>meeting_id&#58;&nbsp;{MEETING}</p>",
        f"Review<br/>meeting_id&#x3A; {MEETING}<br />",
        f"<div>Review</div>\n<div>\n  meeting_id:&nbsp;{MEETING}&nbsp;\n</div>",
        f'<p class="x">a < b, <3<BR>meeting_id: {MEETING}</p>',  # a bare < is not a tag
    ],
)
def test_the_meeting_id_is_found_in_any_form_of_the_description(description: str) -> None:
    assert carries_meeting_id(description, MEETING)


@pytest.mark.parametrize(
    "description",
    [
        f"meeting_id: {MEETING}0",  # the id is only the start of a longer id
        f"meeting_id: {MEETING}-2",
        f"<p>meeting_id&#58;&nbsp;{MEETING}a</p>",
        f"meeting_id: x{MEETING}",  # ... or the end of one
        f"other_meeting_id: {MEETING}",
        f"{MEETING}",  # no label
        f"meeting_id: {MEETING[:-1]}",  # a shorter id
        "",
        None,
    ],
)
def test_another_meeting_id_is_not_this_meeting(description: str | None) -> None:
    assert not carries_meeting_id(description, MEETING)


def test_which_meetings_go_on_the_timeline() -> None:
    meetings = [
        _meeting("completed"),
        _meeting("scheduled", status="scheduled"),
        _meeting("canceled", status="canceled"),
        _meeting("no_show", status="no_show"),
        _meeting("rescheduled", status="rescheduled", is_counted=False),
        _meeting("bad_data", has_data_issue=True),
        _meeting("no_end", end_at=None),
        _meeting("too_early", start_at=datetime(2026, 1, 1, tzinfo=UTC)),
    ]
    plan = Plan()
    since = datetime(2026, 6, 1, tzinfo=NEW_YORK)
    plan_timeline(plan, meetings, {}, {"c1": "Ann Lee"}, NEW_YORK, since)
    assert [c.meeting_id for c in plan.event_creates] == ["completed", "scheduled"]
    assert {c.contact_name for c in plan.event_creates} == {"Ann Lee"}


def test_pushed_events_are_edited_only_when_their_fields_changed() -> None:
    pushed = event_fields(_meeting("a"), NEW_YORK)
    events = {
        "a": EventRecord("a", "c1", "e-a", "created", pushed),
        "b": EventRecord("b", "c1", "e-b", "created", event_fields(_meeting("b"), NEW_YORK)),
        "c": EventRecord("c", "c9", "e-c", "created", event_fields(_meeting("c"), NEW_YORK)),
    }
    meetings = [_meeting("a"), _meeting("b", status="canceled"), _meeting("c")]
    plan = Plan()
    plan_timeline(plan, meetings, events, {}, NEW_YORK, None)
    assert plan.events_unchanged == 1
    (edit,) = plan.event_edits
    assert edit.meeting_id == "b"
    assert edit.changed == ("name", "description")
    assert edit.parameters()["Name"] == "Canceled: Portfolio Review"
    assert set(edit.parameters()) == {"EventId", "Name", "Description"}
    # Matched to another contact since its event was made: reported, not touched.
    (note,) = plan.attention
    assert "meeting c is now matched to contact c1" in note


def test_a_pending_create_is_looked_up_first() -> None:
    fields = event_fields(_meeting("p"), NEW_YORK)
    events = {"p": EventRecord("p", "c1", None, "pending", fields)}
    plan = Plan()
    plan_timeline(plan, [_meeting("p")], events, {}, NEW_YORK, None)
    (create,) = plan.event_creates
    assert create.look_up_first and create.create_if_missing
    plan = Plan()
    plan_timeline(plan, [_meeting("p", status="canceled")], events, {}, NEW_YORK, None)
    (lookup,) = plan.event_creates
    assert lookup.look_up_first and not lookup.create_if_missing


def test_limit_keeps_contacts_first_and_counts_the_rest() -> None:
    fields = event_fields(_meeting(), NEW_YORK)
    plan = Plan(
        contact_updates=[ContactUpdate(f"c{i}", "x", ()) for i in range(2)],
        event_creates=[EventCreate(f"m{i}", "c1", "x", "completed", fields) for i in range(3)],
    )
    apply_limit(plan, 3)
    assert len(plan.contact_updates) == 2
    assert [c.meeting_id for c in plan.event_creates] == ["m0"]
    assert plan.deferred == 2
