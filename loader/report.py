"""What the user sees: progress while loading and the end-of-run summary table."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from loader.ingest import FileOutcome

STATUS_STYLE = {"loaded": "green", "empty": "cyan", "skipped": "yellow", "rejected": "red"}


class LoadProgress:
    """A rich progress bar: one line per file being landed, plus overall bytes."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._overall: TaskID | None = None
        self._current: TaskID | None = None

    def __enter__(self) -> LoadProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._overall is not None:
            self._progress.stop()

    def start(self, files: int, total_bytes: int) -> None:
        self._progress.start()
        self._overall = self._progress.add_task(f"{files} new file(s)", total=total_bytes)

    def file_started(self, rel_path: str, size_bytes: int) -> None:
        # DuckDB lands a file in one statement: pulse until it is done.
        self._current = self._progress.add_task(rel_path, total=None)
        if not self._progress.console.is_terminal:
            # No live bar in logs (cron, CI): say which file is being landed, so a killed or
            # hung run shows where it was.
            self._progress.console.print(
                f"landing {rel_path} ({size_bytes / 1e6:,.1f} MB)", highlight=False, markup=False
            )

    def file_done(self, outcome: FileOutcome, size_bytes: int) -> None:
        if self._current is not None:
            self._progress.update(
                self._current,
                total=size_bytes,
                completed=size_bytes,
                description=f"{outcome.rel_path} [{outcome.status}]",
            )
        if self._overall is not None:
            self._progress.advance(self._overall, size_bytes)


def summary_table(outcomes: list[FileOutcome]) -> Table:
    table = Table(title="meetings load", title_justify="left")
    table.add_column("file", no_wrap=True)
    table.add_column("platform")
    table.add_column("status")
    table.add_column("rows", justify="right")
    table.add_column("exported at", no_wrap=True)
    table.add_column("note")
    for o in outcomes:
        style = STATUS_STYLE.get(o.status, "")
        table.add_row(
            o.rel_path,
            o.platform or "",
            f"[{style}]{o.status}[/]" if style else o.status,
            "" if o.rows is None else f"{o.rows:,}",
            "" if o.exported_at is None else o.exported_at.strftime("%Y-%m-%d %H:%M"),
            o.note,
        )
    return table


def summary_line(outcomes: list[FileOutcome]) -> str:
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in STATUS_STYLE}
    loaded = counts["loaded"] + counts["empty"]
    return (
        f"{loaded} loaded, {counts['skipped']} skipped, {counts['rejected']} rejected"
        f" ({sum(o.rows or 0 for o in outcomes if o.status == 'loaded'):,} rows landed)"
    )


# Outcomes that need no action from the user (duplicates of loaded files).
_ROUTINE_NOTES = ("already loaded", "same content as ")


def problem_lines(outcomes: list[FileOutcome]) -> list[str]:
    """`file: problem — what to do`, one line per skipped or rejected file that needs a look."""
    lines = [
        f"{o.rel_path}: {o.note}"
        for o in outcomes
        if o.status in ("skipped", "rejected") and not o.note.startswith(_ROUTINE_NOTES)
    ]
    if any(o.status == "rejected" for o in outcomes):
        lines.append(
            "rejected files stay where they are and are listed by `meetings quarantine`;"
            " fix or re-export them and run `meetings load` again"
        )
    return lines
