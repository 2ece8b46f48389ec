"""`meetings review` / `meetings resolve`: the queue, and decisions that stick across rebuilds."""

from __future__ import annotations

import csv
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from loader import review_session
from loader.cli import app

from factories import SAMPLE_DIR, calendly_row

runner = CliRunner()
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']

ANN = "3911002004001000000000000000001"
PAT = "3911002004001000000000000000012"
PATRICIA = "3911002004001000000000000000013"


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), prog_name="meetings")
    return result.exit_code, result.stdout, result.stderr


@dataclass(frozen=True)
class Built:
    data_dir: Path
    db_file: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The bundled sample plus four bookings: three no contact can be matched to
    automatically (Sam, the QA bot, and "Morgan Family" on the Morgans' shared mailbox, a name
    that tells neither of them) and Pat Morgan on that mailbox (his name tells him); landed
    and built once (tests that change it work on a copy)."""
    root = tmp_path_factory.mktemp("review")
    data = root / "data"
    shutil.copytree(SAMPLE_DIR, data)
    rows = [
        calendly_row(
            91, **{"Invitee Name": "Sam Stranger", "Invitee Email": "sam@unknown-domain.example"}
        ),
        calendly_row(
            92, **{"Invitee Name": "Pat Morgan", "Invitee Email": "pat@morganfamily.example"}
        ),
        calendly_row(93, **{"Invitee Name": "QA Bot", "Invitee Email": "qa-bot@test.example"}),
        calendly_row(
            94, **{"Invitee Name": "Morgan Family", "Invitee Email": "pat@morganfamily.example"}
        ),
    ]
    with (data / "calendly" / "events-export-20261125.csv").open(
        "w", newline="", encoding="utf-8"
    ) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    db = root / "warehouse.duckdb"
    code, out, _ = _invoke("run", "--data-dir", str(data), "--db", str(db), *AS_OF)
    assert code == 0, out
    return Built(data, db)


@pytest.fixture
def own_copy(built: Built, tmp_path: Path) -> Built:
    data = tmp_path / "data"
    shutil.copytree(built.data_dir, data)
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(built.db_file, db)
    # and the analytics copy published beside it, which review and resolve read
    shutil.copy(built.db_file.with_name("analytics.duckdb"), tmp_path / "analytics.duckdb")
    return Built(data, db)


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _matches(db: Path, email: str) -> set[tuple[object, ...]]:
    """How the meetings booked with `email` are matched, per booking name (one decision covers
    every meeting of the email that no name resolves, on both platforms)."""
    rows = _query(
        db,
        "select invitee_name, contact_id, match_method, match_confidence"
        f" from marts.fct_meetings where invitee_email = '{email}'",
    )
    assert rows, f"no meeting booked with {email}"
    return set(rows)


def test_sample_meetings_are_matched_and_orphans_queued(built: Built) -> None:
    methods = dict(
        _query(
            built.db_file,
            "select invitee_name,"
            " array_to_string(list_sort(list(distinct coalesce(match_method, '-'))), ',')"
            " from marts.fct_meetings group by 1",
        )
    )
    assert methods == {
        # Calendly: as in LACRM; Cal.com: ANN.LEE@example.com (case only)
        "Ann Lee": "exact,normalized",
        # Calendly: typed with capitals and a trailing space; Cal.com: as in LACRM
        "Bo Chen": "exact,normalized",
        "Ivy Park": "normalized",  # ivy.park+advisor@gmail.com: Gmail dots and +tag
        "Jon Reyes": "normalized",  # jon.reyes@googlemail.com = jonreyes@gmail.com
        "Kim Ward": "secondary_email",  # her second address in LACRM
        "Dev Patel": "normalized",  # example.net is an alias of example.com (seed)
        "Carla Diaz": "exact",
        "Emma Rossi": "historical_email",  # her address before she changed it in LACRM
        "Gina Novak": "exact",
        "Hal Novak": "exact",
        "Frank O'Neil": "exact",
        "Maria Gomez": "-",  # the firm's own host: internal, not queued
        "Sam Stranger": "-",
        # pat@morganfamily.example is Pat's and Patricia's: the full name tells Pat (both
        # platforms); "Morgan Family" tells neither, so that booking stays in the queue
        "Pat Morgan": "shared_email_name",
        "Morgan Family": "-",
        "QA Bot": "-",
    }
    assert _query(
        built.db_file,
        "select distinct contact_id, match_confidence from marts.fct_meetings"
        " where invitee_name = 'Pat Morgan'",
    ) == [(PAT, 0.85)]
    queue = _query(
        built.db_file,
        "select invitee_email, invitee_name, reason, candidate_contact_ids"
        " from marts.orphaned_meetings order by all",
    )
    assert queue == [
        ("pat@morganfamily.example", "Morgan Family", "ambiguous_email", [PAT, PATRICIA]),
        ("qa-bot@test.example", "QA Bot", "no_contact_with_email", []),
        # Sam booked on both platforms
        ("sam@unknown-domain.example", "Sam Stranger", "no_contact_with_email", []),
        ("sam@unknown-domain.example", "Sam Stranger", "no_contact_with_email", []),
    ]


def test_resolve_then_rebuild_matches_manually_and_empties_the_queue(own_copy: Built) -> None:
    data, db = str(own_copy.data_dir), str(own_copy.db_file)
    overrides_file = own_copy.data_dir / "lacrm" / "email_overrides.csv"
    code, out, _ = _invoke("review", "--db", db)
    assert code == 0
    # Sam booked on both platforms: 2 meetings, plus the QA bot and "Morgan Family".
    assert "3 email(s), 4 meeting(s) in the queue" in out
    assert "ambiguous_email" in out and "Morgan Family" in out
    assert f"1. Pat Morgan {PAT}" in out and f"2. Patricia Morgan {PATRICIA}" in out

    # A first decision, then a corrected one for the same email: the later one wins.
    code, out, _ = _invoke(
        "resolve", "pat@morganfamily.example", PATRICIA, "--data-dir", data, "--db", db
    )
    assert code == 0, out
    assert "-> contact 3911002004001000000000000000013 (Patricia Morgan): recorded" in out
    code, out, _ = _invoke(
        "resolve",
        " Pat@MorganFamily.example ",
        PAT,
        "--note",
        "it is Pat",
        "--data-dir",
        data,
        "--db",
        db,
    )
    assert code == 0, out
    assert "replaced the earlier decision" in out
    code, out, _ = _invoke(
        "resolve", "--ignore", "qa-bot@test.example", "--data-dir", data, "--db", db
    )
    assert code == 0, out
    assert overrides_file.read_text(encoding="utf-8").lower().count("morganfamily") == 1

    code, out, _ = _invoke("run", "--data-dir", data, "--db", db, *AS_OF)
    assert code == 0, out
    # The decision covers the meeting no name resolves ("Morgan Family"); the ones Pat booked
    # under his own name keep their match by name.
    assert _matches(own_copy.db_file, "pat@morganfamily.example") == {
        ("Morgan Family", PAT, "manual", 1.0),
        ("Pat Morgan", PAT, "shared_email_name", 0.85),
    }
    assert _matches(own_copy.db_file, "qa-bot@test.example") == {("QA Bot", None, None, None)}
    # Sam booked on both platforms: his two meetings stay in the queue.
    assert _query(own_copy.db_file, "select invitee_email from marts.orphaned_meetings") == [
        ("sam@unknown-domain.example",),
        ("sam@unknown-domain.example",),
    ]
    code, out, _ = _invoke("review", "--db", db)
    assert "1 email(s), 2 meeting(s) in the queue" in out

    # A decision naming a contact that does not exist fails a dbt test, loudly.
    with overrides_file.open("a", encoding="utf-8") as f:
        f.write("sam@unknown-domain.example,3999999999999999999999999999999,match,,typo\n")
    code, out, err = _invoke("run", "--data-dir", data, "--db", db, *AS_OF)
    assert code == 1
    assert "assert_email_overrides_name_existing_contacts" in out
    assert "dbt reported failing models or tests" in err


def test_resolve_checks_its_arguments(own_copy: Built) -> None:
    data, db = str(own_copy.data_dir), str(own_copy.db_file)
    code, _, err = _invoke("resolve", "a@x.example", "--data-dir", data, "--db", db)
    assert code == 1 and "give the CONTACT_ID the email belongs to, --suggestion N or" in err
    for both in ([ANN, "--ignore"], [ANN, "--suggestion", "1"], ["--ignore", "--suggestion", "1"]):
        code, _, err = _invoke("resolve", "a@x.example", *both, "--data-dir", data, "--db", db)
        assert code == 1, both
        assert err.strip() == (
            "error: resolve: give one of CONTACT_ID, --suggestion N or --ignore, not two"
        )
    code, _, err = _invoke("resolve", "  ", ANN, "--data-dir", data, "--db", db)
    assert code == 1 and "EMAIL is empty" in err
    # A contact the warehouse does not know is refused before anything is written.
    code, _, err = _invoke(
        "resolve", "sam@unknown-domain.example", "123", "--data-dir", data, "--db", db
    )
    assert code == 1
    assert "contact 123 is not in marts.dim_contacts" in err
    assert len(err.strip().splitlines()) == 1
    assert not (own_copy.data_dir / "lacrm" / "email_overrides.csv").exists()


def test_review_before_any_build_is_one_clean_line(tmp_path: Path) -> None:
    code, _, err = _invoke("review", "--db", str(tmp_path / "none.duckdb"))
    assert code == 1
    assert err.strip().splitlines() == [
        f"error: review: nothing published yet (no {tmp_path / 'analytics.duckdb'}); run"
        " `meetings run` (or `meetings build`) first"
    ]


def test_review_and_resolve_explain_themselves() -> None:
    review_help = runner.invoke(app, ["review", "--help"], prog_name="meetings")
    resolve_help = runner.invoke(app, ["resolve", "--help"], prog_name="meetings")
    assert review_help.exit_code == resolve_help.exit_code == 0
    assert "--db" in review_help.output and "--limit" in review_help.output
    assert "--decide" in review_help.output
    assert "email_overrides.csv" in resolve_help.output and "--ignore" in resolve_help.output
    assert "--suggestion" in resolve_help.output


def _overrides(data_dir: Path) -> list[dict[str, str]]:
    path = data_dir / "lacrm" / "email_overrides.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _without_time(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    assert all(r["decided_at"] for r in rows), rows
    return [{k: v for k, v in r.items() if k != "decided_at"} for r in rows]


def test_resolve_suggestion_records_that_contact_as_resolve_would(own_copy: Built) -> None:
    data, db = str(own_copy.data_dir), str(own_copy.db_file)
    code, out, err = _invoke(
        "resolve", "Pat@MorganFamily.example", "--suggestion", "2", "--data-dir", data, "--db", db
    )
    assert (code, err) == (0, ""), err
    assert out.startswith(
        f"Pat@MorganFamily.example -> contact {PATRICIA} (Patricia Morgan): recorded in"
    )
    by_suggestion = _without_time(_overrides(own_copy.data_dir))
    # The same decision typed with the id: the same row (only decided_at differs).
    (own_copy.data_dir / "lacrm" / "email_overrides.csv").unlink()
    code, out, err = _invoke(
        "resolve", "Pat@MorganFamily.example", PATRICIA, "--data-dir", data, "--db", db
    )
    assert code == 0, err
    assert (
        _without_time(_overrides(own_copy.data_dir))
        == by_suggestion
        == [
            {
                "email": "Pat@MorganFamily.example",
                "contact_id": PATRICIA,
                "action": "match",
                "note": "",
            }
        ]
    )


@pytest.mark.parametrize(
    ("email", "number", "message"),
    [
        (
            "pat@morganfamily.example",
            "3",
            "pat@morganfamily.example has no suggestion 3, only 2 (`meetings review` lists them)",
        ),
        (
            "pat@morganfamily.example",
            "4",
            "--suggestion is 1, 2 or 3 (the numbers `meetings review` shows), not 4",
        ),
        (
            "pat@morganfamily.example",
            "0",
            "--suggestion is 1, 2 or 3 (the numbers `meetings review` shows), not 0",
        ),
        (
            "sam@unknown-domain.example",
            "1",
            "sam@unknown-domain.example has no suggested contact; give its CONTACT_ID or --ignore",
        ),
        (
            # matched automatically: not in the queue
            "ann.lee@example.com",
            "1",
            "ann.lee@example.com is not in the review queue of the last build;"
            " `meetings review` lists the emails in it",
        ),
    ],
)
def test_resolve_suggestion_refuses_what_the_queue_does_not_hold(
    own_copy: Built, email: str, number: str, message: str
) -> None:
    data, db = str(own_copy.data_dir), str(own_copy.db_file)
    code, _, err = _invoke("resolve", email, "--suggestion", number, "--data-dir", data, "--db", db)
    assert code == 1
    assert err.strip().splitlines() == [f"error: resolve: {message}"]
    assert not (own_copy.data_dir / "lacrm" / "email_overrides.csv").exists()


def test_decide_without_a_terminal_refuses_in_one_line(own_copy: Built) -> None:
    # CliRunner's stdin is not a terminal, as under cron or in a pipe.
    code, out, err = _invoke(
        "review", "--decide", "--db", str(own_copy.db_file), "--data-dir", str(own_copy.data_dir)
    )
    assert code == 1
    assert err.strip().splitlines() == [
        "error: review: --decide reads one key per decision and needs a terminal; in a script"
        " use `meetings resolve EMAIL --suggestion N` (or CONTACT_ID, or --ignore)"
    ]
    assert out == ""
    assert not (own_copy.data_dir / "lacrm" / "email_overrides.csv").exists()


@pytest.fixture
def keyboard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Pretend stdin is a terminal; the keys appended to the returned list are pressed in
    turn (the test fails if the command asks for one more)."""
    keys: list[str] = []
    monkeypatch.setattr(review_session, "stdin_is_terminal", lambda: True)

    def read_key() -> str:
        if not keys:
            pytest.fail("meetings review --decide asked for a key after the script ended")
        return keys.pop(0)

    monkeypatch.setattr(review_session, "read_key", read_key)
    return keys


def test_decide_walks_the_queue_most_meetings_first(own_copy: Built, keyboard: list[str]) -> None:
    data, db = str(own_copy.data_dir), str(own_copy.db_file)
    path = own_copy.data_dir / "lacrm" / "email_overrides.csv"
    # Sam (2 meetings, no suggestion): skip; the Morgans' mailbox (1 meeting, latest
    # 2026-10-11): Patricia; the QA bot (1 meeting, 2026-10-10): ignore.
    keyboard.extend(["s", "2", "i"])
    code, out, err = _invoke("review", "--decide", "--data-dir", data, "--db", db)
    assert code == 0, err
    assert keyboard == []
    assert re.findall(r"^\[\d/\d\] \S+", out, flags=re.MULTILINE) == [
        "[1/3] sam@unknown-domain.example",
        "[2/3] pat@morganfamily.example",
        "[3/3] qa-bot@test.example",
    ]
    assert "3 email(s), 4 meeting(s) to decide, most meetings first." in out
    assert "  booked as: Morgan Family\n  1 meeting, first 2026-10-11, last 2026-10-11\n" in out
    assert (
        "a decision covers the meetings of this email no name tells apart; the 2 matched"
        " by the invitee's name" in out
    )
    assert f"  1  Pat Morgan       {PAT}  0.78\n  2  Patricia Morgan  {PATRICIA}  0.71\n" in out
    assert f"  -> Patricia Morgan ({PATRICIA}): recorded" in out
    assert out.rstrip().endswith(
        f"2 decision(s) recorded in {path}; `meetings run` applies them (1 skipped)"
    )
    assert _without_time(_overrides(own_copy.data_dir)) == [
        {
            "email": "pat@morganfamily.example",
            "contact_id": PATRICIA,
            "action": "match",
            "note": "",
        },
        {"email": "qa-bot@test.example", "contact_id": "", "action": "ignore", "note": ""},
    ]

    # Again before `meetings run`: the decided emails wait for the build, Sam is asked again.
    keyboard.append("q")
    code, out, err = _invoke("review", "--decide", "--data-dir", data, "--db", db)
    assert code == 0, err
    assert "2 email(s) already decided in" in out and "waiting for `meetings run`" in out
    assert re.findall(r"^\[\d/\d\] \S+", out, flags=re.MULTILINE) == [
        "[1/1] sam@unknown-domain.example"
    ]
    assert out.rstrip().endswith("no decision recorded (1 not reached)")
    assert len(_overrides(own_copy.data_dir)) == 2


def test_decide_quit_midway_keeps_what_was_decided(own_copy: Built, keyboard: list[str]) -> None:
    data, db = str(own_copy.data_dir), str(own_copy.db_file)
    keyboard.extend(["s", "1", "q"])
    code, out, err = _invoke("review", "--decide", "--data-dir", data, "--db", db)
    assert code == 0, err
    assert keyboard == []
    assert out.rstrip().endswith("`meetings run` applies them (1 skipped, 1 not reached)")
    assert _without_time(_overrides(own_copy.data_dir)) == [
        {"email": "pat@morganfamily.example", "contact_id": PAT, "action": "match", "note": ""}
    ]


class _Terminal:
    """`meetings` running in a pseudo-terminal: read what it prints, press keys once it is
    waiting for one (click.getchar switches the terminal to raw mode and drops keys pressed
    before, so a key is only sent once the terminal is raw)."""

    def __init__(self, *args: str) -> None:
        self.master, self.slave = pty.openpty()
        meetings = Path(sys.executable).with_name("meetings")
        env = {**os.environ, "COLUMNS": "120", "TERM": "dumb", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [str(meetings), *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            start_new_session=True,
        )
        self.output = ""

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the process ended and closed the terminal
            return False
        self.output += chunk.decode(errors="replace").replace("\r\n", "\n")
        return bool(chunk)

    def _wait(self, done: object, what: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not callable(done) or not done():
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"waited for {what}; the terminal shows:\n{self.output}")
            self._pump(0.05)

    def press(self, key: str, after: str) -> None:
        """Press `key` once `after` is on screen and the command waits for a key."""
        self._wait(lambda: after in self.output, repr(after))
        self._wait(lambda: not termios.tcgetattr(self.slave)[3] & termios.ICANON, "raw mode")
        os.write(self.master, key.encode())

    def finish(self, seconds: float = 60) -> int:
        os.close(self.slave)
        deadline = time.monotonic() + seconds
        while self._pump(0.2) and time.monotonic() < deadline:
            pass
        code = self.process.wait(timeout=seconds)
        os.close(self.master)
        return code


@pytest.fixture
def terminal() -> Iterator[list[_Terminal]]:
    opened: list[_Terminal] = []
    yield opened
    for t in opened:
        if t.process.poll() is None:
            t.process.kill()
            t.process.wait()


def test_decide_in_a_real_terminal_then_run_applies_it(
    own_copy: Built, terminal: list[_Terminal]
) -> None:
    data, db = str(own_copy.data_dir), str(own_copy.db_file)
    term = _Terminal("review", "--decide", "--data-dir", data, "--db", db)
    terminal.append(term)
    term.press("x", after="[1/3] sam@unknown-domain.example")  # means nothing here
    term.press("s", after="press i, s or q")
    term.press("1", after="[2/3] pat@morganfamily.example")
    term.press("i", after="[3/3] qa-bot@test.example")
    assert term.finish() == 0, term.output
    assert "Traceback" not in term.output
    assert "2 decision(s) recorded in" in term.output
    assert "`meetings run` applies them (1 skipped)" in term.output

    code, out, _ = _invoke("run", "--data-dir", data, "--db", db, *AS_OF)
    assert code == 0, out
    assert _matches(own_copy.db_file, "pat@morganfamily.example") == {
        ("Morgan Family", PAT, "manual", 1.0),
        ("Pat Morgan", PAT, "shared_email_name", 0.85),
    }
    assert _matches(own_copy.db_file, "qa-bot@test.example") == {("QA Bot", None, None, None)}
    assert _query(
        own_copy.db_file, "select distinct invitee_email from marts.orphaned_meetings"
    ) == [("sam@unknown-domain.example",)]
