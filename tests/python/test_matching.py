"""Matching meetings to LACRM contacts, measured on a labelled fixture (tests/fixtures/matching).

Each labelled meeting names the contact it truly belongs to (or none). The pipeline must never
attribute a meeting to the wrong contact (precision = 1.0); recall is reported next to a naive
baseline that joins on the exact email text only.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from loader.cli import app

from factories import REPO, calendly_row

FIXTURE = REPO / "tests" / "fixtures" / "matching"
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']
runner = CliRunner()

Query = Callable[[str], list[tuple[object, ...]]]


@dataclass(frozen=True)
class Labelled:
    invitee_uuid: str
    invitee_name: str
    invitee_email: str
    true_contact_id: str | None
    expected_method: str | None
    case: str


def labelled_meetings() -> list[Labelled]:
    with (FIXTURE / "labelled_meetings.csv").open(newline="", encoding="utf-8") as handle:
        return [
            Labelled(
                r["invitee_uuid"],
                r["invitee_name"],
                r["invitee_email"],
                r["true_contact_id"] or None,
                r["expected_method"] or None,
                r["case"],
            )
            for r in csv.DictReader(handle)
        ]


def current_crm_emails() -> dict[str, set[str]]:
    """email text exactly as stored in the newest contact export -> contact ids."""
    owners: dict[str, set[str]] = {}
    path = FIXTURE / "lacrm-contacts-2026-11-20.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column, value in row.items():
                if column.lower().startswith("email") and value.strip():
                    owners.setdefault(value.strip(), set()).add(row["Contact ID"])
    return owners


def precision_recall(
    predicted: dict[str, set[str]], labels: list[Labelled]
) -> tuple[float, float, int, int]:
    """Predictions are (meeting -> contacts); a meeting attributed to two contacts counts twice."""
    truth = {m.invitee_uuid: m.true_contact_id for m in labels}
    made = [(uuid, c) for uuid, contacts in predicted.items() for c in contacts]
    correct = sum(1 for uuid, c in made if truth[uuid] == c)
    positives = sum(1 for t in truth.values() if t is not None)
    found = sum(1 for uuid, t in truth.items() if t is not None and t in predicted.get(uuid, ()))
    precision = correct / len(made) if made else 1.0
    return precision, found / positives, correct, len(made)


@pytest.fixture(scope="module")
def matched_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The labelled fixture landed and built once for this module."""
    root = tmp_path_factory.mktemp("matching")
    data = root / "data"
    (data / "lacrm").mkdir(parents=True)
    for name in ("lacrm-contacts-2026-06-01.csv", "lacrm-contacts-2026-11-20.csv"):
        shutil.copy(FIXTURE / name, data / "lacrm" / name)
    rows = [
        calendly_row(
            n,
            **{
                "Invitee UUID": m.invitee_uuid,
                "Invitee Name": m.invitee_name,
                "Invitee Email": m.invitee_email,
            },
        )
        for n, m in enumerate(labelled_meetings(), start=1)
    ]
    (data / "calendly").mkdir()
    with (data / "calendly" / "events-export-20261120.csv").open(
        "w", newline="", encoding="utf-8"
    ) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    db = root / "warehouse.duckdb"
    result = runner.invoke(app, ["run", "--data-dir", str(data), "--db", str(db), *AS_OF])
    assert result.exit_code == 0, result.output
    return db


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _pipeline_predictions(db: Path) -> dict[str, tuple[str | None, str | None]]:
    rows = _query(
        db, "select platform_invitee_key, contact_id, match_method from marts.fct_meetings"
    )
    return {str(k): (c, m) for k, c, m in rows}  # type: ignore[misc]


def test_matching_precision_is_one_and_recall_beats_exact_email_baseline(
    matched_db: Path, record_property: Callable[[str, object], None]
) -> None:
    labels = labelled_meetings()
    pipeline = _pipeline_predictions(matched_db)
    assert set(pipeline) == {m.invitee_uuid for m in labels}
    predicted = {uuid: {c} for uuid, (c, _) in pipeline.items() if c is not None}
    precision, recall, correct, made = precision_recall(predicted, labels)

    crm = current_crm_emails()
    baseline_predicted = {
        m.invitee_uuid: crm[m.invitee_email.strip()]
        for m in labels
        if m.invitee_email.strip() in crm
    }
    b_precision, b_recall, b_correct, b_made = precision_recall(baseline_predicted, labels)

    report = (
        f"matching on {len(labels)} labelled meetings: precision {precision:.3f}"
        f" ({correct}/{made}), recall {recall:.3f}; exact-email-only baseline: precision"
        f" {b_precision:.3f} ({b_correct}/{b_made}), recall {b_recall:.3f}"
    )
    print(report)
    record_property("matching_report", report)
    wrong = {
        m.invitee_uuid: (m.case, pipeline[m.invitee_uuid][0])
        for m in labels
        if pipeline[m.invitee_uuid][0] not in (None, m.true_contact_id)
    }
    assert wrong == {}, report
    assert precision == 1.0, report
    assert recall > b_recall, report


@pytest.mark.parametrize("labelled", labelled_meetings(), ids=lambda m: m.invitee_uuid)
def test_each_labelled_case_gets_the_expected_method(matched_db: Path, labelled: Labelled) -> None:
    contact_id, method = _pipeline_predictions(matched_db)[labelled.invitee_uuid]
    assert method == labelled.expected_method, labelled.case
    if method is not None:
        assert contact_id == labelled.true_contact_id, labelled.case


def test_every_matched_meeting_counts_in_the_clients_metrics(matched_db: Path) -> None:
    """A meeting matched to a contact is in that contact's numbers, whatever the spelling of
    its email (display name, `mailto:`, spaces): the matcher and the data quality flag share
    one definition of an address. Only text with no single address is `invalid_email`."""
    matched = dict(
        _query(
            matched_db,
            "select contact_id, count(*) from marts.fct_meetings"
            " where contact_id is not null and is_counted and status is not null group by 1",
        )
    )
    counted = dict(
        _query(
            matched_db,
            "select contact_id, total_meetings from marts.contact_meeting_metrics"
            " where total_meetings > 0",
        )
    )
    assert counted == matched
    flagged = _query(
        matched_db,
        "select f.platform_invitee_key from marts.data_quality_issues as d"
        " join marts.fct_meetings as f using (meeting_id)"
        " where d.issue_code = 'invalid_email' order by 1",
    )
    assert flagged == [("m19",), ("m20",)]


def test_unmatched_meetings_wait_in_the_review_queue_with_reasons(matched_db: Path) -> None:
    queue = {
        str(row[0]): row[1:]
        for row in _query(
            matched_db,
            "select f.platform_invitee_key, o.reason, o.candidate_count,"
            " o.suggested_contact_id_1, o.suggested_contact_id_2"
            " from marts.orphaned_meetings as o join marts.fct_meetings as f using (meeting_id)",
        )
    }
    pat, patricia = "3900000000000000000000000000009", "3900000000000000000000000000010"
    # a shared mailbox whose booking name fits neither sharer, or both, stays ambiguous
    for uuid in ("m28", "m29"):
        assert queue[uuid][:2] == ("ambiguous_email", 2)
        assert set(queue[uuid][2:]) == {pat, patricia}  # both sharers are the candidates
    assert queue["m13"] == ("no_contact_with_email", 0, None, None)
    assert queue["m17"][0] == "no_contact_with_email"  # deleted contact: not a target
    assert queue["m19"][0] == "invalid_email"
    assert queue["m20"][0] == "invalid_email"
    # A new address of a known client is only suggested, never matched.
    assert queue["m24"][0] == "no_contact_with_email"
    assert queue["m24"][2] == "3900000000000000000000000000008"
    # Internal meetings and matched meetings are not queued.
    assert "m18" not in queue and "m01" not in queue
    assert sorted(queue) == ["m13", "m14", "m15", "m17", "m19", "m20", "m24", "m28", "m29"]


def test_contact_index_and_dim_contacts(matched_db: Path) -> None:
    kinds = dict(
        _query(
            matched_db,
            "select email_normalized || ' ' || contact_id, email_kind"
            " from intermediate.int_contacts__email_index",
        )
    )
    emma = "3900000000000000000000000000005"
    assert kinds[f"emma@rossi.example {emma}"] == "primary"
    assert kinds[f"emma.rossi@example.it {emma}"] == "historical"
    assert kinds["kim@wardfamily.example 3900000000000000000000000000008"] == "secondary"
    # The deleted contact (only in the older export) is neither indexed nor a dimension row.
    deleted = "3900000000000000000000000000014"
    assert not [k for k in kinds if k.endswith(deleted)]
    dim = _query(
        matched_db,
        "select full_name, company_name, primary_email, emails, contact_source"
        f" from marts.dim_contacts where contact_id = '{emma}'",
    )
    assert dim == [
        ("Emma Rossi", "Rossi & Figli", "emma@rossi.example", ["emma@rossi.example"], "csv")
    ]
    assert _query(matched_db, "select count(*) from marts.dim_contacts") == [(13,)]
