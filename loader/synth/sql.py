"""SQL building blocks for the generator: literals, seeded pseudo-random macros, formats.

Randomness is `hash(key, salt, seed)`: a pure function of its inputs, so the output does not
depend on thread scheduling (DuckDB's `random()` does), and a booking's attributes depend only
on its own number. Same seed + same DuckDB version -> byte-identical files.

Times are plain timestamps: `*_local` (New York wall clock) and `*_utc`. Converting zones per
row with ICU costs more than everything else together, so the conversion happens once per
day (see `loader.synth.bookings`), never per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb

from loader.synth import vocab

# Large prime: hash % P / P is uniform enough on [0, 1) for test data.
_P = 1_000_000_007


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier (column alias)."""
    return '"' + name.replace('"', '""') + '"'


def str_list(values: Iterable[str]) -> str:
    """A SQL list literal of strings: ['a', 'b']."""
    return "[" + ", ".join(lit(v) for v in values) + "]"


def int_list(values: Iterable[int]) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def pick(values: Sequence[str] | Sequence[int], key: str, salt: str) -> str:
    """SQL choosing one of `values` by the hash of (key, salt).

    Not a macro: DuckDB does not constant-fold `len()` of a list literal passed to a macro,
    which makes such a macro ~40x slower.
    """
    items = ", ".join(str(v) if isinstance(v, int) else lit(v) for v in values)
    return f"[{items}][1 + (hs({key}, {lit(salt)}) % {len(values)})::bigint]"


def install_macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """`hs(key, salt)` seeded hash; `u(key, salt)` uniform in [0, 1); formatting helpers."""
    seed = int(seed)
    con.execute(f"create or replace macro hs(k, s) as hash(k, s, {seed})")
    con.execute(f"create or replace macro u(k, s) as (hash(k, s, {seed}) % {_P}) / {_P}.0")
    # A version-4 UUID from two 64-bit hashes (Calendly's Event/Invitee UUIDs).
    con.execute(
        """
        create or replace macro uuid4(a, b) as format(
            '{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}', a >> 32, (a >> 16) & 65535, a & 4095,
            32768 | ((b >> 48) & 16383), b & 281474976710655
        )
        """
    )
    # Cal.com booking uids look like base-58 short ids (e.g. "2nXcTQ6Sx1NhSLNiS5hTpV").
    con.execute(
        """
        create or replace macro short_uid(a, b) as
            translate(format('{:011x}', a >> 20), '0123456789abcdef', '2nXcTQ6Sx1NhLbiK')
            || translate(format('{:011x}', b >> 20), '0123456789abcdef', 's5hTpVkRz7Wm3GqJ')
        """
    )
    con.execute(
        "create or replace macro calendly_time(local) as"
        " lower(strftime(local, '%Y-%m-%d %I:%M %p'))"
    )
    con.execute(
        "create or replace macro iso_utc(utc) as strftime(utc, '%Y-%m-%dT%H:%M:%S.%g') || 'Z'"
    )
    con.execute("create or replace macro local_date(local) as strftime(local, '%Y-%m-%d')")
    con.execute("create or replace macro local_time(local) as strftime(local, '%H:%M:%S')")
    # How people type their address when booking (v, w uniform in [0, 1)). Shares: 70% as
    # in the CRM, then upper/capitalised, stray spaces, Gmail dots, plus tags,
    # googlemail.com, their secondary address, or an address the CRM has never seen.
    tags = vocab.PLUS_TAGS
    con.execute(
        f"""
        create or replace macro email_variant(email, email2, first_name, v, w, spaces) as
        case
            when v < 0.70 then email
            when v < 0.73 then upper(email)
            when v < 0.76 then upper(email[1]) || email[2:]
            when v < 0.80 and spaces then
                case when w < 0.7 then email || ' ' else ' ' || email end
            when v < 0.84 and email like '%@gmail.com' then
                case when contains(split_part(email, '@', 1), '.')
                    then replace(split_part(email, '@', 1), '.', '')
                    else email[1:2] || '.' || split_part(email, '@', 1)[3:]
                end || '@gmail.com'
            when v < 0.88 then split_part(email, '@', 1) || '+'
                || {str_list(tags)}[1 + (w * {len(tags)})::int % {len(tags)}]
                || '@' || split_part(email, '@', 2)
            when v < 0.92 and email like '%@gmail.com' then
                replace(email, '@gmail.com', '@googlemail.com')
            when v < 0.97 then coalesce(email2, email)
            when v < 0.99 then email
            else lower(first_name) || '.' || (1000 + (w * 9000)::int)::varchar || '@proton.me'
        end
        """
    )
