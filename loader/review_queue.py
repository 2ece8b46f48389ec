"""The review queue as `meetings review`, `review --decide` and `resolve --suggestion` see it:
`marts.orphaned_meetings` of the analytics copy, one record per email.

An email's suggestions are those of its latest meeting (the queue scores each meeting; the
latest carries the freshest name). Read-only: decisions go through loader/overrides.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from loader import overrides
from loader.errors import MeetingsError
from loader.warehouse import has_table

# How each view walks the queue: the table groups by reason; --decide takes the emails that
# settle the most meetings first.
ORDERS = {
    "reason": "reason, last_start desc nulls last, email_key",
    "meetings": "meetings desc, last_start desc nulls last, email_key",
}

_QUEUE_SQL = """
with

orphans as (

    select * from marts.orphaned_meetings

),

names as (

    select
        email_key,
        list(invitee_name order by last_start desc nulls last, invitee_name) as invitee_names
    from (
        select email_key, invitee_name, max(start_at) as last_start
        from orphans
        where invitee_name is not null
        group by email_key, invitee_name
    )
    group by email_key

),

-- meetings of a shared mailbox already matched by the invitee's name: they keep their
-- contact whatever the decision on the email (int_meetings__matched)
matched_by_name as (

    select invitee_email_normalized as email_key, count(*) as meetings
    from marts.fct_meetings
    where match_method = 'shared_email_name'
    group by invitee_email_normalized

),

emails as (

    select
        email_key,
        arg_max(invitee_email, start_at) as invitee_email,
        list_sort(list(distinct invitee_email) filter (where invitee_email is not null))
            as spellings,
        arg_max(reason, start_at) as reason,
        count(*) as meetings,
        min(start_at) as first_start,
        max(start_at) as last_start,
        arg_max(
            [
                (suggested_contact_id_1, suggested_contact_name_1, suggestion_score_1),
                (suggested_contact_id_2, suggested_contact_name_2, suggestion_score_2),
                (suggested_contact_id_3, suggested_contact_name_3, suggestion_score_3)
            ],
            start_at
        ) as suggestions
    from orphans
    group by email_key

)

select
    emails.email_key,
    emails.invitee_email,
    emails.spellings,
    coalesce(names.invitee_names, []) as invitee_names,
    emails.reason,
    emails.meetings,
    emails.first_start,
    emails.last_start,
    emails.suggestions,
    coalesce(matched_by_name.meetings, 0) as matched_by_name
from emails
left join names
    on emails.email_key = names.email_key
left join matched_by_name
    on emails.email_key = matched_by_name.email_key
order by {order}
"""


@dataclass(frozen=True)
class Suggestion:
    contact_id: str
    name: str
    score: float


@dataclass(frozen=True)
class QueuedEmail:
    """One email of the review queue and the meetings booked with it."""

    email_key: str | None
    email: str  # the latest spelling booked ('' when the meetings have no email at all)
    spellings: tuple[str, ...]
    invitee_names: tuple[str, ...]  # latest first
    reason: str  # no_contact_with_email, ambiguous_email or invalid_email
    meetings: int
    first_start: datetime | None
    last_start: datetime | None
    suggestions: tuple[Suggestion, ...]  # best first, at most three
    matched_by_name: int = 0  # other meetings of this email matched by the invitee's name

    def holds(self, email: str) -> bool:
        """Whether `email` is one of this entry's spellings (case and spaces ignored)."""
        key = overrides.email_key(email)
        return bool(key) and (
            key in {overrides.email_key(s) for s in self.spellings}
            or key == overrides.email_key(self.email_key or "")
        )


def _entry(row: tuple[Any, ...]) -> QueuedEmail:
    key, email, spellings, names, reason, meetings, first, last, suggestions, by_name = row
    return QueuedEmail(
        email_key=key,
        email=email or key or "",
        spellings=tuple(spellings),
        invitee_names=tuple(names),
        reason=reason,
        meetings=int(meetings),
        first_start=first,
        last_start=last,
        suggestions=tuple(
            Suggestion(str(s_id), str(s_name or ""), float(s_score or 0))
            for s_id, s_name, s_score in suggestions
            if s_id is not None
        ),
        matched_by_name=int(by_name),
    )


def read_queue(con: duckdb.DuckDBPyConnection, order: str = "reason") -> list[QueuedEmail]:
    """The queue in the open analytics copy, one entry per email (ORDERS names the order)."""
    if not has_table(con, "marts", "orphaned_meetings"):
        raise MeetingsError("no review queue in the analytics copy yet; run `meetings run` first")
    return [_entry(row) for row in con.execute(_QUEUE_SQL.format(order=ORDERS[order])).fetchall()]


def find(queue: list[QueuedEmail], email: str) -> QueuedEmail | None:
    """The queue's entry for `email` (any spelling booked; case and spaces ignored)."""
    return next((entry for entry in queue if entry.holds(email)), None)
