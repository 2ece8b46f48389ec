"""Matched meetings counted in the clients' metrics, on a synth corpus whose invitees type
their email with a display name (`"Ann Lee" <ann@x.com>`), `Name (email)` or `mailto:`.

    .venv/bin/python bench/email_spellings.py [--share 0.1] [--rows 20000] [--contacts 1000]

Writes a synth corpus (one Calendly export, one LACRM contact export), rewrites `--share` of
the Calendly invitee emails into those spellings, runs `meetings run` on a fresh warehouse
and prints: meetings matched to a contact, how many of them the clients' metrics count, and
how many clients' totals differ from their matched meetings. Every matched meeting without a
real data problem should be counted (issue 18: one definition of a valid email).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

BIN = Path(sys.executable).parent


def rewrite_emails(export: Path, share: float, seed: int) -> int:
    """Rewrite `share` of the invitee emails of a Calendly export in place; returns how many."""
    rng = random.Random(seed)
    with export.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    changed = 0
    for row in rows:
        email, name = row["Invitee Email"].strip(), row["Invitee Name"].strip()
        if email and rng.random() < share:
            row["Invitee Email"] = rng.choice(
                [f'"{name}" <{email}>', f"{name} <{email}>", f"{name} ({email})", f"mailto:{email}"]
            )
            changed += 1
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="email-spellings-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [
                sys.executable, "-m", "loader.synth", "--out", str(work / "data"),
                "--calendly-rows", str(args.rows), "--calcom-rows", "0",
                "--contacts", str(args.contacts), "--single-file", "--weeks", "52",
            ],
            check=True, capture_output=True,
        )  # fmt: skip
        (export,) = (work / "data" / "calendly").glob("*.csv")
        changed = rewrite_emails(export, args.share, seed=1)
        db = work / "meetings.duckdb"
        run = subprocess.run(
            [str(BIN / "meetings"), "run", "--data-dir", str(work / "data"), "--db", str(db)],
            capture_output=True,
            text=True,
            env={**os.environ, "MEETINGS_SETTLE_SECONDS": "0"},
        )
        con = duckdb.connect(str(db), read_only=True)
        matched, counted, clients, wrong = con.execute(
            """
            with matched as (
                select contact_id, count(*) as meetings
                from marts.fct_meetings
                where contact_id is not null and is_counted and status is not null
                group by contact_id
            )
            select
                sum(matched.meetings),
                sum(metrics.total_meetings),
                count(*),
                count(*) filter (where matched.meetings != metrics.total_meetings)
            from matched
            left join marts.contact_meeting_metrics as metrics using (contact_id)
            """
        ).fetchone()
        con.close()
    print(
        f"{changed:,} of the Calendly invitee emails rewritten with a display name, `Name (email)`"
        f" or `mailto:`; meetings run exit code {run.returncode}\n"
        f"matched meetings: {matched:,}; counted in contact_meeting_metrics: {counted:,};"
        f" clients whose total differs from their matched meetings: {wrong:,} of {clients:,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
