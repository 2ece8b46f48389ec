"""`meetings review` / `meetings resolve`: the queue, and decisions that stick across rebuilds."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

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


def _meeting(db: Path, email: str) -> tuple[object, ...]:
    """The match of every meeting booked with `email` (one decision covers all of them, on
    both platforms)."""
    rows = _query(
        db,
        "select contact_id, match_method, match_confidence from marts.fct_meetings"
        f" where invitee_email = '{email}'",
    )
    assert rows, f"no meeting booked with {email}"
    assert len(set(rows)) == 1, rows
    return rows[0]


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
    assert PAT in out and PATRICIA in out

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
    # The decision covers every meeting of the email: "Morgan Family" and the two the name
    # had matched to Pat.
    assert _meeting(own_copy.db_file, "pat@morganfamily.example") == (PAT, "manual", 1.0)
    assert _meeting(own_copy.db_file, "qa-bot@test.example") == (None, None, None)
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
    assert code == 1 and "give the CONTACT_ID the email belongs to, or --ignore" in err
    code, _, err = _invoke(
        "resolve", "a@x.example", ANN, "--ignore", "--data-dir", data, "--db", db
    )
    assert code == 1 and "not both" in err
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
    assert "email_overrides.csv" in resolve_help.output and "--ignore" in resolve_help.output
