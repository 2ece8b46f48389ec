"""Carry out a sync plan against LACRM, one call at a time, recording each as it happens.

Safety rules (contract: ../shared/lacrm-api.md, "What safe means"):
- Custom fields are resolved once with GetCustomFields (every page); a missing one stops
  everything before the first write.
- EditContact / EditEvent are idempotent and retried by the client on transient errors.
- CreateEvent is not: a `pending` row is committed before the call; when the outcome is
  unknown (timeout, dropped connection, 5xx, unreadable reply) the contact's events are
  searched for the meeting id written into the description (in whatever form LACRM returns
  it: see plan.carries_meeting_id) before creating again. A pending row left by a crash is
  looked up the same way by the next run.
- After every call its state change and audit rows are committed together, so a stop keeps
  the progress and the next run resumes.
- A refused call (HTTP 400) is recorded and the run goes on; after `stop_after_failures`
  failures in a row the run stops (something is wrong with the key, the fields or LACRM).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import duckdb

from loader.lacrm.audit import AuditLog
from loader.lacrm.client import (
    LacrmAmbiguousError,
    LacrmApiError,
    LacrmClient,
    LacrmError,
    LacrmUnavailableError,
)
from loader.lacrm.field_map import FieldMapping, FieldValue, check_custom_fields
from loader.lacrm.plan import ContactUpdate, EventCreate, EventEdit, Plan, carries_meeting_id
from loader.lacrm.state import (
    drop_pending_event,
    mark_event_pending,
    save_contact_fields,
    save_event,
    write_audit,
)

log = logging.getLogger(__name__)

DEFAULT_STOP_AFTER_FAILURES = 5
CREATE_ROUNDS = 3
"""CreateEvent attempts per meeting in one run when each outcome is unknown and the lookup
found nothing (each followed by a lookup)."""
CUSTOM_FIELDS_PAGE_SIZE = 500
"""GetCustomFields is paged like the search functions (MaxNumberOfResults / Page, 500 by
default, as issue 18 reports). *Unverified*: lacrm-api.md lists only RecordType and accepts a
bare list or {"Results": [...]}; client.page_results reads all of those shapes."""


@dataclass(frozen=True)
class Failure:
    what: str
    message: str


@dataclass
class SyncResult:
    contacts_updated: int = 0
    events_created: int = 0
    events_found: int = 0
    """Events whose create outcome was unknown and that the lookup found (not created twice)."""
    events_edited: int = 0
    failures: list[Failure] = field(default_factory=list)
    stopped: str | None = None
    steps_done: int = 0

    @property
    def failed(self) -> int:
        return len(self.failures)


def fetch_custom_fields(client: LacrmClient, mappings: list[FieldMapping]) -> None:
    """Check that every mapped contact custom field exists (GetCustomFields, every page, read
    only)."""
    definitions = client.paged(
        "GetCustomFields", {"RecordType": "Contact"}, page_size=CUSTOM_FIELDS_PAGE_SIZE
    )
    check_custom_fields(mappings, list(definitions))


def check_fields_audited(
    client: LacrmClient,
    con: duckdb.DuckDBPyConnection,
    audit: AuditLog,
    mappings: list[FieldMapping],
) -> None:
    try:
        fetch_custom_fields(client, mappings)
    finally:
        write_audit(con, audit.take())


def find_event(client: LacrmClient, item: EventCreate) -> tuple[str | None, str]:
    """The EventId of an event already made for this meeting (the meeting id in its
    description; an exact start time preferred), and a note for the audit."""
    candidates: list[tuple[bool, str]] = []
    for event in client.paged("GetEvents", {"ContactId": item.contact_id}):
        if not carries_meeting_id(event.get("Description"), item.meeting_id):
            continue
        event_id = event.get("EventId")
        if event_id is None:
            continue
        candidates.append(
            (not _same_instant(event.get("StartDate"), item.fields.start_date), str(event_id))
        )
    if not candidates:
        return None, "no event carries this meeting id"
    candidates.sort()
    found = candidates[0][1]
    note = f"found existing event {found}"
    if len(candidates) > 1:
        note += f" ({len(candidates)} events carry this meeting id: duplicates made by hand?)"
        log.warning("meeting %s: %s", item.meeting_id, note)
    return found, note


def _same_instant(value: Any, wanted: str) -> bool:
    try:
        return datetime.fromisoformat(str(value)) == datetime.fromisoformat(wanted)
    except (TypeError, ValueError):
        return False


class Executor:
    """Runs the plan's calls and records each one; see the module docstring."""

    def __init__(
        self,
        client: LacrmClient,
        con: duckdb.DuckDBPyConnection,
        audit: AuditLog,
        *,
        stop_after_failures: int = DEFAULT_STOP_AFTER_FAILURES,
        on_step: Callable[[SyncResult], None] | None = None,
    ) -> None:
        self.client = client
        self.con = con
        self.audit = audit
        self.run_id = audit.run_id
        self.stop_after = stop_after_failures
        self.on_step = on_step
        self.result = SyncResult()
        self._in_a_row = 0

    # --- the whole plan ---------------------------------------------------------------------

    def run(self, plan: Plan) -> SyncResult:
        steps: list[tuple[str, Callable[[], None]]] = []
        for update in plan.contact_updates:
            steps.append((_describe_contact(update), partial(self.edit_contact, update)))
        for create in plan.event_creates:
            steps.append((_describe_create(create), partial(self.create_event, create)))
        for edit in plan.event_edits:
            steps.append((_describe_edit(edit), partial(self.edit_event, edit)))
        for what, step in steps:
            try:
                step()
            except LacrmError as error:
                self.result.failures.append(Failure(what, str(error)))
                log.warning("%s failed: %s", what, error)
                self._in_a_row += 1
                if self._in_a_row >= self.stop_after:
                    self.result.stopped = (
                        f"stopped after {self._in_a_row} failed calls in a row (last: {what}:"
                        f" {error}); everything done so far is saved, run `meetings sync"
                        " --apply` again to resume"
                    )
                    break
            else:
                self._in_a_row = 0
            finally:
                self.result.steps_done += 1
                if self.on_step is not None:
                    self.on_step(self.result)
        return self.result

    # --- one step each ----------------------------------------------------------------------

    def edit_contact(self, update: ContactUpdate) -> None:
        try:
            self.client.call("EditContact", update.parameters())
        except LacrmError:
            write_audit(self.con, self.audit.take(contact_id=update.contact_id))
            raise
        values: dict[str, FieldValue] = {c.field: c.new for c in update.changes}
        save_contact_fields(
            self.con,
            self.run_id,
            update.contact_id,
            values,
            self.audit.take(contact_id=update.contact_id),
        )
        self.result.contacts_updated += 1

    def edit_event(self, edit: EventEdit) -> None:
        ids = {"contact_id": edit.contact_id, "meeting_id": edit.meeting_id}
        try:
            self.client.call("EditEvent", edit.parameters())
        except LacrmError:
            write_audit(self.con, self.audit.take(**ids, event_id=edit.event_id))
            raise
        save_event(
            self.con,
            self.run_id,
            edit.meeting_id,
            edit.contact_id,
            edit.event_id,
            edit.fields,
            self.audit.take(**ids, event_id=edit.event_id),
        )
        self.result.events_edited += 1

    def create_event(self, item: EventCreate) -> None:
        """Create the meeting's event exactly once, even when LACRM's answer is lost."""
        if item.look_up_first and self._adopt_existing(item):
            return
        if not item.create_if_missing:
            drop_pending_event(self.con, item.meeting_id, [])
            return
        ids = {"contact_id": item.contact_id, "meeting_id": item.meeting_id}
        for _ in range(CREATE_ROUNDS):
            mark_event_pending(
                self.con, self.run_id, item.meeting_id, item.contact_id, item.fields, []
            )
            try:
                reply = self.client.call("CreateEvent", item.parameters(), idempotent=False)
            except LacrmApiError:  # refused: certainly not created
                drop_pending_event(self.con, item.meeting_id, self.audit.take(**ids))
                raise
            except LacrmAmbiguousError:
                write_audit(self.con, self.audit.take(**ids, note="outcome unknown: look up"))
                if self._adopt_existing(item):
                    return
                continue  # certainly not there: create it (again)
            except LacrmUnavailableError:  # never reached LACRM (429s, no connection)
                drop_pending_event(self.con, item.meeting_id, self.audit.take(**ids))
                raise
            except LacrmError:  # a reply we cannot read: it may have been created
                write_audit(self.con, self.audit.take(**ids, note="unreadable reply: look up"))
                if self._adopt_existing(item):
                    return
                continue
            event_id = reply.get("EventId") if isinstance(reply, dict) else None
            if not isinstance(event_id, (str, int)) or isinstance(event_id, bool):
                write_audit(self.con, self.audit.take(**ids, note="reply without EventId"))
                if self._adopt_existing(item):
                    return
                continue
            save_event(
                self.con,
                self.run_id,
                item.meeting_id,
                item.contact_id,
                str(event_id),
                item.fields,
                self.audit.take(**ids, event_id=str(event_id)),
            )
            self.result.events_created += 1
            return
        raise LacrmUnavailableError(
            f"CreateEvent for meeting {item.meeting_id}: outcome unknown {CREATE_ROUNDS} times;"
            " the next run looks the event up before creating it"
        )

    def _adopt_existing(self, item: EventCreate) -> bool:
        """Look the meeting's event up; record it when found. Lookup errors propagate and
        leave the pending row, so the next run looks again."""
        ids = {"contact_id": item.contact_id, "meeting_id": item.meeting_id}
        try:
            event_id, note = find_event(self.client, item)
        except LacrmError:
            write_audit(self.con, self.audit.take(**ids, note="lookup failed"))
            raise
        if event_id is None:
            write_audit(self.con, self.audit.take(**ids, note=note))
            return False
        save_event(
            self.con,
            self.run_id,
            item.meeting_id,
            item.contact_id,
            event_id,
            item.fields,
            self.audit.take(**ids, event_id=event_id, note=note),
        )
        self.result.events_found += 1
        return True


def _describe_contact(update: ContactUpdate) -> str:
    return f"EditContact {update.contact_id} ({update.contact_name})"


def _describe_create(item: EventCreate) -> str:
    return f"CreateEvent meeting {item.meeting_id} ({item.contact_name}, {item.fields.name})"


def _describe_edit(edit: EventEdit) -> str:
    return f"EditEvent {edit.event_id} meeting {edit.meeting_id} ({edit.contact_name})"
