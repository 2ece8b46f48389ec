"""Calendly "Export" of scheduled events: one row per invitee, wall times in New York.

The header is Calendly's, in Calendly's order (../shared/export-formats.md). Exports from
the second half of the timeline carry a second booking question (`Question 2`/`Response 2`),
as real files do when the firm adds a question to an event type.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from loader.synth import vocab
from loader.synth.bookings import Export
from loader.synth.sql import lit, pick, str_list
from loader.synth.writer import build_rows, write_files

HEADER = (
    "User Name", "Team", "Invitee Name", "Invitee First Name", "Invitee Last Name",
    "Invitee Email", "Invitee Time Zone", "Invitee accepted marketing emails",
    "Text Reminder Number", "Event Type Name", "Start Date & Time", "End Date & Time",
    "Location", "Event Created Date & Time", "Canceled", "Canceled By", "Cancellation reason",
    "Question 1", "Response 1", "UTM Campaign", "UTM Source", "UTM Medium", "UTM Term",
    "UTM Content", "Salesforce UUID", "Event Price", "Payment Currency", "Guest Email(s)",
    "Invitee Reconfirmed", "Marked as No-Show", "Meeting Notes", "Group", "User Email",
    "Event UUID", "Invitee UUID", "Invitee scheduled by", "Scheduling method",
)  # fmt: skip
"""The documented header (with one question pair)."""

SECOND_QUESTION = ("Question 2", "Response 2")


def header(with_second_question: bool) -> list[str]:
    """Header of one export; the extra question pair follows `Response 1`."""
    names = list(HEADER)
    if with_second_question:
        at = names.index("Response 1") + 1
        names[at:at] = SECOND_QUESTION
    return names


def _expressions() -> dict[str, str]:
    """SQL per column over one row of `calendly_rows` (export row + booking + invitee)."""
    hosts, types = vocab.HOSTS, vocab.EVENT_TYPES
    host_names = str_list(h.name for h in hosts)
    key = "(booking_key * 4 + pos)"
    canceled = "(coalesce(canceled_utc, rescheduled_utc) <= export_utc)"
    short_name = f"u({key}, 'cy:short_name') < 0.03"
    invitee_name = f"case when {short_name} then first_name else full_name end"
    return {
        "User Name": f"{host_names}[host_no]",
        "Team": "case when u(booking_key, 'cy:team') < 0.1 then 'Wealth Management' end",
        "Invitee Name": invitee_name,
        "Invitee First Name": "first_name",
        "Invitee Last Name": f"case when {short_name} then null else last_name end",
        "Invitee Email": (
            f"email_variant(email, email2, first_name, u({key}, 'cy:ev'), u({key}, 'cy:ew'), true)"
        ),
        "Invitee Time Zone": "time_zone",
        "Invitee accepted marketing emails": (
            f"case when u({key}, 'cy:mkt') < 0.05 then 'true' else 'false' end"
        ),
        "Text Reminder Number": (
            f"case when u({key}, 'cy:sms') < 0.1 then '+1 617-555-'"
            f" || lpad((hs({key}, 'cy:sms_no') % 10000)::varchar, 4, '0') end"
        ),
        "Event Type Name": f"{str_list(t.name for t in types)}[type_no]",
        "Start Date & Time": "calendly_time(start_local)",
        "End Date & Time": "calendly_time(end_local)",
        "Location": (
            "case when u(booking_key, 'cy:loc') < 0.75 then 'Zoom URL: https://zoom.us/j/'"
            " || (1000000000 + hs(booking_key, 'cy:zoom') % 9000000000)::varchar"
            " when u(booking_key, 'cy:loc') < 0.92"
            f" then {pick(vocab.LOCATIONS, 'booking_key', 'cy:place')} end"
        ),
        "Event Created Date & Time": "calendly_time(created_local)",
        "Canceled": f"case when {canceled} then 'true' else 'false' end",
        "Canceled By": (
            f"case when {canceled} then case when u(booking_key, 'cy:by') < 0.8"
            f" then {invitee_name} else {host_names}[host_no] end end"
        ),
        "Cancellation reason": (
            f"case when {canceled} and canceled_utc is not null"
            " and u(booking_key, 'cy:why') < 0.7"
            f" then {pick(vocab.CANCEL_REASONS, 'booking_key', 'cy:reason')} end"
        ),
        "Question 1": lit("Anything you'd like us to prepare?"),
        "Response 1": (
            f"case when u({key}, 'cy:r1') < 0.35"
            f" then {pick(vocab.PREPARE_ANSWERS, key, 'cy:answer')} end"
        ),
        "Question 2": lit("Preferred phone number?"),
        "Response 2": (
            f"case when u({key}, 'cy:r2') < 0.4 then '(617) 555-'"
            f" || lpad((hs({key}, 'cy:r2_no') % 10000)::varchar, 4, '0') end"
        ),
        "UTM Campaign": "case when u(booking_key, 'cy:utm') < 0.03 then 'spring-webinar' end",
        "UTM Source": "case when u(booking_key, 'cy:utm') < 0.03 then 'newsletter' end",
        "UTM Medium": "case when u(booking_key, 'cy:utm') < 0.03 then 'email' end",
        "UTM Term": "null",
        "UTM Content": "null",
        "Salesforce UUID": "null",
        "Event Price": "null",
        "Payment Currency": "null",
        "Guest Email(s)": (
            f"case when u({key}, 'cy:guest') < 0.05 then"
            f" lower({pick(vocab.FIRST_NAMES, key, 'cy:guest_name')})"
            " || '.' || lower(regexp_replace(last_name, '[^A-Za-z]', '', 'g')) || '@gmail.com'"
            f" || case when u({key}, 'cy:guest2') < 0.3 then ', assistant@'"
            " || split_part(email, '@', 2) else '' end end"
        ),
        "Invitee Reconfirmed": "'false'",
        "Marked as No-Show": "case when no_show_utc <= export_utc then 'Yes' else 'No' end",
        "Meeting Notes": "null",
        "Group": "null",
        "User Email": f"{str_list(h.email for h in hosts)}[host_no]",
        "Event UUID": "uuid4(hs(booking_key, 'cy:event1'), hs(booking_key, 'cy:event2'))",
        "Invitee UUID": f"uuid4(hs({key}, 'cy:invitee1'), hs({key}, 'cy:invitee2'))",
        "Invitee scheduled by": invitee_name,
        "Scheduling method": "null",
    }


def file_name(export: Export) -> str:
    """`calendly-2026-11-20T0930.csv`: the export's New York wall time."""
    return f"calendly-{export.at.strftime('%Y-%m-%dT%H%M')}.csv"


def write_exports(
    con: duckdb.DuckDBPyConnection, folder: Path, exports: list[Export]
) -> list[Path]:
    """One CSV per export from `calendly_keys`; file mtimes are the export times."""
    expressions = _expressions()
    invitees = """
        select
            i.pos, i.person_id, b.*,
            p.first_name, p.last_name, p.full_name, p.email, p.email2, p.time_zone
        from (select distinct booking_key, pos, person_id from calendly_keys) as i
        inner join calendly_bookings as b on b.booking_key = i.booking_key
        inner join people as p on p.person_id = i.person_id
    """
    build_rows(con, "calendly", invitees, ["booking_key", "pos"])

    def export_header(export: Export) -> list[str]:
        return header(len(exports) > 1 and export.k >= len(exports) // 2)

    return write_files(con, "calendly", folder, exports, file_name, export_header, expressions)
