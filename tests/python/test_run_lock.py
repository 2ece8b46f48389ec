"""One run at a time: `meetings run`, `load` and `sync --apply` share `<warehouse>.lock`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.dbt import Build
from loader.run_lock import RUN_IN_PROGRESS_EXIT_CODE, RunInProgress, lock_path, run_lock

from factories import WriteCsv, calendly_row

runner = CliRunner()

# Another process that takes the lock, prints `<pid> <since>` and holds it until its stdin
# gets a line (or it is killed).
HOLD = [
    sys.executable,
    "-c",
    "import sys\nfrom pathlib import Path\nfrom loader.run_lock import run_lock\n"
    "with run_lock(Path(sys.argv[1]), sys.argv[2]) as held:\n"
    "    print(held.pid, held.since.isoformat(), flush=True)\n"
    "    sys.stdin.readline()\n",
]


class OtherRun:
    """A process holding the lock, as another `meetings` run would."""

    def __init__(self, db: Path, command: str) -> None:
        self.process = subprocess.Popen(
            [*HOLD, str(db), command], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        pid, since = self.process.stdout.readline().split()
        self.pid = int(pid)
        self.since = datetime.fromisoformat(since)

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.communicate("done\n", timeout=30)


Hold = Callable[[str], "OtherRun"]


@pytest.fixture
def hold(db_file: Path) -> Iterator[Hold]:
    """hold(command): another process takes the test warehouse's lock as `command`."""
    holders: list[OtherRun] = []

    def _hold(command: str) -> OtherRun:
        holders.append(OtherRun(db_file, command))
        return holders[-1]

    yield _hold
    for holder in holders:
        if holder.process.poll() is None:
            holder.process.kill()
        holder.process.communicate()


def _args(command: str, data_dir: Path, db_file: Path) -> list[str]:
    folder = [] if command == "sync" else ["--data-dir", str(data_dir)]
    apply = ["--apply"] if command == "sync" else []
    return [command, *apply, *folder, "--db", str(db_file)]


@pytest.mark.parametrize("command", ["load", "run", "sync"])
@pytest.mark.parametrize(
    ("held_by", "shown"),
    [
        ("meetings run", ""),
        ("meetings load", "meetings load, "),
        ("meetings sync --apply", "meetings sync --apply, "),
    ],
)
def test_second_run_ends_at_once_with_one_line(
    data_dir: Path,
    db_file: Path,
    write_csv: WriteCsv,
    hold: Hold,
    command: str,
    held_by: str,
    shown: str,
) -> None:
    write_csv(data_dir / "calendly" / "events-export-20261120.csv", [calendly_row(1)])
    holder = hold(held_by)
    result = runner.invoke(app, _args(command, data_dir, db_file))
    assert result.exit_code == RUN_IN_PROGRESS_EXIT_CODE == 75, result.output
    since = holder.since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert result.stderr == (
        f"another meetings run is in progress ({shown}pid {holder.pid}, since {since})\n"
    )
    assert result.stdout == ""
    assert not db_file.exists()  # nothing was done
    holder.release()
    # Once the other run is over, the same command goes ahead (here: the load lands the file).
    if command == "load":
        again = runner.invoke(app, _args(command, data_dir, db_file))
        assert again.exit_code == 0, again.output
        assert "1 loaded, 0 skipped, 0 rejected" in again.stdout


def test_dry_run_sync_does_not_wait_for_the_lock(db_file: Path, hold: Hold) -> None:
    """A dry run writes nothing: it reads the warehouse whoever holds the run lock."""
    hold("meetings run")
    result = runner.invoke(app, ["sync", "--offline", "--db", str(db_file)])
    assert result.exit_code != RUN_IN_PROGRESS_EXIT_CODE
    assert "in progress" not in result.output


@pytest.mark.parametrize("how", ["killed", "written"])
def test_lock_left_by_a_dead_run_is_taken_over(
    data_dir: Path, db_file: Path, write_csv: WriteCsv, hold: Hold, how: str
) -> None:
    write_csv(data_dir / "calendly" / "events-export-20261120.csv", [calendly_row(1)])
    if how == "killed":  # a run killed -9 while holding the lock
        holder = hold("meetings run")
        holder.process.send_signal(signal.SIGKILL)
        holder.process.wait(timeout=30)
        dead_pid = holder.pid
    else:  # a lock file naming a process that no longer exists (e.g. after a reboot)
        dead_pid = 2**22 + 1  # above Linux's largest pid_max: never a live process
        db_file.parent.mkdir(parents=True)
        record = {"pid": dead_pid, "since": "2026-11-27T09:30:00-05:00", "command": "meetings run"}
        lock_path(db_file).write_text(json.dumps(record) + "\n")
    assert json.loads(lock_path(db_file).read_text())["pid"] == dead_pid
    result = runner.invoke(app, ["load", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert result.exit_code == 0, result.output
    assert "1 loaded, 0 skipped, 0 rejected" in result.stdout


def test_the_lock_says_who_holds_it_while_held_and_nothing_after(db_file: Path) -> None:
    with run_lock(db_file, "meetings load") as held:
        record = json.loads(lock_path(db_file).read_text())
        assert record == {
            "pid": os.getpid(),
            "since": held.since.isoformat(),
            "command": "meetings load",
        }
    assert lock_path(db_file).read_text() == ""
    with run_lock(db_file, "meetings run"):  # and it can be taken again
        pass


def test_a_holder_that_has_not_written_yet_is_still_reported(db_file: Path, hold: Hold) -> None:
    """Between taking the lock and writing who it is, a holder leaves the file empty."""
    holder = hold("meetings run")
    lock_path(db_file).write_text("")  # as if caught in that instant
    with pytest.raises(RunInProgress) as caught, run_lock(db_file, "meetings load"):
        pass
    assert str(caught.value) == (
        f"another meetings run is in progress (it holds {lock_path(db_file)})"
    )
    holder.release()


def test_run_apply_holds_the_lock_once_for_its_sync(
    data_dir: Path, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`meetings run --apply` syncs under the lock it took at the top (no second lock, no
    "another run" against itself)."""
    seen: list[dict[str, object]] = []

    def fake_sync(config: object, options: object) -> bool:
        seen.append(json.loads(lock_path(db_file).read_text()))
        return True

    monkeypatch.setattr("loader.dbt.build", lambda *args, **kwargs: Build(success=True))
    monkeypatch.setattr("loader.commands.pipeline.check_sync_ready", lambda: None)
    monkeypatch.setattr("loader.commands.pipeline.export_to_lacrm", fake_sync)
    result = runner.invoke(
        app, ["run", "--apply", "--data-dir", str(data_dir), "--db", str(db_file)]
    )
    assert result.exit_code == 0, result.output
    assert len(seen) == 1
    assert seen[0]["pid"] == os.getpid() and seen[0]["command"] == "meetings run"
    assert lock_path(db_file).read_text() == ""  # released at the end


@pytest.mark.parametrize("command", [["load"], ["run"], ["sync"]])
def test_help_documents_the_exit_code(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], prog_name="meetings")
    assert result.exit_code == 0
    assert "75 if another meetings run, load or sync --apply is using the warehouse" in (
        " ".join(result.output.replace("│", " ").split())
    )
