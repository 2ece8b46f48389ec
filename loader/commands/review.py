"""`meetings review` and `meetings resolve`: the queue of meetings without a contact, and the
decisions that settle it (kept in the user-owned data/lacrm/email_overrides.csv)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from loader import overrides, review_queue, review_session
from loader.cli_common import DataDirOption, DbOption, console, user_errors
from loader.errors import MeetingsError
from loader.review_queue import QueuedEmail
from loader.settings import Settings
from loader.warehouse import has_table, read_analytics

NO_CONTACTS = (
    "[yellow]no LACRM contacts in the warehouse yet:[/] run `meetings contacts pull`"
    " (or drop a contact export into data/lacrm/), then `meetings run`"
)


def _read_queue(copy: Path, order: str) -> tuple[list[QueuedEmail], bool]:
    """The queue of the analytics copy, and whether it holds no contact at all."""
    with read_analytics(copy) as con:
        queue = review_queue.read_queue(con, order)
        contacts = con.execute("select count(*) from marts.dim_contacts").fetchone()
    return queue, contacts is not None and contacts[0] == 0


def review(
    db: DbOption = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", min=1, help="Show at most this many emails (--decide walks them all)."
        ),
    ] = 50,
    decide: Annotated[
        bool,
        typer.Option(
            "--decide",
            help="Decide email by email, most meetings first, one key each: 1/2/3 accept"
            " that suggestion, i ignores the email, s skips, q quits. Each decision is"
            " written to data/lacrm/email_overrides.csv at once. Needs a terminal.",
        ),
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Show the review queue: meetings no contact could be matched to, one line per email.

    Each line gives the reason (no contact has the email, several contacts share it, or it
    is not a valid address), how many meetings it holds and up to three numbered suggested
    contacts (score 0-1, never applied automatically). Settle an email with
    `meetings resolve EMAIL CONTACT_ID`, `meetings resolve EMAIL --suggestion N` or
    `meetings resolve --ignore EMAIL` (or all of them in turn with `--decide`), then
    `meetings run`. Reads the analytics copy the last successful build published.
    """
    if decide:
        _decide(Settings.resolve(db=db, data_dir=data_dir))
        return
    with user_errors("review"):
        rows, no_contacts = _read_queue(Settings.resolve(db=db).analytics_db, "reason")
    if rows and no_contacts:
        console.print(NO_CONTACTS)
    if not rows:
        console.print("review queue is empty: every meeting is matched, internal or ignored")
        return
    table = Table(title="meetings without a contact", title_justify="left")
    table.add_column("email", overflow="fold")
    table.add_column("name")
    table.add_column("reason")
    table.add_column("meetings", justify="right")
    table.add_column("latest", no_wrap=True)
    table.add_column("suggested contacts (n. name id, score)", overflow="fold")
    for entry in rows[:limit]:
        table.add_row(
            entry.email,
            ", ".join(entry.invitee_names),
            entry.reason,
            str(entry.meetings),
            "" if entry.last_start is None else entry.last_start.strftime("%Y-%m-%d"),
            "\n".join(
                f"{n}. {s.name} {s.contact_id} ({s.score:.2f})"
                for n, s in enumerate(entry.suggestions, start=1)
            ),
        )
    console.print(table)
    shown = min(len(rows), limit)
    console.print(
        f"{len(rows)} email(s), {sum(r.meetings for r in rows)} meeting(s) in the queue"
        + (f" (first {shown} shown)" if shown < len(rows) else ""),
        highlight=False,
    )


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def _decide(config: Settings) -> None:
    """`meetings review --decide`: the queue, one keystroke per email."""
    with user_errors("review"):
        if not review_session.stdin_is_terminal():
            raise MeetingsError(
                "--decide reads one key per decision and needs a terminal; in a script use"
                " `meetings resolve EMAIL --suggestion N` (or CONTACT_ID, or --ignore)"
            )
        queue, no_contacts = _read_queue(config.analytics_db, "meetings")
        path = overrides.overrides_path(config.data_dir)
        pending = overrides.decided_emails(path)
    if queue and no_contacts:
        console.print(NO_CONTACTS)
    # Decided since the last build: in the file, still in the queue until `meetings run`.
    waiting = [e for e in queue if any(overrides.email_key(s) in pending for s in e.spellings)]
    todo = [e for e in queue if e not in waiting]
    if waiting:
        _say(
            f"{len(waiting)} email(s) already decided in {path}, waiting for `meetings run`:"
            " not shown again"
        )
    if not todo:
        _say(
            "review queue is empty: nothing to decide"
            if not queue
            else "nothing left to decide; `meetings run` applies the decisions"
        )
        return
    _say(
        f"{len(todo)} email(s), {sum(e.meetings for e in todo)} meeting(s) to decide, most"
        " meetings first. Keys: 1-3 accept that suggestion, i ignore (internal or test),"
        " s skip, q quit. Each decision is saved at once."
    )

    def record(email: str, contact_id: str | None) -> bool:
        with user_errors("review"):
            return overrides.decide(path, email, contact_id)

    outcome = review_session.decide_queue(
        todo, read_key=review_session.read_key, record=record, out=console
    )
    left = [
        f"{outcome.skipped} skipped" if outcome.skipped else "",
        f"{outcome.not_reached} not reached" if outcome.not_reached else "",
    ]
    detail = ", ".join(x for x in left if x)
    _say(
        (
            f"{outcome.recorded} decision(s) recorded in {path}; `meetings run` applies them"
            if outcome.recorded
            else "no decision recorded"
        )
        + (f" ({detail})" if detail else "")
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


def _suggested(copy: Path, email: str, number: int) -> tuple[str, str]:
    """(contact id, name) of suggestion `number` of `email` in the published review queue."""
    if number not in (1, 2, 3):
        raise MeetingsError(
            f"--suggestion is 1, 2 or 3 (the numbers `meetings review` shows), not {number}"
        )
    with read_analytics(copy) as con:
        entry = review_queue.find(review_queue.read_queue(con), email)
    if entry is None:
        raise MeetingsError(
            f"{email} is not in the review queue of the last build; `meetings review` lists"
            " the emails in it"
        )
    if not entry.suggestions:
        raise MeetingsError(f"{email} has no suggested contact; give its CONTACT_ID or --ignore")
    if number > len(entry.suggestions):
        count = len(entry.suggestions)
        raise MeetingsError(
            f"{email} has no suggestion {number}, only {count}"
            f" (`meetings review` lists {'it' if count == 1 else 'them'})"
        )
    chosen = entry.suggestions[number - 1]
    return chosen.contact_id, chosen.name


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
    suggestion: Annotated[
        int | None,
        typer.Option(
            "--suggestion",
            help="Record suggestion N (1-3) of this email in the review queue, as"
            " `meetings review` numbers them, instead of typing its CONTACT_ID.",
            show_default=False,
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Why (kept in the file).")] = "",
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Record who an email belongs to, in data/lacrm/email_overrides.csv.

    `meetings resolve EMAIL CONTACT_ID` attributes every meeting of EMAIL to that contact
    (match_method `manual`); `meetings resolve EMAIL --suggestion N` to the N-th contact
    `meetings review` suggests for it; `meetings resolve --ignore EMAIL` drops EMAIL from
    matching and from the queue. A new decision for the same email replaces the earlier one.
    Decisions win over the automatic rules and take effect at the next `meetings run`. The
    file is yours: keep it under version control.
    """
    with user_errors("resolve"):
        address = email.strip()
        if not address:
            raise MeetingsError("EMAIL is empty")
        target = (contact_id or "").strip()
        if sum((bool(target), ignore, suggestion is not None)) > 1:
            raise MeetingsError("give one of CONTACT_ID, --suggestion N or --ignore, not two")
        if not (target or ignore or suggestion is not None):
            raise MeetingsError(
                "give the CONTACT_ID the email belongs to, --suggestion N or --ignore"
            )
        config = Settings.resolve(db=db, data_dir=data_dir)
        copy = config.analytics_db
        name: str | None = None
        if suggestion is not None:
            target, name = _suggested(copy, address, suggestion)
        elif not ignore:
            name = _known_contact_name(copy, target)
        path = overrides.overrides_path(config.data_dir)
        replaced = overrides.decide(path, address, None if ignore else target, note)
    what = "ignored" if ignore else f"-> contact {target}" + (f" ({name})" if name else "")
    console.print(
        f"{address} {what}: {'replaced the earlier decision' if replaced else 'recorded'}"
        f" in {path}. Run `meetings run` to apply it.",
        highlight=False,
        soft_wrap=True,
    )
