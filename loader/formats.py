"""Export formats the loader recognises, by header signature.

This is the one place that knows header names. A real file that differs from what is
documented here (see ../shared/export-formats.md in the design notes, and the README) is a
one-line fix: add the header to `aliases` (renamed column) or `known_columns`.
Headers are compared case-insensitively with surrounding whitespace trimmed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


def header_key(name: str) -> str:
    """How two header spellings are compared: trimmed, case-folded, inner spaces collapsed."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class ExportFormat:
    """One platform's CSV export and the raw table it lands in."""

    platform: str
    raw_table: str
    folder: str
    signature: tuple[str, ...]
    """Headers that together identify the platform (all must be present)."""
    required: tuple[str, ...]
    """Core columns the models need; a recognised file missing one is rejected."""
    known_columns: tuple[str, ...]
    """Documented header, in order: the raw table is created with these columns."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Renamed headers seen in other export versions -> the documented name."""
    full_state: bool = False
    """The file is the complete current state of something (not one export window among
    many): its latest landed version is the truth, so content that was landed before is
    landed again when an older version is dropped back (e.g. a `git revert` of the file)."""

    def canonical(self, header: str) -> str:
        """The raw-table column name for a file's header: alias, documented spelling, or as-is."""
        key = header_key(header)
        for alias, target in self.aliases.items():
            if header_key(alias) == key:
                return target
        for known in self.known_columns:
            if header_key(known) == key:
                return known
        return " ".join(header.split())

    def matches(self, headers: list[str]) -> bool:
        keys = {header_key(self.canonical(h)) for h in headers}
        return all(header_key(s) in keys for s in self.signature)

    def missing_required(self, headers: list[str]) -> list[str]:
        keys = {header_key(self.canonical(h)) for h in headers}
        return [r for r in self.required if header_key(r) not in keys]


CALENDLY = ExportFormat(
    platform="calendly",
    raw_table="calendly_events",
    folder="calendly",
    signature=("Invitee UUID", "Event Type Name"),
    required=(
        "Event UUID",
        "Invitee UUID",
        "Invitee Name",
        "Invitee Email",
        "Event Type Name",
        "Start Date & Time",
        "End Date & Time",
        "Canceled",
        "Marked as No-Show",
    ),
    known_columns=(
        "User Name",
        "Team",
        "Invitee Name",
        "Invitee First Name",
        "Invitee Last Name",
        "Invitee Email",
        "Invitee Time Zone",
        "Invitee accepted marketing emails",
        "Text Reminder Number",
        "Event Type Name",
        "Start Date & Time",
        "End Date & Time",
        "Location",
        "Event Created Date & Time",
        "Canceled",
        "Canceled By",
        "Cancellation reason",
        "Question 1",
        "Response 1",
        "UTM Campaign",
        "UTM Source",
        "UTM Medium",
        "UTM Term",
        "UTM Content",
        "Salesforce UUID",
        "Event Price",
        "Payment Currency",
        "Guest Email(s)",
        "Invitee Reconfirmed",
        "Marked as No-Show",
        "Meeting Notes",
        "Group",
        "User Email",
        "Event UUID",
        "Invitee UUID",
        "Invitee scheduled by",
        "Scheduling method",
    ),
    # Renamed headers -> documented name. None of these has been seen in a real export yet
    # (*inferred*: spelling variants a newer or localized export may use); the README lists
    # them. A real file with another spelling is a one-line fix here.
    aliases={
        "Invitee Full Name": "Invitee Name",
        "Invitee Timezone": "Invitee Time Zone",
        "Event Name": "Event Type Name",
        "Start Date and Time": "Start Date & Time",
        "End Date and Time": "End Date & Time",
        "Start Time": "Start Date & Time",
        "End Time": "End Date & Time",
        "Event Created Date and Time": "Event Created Date & Time",
        "Cancelled": "Canceled",
        "Cancelled By": "Canceled By",
        "Marked as No Show": "Marked as No-Show",
        "No-Show": "Marked as No-Show",
    },
)

CALCOM = ExportFormat(
    platform="calcom",
    raw_table="calcom_bookings",
    folder="calcom",
    # camelCase JSON keys of the Insights "Download -> CSV"; no other export has all three.
    signature=("uid", "startTime", "timeStatus"),
    required=(
        "uid",
        "title",
        "createdAt",
        "timeStatus",
        "eventTypeId",
        "startTime",
        "endTime",
        "attendee1",
    ),
    # attendeeN / attendeePhoneN go up to the largest booking in the file: columns beyond
    # these land as new raw columns (like Calendly's Question N / Response N), as do the
    # booking-question columns newer versions append (e.g. `Additional notes`).
    known_columns=(
        "id",
        "uid",
        "title",
        "createdAt",
        "timeStatus",
        "eventTypeId",
        "eventLength",
        "startTime",
        "endTime",
        "paid",
        "userEmail",
        "userUsername",
        "rating",
        "ratingFeedback",
        "noShowHost",
        "createdAt_date",
        "createdAt_time",
        "startTime_date",
        "startTime_time",
        "endTime_date",
        "endTime_time",
        "noShowGuests",
        "noShowGuestsCount",
        "attendee1",
        "attendeePhone1",
        "attendee2",
        "attendeePhone2",
        "attendee3",
        "attendeePhone3",
        # Only in some versions: the host's display name, a team-booking flag, and the
        # older boolean no-show flag of the booker (attendee1) before `noShowGuests`.
        "userName",
        "isTeamBooking",
        "noShowGuest",
    ),
    # No renamed Cal.com header is known yet; add `"oldName": "documentedName"` here.
    aliases={},
)

# Inferred (no real LACRM export header was found): every spelling is an alias here, so a
# differing real file is a one-line fix. Any number of email columns is allowed: every
# column whose header starts with "Email" / "E-mail" (`Email`, `Email 1`, `Email (Work)`)
# is an email of the contact, the first filled one being the primary.
LACRM_CONTACTS_CSV = ExportFormat(
    platform="lacrm",
    raw_table="lacrm_contacts_csv",
    folder="lacrm",
    signature=("Contact ID", "First Name", "Last Name"),
    required=("Contact ID",),
    known_columns=(
        "Contact ID",
        "First Name",
        "Last Name",
        "Company Name",
        "Email",
        "Date Created",
        "Last Update",
    ),
    aliases={
        "ContactId": "Contact ID",
        "FirstName": "First Name",
        "LastName": "Last Name",
        "CompanyName": "Company Name",
        "Company": "Company Name",
        "DateCreated": "Date Created",
        "Created": "Date Created",
        "Created Date": "Date Created",
        "LastUpdate": "Last Update",
        "Last Updated": "Last Update",
    },
)

# The user-owned decisions file written by `meetings resolve` (data/lacrm/email_overrides.csv).
EMAIL_OVERRIDES = ExportFormat(
    platform="email_overrides",
    raw_table="lacrm_email_overrides",
    folder="lacrm",
    signature=("email", "contact_id", "action"),
    required=("email", "contact_id", "action"),
    known_columns=("email", "contact_id", "action", "decided_at", "note"),
    full_state=True,
)

FORMATS: tuple[ExportFormat, ...] = (CALENDLY, CALCOM, LACRM_CONTACTS_CSV, EMAIL_OVERRIDES)


def detect(headers: list[str]) -> ExportFormat | None:
    """The format whose signature the header carries, or None when nothing matches."""
    for fmt in FORMATS:
        if fmt.matches(headers):
            return fmt
    return None


def signature_hint() -> str:
    """What each known export's header must contain, for 'matches no known export' errors."""
    return "; ".join(
        f"{fmt.platform} needs {', '.join(repr(s) for s in fmt.signature)}" for fmt in FORMATS
    )


def similar_headers(fmt: ExportFormat, headers: list[str], missing: list[str]) -> str:
    """For each missing column, an unrecognised header of the file that looks like it
    ("the file has 'Invitee E-mail'"): reported, never mapped by guess."""
    known = {header_key(k) for k in (*fmt.known_columns, *fmt.aliases)}
    unknown = [h for h in headers if h.strip() and header_key(h) not in known]
    by_key = {header_key(h): h for h in unknown}
    hints = []
    for column in missing:
        close = difflib.get_close_matches(header_key(column), list(by_key), n=1, cutoff=0.6)
        if close:
            hints.append(f"the file has {by_key[close[0]]!r}, not {column!r}")
    if not hints:
        return ""
    hint = ": if that is the same column, add it to `aliases` in loader/formats.py"
    return "; ".join(hints) + hint
