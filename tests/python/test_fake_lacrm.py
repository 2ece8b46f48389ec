"""The fake LACRM is at least as strict as the contract: what it refuses, the real API may
silently ignore, so the sync tests would catch such a call."""

from __future__ import annotations

from typing import Any

import pytest

from loader.lacrm.client import ClientSettings, LacrmApiError, LacrmClient

from fake_lacrm import FakeLacrm, contact, contact_id, custom_field


def _attendee(who: str, status: str) -> list[dict[str, Any]]:
    return [{"IsUser": False, "AttendeeId": who, "AttendanceStatus": status}]


EVENT = {
    "Name": "Portfolio Review",
    "StartDate": "2026-11-12T13:00:00-05:00",
    "EndDate": "2026-11-12T14:00:00-05:00",
    "Attendees": _attendee(contact_id(1), "IsAttending"),
}


@pytest.fixture
def client(fake_lacrm: FakeLacrm) -> LacrmClient:
    fake_lacrm.contacts = [contact(1, "Ann", "Lee")]
    fake_lacrm.custom_fields = [
        custom_field("Total Meetings", "Number"),
        custom_field("Last Meeting", "Date"),
    ]
    return LacrmClient(
        ClientSettings(
            api_key=fake_lacrm.api_key,
            base_url=fake_lacrm.url,
            max_attempts=1,
            requests_per_minute=60_000,  # no throttle wait in tests
        )
    )


def test_custom_fields_are_top_level_keys_named_like_the_field(
    client: LacrmClient, fake_lacrm: FakeLacrm
) -> None:
    client.call("EditContact", {"ContactId": contact_id(1), "Total Meetings": 4})
    client.call("EditContact", {"ContactId": contact_id(1), "Last Meeting": None})
    assert fake_lacrm.contact_by_id(contact_id(1))["Total Meetings"] == 4


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"CustomFields": {"Total Meetings": 4}}, "Unknown parameter"),
        ({"total meetings": 4}, "Unknown parameter"),  # names are exact
        ({"Name": {"FirstName": "Ann"}}, "Name must be the full name as text"),
        ({"Total Meetings": "4"}, "Invalid value for Number field"),
        ({"Last Meeting": "11/12/2026"}, "Invalid value for Date field"),
    ],
)
def test_edit_contact_refuses_what_lacrm_might_ignore(
    client: LacrmClient, parameters: dict[str, Any], message: str
) -> None:
    with pytest.raises(LacrmApiError, match=message):
        client.call("EditContact", {"ContactId": contact_id(1), **parameters})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"StartDate": "2026-11-12T13:00:00"}, "explicit UTC offset"),
        (
            {"Attendees": _attendee(contact_id(1), "Yes")},
            "Invalid AttendanceStatus",
        ),
        (
            {"Attendees": _attendee(contact_id(2), "Maybe")},
            "No contact with id",
        ),
        ({"EndDate": "2026-11-12T12:00:00-05:00"}, "EndDate is before StartDate"),
        ({"Title": "x"}, "Unknown parameter"),
    ],
)
def test_create_event_refuses_bad_events(
    client: LacrmClient, fake_lacrm: FakeLacrm, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(LacrmApiError, match=message):
        client.call("CreateEvent", {**EVENT, **changes}, idempotent=False)
    assert fake_lacrm.events == {}


def test_events_are_found_by_contact(client: LacrmClient) -> None:
    event_id = client.call("CreateEvent", EVENT, idempotent=False)["EventId"]
    assert len(event_id) == 31
    found = list(client.paged("GetEvents", {"ContactId": contact_id(1)}))
    assert [e["EventId"] for e in found] == [event_id]
    client.call("EditEvent", {"EventId": event_id, "Name": "Canceled: Portfolio Review"})
    assert client.call("GetEvent", {"EventId": event_id})["Name"] == "Canceled: Portfolio Review"
    attached = list(client.paged("GetEventsAttachedToContact", {"ContactId": contact_id(1)}))
    assert len(attached) == 1


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("plain", "Tax & Estate: review\nmeeting_id: m1"),
        ("crlf", "Tax & Estate: review\r\nmeeting_id: m1\r\n"),
        ("cr", "Tax & Estate: review\rmeeting_id: m1"),
        ("html", "<p>\n  Tax &amp; Estate&#58;&nbsp;review<br/>\n  meeting_id&#58;&nbsp;m1\n</p>"),
    ],
)
def test_event_descriptions_come_back_in_the_chosen_form(
    client: LacrmClient, fake_lacrm: FakeLacrm, form: str, expected: str
) -> None:
    fake_lacrm.description_format = form
    sent = "Tax & Estate: review\nmeeting_id: m1"
    event_id = client.call("CreateEvent", {**EVENT, "Description": sent}, idempotent=False)[
        "EventId"
    ]
    assert client.call("GetEvent", {"EventId": event_id})["Description"] == expected
    (found,) = client.paged("GetEvents", {"ContactId": contact_id(1)})
    assert found["Description"] == expected
    assert fake_lacrm.events[event_id]["Description"] == sent  # stored as sent
    assert [e["EventId"] for e in fake_lacrm.events_for_meeting("m1")] == [event_id]


def test_paged_results_can_be_keyed_by_id(client: LacrmClient, fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.results_keyed_by_id = True
    event_id = client.call("CreateEvent", EVENT, idempotent=False)["EventId"]
    reply = client.call("GetEvents", {"ContactId": contact_id(1)})
    assert list(reply["Results"]) == [event_id]
    assert reply["Results"][event_id]["EventId"] == event_id
    contacts = client.call("GetContacts", {})["Results"]
    assert contacts == {contact_id(1): fake_lacrm.contact_by_id(contact_id(1))}


def test_custom_fields_page_with_a_small_page_size(
    client: LacrmClient, fake_lacrm: FakeLacrm
) -> None:
    fake_lacrm.custom_fields += [custom_field(f"Extra {n}", "Text") for n in range(3)]
    fake_lacrm.custom_fields_shape = "results"
    fake_lacrm.custom_fields_page_size = 2
    first = client.call("GetCustomFields", {"RecordType": "Contact"})
    assert first["HasMoreResults"] is True
    assert [f["Name"] for f in first["Results"]] == ["Total Meetings", "Last Meeting"]
    last = client.call(
        "GetCustomFields", {"RecordType": "Contact", "MaxNumberOfResults": 500, "Page": 3}
    )
    assert [f["Name"] for f in last["Results"]] == ["Extra 2"]  # 2 a page, whatever was asked
    assert last["HasMoreResults"] is False
    ids = {f["CustomFieldId"] for f in fake_lacrm.custom_fields}
    assert len(ids) == 5 and all(len(i) == 31 for i in ids)
    fake_lacrm.custom_fields_shape = "list"  # a bare list ignores paging: every field at once
    assert len(client.call("GetCustomFields", {"RecordType": "Contact", "Page": 1})) == 5
    with pytest.raises(LacrmApiError, match="Unknown parameter"):
        client.call("GetCustomFields", {"RecordType": "Contact", "Offset": 2})
