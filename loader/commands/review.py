"""`meetings review` and `meetings resolve`: the queue of meetings without a contact, and the
decisions that settle it (kept in the user-owned data/lacrm/email_overrides.csv)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from loader import overrides, settings
from loader.cli_common import DataDirOption, DbOption, console, user_errors
from loader.errors import MeetingsError
from loader.warehouse import has_table, read_analytics

QUEUE_SQL = """
select
    email_key,
    arg_max(invitee_email, start_at) as invitee_email,
    arg_max(invitee_name, start_at) as invitee_name,
    arg_max(reason, start_at) as reason,
    count(*) as meetings,
    max(start_at) as latest_start,
    arg_max(
        [
            (suggested_contact_id_1, suggested_contact_name_1, suggestion_score_1),
            (suggested_contact_id_2, suggested_contact_name_2, suggestion_score_2),
            (suggested_contact_id_3, suggested_contact_name_3, suggestion_score_3)
        ],
        start_at
    ) as suggestions
from marts.orphaned_meetings
group by email_key
order by reason, latest_start desc nulls last, email_key
"""


def review(
    db: DbOption = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show at most this many emails.")
    ] = 50,
) -> None:
    """Show the review queue: meetings no contact could be matched to, one line per email.

    Each line gives the reason (no contact has the email, several contacts share it, or it
    is not a valid address), how many meetings it holds and up to three suggested contacts
    (score 0-1, never applied automatically). Settle an email with
    `meetings resolve EMAIL CONTACT_ID` or `meetings resolve --ignore EMAIL`, then
    `meetings run`. Reads the analytics copy the last successful build published.
    """
    with user_errors("review"), read_analytics(settings.analytics_db_path(db)) as con:
        if not has_table(con, "marts", "orphaned_meetings"):
            raise MeetingsError(
                "no review queue in the analytics copy yet; run `meetings run` first"
            )
        rows = con.execute(QUEUE_SQL).fetchall()
        contacts = con.execute("select count(*) from marts.dim_contacts").fetchone()
    if rows and contacts is not None and contacts[0] == 0:
        console.print(
            "[yellow]no LACRM contacts in the warehouse yet:[/] run `meetings contacts pull`"
            " (or drop a contact export into data/lacrm/), then `meetings run`"
        )
    if not rows:
        console.print("review queue is empty: every meeting is matched, internal or ignored")
        return
    table = Table(title="meetings without a contact", title_justify="left")
    table.add_column("email", overflow="fold")
    table.add_column("name")
    table.add_column("reason")
    table.add_column("meetings", justify="right")
    table.add_column("latest", no_wrap=True)
    table.add_column("suggested contacts (id, score)", overflow="fold")
    for email_key, email, name, reason, count, latest, suggestions in rows[:limit]:
        hints = [
            f"{s_name} {s_id} ({s_score:.2f})"
            for s_id, s_name, s_score in suggestions
            if s_id is not None
        ]
        table.add_row(
            email or email_key or "",
            name or "",
            reason,
            str(count),
            "" if latest is None else latest.strftime("%Y-%m-%d"),
            "\n".join(hints),
        )
    console.print(table)
    shown = min(len(rows), limit)
    console.print(
        f"{len(rows)} email(s), {sum(r[4] for r in rows)} meeting(s) in the queue"
        + (f" (first {shown} shown)" if shown < len(rows) else ""),
        highlight=False,
    )


def _known_contact_name(copy: Path, contact_id: str) -> str | None:
    """The contact's name if the analytics copy knows it; raises if it knows it does not
    exist (nothing published yet: no check)."""
    if not copy.exists():
        return None
    with read_analytics(copy) as con:
        if not has_table(con, "marts", "dim_contacts"):
            return None
        row = con.execute(
            "select coalesce(full_name, '') from marts.dim_contacts where contact_id = ?",
            [contact_id],
        ).fetchone()
    if row is None:
        raise MeetingsError(
            f"contact {contact_id} is not in marts.dim_contacts; check the id"
            " (`meetings review` lists suggestions) or pull the contacts again"
        )
    return str(row[0])


def resolve(
    email: Annotated[str, typer.Argument(help="The invitee email, as shown by `meetings review`.")],
    contact_id: Annotated[
        str | None,
        typer.Argument(help="The LACRM contact id the email belongs to.", show_default=False),
    ] = None,
    ignore: Annotated[
        bool,
        typer.Option(
            "--ignore", help="Never match this email (internal or test address) nor queue it."
        ),
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Why (kept in the file).")] = "",
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Record who an email belongs to, in data/lacrm/email_overrides.csv.

    `meetings resolve EMAIL CONTACT_ID` attributes every meeting of EMAIL to that contact
    (match_method `manual`); `meetings resolve --ignore EMAIL` drops EMAIL from matching and
    from the queue. A new decision for the same email replaces the earlier one. Decisions win
    over the automatic rules and take effect at the next `meetings run`. The file is yours:
    keep it under version control.
    """
    with user_errors("resolve"):
        address = email.strip()
        if not address:
            raise MeetingsError("EMAIL is empty")
        target = (contact_id or "").strip()
        if ignore and target:
            raise MeetingsError("give a CONTACT_ID or --ignore, not both")
        if not ignore and not target:
            raise MeetingsError("give the CONTACT_ID the email belongs to, or --ignore")
        name = None if ignore else _known_contact_name(settings.analytics_db_path(db), target)
        decision = overrides.Decision(
            email=address,
            contact_id=None if ignore else target,
            action="ignore" if ignore else "match",
            decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
            note=note.strip(),
        )
        path = overrides.overrides_path(settings.data_dir(data_dir))
        replaced = overrides.record(path, decision)
    what = "ignored" if ignore else f"-> contact {target}" + (f" ({name})" if name else "")
    console.print(
        f"{address} {what}: {'replaced the earlier decision' if replaced else 'recorded'}"
        f" in {path}. Run `meetings run` to apply it.",
        highlight=False,
        soft_wrap=True,
    )
