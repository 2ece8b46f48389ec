"""What `meetings sync` would send: the diff between the warehouse and what was last pushed.

Pure functions over rows read from the marts and the `sync` state; nothing here talks to
LACRM or writes anything, so a dry run and an `--apply` run compute the same plan.

Contacts: `EditContact` with only the custom fields whose value differs from the value last
pushed successfully. A field never pushed counts as "unknown": an empty value (no meeting
date) is then not sent, so the export never blanks a value it did not write. Contacts with no
meeting at all and nothing pushed before are left alone (their fields stay empty).

Timeline: one `CreateEvent` per matched meeting that is completed or scheduled, counted,
without a data issue (and starting on/after `--since`). A meeting whose event exists and
whose fields changed gets an `EditEvent` with only those fields: in particular a meeting
canceled (or marked no-show, or rescheduled) after it was pushed is renamed
"Canceled: <name>" with a line saying so in the description — once, because the edited
fields are stored and the next diff is empty.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

import duckdb

from loader.errors import MeetingsError
from loader.lacrm.field_map import (
    NOT_COMPUTED,
    FieldMapping,
    FieldValue,
    Marker,
    check_metric_columns,
    field_value,
)
from loader.lacrm.state import (
    EventFields,
    EventRecord,
    has_table,
    load_contact_state,
    load_event_map,
)

METRICS = "marts.contact_meeting_metrics"
MEETINGS = "marts.fct_meetings"

TIMELINE_STATUSES: Final = frozenset({"completed", "scheduled"})
# Status after the event was pushed -> (name prefix, description line).
WITHDRAWN: Final = {
    "canceled": ("Canceled: ", "Canceled on {platform}: this meeting did not take place."),
    "no_show": ("No-show: ", "Marked as a no-show: the client did not attend."),
    "rescheduled": (
        "Rescheduled: ",
        "Rescheduled on {platform}: replaced by another booking (its own event).",
    ),
}
PLATFORM_NAMES: Final = {"calendly": "Calendly", "calcom": "Cal.com"}
MEETING_ID_LABEL = "meeting_id"
MEETING_ID_PREFIX = f"{MEETING_ID_LABEL}: "
"""Starts the description line that carries the meeting id (see carries_meeting_id)."""
# sync.event_map / EventFields attribute -> CreateEvent / EditEvent parameter.
EVENT_PARAMETERS: Final = {
    "name": "Name",
    "start_date": "StartDate",
    "end_date": "EndDate",
    "location": "Location",
    "description": "Description",
}


UNSET: Final = Marker("UNSET")
"""The export never wrote this field (its value in LACRM is unknown)."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: FieldValue | Marker
    new: FieldValue


@dataclass(frozen=True)
class ContactUpdate:
    contact_id: str
    contact_name: str
    changes: tuple[FieldChange, ...]

    def parameters(self) -> dict[str, Any]:
        return {"ContactId": self.contact_id, **{c.field: c.new for c in self.changes}}


@dataclass(frozen=True)
class Meeting:
    """The columns of one fct_meetings row the timeline needs."""

    meeting_id: str
    contact_id: str
    status: str | None
    is_counted: bool
    has_data_issue: bool
    event_type_name: str | None
    start_at: datetime | None
    end_at: datetime | None
    location: str | None
    platform: str | None

    @property
    def on_timeline(self) -> bool:
        return (
            self.status in TIMELINE_STATUSES
            and self.is_counted
            and not self.has_data_issue
            and self.start_at is not None
            and self.end_at is not None
        )


@dataclass(frozen=True)
class EventCreate:
    meeting_id: str
    contact_id: str
    contact_name: str
    status: str
    fields: EventFields
    look_up_first: bool = False
    """An earlier CreateEvent's outcome is unknown: find the event before creating one."""
    create_if_missing: bool = True
    """False for a pending create whose meeting left the timeline: only adopt what exists."""

    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "Name": self.fields.name,
            "StartDate": self.fields.start_date,
            "EndDate": self.fields.end_date,
            "Description": self.fields.description,
            "Attendees": [
                {"IsUser": False, "AttendeeId": self.contact_id, "AttendanceStatus": "IsAttending"}
            ],
        }
        if self.fields.location is not None:
            params["Location"] = self.fields.location
        return params


@dataclass(frozen=True)
class EventEdit:
    meeting_id: str
    contact_id: str
    contact_name: str
    event_id: str
    status: str
    fields: EventFields
    changed: tuple[str, ...]
    """EventFields attributes that differ from what was last written."""
    old: EventFields

    def parameters(self) -> dict[str, Any]:
        return {
            "EventId": self.event_id,
            **{EVENT_PARAMETERS[name]: getattr(self.fields, name) for name in self.changed},
        }


@dataclass
class Plan:
    contact_updates: list[ContactUpdate] = field(default_factory=list)
    contacts_unchanged: int = 0
    not_computed: list[tuple[str, str]] = field(default_factory=list)
    """(contact_id, field) left alone because the metric could not be computed."""
    event_creates: list[EventCreate] = field(default_factory=list)
    event_edits: list[EventEdit] = field(default_factory=list)
    events_unchanged: int = 0
    attention: list[str] = field(default_factory=list)
    """Things the export will not fix by itself (one line each)."""
    deferred: int = 0
    """Writes left for a later run by --limit."""

    @property
    def writes(self) -> int:
        return len(self.contact_updates) + len(self.event_creates) + len(self.event_edits)


# --- reading the warehouse ----------------------------------------------------------------------


def require_marts(con: duckdb.DuckDBPyConnection) -> None:
    for table in (METRICS, MEETINGS):
        if not has_table(con, table):
            raise MeetingsError(f"{table} does not exist yet; run `meetings run` first")


def read_metrics(
    con: duckdb.DuckDBPyConnection, mappings: Iterable[FieldMapping]
) -> list[dict[str, Any]]:
    cursor = con.execute(f"select * from {METRICS} order by contact_id")
    columns = [d[0] for d in cursor.description]
    check_metric_columns(mappings, columns)
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def read_meetings(con: duckdb.DuckDBPyConnection) -> list[Meeting]:
    rows = con.execute(
        f"""
        select
            meeting_id, contact_id, status, coalesce(is_counted, false), has_data_issue,
            event_type_name, start_at, end_at, location, platform
        from {MEETINGS}
        where contact_id is not null
        order by start_at nulls last, meeting_id
        """
    ).fetchall()
    return [Meeting(*row) for row in rows]


# --- contacts ------------------------------------------------------------------------------------


def diff_contact(
    values: Mapping[str, Any], pushed: Mapping[str, str]
) -> tuple[list[FieldChange], list[str]]:
    """Changed fields, and fields left alone because their metric was not computed."""
    changes: list[FieldChange] = []
    skipped: list[str] = []
    for name, value in values.items():
        if value is NOT_COMPUTED:
            skipped.append(name)
            continue
        old_json = pushed.get(name)
        if old_json is None:
            if value is None:
                continue  # never written by us, nothing to write: leave LACRM's value alone
            changes.append(FieldChange(name, UNSET, value))
        elif json.dumps(value) != old_json:
            changes.append(FieldChange(name, json.loads(old_json), value))
    return changes, skipped


def plan_contacts(
    plan: Plan,
    metrics: list[dict[str, Any]],
    state: Mapping[str, Mapping[str, str]],
    mappings: list[FieldMapping],
    tz: ZoneInfo,
) -> None:
    for row in metrics:
        contact_id = str(row["contact_id"])
        pushed = state.get(contact_id, {})
        if not pushed and not row.get("total_meetings"):
            continue  # no meeting ever, nothing written before: leave the contact alone
        values = {m.lacrm_field: field_value(m, row.get(m.metric_column), tz) for m in mappings}
        changes, skipped = diff_contact(values, pushed)
        plan.not_computed.extend((contact_id, name) for name in skipped)
        if changes:
            name = str(row.get("full_name") or contact_id)
            plan.contact_updates.append(ContactUpdate(contact_id, name, tuple(changes)))
        else:
            plan.contacts_unchanged += 1


# --- timeline ------------------------------------------------------------------------------------


def event_fields(meeting: Meeting, tz: ZoneInfo) -> EventFields:
    """The event for a meeting: times with the firm's UTC offset (it becomes the event's zone),
    and the stable meeting id on its own line of the description (found again by it)."""
    assert meeting.start_at is not None and meeting.end_at is not None
    type_name = (meeting.event_type_name or "").strip() or "Meeting"
    platform = PLATFORM_NAMES.get(meeting.platform or "", meeting.platform or "the scheduler")
    name = type_name
    lines = [f"{type_name}, booked on {platform}. Added by the meetings pipeline."]
    if meeting.status in WITHDRAWN:
        prefix, line = WITHDRAWN[meeting.status]
        name = prefix + type_name
        lines.append(line.format(platform=platform))
    lines.append(MEETING_ID_PREFIX + meeting.meeting_id)
    location = (meeting.location or "").strip() or None
    return EventFields(
        name=name,
        start_date=meeting.start_at.astimezone(tz).isoformat(timespec="seconds"),
        end_date=meeting.end_at.astimezone(tz).isoformat(timespec="seconds"),
        location=location,
        description="\n".join(lines),
    )


# Something that looks like an HTML tag (`<br>`, `<br/>`, `<p class=x>`, `</div>`); a bare `<`
# in plain text ("a < b", "<3") is not one, so it never swallows the text after it.
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def description_text(description: object) -> str:
    """An event's Description as plain text, whichever form LACRM returns it in.

    *Unverified* (lacrm-api.md: the event object is unverified beyond its field names): the
    description is written as plain text with `\\n` line breaks but may come back with other
    line breaks (`\\r\\n`, `\\r`) or as HTML (`<p>`, `<br>`, entities such as `&amp;`,
    `&#58;`, `&nbsp;`). Tags become spaces and entities are decoded; line breaks and runs
    of whitespace are left to the reader's `\\s`.
    """
    text = "" if description is None else str(description)
    return html.unescape(_HTML_TAG.sub(" ", text))


def carries_meeting_id(description: object, meeting_id: str) -> bool:
    """Does this event description carry `meeting_id: <meeting_id>` (written by
    event_fields), anywhere in it and in any of the forms description_text reads?

    Whitespace around the colon is free; the label must not end a longer word
    (`other_meeting_id`) and the id must be followed by whitespace or the end, so a
    meeting id that is only the start of a longer id never matches.
    """
    if not meeting_id:
        return False
    pattern = rf"(?<![\w-]){re.escape(MEETING_ID_LABEL)}\s*:\s*{re.escape(meeting_id)}(?!\S)"
    return re.search(pattern, description_text(description)) is not None


def since_instant(since: date | None, tz: ZoneInfo) -> datetime | None:
    """--since DATE: midnight of that day in the firm's time zone."""
    return None if since is None else datetime.combine(since, time(), tzinfo=tz)


def plan_timeline(
    plan: Plan,
    meetings: list[Meeting],
    events: Mapping[str, EventRecord],
    names: Mapping[str, str],
    tz: ZoneInfo,
    since: datetime | None,
) -> None:
    for meeting in meetings:
        if since is not None and (meeting.start_at is None or meeting.start_at < since):
            continue
        record = events.get(meeting.meeting_id)
        name = names.get(meeting.contact_id, meeting.contact_id)
        status = meeting.status or "unknown"
        if record is None:
            if meeting.on_timeline:
                fields = event_fields(meeting, tz)
                plan.event_creates.append(
                    EventCreate(meeting.meeting_id, meeting.contact_id, name, status, fields)
                )
            continue
        shown = meeting.on_timeline or (
            meeting.status in WITHDRAWN
            and not meeting.has_data_issue
            and meeting.start_at is not None
            and meeting.end_at is not None
        )
        if record.state == "pending":
            plan.event_creates.append(
                EventCreate(
                    meeting.meeting_id,
                    record.contact_id,
                    name,
                    status,
                    event_fields(meeting, tz) if meeting.on_timeline else record.fields,
                    look_up_first=True,
                    create_if_missing=meeting.on_timeline,
                )
            )
            continue
        if record.contact_id != meeting.contact_id:
            plan.attention.append(
                f"meeting {meeting.meeting_id} is now matched to contact {meeting.contact_id},"
                f" but its LACRM event {record.event_id} is on contact {record.contact_id}:"
                " move or delete that event in LACRM"
            )
            continue
        if not shown or record.event_id is None:
            plan.events_unchanged += 1  # data issue now: leave the event as it is
            continue
        wanted = event_fields(meeting, tz)
        changed = tuple(
            attr
            for attr in EVENT_PARAMETERS
            if getattr(wanted, attr) != getattr(record.fields, attr)
        )
        if changed:
            plan.event_edits.append(
                EventEdit(
                    meeting.meeting_id,
                    meeting.contact_id,
                    name,
                    record.event_id,
                    status,
                    wanted,
                    changed,
                    record.fields,
                )
            )
        else:
            plan.events_unchanged += 1


def apply_limit(plan: Plan, limit: int | None) -> None:
    """Keep the first `limit` writes (contacts, then new events, then edits)."""
    if limit is None or plan.writes <= limit:
        return
    plan.deferred = plan.writes - limit
    left = limit
    plan.contact_updates = plan.contact_updates[:left]
    left -= len(plan.contact_updates)
    plan.event_creates = plan.event_creates[:left]
    left -= len(plan.event_creates)
    plan.event_edits = plan.event_edits[:left]


def build_plan(
    con: duckdb.DuckDBPyConnection,
    mappings: list[FieldMapping],
    tz: ZoneInfo,
    *,
    since: date | None = None,
    timeline: bool = True,
    limit: int | None = None,
) -> Plan:
    """Everything the next `--apply` would send, from the marts and the `sync` state."""
    require_marts(con)
    metrics = read_metrics(con, mappings)
    plan = Plan()
    plan_contacts(plan, metrics, load_contact_state(con), mappings, tz)
    if timeline:
        names = {str(r["contact_id"]): str(r.get("full_name") or r["contact_id"]) for r in metrics}
        plan_timeline(
            plan, read_meetings(con), load_event_map(con), names, tz, since_instant(since, tz)
        )
    apply_limit(plan, limit)
    return plan
