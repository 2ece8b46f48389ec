"""Faults around a real `meetings load` process: killed mid-file, and run twice at once."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from loader.csv_source import quote_ident, sql_literal
from loader.formats import CALENDLY

from factories import calendly_row

# Big enough that landing takes well over a second on a 2-core machine (~70 MB).
BIG_ROWS = 150_000
BIG_NAME = "events-export-20261002.csv"
SMALL_NAME = "events-export-20261001.csv"  # exported earlier: landed first, in its own commit
MEETINGS = [sys.executable, "-c", "import sys; from loader.cli import app; app(sys.argv[1:])"]
# The same command, but it imports everything, says "ready" and waits for a line on stdin
# before running: it then opens the warehouse within milliseconds of being told to.
MEETINGS_ON_CUE = [
    sys.executable,
    "-c",
    "import sys; from loader.cli import app; print('ready', flush=True); sys.stdin.readline();"
    " app(sys.argv[1:])",
]

Query = Callable[[str], list[tuple[object, ...]]]


def write_big_export(path: Path, rows: int) -> None:
    """A realistic Calendly export with `rows` distinct invitee rows, written by DuckDB."""
    base = calendly_row(1, **{"Response 1": "Please review the retirement accounts, " * 4})
    varying = {
        "Event UUID": "'ev-big-' || i",
        "Invitee UUID": "'inv-big-' || i",
        "Invitee Name": "'Client ' || i",
        "Invitee Email": "'client' || i || '@example.com'",
    }
    select = ", ".join(
        f"{varying.get(c, sql_literal(base[c]))} as {quote_ident(c)}"
        for c in CALENDLY.known_columns
    )
    duckdb.connect().execute(
        f"copy (select {select} from range(1, {rows} + 1) as t(i) order by i)"
        f" to {sql_literal(str(path))} (header, delimiter ',')"
    )


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / BIG_NAME
    write_big_export(path, BIG_ROWS)
    return path


@pytest.fixture
def drop_folder(data_dir: Path, big_export: Path) -> Path:
    """The big export (hard-linked: the loader never writes to exports) and a small one."""
    os.link(big_export, data_dir / "calendly" / BIG_NAME)
    small = data_dir / "calendly" / SMALL_NAME
    small.write_text(
        ",".join(CALENDLY.known_columns)
        + "\n"
        + ",".join(calendly_row(1)[c] for c in CALENDLY.known_columns)
        + "\n",
        encoding="utf-8",
    )
    return data_dir


class Running:
    """A `meetings` process whose stdout lines can be awaited (without blocking forever)."""

    def __init__(self, args: list[str]) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "MEETINGS_SETTLE_SECONDS": "0"}
        self.process = subprocess.Popen(
            [*MEETINGS, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, prefix: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if line.startswith(prefix):
                return
        raise AssertionError(f"never printed {prefix!r}; output so far: {self.seen}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


@pytest.fixture
def running() -> Iterator[Callable[[list[str]], Running]]:
    started: list[Running] = []

    def _start(args: list[str]) -> Running:
        started.append(Running(args))
        return started[-1]

    yield _start
    for proc in started:
        proc.stop()


def test_sigkill_mid_file_leaves_nothing_half_loaded(
    drop_folder: Path, db_file: Path, query: Query, running: Callable[[list[str]], Running]
) -> None:
    args = ["load", "--data-dir", str(drop_folder), "--db", str(db_file)]
    load = running(args)
    # The loader says which file it is landing (one line per file in logs), then lands it in
    # one transaction that takes seconds for this file: kill it inside that transaction.
    load.wait_for(f"landing calendly/{BIG_NAME}")
    time.sleep(0.3)
    assert load.process.poll() is None, "the load finished before it could be killed"
    load.process.kill()
    load.process.wait(timeout=30)
    assert load.process.returncode == -9

    # Consistent: the small file committed before the crash is there, the big one not at all.
    assert query("select _source_file, count(*) from raw.calendly_events group by 1") == [
        (f"calendly/{SMALL_NAME}", 1)
    ]
    assert query("select file_name, status, row_count from raw._load_manifest") == [
        (SMALL_NAME, "loaded", 1)
    ]

    # Re-running completes it: every row of the big file exactly once.
    again = subprocess.run(
        [*MEETINGS, *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert again.returncode == 0, again.stderr
    assert "1 loaded, 1 skipped, 0 rejected" in again.stdout
    assert query(
        "select count(*), count(distinct _source_row), max(_source_row),"
        ' count(distinct "Invitee UUID") from raw.calendly_events'
        f" where _source_file = 'calendly/{BIG_NAME}'"
    ) == [(BIG_ROWS, BIG_ROWS, BIG_ROWS, BIG_ROWS)]
    assert query(
        "select file_name, status, row_count from raw._load_manifest order by load_id"
    ) == [(SMALL_NAME, "loaded", 1), (BIG_NAME, "loaded", BIG_ROWS)]


def test_second_load_while_one_runs_ends_at_once_on_the_run_lock(
    drop_folder: Path, db_file: Path, query: Query, running: Callable[[list[str]], Running]
) -> None:
    """The second `meetings load` (a cron job firing again) finds the first one's run lock:
    one line naming it, exit code 75, before it opens anything."""
    args = ["load", "--data-dir", str(drop_folder), "--db", str(db_file)]
    second = subprocess.Popen(
        [*MEETINGS_ON_CUE, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MEETINGS_SETTLE_SECONDS": "0"},
    )
    try:
        assert second.stdout is not None and second.stdout.readline().strip() == "ready"
        first = running(args)
        first.wait_for(f"landing calendly/{BIG_NAME}")
        started = time.monotonic()
        out, err = second.communicate(input="go\n", timeout=60)
        elapsed = time.monotonic() - started
        assert first.process.poll() is None, "the first load ended before the second started"
    finally:
        if second.poll() is None:
            second.kill()
            second.communicate()

    assert second.returncode == 75
    assert re.fullmatch(
        rf"another meetings run is in progress \(meetings load, pid {first.process.pid},"
        r" since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)\n",
        err,
    ), err
    assert out == ""  # ("ready" was read above)
    assert elapsed < 10  # the lock is tried, not waited for: no hanging

    # The first load is not disturbed: it finishes with every row exactly once.
    assert first.process.wait(timeout=300) == 0
    assert query("select count(*) from raw.calendly_events") == [(BIG_ROWS + 1,)]
    assert query("select status, count(*) from raw._load_manifest group by 1") == [("loaded", 2)]


def test_backup_while_the_file_is_held_is_busy(db_file: Path) -> None:
    """The same one-line answer whoever holds the lock (here: an analyst's duckdb session)."""
    db_file.parent.mkdir(parents=True)
    holder = duckdb.connect(str(db_file))
    try:
        result = subprocess.run(
            [*MEETINGS, "backup", "--db", str(db_file)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        holder.close()
    assert result.returncode == 1
    assert result.stderr.startswith("error: backup: database busy")
    assert "Traceback" not in result.stderr
