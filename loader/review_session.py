"""`meetings review --decide`: the review queue, one email at a time, one keystroke per
decision.

Keys: `1`/`2`/`3` accept that suggestion, `i` ignores the email (internal or test address),
`s` skips it, `q` quits (Ctrl-C and Ctrl-D too). Each decision is handed to `record` the
moment it is made (the command writes it to data/lacrm/email_overrides.csv through
loader/overrides.py, as `meetings resolve` does), so quitting loses nothing. Keys come from
`read_key` (one key press; click.getchar in the command), so tests script them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import click
from rich.console import Console
from rich.text import Text

from loader.review_queue import QueuedEmail, Suggestion

REASONS = {
    "no_contact_with_email": "no contact has this email",
    "ambiguous_email": "several contacts share this email",
    "invalid_email": "not a valid email address",
}

# Called with the email to record and the contact it belongs to (None: ignore the email);
# returns True when it replaced an earlier decision for that email.
Record = Callable[[str, str | None], bool]


def stdin_is_terminal() -> bool:
    """Whether someone can press keys (stdin is a terminal)."""
    return sys.stdin.isatty()


def read_key() -> str:
    """One key press, unechoed (Ctrl-C raises KeyboardInterrupt, Ctrl-D EOFError)."""
    return click.getchar(echo=False)


@dataclass(frozen=True)
class Outcome:
    recorded: int  # decisions written (matches and ignores)
    skipped: int
    not_reached: int  # emails left when the user quit
    quit: bool


def keys_for(entry: QueuedEmail) -> dict[str, str]:
    """The keys that mean something for this email, with what they do."""
    keys = {str(n): f"accept {n}" for n in range(1, len(entry.suggestions) + 1)}
    if entry.email:  # a decision needs an email to hold it
        keys["i"] = "ignore (internal or test)"
    keys["s"] = "skip"
    keys["q"] = "quit"
    return keys


def _date(value: object) -> str:
    return "?" if value is None else f"{value:%Y-%m-%d}"


def describe(entry: QueuedEmail, position: int, total: int) -> list[Text]:
    """What the user sees before deciding on one email."""
    lines = [
        Text.assemble(
            (f"[{position}/{total}] ", "dim"),
            (entry.email or "(no email)", "bold"),
            f" — {REASONS.get(entry.reason, entry.reason)}",
        ),
        Text(f"  booked as: {', '.join(entry.invitee_names) or '(no name)'}"),
        Text(
            f"  {entry.meetings} meeting{'s' if entry.meetings != 1 else ''},"
            f" first {_date(entry.first_start)}, last {_date(entry.last_start)}"
        ),
    ]
    if entry.reason == "ambiguous_email":
        kept = (
            f"; the {entry.matched_by_name} matched by the invitee's name keep their contact"
            if entry.matched_by_name
            else ""
        )
        lines.append(
            Text(
                f"  a decision covers the meetings of this email no name tells apart{kept}",
                "yellow",
            )
        )
    width = max((len(s.name) for s in entry.suggestions), default=0)
    for n, s in enumerate(entry.suggestions, start=1):
        lines.append(Text(f"  {n}  {s.name:<{width}}  {s.contact_id}  {s.score:.2f}"))
    if not entry.suggestions:
        lines.append(Text("  no suggested contact", "dim"))
    if not entry.email:
        lines.append(Text("  no email to decide on: fix the booking at the source", "dim"))
    hint = "  ".join(f"[{key}] {what}" for key, what in keys_for(entry).items())
    lines.append(Text(f"  {hint}", "cyan"))
    return lines


def _print(out: Console, line: Text | str) -> None:
    out.print(line, highlight=False, markup=False, soft_wrap=True)


def _ask(entry: QueuedEmail, read_key: Callable[[], str], out: Console) -> str:
    """Read keys until one that means something for this email; 'q' on Ctrl-C / Ctrl-D."""
    keys = keys_for(entry)
    while True:
        try:
            pressed = read_key()
        except (KeyboardInterrupt, EOFError):
            return "q"
        key = pressed.lower()
        if key in keys:
            return key
        *first, last = keys
        _print(out, Text(f"  press {', '.join(first)} or {last}", "yellow"))


def decide_queue(
    queue: Sequence[QueuedEmail],
    *,
    read_key: Callable[[], str],
    record: Record,
    out: Console,
) -> Outcome:
    """Walk `queue` in order, recording each decision as soon as it is made."""
    recorded = skipped = 0
    for position, entry in enumerate(queue, start=1):
        for line in describe(entry, position, len(queue)):
            _print(out, line)
        key = _ask(entry, read_key, out)
        if key == "q":
            _print(out, "  quit")
            return Outcome(recorded, skipped, len(queue) - position + 1, quit=True)
        if key == "s":
            skipped += 1
            _print(out, Text("  skipped", "dim"))
            continue
        chosen: Suggestion | None = None if key == "i" else entry.suggestions[int(key) - 1]
        replaced = record(entry.email, None if chosen is None else chosen.contact_id)
        recorded += 1
        what = "ignored" if chosen is None else f"-> {chosen.name} ({chosen.contact_id})"
        done = "replaced the earlier decision" if replaced else "recorded"
        _print(out, Text(f"  {what}: {done}", "green"))
    return Outcome(recorded, skipped, 0, quit=False)
