"""What the user sees of a sync: the plan tables (dry run), a progress bar, the summary."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from loader.lacrm.plan import UNSET, Plan
from loader.lacrm.sync import SyncResult

MAX_ROWS = 200
"""Rows per plan table; the rest is counted (use --limit or --since to look closer)."""


def _value(value: Any) -> str:
    if value is UNSET:
        return "[dim](not set by the export)[/]"
    if value is None:
        return "[dim](blank)[/]"
    return escape(str(value))


def contact_table(plan: Plan) -> Table:
    table = Table(title="contacts to update (EditContact)", title_justify="left")
    table.add_column("contact")
    table.add_column("contact id", no_wrap=True)
    table.add_column("field")
    table.add_column("last pushed")
    table.add_column("new")
    for update in plan.contact_updates[:MAX_ROWS]:
        for index, change in enumerate(update.changes):
            first = index == 0
            table.add_row(
                escape(update.contact_name) if first else "",
                update.contact_id if first else "",
                escape(change.field),
                _value(change.old),
                _value(change.new),
            )
    return table


def event_table(plan: Plan) -> Table:
    table = Table(title="timeline events (CreateEvent / EditEvent)", title_justify="left")
    table.add_column("action")
    table.add_column("start", no_wrap=True)
    table.add_column("contact")
    table.add_column("event")
    table.add_column("meeting id", no_wrap=True)
    for create in plan.event_creates[:MAX_ROWS]:
        action = "look up, else create" if create.look_up_first else "create"
        if not create.create_if_missing:
            action = "look up (outcome unknown)"
        table.add_row(
            action,
            create.fields.start_date,
            escape(create.contact_name),
            escape(create.fields.name),
            create.meeting_id,
        )
    for edit in plan.event_edits[:MAX_ROWS]:
        changed = ", ".join(edit.changed)
        table.add_row(
            f"edit ({edit.status}: {changed})",
            edit.fields.start_date,
            escape(edit.contact_name),
            f"{escape(edit.old.name)} -> {escape(edit.fields.name)}"
            if "name" in edit.changed
            else escape(edit.fields.name),
            edit.meeting_id,
        )
    return table


def plan_line(plan: Plan) -> str:
    line = (
        f"{len(plan.contact_updates)} contact(s) to update ({plan.contacts_unchanged} unchanged),"
        f" {len(plan.event_creates)} event(s) to create, {len(plan.event_edits)} to edit"
        f" ({plan.events_unchanged} unchanged)"
    )
    if plan.deferred:
        line += f"; {plan.deferred} more left for a later run (--limit)"
    return line


def print_plan(console: Console, plan: Plan) -> None:
    if plan.contact_updates:
        console.print(contact_table(plan))
    if plan.event_creates or plan.event_edits:
        console.print(event_table(plan))
    hidden = max(len(plan.contact_updates) - MAX_ROWS, 0) + max(
        len(plan.event_creates) - MAX_ROWS, 0
    )
    hidden += max(len(plan.event_edits) - MAX_ROWS, 0)
    if hidden:
        console.print(f"(… {hidden} more not shown: narrow with --limit or --since)")


def notes(plan: Plan) -> list[str]:
    """Lines about values left alone and things to fix by hand."""
    lines = list(plan.attention)
    if plan.not_computed:
        contacts = len({contact for contact, _ in plan.not_computed})
        fields = sorted({name for _, name in plan.not_computed})
        lines.append(
            f"{len(plan.not_computed)} value(s) of {contacts} contact(s) could not be computed"
            f" and are left as they are in LACRM (fields: {', '.join(fields)})"
        )
    return lines


class SyncProgress:
    """A progress bar over the plan's writes, with running counts and ETA."""

    def __init__(self, console: Console, total: int) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID = self._progress.add_task(_counts(SyncResult()), total=total)

    def __enter__(self) -> SyncProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def step(self, result: SyncResult) -> None:
        self._progress.update(self._task, advance=1, description=_counts(result))


def _counts(result: SyncResult) -> str:
    return (
        f"updated {result.contacts_updated} · events created"
        f" {result.events_created + result.events_found} · edited {result.events_edited}"
        f" · failed {result.failed}"
    )


def summary_table(plan: Plan, result: SyncResult) -> Table:
    table = Table(title="meetings sync", title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("contacts updated", result.contacts_updated),
        ("contacts unchanged", plan.contacts_unchanged),
        ("events created", result.events_created),
        ("events found after an unknown outcome (not created twice)", result.events_found),
        ("events edited (canceled, moved...)", result.events_edited),
        ("events unchanged", plan.events_unchanged),
        ("failed", result.failed),
        ("left for a later run (--limit or stop)", plan.deferred + _not_reached(plan, result)),
    ]
    for label, count in rows:
        style = "red" if label == "failed" and count else ""
        table.add_row(label, f"[{style}]{count:,}[/]" if style else f"{count:,}")
    return table


def _not_reached(plan: Plan, result: SyncResult) -> int:
    return max(plan.writes - result.steps_done, 0)
