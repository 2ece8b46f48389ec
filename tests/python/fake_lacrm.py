"""A local fake of the LACRM API v2 for tests (contract: ../shared/lacrm-api.md).

Faithful where the contract is documented and stricter where it is not: one POST endpoint,
`Authorization: <key>` (no Bearer), HTTP 400 with ErrorCode/ErrorDescription for every
error (bad key included), unknown functions and unknown parameters rejected, `GetContacts`
paging with `MaxNumberOfResults` / `Page` / `HasMoreResults`. Every request is recorded so
tests can count calls. Fault injection: fail every Nth request with a 500, answer the next
requests with 429 + Retry-After, or drop the connection after reading a request.

Where the docs leave a reply's form open (issue 18), the fake can answer each variant:
`description_format` (how an event's Description comes back: as sent, with CRLF or CR line
breaks, or as HTML), `results_keyed_by_id` (every paged reply's Results as an object keyed by
record id), `custom_fields_shape` / `custom_fields_page_size` (GetCustomFields as a bare list,
or paged `{"HasMoreResults", "Results"}`, with a small page size for tests). Events are
stored as sent; only replies are rendered in the chosen form.

To add a function (EditContact, CreateEvent, ... for the sync work): write a handler
`(self, params) -> result` and register it in `FakeLacrm._functions` with its allowed
parameter names.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import socket
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JsonObject = dict[str, Any]
Handler = Callable[[JsonObject], Any]

SORT_FIELDS = {"Relevance", "FirstName", "LastName", "CompanyName", "DateCreated", "LastUpdate"}
DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 10_000
ATTENDANCE = {"IsAttending", "Maybe", "NotAttending"}
CUSTOM_FIELD_TYPES = {
    "Dropdown",
    "Checkbox",
    "Number",
    "Date",
    "Text",
    "TextArea",
    "ContactLink",
    "FileLink",
    "Currency",
    "Section",
}
# Standard contact fields EditContact accepts besides custom fields (CreateContact [Contacts]).
CONTACT_FIELDS = {
    "AssignedTo",
    "Name",
    "Company Name",
    "Email",
    "Phone",
    "Address",
    "Job Title",
    "Background Info",
    "Birthday",
    "Website",
}
EVENT_FIELDS = {
    "Name",
    "StartDate",
    "EndDate",
    "IsAllDay",
    "Location",
    "Description",
    "CalendarId",
    "Attendees",
    "IsRecurring",
    "RecurrenceRule",
    "EndRecurrenceDate",
}
# Read on the descriptions as stored (as the sync sent them), independently of the sync's own
# reader (loader.lacrm.plan.carries_meeting_id), which tests must be able to catch out.
MEETING_ID_LINE = re.compile(r"^meeting_id: (\S+)$", re.MULTILINE)
DESCRIPTION_FORMATS = ("plain", "crlf", "cr", "html")


class ApiError(Exception):
    """Becomes an HTTP 400 reply with ErrorCode / ErrorDescription."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it (the key itself is not kept, only whether it was right)."""

    method: str
    path: str
    function: str | None
    parameters: JsonObject
    authorized: bool
    content_type: str
    status: int = 0


def contact(
    number: int,
    first: str,
    last: str,
    emails: list[str] | None = None,
    *,
    company: str = "",
    created: str | None = None,
    is_company: bool = False,
) -> JsonObject:
    """A contact object shaped like the [Search] example (31-digit string ids, Name object)."""
    return {
        "ContactId": contact_id(number),
        "AssignedTo": 483823,  # user ids come back as JSON numbers
        "IsCompany": is_company,
        "CompanyId": None,
        "Name": {
            "Salutation": "",
            "FirstName": first,
            "MiddleName": "",
            "LastName": last,
            "Suffix": "",
        },
        "Company Name": company,
        "Job Title": "",
        "Email": [
            {"Text": email, "Type": "Work" if i == 0 else "Personal"}
            for i, email in enumerate(emails or [])
        ],
        "Phone": [],
        "DateCreated": created or f"2024-01-{number % 28 + 1:02d} 09:00:00",
        "LastUpdate": created or f"2024-02-{number % 28 + 1:02d} 09:00:00",
    }


def contact_id(number: int) -> str:
    """The 31-digit string id `contact(number, ...)` gets."""
    return f"{3_900_000_000_000_000_000_000_000_000_000 + number:031d}"


def custom_field(name: str, field_type: str, record_type: str = "Contact") -> JsonObject:
    """A custom field definition as GetCustomFields describes it (a stable 31-digit id)."""
    assert field_type in CUSTOM_FIELD_TYPES, field_type
    number = zlib.crc32(f"{record_type}/{name}".encode())
    field_id = f"{4_300_000_000_000_000_000_000_000_000_000 + number:031d}"
    return {"CustomFieldId": field_id, "Name": name, "Type": field_type, "RecordType": record_type}


@dataclass
class FakeLacrm:
    """The fake server's state. Use it as a context manager or via the `fake_lacrm` fixture."""

    api_key: str = "fake-key-3f9c2a71d0b84e6c"
    contacts: list[JsonObject] = field(default_factory=list)
    user: JsonObject = field(
        default_factory=lambda: {"UserId": 483823, "FirstName": "Maria", "LastName": "Gomez"}
    )
    requests: list[RecordedRequest] = field(default_factory=list)
    fail_every_nth: int | None = None
    """Answer every Nth request (1-based count of all requests) with HTTP 500."""
    custom_fields: list[JsonObject] = field(default_factory=list)
    custom_fields_shape: str = "list"
    """How GetCustomFields answers (unverified in the docs): a bare "list" of every field, or
    "results": paged `{"HasMoreResults", "Results"}` like the search functions."""
    custom_fields_page_size: int | None = None
    """With "results": at most this many fields per page, whatever MaxNumberOfResults asks
    (500 on the real server; small in tests so a few fields span pages)."""
    description_format: str = "plain"
    """How event replies carry the Description (unverified): "plain" (as sent), "crlf" (every
    line ended by CR LF), "cr" (CR between lines) or "html" (a rich-text editor's `<p>`,
    `<br/>`, `&amp;`, `&#58;`, `&nbsp;`, indented)."""
    results_keyed_by_id: bool = False
    """Every paged reply's Results as an object keyed by record id instead of a list."""
    events: dict[str, JsonObject] = field(default_factory=dict)
    notes: list[JsonObject] = field(default_factory=list)
    _rate_limited: list[str] = field(default_factory=list)
    _drops: int = 0
    _after_processing: list[tuple[str, str]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v2/"

    def start(self) -> FakeLacrm:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLacrm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- fault injection --------------------------------------------------------------------

    def rate_limit_next(self, count: int = 1, retry_after: str = "1") -> None:
        """Answer the next `count` requests with HTTP 429 and this Retry-After header."""
        with self._lock:
            self._rate_limited.extend([retry_after] * count)

    def drop_next(self, count: int = 1) -> None:
        """Read the next `count` requests, then close the connection without any reply."""
        with self._lock:
            self._drops += count

    def after_processing_next(self, function: str, action: str = "drop", count: int = 1) -> None:
        """Carry out the next `count` calls of `function`, then drop the connection without a
        reply (`action="drop"`) or answer HTTP 500 (`action="500"`): the caller cannot know
        that the call succeeded."""
        assert action in ("drop", "500"), action
        with self._lock:
            self._after_processing.extend([(function, action)] * count)

    def drop_next_call(self, function: str, count: int = 1) -> None:
        """Read the next `count` calls of `function`, then close the connection without
        carrying them out or replying."""
        with self._lock:
            self._after_processing.extend([(function, "drop-unprocessed")] * count)

    # --- inspection -------------------------------------------------------------------------

    def calls(self, function: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.function == function]

    def events_for_meeting(self, meeting_id: str) -> list[JsonObject]:
        """Events whose Description carries `meeting_id: <meeting_id>` (duplicates show here)."""
        return [
            e
            for e in self.events.values()
            if meeting_id in MEETING_ID_LINE.findall(str(e.get("Description") or ""))
        ]

    def contact_by_id(self, wanted: str) -> JsonObject:
        for item in self.contacts:
            if item["ContactId"] == wanted:
                return item
        raise KeyError(wanted)

    # --- functions --------------------------------------------------------------------------

    @property
    def _functions(self) -> dict[str, tuple[frozenset[str], Handler]]:
        return {
            "GetUser": (frozenset(), self._get_user),
            "GetContact": (frozenset({"ContactId"}), self._get_contact),
            "GetContacts": (
                frozenset(
                    {
                        "SearchTerms",
                        "RecordTypeFilter",
                        "OwnerFilter",
                        "SortBy",
                        "SortDirection",
                        "AdvancedFilters",
                        "RequiresWriteAccess",
                        "MaxNumberOfResults",
                        "Page",
                    }
                ),
                self._get_contacts,
            ),
            "GetCustomFields": (
                frozenset({"RecordType", "MaxNumberOfResults", "Page"}),
                self._get_custom_fields,
            ),
            "EditContact": (
                frozenset({"ContactId"} | CONTACT_FIELDS | self._custom_field_names("Contact")),
                self._edit_contact,
            ),
            "CreateEvent": (frozenset(EVENT_FIELDS), self._create_event),
            "EditEvent": (frozenset({"EventId"} | EVENT_FIELDS), self._edit_event),
            "GetEvent": (frozenset({"EventId"}), self._get_event),
            "GetEvents": (
                frozenset(
                    {
                        "StartDate",
                        "EndDate",
                        "UserFilter",
                        "CalendarFilter",
                        "ContactId",
                        "SortDirection",
                        "MaxNumberOfResults",
                        "Page",
                    }
                ),
                self._get_events,
            ),
            "GetEventsAttachedToContact": (
                frozenset({"ContactId", "MaxNumberOfResults", "Page"}),
                self._get_events_attached_to_contact,
            ),
            "CreateNote": (
                frozenset({"ContactId", "Note", "DateDisplayedInHistory"}),
                self._create_note,
            ),
        }

    def _custom_field_names(self, record_type: str) -> set[str]:
        return {
            str(f["Name"])
            for f in self.custom_fields
            if f.get("RecordType", "Contact") == record_type and f.get("Type") != "Section"
        }

    def dispatch(self, function: Any, parameters: Any) -> Any:
        if not isinstance(function, str) or function not in self._functions:
            raise ApiError("InvalidFunction", f"Unknown function: {function!r}")
        if not isinstance(parameters, dict):
            raise ApiError("InvalidParameters", "Parameters must be an object")
        allowed, handler = self._functions[function]
        unknown = sorted(set(parameters) - allowed)
        if unknown:
            raise ApiError("InvalidParameter", f"Unknown parameter(s) for {function}: {unknown}")
        return handler(parameters)

    def _get_user(self, params: JsonObject) -> Any:
        return self.user

    def _get_contact(self, params: JsonObject) -> Any:
        wanted = params.get("ContactId")
        if not isinstance(wanted, str):
            raise ApiError("InvalidParameter", "ContactId must be a string")
        for item in self.contacts:
            if item["ContactId"] == wanted:
                return item
        raise ApiError("RecordNotFound", f"No contact with id {wanted}")

    def _get_contacts(self, params: JsonObject) -> Any:
        record_type = params.get("RecordTypeFilter")
        if record_type not in (None, "Contacts", "Companies"):
            raise ApiError("InvalidParameter", f"Invalid RecordTypeFilter: {record_type!r}")
        sort_by = params.get("SortBy", "Relevance")
        if sort_by not in SORT_FIELDS:
            raise ApiError("InvalidParameter", f"Invalid SortBy: {sort_by!r}")
        direction = params.get("SortDirection", "Descending")
        if direction not in ("Ascending", "Descending"):
            raise ApiError("InvalidParameter", f"Invalid SortDirection: {direction!r}")
        if "AdvancedFilters" in params:
            raise ApiError("NotImplemented", "the fake does not implement AdvancedFilters")
        _page_of(params, [])  # checks MaxNumberOfResults and Page before anything else
        terms = params.get("SearchTerms")
        if terms is not None and not isinstance(terms, str):
            raise ApiError("InvalidParameter", "SearchTerms must be a string")
        owners = params.get("OwnerFilter")
        if owners is not None and not isinstance(owners, list):
            raise ApiError("InvalidParameter", "OwnerFilter must be a list of user ids")

        found = [
            c
            for c in self.contacts
            if record_type is None or bool(c.get("IsCompany")) == (record_type == "Companies")
        ]
        if owners is not None:
            found = [c for c in found if str(c.get("AssignedTo")) in {str(o) for o in owners}]
        if terms:
            found = [c for c in found if terms.lower() in json.dumps(c).lower()]
        if sort_by != "Relevance":
            found.sort(key=lambda c: _sort_key(c, sort_by), reverse=direction == "Descending")
        return self._paged_reply(params, found, "ContactId")

    def _paged_reply(
        self, params: JsonObject, found: list[JsonObject], id_key: str, cap: int | None = None
    ) -> JsonObject:
        """One page of `found`: `{"HasMoreResults", "Results"}`, Results a list or (with
        `results_keyed_by_id`) an object keyed by each record's `id_key`, in order."""
        results, more = _page_of(params, found, cap)
        if not self.results_keyed_by_id:
            return {"HasMoreResults": more, "Results": results}
        keyed = {str(item[id_key]): item for item in results}
        assert len(keyed) == len(results), f"duplicate {id_key} in a keyed reply"
        return {"HasMoreResults": more, "Results": keyed}

    # --- custom fields and contacts (write side) ----------------------------------------------

    def _get_custom_fields(self, params: JsonObject) -> Any:
        record_type = params.get("RecordType")
        if record_type not in ("Contact", "Company", "Pipeline"):
            raise ApiError("InvalidParameter", f"Invalid RecordType: {record_type!r}")
        found = [
            {k: v for k, v in f.items() if k != "RecordType"}
            for f in self.custom_fields
            if f.get("RecordType", "Contact") == record_type
        ]
        if self.custom_fields_shape == "list":
            _page_of(params, [])  # paging parameters are checked, but a bare list is all
            return found
        assert self.custom_fields_shape == "results", self.custom_fields_shape
        return self._paged_reply(params, found, "CustomFieldId", self.custom_fields_page_size)

    def _edit_contact(self, params: JsonObject) -> Any:
        target = self._get_contact({"ContactId": params.get("ContactId")})
        if "Name" in params and not isinstance(params["Name"], str):
            raise ApiError("InvalidParameter", "Name must be the full name as text")
        types = {
            str(f["Name"]): str(f["Type"])
            for f in self.custom_fields
            if f.get("RecordType", "Contact") == "Contact"
        }
        for key, value in params.items():
            if key in types:
                _check_custom_value(key, types[key], value)
        with self._lock:
            for key, value in params.items():
                if key == "ContactId":
                    continue
                target[key] = value  # null blanks the field
        return None

    # --- events and notes -------------------------------------------------------------------

    def _check_event_fields(self, params: JsonObject, *, creating: bool) -> None:
        if creating:
            missing = [k for k in ("Name", "StartDate", "EndDate") if k not in params]
            if missing:
                raise ApiError("MissingParameter", f"CreateEvent needs {missing}")
        for key in ("Name", "Location", "Description", "CalendarId", "RecurrenceRule"):
            if key in params and params[key] is not None and not isinstance(params[key], str):
                raise ApiError("InvalidParameter", f"{key} must be text")
        if "Name" in params and not (isinstance(params["Name"], str) and params["Name"].strip()):
            raise ApiError("InvalidParameter", "Name must be non-empty text")
        for key in ("IsAllDay", "IsRecurring"):
            if key in params and not isinstance(params[key], bool):
                raise ApiError("InvalidParameter", f"{key} must be true or false")
        all_day = bool(params.get("IsAllDay"))
        for key in ("StartDate", "EndDate"):
            if key in params:
                _check_date_time(key, params[key], all_day)
        if params.get("IsRecurring") and "RecurrenceRule" not in params:
            raise ApiError("MissingParameter", "IsRecurring needs a RecurrenceRule")
        if "Attendees" in params:
            self._check_attendees(params["Attendees"])

    def _check_attendees(self, attendees: Any) -> None:
        if not isinstance(attendees, list):
            raise ApiError("InvalidParameter", "Attendees must be a list")
        for item in attendees:
            if not isinstance(item, dict):
                raise ApiError("InvalidParameter", "each attendee must be an object")
            unknown = sorted(set(item) - {"IsUser", "AttendeeId", "AttendanceStatus"})
            if unknown:
                raise ApiError("InvalidParameter", f"Unknown attendee key(s): {unknown}")
            if not isinstance(item.get("IsUser"), bool):
                raise ApiError("InvalidParameter", "attendee IsUser must be true or false")
            if item.get("AttendanceStatus") not in ATTENDANCE:
                raise ApiError(
                    "InvalidParameter",
                    f"Invalid AttendanceStatus: {item.get('AttendanceStatus')!r}",
                )
            attendee = item.get("AttendeeId")
            if item["IsUser"]:
                if str(attendee) != str(self.user["UserId"]):
                    raise ApiError("RecordNotFound", f"No user with id {attendee}")
            else:
                if not isinstance(attendee, str):
                    raise ApiError("InvalidParameter", "a contact AttendeeId must be a string")
                self._get_contact({"ContactId": attendee})

    def _create_event(self, params: JsonObject) -> Any:
        self._check_event_fields(params, creating=True)
        start, end = params["StartDate"], params["EndDate"]
        if _instant(end) < _instant(start):
            raise ApiError("InvalidParameter", "EndDate is before StartDate")
        with self._lock:
            event_id = f"{4_100_000_000_000_000_000_000_000_000_000 + next(self._ids):031d}"
            self.events[event_id] = {
                "EventId": event_id,
                "IsAllDay": False,
                "Location": None,
                "Description": None,
                "Attendees": [],
                **params,
            }
        return {"EventId": event_id}

    def _edit_event(self, params: JsonObject) -> Any:
        event = self._stored_event(params.get("EventId"))
        self._check_event_fields(params, creating=False)
        with self._lock:
            event.update({k: v for k, v in params.items() if k != "EventId"})
        return None

    def _stored_event(self, wanted: Any) -> JsonObject:
        if not isinstance(wanted, str):
            raise ApiError("InvalidParameter", "EventId must be a string")
        if wanted not in self.events:
            raise ApiError("RecordNotFound", f"No event with id {wanted}")
        return self.events[wanted]

    def _get_event(self, params: JsonObject) -> Any:
        return self._rendered(self._stored_event(params.get("EventId")))

    def _rendered(self, event: JsonObject) -> JsonObject:
        """An event as a reply carries it: a copy, its Description in `description_format`."""
        description = event.get("Description")
        if not isinstance(description, str):
            return dict(event)
        return {**event, "Description": render_description(description, self.description_format)}

    def _events_of(self, contact: str) -> list[JsonObject]:
        return [
            e
            for e in self.events.values()
            if any(
                not a.get("IsUser") and a.get("AttendeeId") == contact
                for a in e.get("Attendees") or []
            )
        ]

    def _get_events(self, params: JsonObject) -> Any:
        direction = params.get("SortDirection", "Ascending")
        if direction not in ("Ascending", "Descending"):
            raise ApiError("InvalidParameter", f"Invalid SortDirection: {direction!r}")
        for key in ("UserFilter", "CalendarFilter"):
            if key in params and not isinstance(params[key], list):
                raise ApiError("InvalidParameter", f"{key} must be a list")
        if "ContactId" in params:  # overrides the other filters
            self._get_contact({"ContactId": params["ContactId"]})
            found = self._events_of(params["ContactId"])
        else:
            low = _date_param(params, "StartDate")
            high = _date_param(params, "EndDate")
            found = [
                e
                for e in self.events.values()
                if (low is None or _instant(e["StartDate"]).date() >= low)
                and (high is None or _instant(e["StartDate"]).date() <= high)
            ]
        found.sort(key=lambda e: _instant(e["StartDate"]), reverse=direction == "Descending")
        return self._paged_reply(params, [self._rendered(e) for e in found], "EventId")

    def _get_events_attached_to_contact(self, params: JsonObject) -> Any:
        self._get_contact({"ContactId": params.get("ContactId")})
        found = sorted(self._events_of(params["ContactId"]), key=lambda e: _instant(e["StartDate"]))
        return self._paged_reply(params, [self._rendered(e) for e in found], "EventId")

    def _create_note(self, params: JsonObject) -> Any:
        self._get_contact({"ContactId": params.get("ContactId")})
        if not isinstance(params.get("Note"), str) or not params["Note"].strip():
            raise ApiError("MissingParameter", "Note must be non-empty text")
        if "DateDisplayedInHistory" in params:
            _check_date_time("DateDisplayedInHistory", params["DateDisplayedInHistory"], False)
        with self._lock:
            note_id = f"{4_200_000_000_000_000_000_000_000_000_000 + next(self._ids):031d}"
            self.notes.append({"NoteId": note_id, **params})
        return {"NoteId": note_id}

    # --- one request ------------------------------------------------------------------------

    def _next_fault(self) -> tuple[str, str] | None:
        with self._lock:
            count = len(self.requests) + 1
            if self._drops:
                self._drops -= 1
                return ("drop", "")
            if self._rate_limited:
                return ("429", self._rate_limited.pop(0))
            if self.fail_every_nth and count % self.fail_every_nth == 0:
                return ("500", "")
        return None

    def _take_call_fault(self, function: Any, *, before: bool) -> str | None:
        with self._lock:
            for i, (name, action) in enumerate(self._after_processing):
                if name == function and (action == "drop-unprocessed") == before:
                    del self._after_processing[i]
                    return action
        return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _int_param(params: JsonObject, name: str, default: int, low: int, high: int | None) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("InvalidParameter", f"{name} must be an integer")
    if value < low or (high is not None and value > high):
        raise ApiError("InvalidParameter", f"{name} out of range: {value}")
    return value


def _page_of(
    params: JsonObject, found: list[JsonObject], cap: int | None = None
) -> tuple[list[JsonObject], bool]:
    """The page `Page` of `found` with `MaxNumberOfResults` per page (at most `cap`), and
    whether more follow."""
    size = _int_param(params, "MaxNumberOfResults", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _int_param(params, "Page", 1, 1, None)
    if cap is not None:
        size = min(size, cap)
    start = (page - 1) * size
    return found[start : start + size], start + size < len(found)


def render_description(text: str, form: str) -> str:
    """A description stored as sent (`\\n` line breaks) in one of DESCRIPTION_FORMATS."""
    assert form in DESCRIPTION_FORMATS, form
    if form == "plain":
        return text
    if form == "crlf":  # Windows line breaks, the last line ended too
        return text.replace("\n", "\r\n") + "\r\n"
    if form == "cr":
        return text.replace("\n", "\r")
    # As a rich-text editor stores it: escaped, colons and the spaces after them as entities,
    # one paragraph with <br/> between lines, indented.
    lines = [
        html.escape(line, quote=False).replace(": ", "&#58;&nbsp;") for line in text.split("\n")
    ]
    return "<p>\n  " + "<br/>\n  ".join(lines) + "\n</p>"


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _check_date_time(name: str, value: Any, all_day: bool) -> None:
    """ISO 8601; a date-time must carry its offset (it becomes the event's time zone)."""
    if not isinstance(value, str):
        raise ApiError("InvalidParameter", f"{name} must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError("InvalidParameter", f"{name} is not ISO 8601: {value!r}") from None
    if not all_day and parsed.tzinfo is None:
        raise ApiError("InvalidParameter", f"{name} needs an explicit UTC offset: {value!r}")


def _date_param(params: JsonObject, name: str) -> date | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError("InvalidParameter", f"{name} must be a date")
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ApiError("InvalidParameter", f"{name} is not a date: {value!r}") from None


def _check_custom_value(name: str, field_type: str, value: Any) -> None:
    """Stricter than LACRM is known to be: the value must fit the field's type (null blanks)."""
    if value is None:
        return
    if field_type in ("Number", "Currency"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif field_type == "Date":
        ok = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
        if ok:
            try:
                date.fromisoformat(value)
            except ValueError:
                ok = False
    elif field_type == "Checkbox":
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise ApiError(
            "InvalidParameter", f"Invalid value for {field_type} field {name!r}: {value!r}"
        )


def _sort_key(item: JsonObject, sort_by: str) -> str:
    name = item.get("Name") if isinstance(item.get("Name"), dict) else {}
    assert isinstance(name, dict)
    if sort_by == "FirstName":
        return str(name.get("FirstName", ""))
    if sort_by == "LastName":
        return str(name.get("LastName", ""))
    if sort_by == "CompanyName":
        return str(item.get("Company Name", ""))
    return str(item.get(sort_by, ""))


def _make_handler(fake: FakeLacrm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

        def do_GET(self) -> None:
            self._reply(405, {"ErrorCode": "MethodNotAllowed", "ErrorDescription": "Use POST"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            content_type = self.headers.get("Content-Type", "")
            authorized = self.headers.get("Authorization") == fake.api_key
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
            function = body.get("Function") if isinstance(body, dict) else None
            parameters = body.get("Parameters", {}) if isinstance(body, dict) else {}
            record = RecordedRequest(
                "POST",
                self.path,
                function if isinstance(function, str) else None,
                parameters if isinstance(parameters, dict) else {},
                authorized,
                content_type,
            )

            fault = fake._next_fault()
            if fault is None and fake._take_call_fault(function, before=True):
                fault = ("drop", "")
            if fault is not None and fault[0] == "drop":
                fake._record(record)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault is not None and fault[0] == "429":
                fake._record(replace(record, status=429))
                self._reply(
                    429,
                    {"ErrorCode": "RateLimited", "ErrorDescription": "Too many requests"},
                    {"Retry-After": fault[1]},
                )
                return
            if fault is not None:
                fake._record(replace(record, status=500))
                self._reply(500, {"ErrorCode": "ServerError", "ErrorDescription": "Try again"})
                return

            status, payload = self._answer(body, authorized, content_type, function, parameters)
            after = fake._take_call_fault(function, before=False) if status == 200 else None
            if after == "drop":  # carried out, but the caller never hears about it
                fake._record(replace(record, status=status))
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if after == "500":
                fake._record(replace(record, status=500))
                self._reply(500, {"ErrorCode": "ServerError", "ErrorDescription": "Try again"})
                return
            fake._record(replace(record, status=status))
            self._reply(status, payload)

        def _answer(
            self,
            body: Any,
            authorized: bool,
            content_type: str,
            function: Any,
            parameters: Any,
        ) -> tuple[int, Any]:
            if self.path != "/v2/":
                return 404, {"ErrorCode": "NotFound", "ErrorDescription": "No such endpoint"}
            try:
                if not authorized:
                    raise ApiError("InvalidApiKey", "The API key is missing or invalid.")
                if content_type.split(";")[0].strip() != "application/json":
                    raise ApiError("InvalidContentType", "Content-Type must be application/json")
                if not isinstance(body, dict):
                    raise ApiError("InvalidJson", "The request body is not a JSON object")
                extra = sorted(set(body) - {"Function", "Parameters"})
                if extra:
                    raise ApiError("InvalidRequest", f"Unknown request keys: {extra}")
                return 200, fake.dispatch(function, parameters)
            except ApiError as error:
                return 400, {"ErrorCode": error.code, "ErrorDescription": error.description}

        def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
