"""`meetings quarantine`: rejected exports still in the drop folder, with what to do."""

from __future__ import annotations

from rich.table import Table

from loader.cli_common import DataDirOption, DbOption, console, user_errors
from loader.errors import MeetingsError
from loader.quarantine import Quarantined, quarantined
from loader.settings import Settings
from loader.warehouse import connect


def _table(files: list[Quarantined]) -> Table:
    table = Table(title="meetings quarantine", title_justify="left")
    table.add_column("file", no_wrap=True)
    table.add_column("platform")
    table.add_column("rejected at", no_wrap=True)
    table.add_column("reason — what to do")
    for f in files:
        reason = f.reason
        if f.changed_since:
            reason = f"(file changed since; `meetings load` re-checks it) {reason}"
        table.add_row(
            f.file_path, f.platform or "", f.rejected_at.strftime("%Y-%m-%d %H:%M"), reason
        )
    return table


def quarantine(data_dir: DataDirOption = None, db: DbOption = None) -> None:
    """List rejected export files that are still in the data folder, and why.

    Rejected files are never moved or deleted: fix the file (or export it again), leave it
    in the folder under any name and run `meetings load`; it loads and leaves this list.
    """
    config = Settings.resolve(db=db, data_dir=data_dir)
    with user_errors("quarantine"):
        path = config.db
        if not path.exists():
            raise MeetingsError(f"no warehouse at {path} yet — run `meetings load` first")
        folder = config.data_dir
        with connect(path) as con:
            files = quarantined(con, folder)
    if not files:
        console.print(f"quarantine is empty: no rejected file in {folder}")
        return
    console.print(_table(files))
    console.print(
        f"{len(files)} rejected file(s): fix or re-export each one, then run `meetings load`",
        highlight=False,
    )
