"""Contacts from the API through dbt: dim_contacts, the snapshot, and matching on old emails."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from loader.cli import app

from factories import SAMPLE_DIR
from fake_lacrm import FakeLacrm, contact

runner = CliRunner()
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']
Query = Callable[[str], list[tuple[object, ...]]]


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args), prog_name="meetings")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_email_a_contact_used_to_have_still_matches_through_the_snapshot(
    lacrm_env: FakeLacrm, tmp_path: Path, db_file: Path, query: Query
) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR / "calendly", data / "calendly")  # meetings only, no contact CSV
    emma = contact(5, "Emma", "Rossi", ["emma.rossi@example.it"], company="Rossi & Figli")
    lacrm_env.contacts = [contact(1, "Ann", "Lee", ["ann.lee@example.com"]), emma]
    db = str(db_file)

    _invoke("contacts", "pull", "--db", db)
    _invoke("run", "--data-dir", str(data), "--db", db, *AS_OF)
    emma_meeting = (
        "select contact_id, match_method from marts.fct_meetings where invitee_name = 'Emma Rossi'"
    )
    assert query(emma_meeting) == [(emma["ContactId"], "exact")]

    # Emma changes her address in LACRM; the next pull and build see the new one.
    emma["Email"] = [{"Text": "emma@rossi.example", "Type": "Work"}]
    _invoke("contacts", "pull", "--db", db)
    _invoke("build", "--db", db, *AS_OF)
    assert query(
        "select emails, contact_source from marts.dim_contacts"
        f" where contact_id = '{emma['ContactId']}'"
    ) == [(["emma@rossi.example"], "api")]
    versions = query(
        "select emails, dbt_valid_to is null from snapshots.snp_lacrm__contacts"
        f" where contact_id = '{emma['ContactId']}' order by dbt_valid_from"
    )
    assert versions == [(["emma.rossi@example.it"], False), (["emma@rossi.example"], True)]
    # Her meeting booked with the old address still belongs to her.
    assert query(emma_meeting) == [(emma["ContactId"], "historical_email")]

    # The snapshot alone carries that history: without the old pull in raw it still matches.
    con = duckdb.connect(db)
    try:
        con.execute(
            "delete from raw.lacrm_contacts"
            " where _load_id = (select min(_load_id) from raw.lacrm_contacts)"
        )
    finally:
        con.close()
    _invoke("build", "--db", db, *AS_OF)
    assert query(emma_meeting) == [(emma["ContactId"], "historical_email")]
