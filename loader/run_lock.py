"""One pipeline run at a time: an OS lock on a file beside the warehouse.

`meetings run`, `meetings load` and `meetings sync --apply` hold `<warehouse>.lock` for
their whole run, so a cron job that fires while the previous one is still busy ends at once
instead of failing half-way on DuckDB's file lock. The lock is `flock(2)`: the kernel drops
it when its process ends, however it ends (kill -9 included), so a lock left by a killed
run is never stale and a reused pid cannot keep it. The file only says who holds it (pid,
start time, command) for the message; it is emptied on release and never deleted (deleting
a lock file lets two processes lock two different files of the same name).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from loader.errors import MeetingsError

# sysexits.h EX_TEMPFAIL: "temporary failure, try again later" (cron and systemd treat it as
# a failure like any non-zero code; a wrapper can tell it apart from a failing run).
RUN_IN_PROGRESS_EXIT_CODE = 75
# A holder that has just taken the lock writes who it is within microseconds: a reader that
# finds the file still empty looks again for this long before saying "details unknown".
_HOLDER_WAIT_SECONDS = 1.0


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as written in the lock file."""

    pid: int
    since: datetime
    command: str


class RunInProgress(MeetingsError):
    """Another `meetings` run holds the warehouse's lock."""

    def __init__(self, holder: Holder | None, lock_file: Path) -> None:
        self.holder = holder
        self.lock_file = lock_file
        super().__init__(_message(holder, lock_file))


def _message(holder: Holder | None, lock_file: Path) -> str:
    if holder is None:
        return f"another meetings run is in progress (it holds {lock_file})"
    command = "" if holder.command == "meetings run" else f"{holder.command}, "
    since = holder.since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return f"another meetings run is in progress ({command}pid {holder.pid}, since {since})"


def lock_path(db: Path) -> Path:
    """`warehouse/meetings.duckdb` -> `warehouse/meetings.duckdb.lock`."""
    return db.with_name(db.name + ".lock")


def _parse(text: str) -> Holder | None:
    try:
        data = json.loads(text)
        return Holder(int(data["pid"]), datetime.fromisoformat(data["since"]), data["command"])
    except (ValueError, KeyError, TypeError):
        return None


def _read_holder(fd: int) -> Holder | None:
    deadline = time.monotonic() + _HOLDER_WAIT_SECONDS
    while True:
        holder = _parse(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        if holder is not None or time.monotonic() >= deadline:
            return holder
        time.sleep(0.05)


@contextmanager
def run_lock(db: Path, command: str) -> Iterator[Holder]:
    """Hold the warehouse's run lock for the `with` block, or raise RunInProgress at once.

    `command` ("meetings run", "meetings load", ...) is written in the file for the message
    another run shows. Not re-entrant: take it once, at the top of a command.
    """
    path = lock_path(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise MeetingsError(
            f"cannot create the run lock {path} ({exc.strerror or type(exc).__name__})"
            " — check that the warehouse folder exists and can be written to"
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(_read_holder(fd), path) from None
        holder = Holder(os.getpid(), datetime.now().astimezone().replace(microsecond=0), command)
        record = {"pid": holder.pid, "since": holder.since.isoformat(), "command": command}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        try:
            yield holder
        finally:
            os.ftruncate(fd, 0)  # released: nobody holds it (the kernel unlocks on close)
    finally:
        os.close(fd)
