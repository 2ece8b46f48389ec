"""Cal.com Insights "Download -> CSV": one row per booking, ISO times in UTC.

`timeStatus` is what Cal.com derives at export time: `uncompleted` (still ahead),
`completed`, `cancelled`, `rescheduled` (replaced by another booking), rarely empty.
Attendees are `Name (email)` cells, one `attendeeN`/`attendeePhoneN` pair per attendee of the
largest booking in the file. Exports from the second half of the timeline carry a booking
question column (`Additional notes`), as newer Cal.com versions do.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from loader.synth import vocab
from loader.synth.bookings import Export
from loader.synth.sql import int_list, pick, str_list
from loader.synth.writer import build_rows, write_files

HEADER = (
    "id", "uid", "title", "createdAt", "timeStatus", "eventTypeId", "eventLength",
    "startTime", "endTime", "paid", "userEmail", "userUsername", "rating", "ratingFeedback",
    "noShowHost", "createdAt_date", "createdAt_time", "startTime_date", "startTime_time",
    "endTime_date", "endTime_time", "noShowGuests", "noShowGuestsCount",
)  # fmt: skip
"""The documented fixed columns; `attendeeN`, `attendeePhoneN` pairs follow."""

QUESTION = "Additional notes"


def header(attendee_columns: int, with_question: bool) -> list[str]:
    names = list(HEADER)
    for n in range(1, attendee_columns + 1):
        names += [f"attendee{n}", f"attendeePhone{n}"]
    if with_question:
        names.append(QUESTION)
    return names


def _attendee(n: int) -> str:
    """`Name (email)` of attendee n (1-based), from the a{n}_* columns of `calcom_rows`."""
    key = f"(booking_key * 4 + {n})"
    email = (
        f"email_variant(a{n}_email, a{n}_email2, a{n}_first_name, u({key}, 'cc:ev'),"
        f" u({key}, 'cc:ew'), false)"
    )
    return f"case when attendees >= {n} then a{n}_full_name || ' (' || {email} || ')' end"


def _expressions(attendee_columns: int) -> dict[str, str]:
    """SQL per column over one row of `calcom_rows` (export row + booking + attendees)."""
    hosts, types = vocab.HOSTS, vocab.EVENT_TYPES
    host_names = str_list(h.name for h in hosts)
    rescheduled = "(rescheduled_utc <= export_utc)"
    canceled = "(canceled_utc <= export_utc)"
    completed = "(end_utc <= export_utc)"
    no_show = "(no_show_utc <= export_utc)"
    rated = f"({completed} and canceled_utc is null and u(booking_key, 'cc:rate') < 0.12)"
    second_no_show = "(attendees >= 2 and u(booking_key, 'cc:ns2') < 0.5)"
    columns = {
        "id": "booking_id",
        "uid": "short_uid(hs(booking_key, 'cc:uid1'), hs(booking_key, 'cc:uid2'))",
        "title": (
            f"{str_list(t.name for t in types)}[type_no] || ' between '"
            f" || {host_names}[host_no] || ' and ' || a1_full_name"
        ),
        "createdAt": "iso_utc(created_utc)",
        "timeStatus": (
            f"case when {rescheduled} then 'rescheduled' when {canceled} then 'cancelled'"
            " when u(booking_key, 'cc:pending') < 0.003 then null"
            f" when {completed} then 'completed' else 'uncompleted' end"
        ),
        "eventTypeId": f"{int_list(t.calcom_id for t in types)}[type_no]",
        "eventLength": "datediff('minute', start_utc, end_utc)",
        "startTime": "iso_utc(start_utc)",
        "endTime": "iso_utc(end_utc)",
        "paid": "'false'",
        "userEmail": f"{str_list(h.email for h in hosts)}[host_no]",
        "userUsername": f"{str_list(h.username for h in hosts)}[host_no]",
        "rating": f"case when {rated} then 3 + hs(booking_key, 'cc:stars') % 3 end",
        "ratingFeedback": (
            f"case when {rated} and u(booking_key, 'cc:fb') < 0.3"
            f" then {pick(vocab.FEEDBACK, 'booking_key', 'cc:feedback')} end"
        ),
        "noShowHost": "case when host_no_show_utc <= export_utc then 'true' else 'false' end",
        "createdAt_date": "local_date(created_local)",
        "createdAt_time": "local_time(created_local)",
        "startTime_date": "local_date(start_local)",
        "startTime_time": "local_time(start_local)",
        "endTime_date": "local_date(end_local)",
        "endTime_time": "local_time(end_local)",
        "noShowGuests": (
            f"case when {no_show} then ({_attendee(1)}) || case when {second_no_show}"
            f" then '; ' || ({_attendee(2)}) else '' end end"
        ),
        "noShowGuestsCount": f"case when {no_show} then 1 + {second_no_show}::int else 0 end",
        QUESTION: (
            "case when u(booking_key, 'cc:notes') < 0.15"
            f" then {pick(vocab.NOTES, 'booking_key', 'cc:note')} end"
        ),
    }
    for n in range(1, attendee_columns + 1):
        key = f"(booking_key * 4 + {n})"
        columns[f"attendee{n}"] = _attendee(n)
        columns[f"attendeePhone{n}"] = (
            f"case when attendees >= {n} and u({key}, 'cc:ph') < 0.25"
            f" then '+1617555' || lpad((hs({key}, 'cc:ph_no') % 10000)::varchar, 4, '0') end"
        )
    return columns


def file_name(export: Export) -> str:
    """`Insights-<start>-<end>.csv`: the covered range, ending on the export day."""
    return f"Insights-{export.lo.date().isoformat()}-{export.at.date().isoformat()}.csv"


def write_exports(
    con: duckdb.DuckDBPyConnection, folder: Path, exports: list[Export]
) -> list[Path]:
    """One CSV per export from `calcom_keys`; file mtimes are the export times."""
    widest = dict(
        con.execute(
            """
            select r.k, max(b.attendees) from calcom_keys as r
            inner join calcom_bookings as b on b.booking_key = r.booking_key group by r.k
            """
        ).fetchall()
    )
    expressions = _expressions(3)
    people = ", ".join(
        f"a{n}.first_name as a{n}_first_name, a{n}.full_name as a{n}_full_name,"
        f" a{n}.email as a{n}_email, a{n}.email2 as a{n}_email2"
        for n in (1, 2, 3)
    )
    # Cal.com's integer `id` increases with creation time, over the bookings kept.
    bookings = f"""
        select b.*, {people}
        from (
            select
                *,
                1000 + row_number() over (order by created_utc, booking_key) as booking_id
            from calcom_bookings
        ) as b
        inner join people as a1 on a1.person_id = b.person1
        inner join people as a2 on a2.person_id = b.person2
        inner join people as a3 on a3.person_id = b.person3
    """
    build_rows(con, "calcom", bookings, ["booking_key"])

    def export_header(export: Export) -> list[str]:
        newer = len(exports) > 1 and export.k >= len(exports) // 2
        return header(int(widest.get(export.k, 1)), newer)

    return write_files(con, "calcom", folder, exports, file_name, export_header, expressions)
