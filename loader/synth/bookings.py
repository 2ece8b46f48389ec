"""The booking timeline of one platform and which weekly export shows which booking.

A *unit* is one original booking plus, when it was rescheduled, the booking that replaced it.
Units are numbered; every attribute of unit `i` is a hash of (i, seed), so drawing more units
never changes the earlier ones. `export_rows` keeps the smallest prefix of units whose rows
across all exports reach the requested count: the row count is exact, and the output does not
depend on how many units had to be drawn to get there.

Times: `*_local` are New York wall-clock timestamps, `*_utc` plain UTC timestamps. Meetings
and bookings happen between 07:00 and 23:00, never in the 02:00-03:00 DST gap, so one UTC
offset per day (`ny_offsets`) converts exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import duckdb

from loader.synth import vocab
from loader.synth.sql import int_list, lit, pick

NY = ZoneInfo("America/New_York")
DAYS_BACK = 90
"""Each export holds the bookings that start in the 90 days before it ..."""
DAYS_AHEAD = 30
"""... or in the 30 days after it (upcoming meetings), in their state at export time."""

CANCEL_RATE = 0.07
RESCHEDULE_RATE = 0.05
NO_SHOW_RATE = 0.05


@dataclass(frozen=True)
class Export:
    """One export: shows bookings with `lo <= start < hi` created by `at` (aware, New York)."""

    k: int
    at: datetime
    lo: datetime
    hi: datetime


def schedule(last_export: date, weeks: int, single_file: bool, at: time) -> list[Export]:
    """Weekly exports ending on `last_export` (same wall time each week), or one big export
    covering `weeks` weeks of history when `single_file`."""
    if single_file:
        stamp = datetime.combine(last_export, at, NY)
        lo = stamp - timedelta(days=7 * weeks + DAYS_BACK)
        return [Export(0, stamp, lo, stamp + timedelta(days=DAYS_AHEAD))]
    exports = []
    for k in range(weeks):
        stamp = datetime.combine(last_export - timedelta(days=7 * (weeks - 1 - k)), at, NY)
        lo, hi = stamp - timedelta(days=DAYS_BACK), stamp + timedelta(days=DAYS_AHEAD)
        exports.append(Export(k, stamp, lo, hi))
    return exports


def _utc(value: datetime) -> str:
    """SQL literal: the UTC wall time of an aware datetime, as a plain timestamp."""
    naive = value.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return f"{lit(naive.isoformat(sep=' '))}::timestamp"


def create_offsets(con: duckdb.DuckDBPyConnection, first: date, last: date) -> None:
    """`ny_offsets(day, utc_minus_local)`: minutes to add to a New York wall time after 03:00
    that day to get UTC (300 in winter, 240 in summer). One ICU conversion per day."""
    con.execute(
        f"""
        create or replace table ny_offsets as
        select
            d::date as day,
            (epoch(timezone('UTC', timezone('America/New_York', d::date + time '12:00')))
                - epoch(d::date + time '12:00'))::int // 60 as utc_minus_local
        from range(
            {lit(first.isoformat())}::timestamp, {lit(last.isoformat())}::timestamp,
            interval 1 day
        ) as t(d)
        """
    )


@dataclass(frozen=True)
class Population:
    """Person-id ranges in the `people` table (see loader.synth.people)."""

    contacts: int
    prospects: int

    @property
    def staff_base(self) -> int:
        return self.contacts + self.prospects


def _type_pool(platform: str) -> list[int]:
    """1-based event type numbers, each repeated by its weight."""
    pool: list[int] = []
    for number, etype in enumerate(vocab.EVENT_TYPES, start=1):
        if getattr(etype, platform):
            pool += [number] * etype.weight
    return pool


def _attendees(p: str) -> str:
    group = int_list(int(t.group) for t in vocab.EVENT_TYPES)
    internal = int_list(int(t.internal) for t in vocab.EVENT_TYPES)
    if p == "calendly":  # group events: one row per invitee; others add guests by email
        return f"case when {group}[type_no] = 1 then 1 + (u(i, '{p}:pair') < 0.5)::int else 1 end"
    # Cal.com: one row per booking, several attendee columns
    return (
        f"case when {group}[type_no] = 1 then 2 when {internal}[type_no] = 1 then 1"
        f" when u(i, '{p}:multi') < 0.06 then 2 + (u(i, '{p}:three') < 0.25)::int else 1 end"
    )


def _weekday(day: str) -> str:
    """Move a Saturday to Friday and a Sunday to Monday."""
    return f"(case dayofweek({day}) when 0 then {day} + 1 when 6 then {day} - 1 else {day} end)"


def _insert_units(
    con: duckdb.DuckDBPyConnection,
    p: str,
    start: int,
    stop: int,
    exports: list[Export],
    people: Population,
) -> None:
    """Append units [start, stop) to `{p}_bookings` and their export rows to `{p}_pairs`."""
    first_day = exports[0].lo.date()
    day0 = f"{lit(first_day.isoformat())}::date"
    days = (exports[-1].hi.date() - first_day).days
    minutes = int_list(t.minutes for t in vocab.EVENT_TYPES)
    internal = int_list(int(t.internal) for t in vocab.EVENT_TYPES)
    hosts = len(vocab.HOSTS)
    c, pr = people.contacts, people.prospects
    contact_share = 0.9 if c else 0.0
    con.execute(
        f"""
        insert into {p}_bookings
        with drawn as (
            select
                i,
                i as unit_id,
                {pick(_type_pool(p), "i", p + ":type")} as type_no,
                1 + (hs(i, '{p}:host') % {hosts})::int as host_no,
                {_weekday(f"({day0} + floor(u(i, '{p}:day') * {days})::int)")} as day,
                8 + floor(u(i, '{p}:hour') * 9)::int as hour,
                case when u(i, '{p}:half') < 0.5 then 0 else 30 end as minute,
                floor(pow(u(i, '{p}:lead'), 2) * 45)::int as lead_days,
                to_seconds((7 * 3600 + u(i, '{p}:booked_at') * 16 * 3600)::bigint)
                    + to_milliseconds((u(i, '{p}:ms') * 1000)::bigint) as booked_time,
                u(i, '{p}:fate') as fate_u,
                u(i, '{p}:fate_at') as fate_at_u,
                2 + floor(u(i, '{p}:moved') * 12)::int as moved_days,
                u(i, '{p}:who') as who_u
            from range({start}, {stop}) as t(i)
        ),
        local_times as (
            select
                *,
                day + make_time(hour, minute, 0) as start_local,
                -- booked on an earlier day between 07:00 and 23:00, or the same morning
                case when lead_days > 0 then (day - lead_days) + booked_time
                    else day + make_time(hour, minute, 0)
                        - to_minutes((60 + u(i, '{p}:same_day') * 240)::bigint)
                end as created_local,
                {_weekday("(day + moved_days)")} + make_time(hour, minute, 0) as moved_local,
                {minutes}[type_no] as minutes
            from drawn
        ),
        utc_times as (
            select
                l.*,
                l.start_local + to_minutes(os.utc_minus_local) as start_utc,
                l.created_local + to_minutes(oc.utc_minus_local) as created_utc,
                l.moved_local + to_minutes(om.utc_minus_local) as moved_utc,
                case
                    when fate_u < {CANCEL_RATE} then 'canceled'
                    when fate_u < {CANCEL_RATE + RESCHEDULE_RATE} then 'rescheduled'
                    else 'kept'
                end as fate
            from local_times as l
            inner join ny_offsets as os on os.day = l.start_local::date
            inner join ny_offsets as oc on oc.day = l.created_local::date
            inner join ny_offsets as om on om.day = l.moved_local::date
        ),
        fated as (
            select
                *,
                created_utc + to_microseconds(
                    ((epoch_us(start_utc) - epoch_us(created_utc)) * fate_at_u)::bigint
                ) as fate_utc,
                case
                    when {internal}[type_no] = 1 then
                        {people.staff_base}
                        + (host_no + (hs(i, '{p}:colleague') % {hosts - 1})::int) % {hosts}
                    when who_u < {contact_share} then hs(i, '{p}:contact') % {max(c, 1)}
                    else {c} + hs(i, '{p}:prospect') % {pr}
                end as person1,
                case when u(i, '{p}:p2') < 0.5 and {c} > 0 then hs(i, '{p}:c2') % {max(c, 1)}
                    else {c} + hs(i, '{p}:pr2') % {pr} end as person2,
                {c} + hs(i, '{p}:pr3') % {pr} as person3,
                {_attendees(p)} as attendees
            from utc_times
        ),
        units as (
            -- the original booking
            select
                unit_id, unit_id * 2 as booking_key, type_no, host_no, minutes,
                start_local, start_utc, created_local, created_utc,
                case when fate = 'canceled' then fate_utc end as canceled_utc,
                case when fate = 'rescheduled' then fate_utc end as rescheduled_utc,
                fate = 'kept' as kept, attendees, person1, person2, person3
            from fated
            union all
            -- the booking that replaced a rescheduled one: same people, a later day
            select
                unit_id, unit_id * 2 + 1, type_no, host_no, minutes,
                moved_local, moved_utc,
                fate_utc - to_minutes(oc.utc_minus_local), fate_utc,
                null, null,
                true, attendees, person1, person2, person3
            from fated
            inner join ny_offsets as oc on oc.day = (fate_utc - interval 5 hours)::date
            where fate = 'rescheduled'
        )
        select
            unit_id, booking_key, type_no, host_no,
            start_local, start_local + to_minutes(minutes) as end_local, created_local,
            start_utc, start_utc + to_minutes(minutes) as end_utc, created_utc,
            canceled_utc, rescheduled_utc,
            case when kept and u(booking_key, '{p}:noshow') < {NO_SHOW_RATE}
                then start_utc
                    + to_minutes(minutes + 30 + (u(booking_key, '{p}:ns_at') * 2880)::int)
            end as no_show_utc,
            case when kept and u(booking_key, '{p}:noshow_host') < 0.005
                then start_utc + to_minutes(minutes + 60)
            end as host_no_show_utc,
            attendees, person1, person2, person3
        from units
        """
    )
    per_row = "unnest(range(b.attendees))" if p == "calendly" else "0"
    con.execute(
        f"""
        insert into {p}_pairs
        with items as (
            select b.*, {per_row} as pos from {p}_bookings as b
            where b.unit_id >= {start} and b.unit_id < {stop}
        )
        select
            e.k, e.export_utc, i.unit_id, i.booking_key, i.pos,
            [i.person1, i.person2, i.person3][i.pos + 1] as person_id,
            i.start_utc
        from items as i
        inner join {p}_exports as e
            on i.start_utc >= e.lo_utc and i.start_utc < e.hi_utc
            and i.created_utc <= e.export_utc
        """
    )


def export_rows(
    con: duckdb.DuckDBPyConnection,
    p: str,
    rows: int,
    exports: list[Export],
    people: Population,
) -> None:
    """Create `{p}_bookings` and `{p}_keys` (k, export_utc, booking_key, pos, person_id):
    exactly `rows` rows across all exports of platform `p`."""
    values = ", ".join(f"({e.k}, {_utc(e.at)}, {_utc(e.lo)}, {_utc(e.hi)})" for e in exports)
    con.execute(
        f"""
        create or replace table {p}_exports as
        select * from (values {values}) as t(k, export_utc, lo_utc, hi_utc)
        """
    )
    con.execute(
        f"""
        create or replace table {p}_bookings (
            unit_id bigint, booking_key bigint, type_no integer, host_no integer,
            start_local timestamp, end_local timestamp, created_local timestamp,
            start_utc timestamp, end_utc timestamp, created_utc timestamp,
            canceled_utc timestamp, rescheduled_utc timestamp, no_show_utc timestamp,
            host_no_show_utc timestamp, attendees integer,
            person1 bigint, person2 bigint, person3 bigint
        )
        """
    )
    con.execute(
        f"""
        create or replace table {p}_pairs (
            k integer, export_utc timestamp, unit_id bigint, booking_key bigint,
            pos integer, person_id bigint, start_utc timestamp
        )
        """
    )
    drawn, have = 0, 0
    target = min(max(rows, 1), 2000)
    for _ in range(40):
        if have >= rows:
            break
        _insert_units(con, p, drawn, target, exports, people)
        drawn = target
        found = con.execute(f"select count(*) from {p}_pairs").fetchone()
        have = int(found[0]) if found else 0
        per_unit = max(have / drawn, 0.05)
        target = drawn + math.ceil((rows - have) / per_unit * 1.1) + 10
    else:
        raise RuntimeError(f"could not draw {rows} {p} rows from the export windows")
    con.execute(
        f"""
        create or replace table {p}_keys as
        select *
        from {p}_pairs
        qualify row_number() over (order by unit_id, k, booking_key, pos) <= {rows}
        """
    )
    con.execute(f"drop table {p}_pairs")
    con.execute(
        f"delete from {p}_bookings where booking_key not in (select booking_key from {p}_keys)"
    )
