"""The review queue on a synth corpus where couples share one mailbox (issue 21's check).

    .venv/bin/python bench/shared_mailboxes.py [--couples 100] [--rows 20000] [--contacts 1000]

Writes a synth corpus with `--couples` pairs of contacts sharing an email (each booking under
their own name), runs `meetings run` on a fresh warehouse and prints the review queue
(`marts.orphaned_meetings`) by reason, the meetings matched through a shared mailbox
(`match_method = 'shared_email_name'`) and their precision against the synth's booking name:
a match is right when the matched contact's full name, or first name, is the name the
booking was made under (the synth writes one of the two, unchanged).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--couples", type=int, default=100)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shared-mailboxes-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [
                sys.executable, "-m", "loader.synth", "--out", str(work / "data"),
                "--calendly-rows", str(args.rows), "--calcom-rows", str(args.rows),
                "--contacts", str(args.contacts), "--shared-mailboxes", str(args.couples),
            ],
            check=True, capture_output=True,
        )  # fmt: skip
        db = work / "meetings.duckdb"
        run = subprocess.run(
            [str(BIN / "meetings"), "run", "--data-dir", str(work / "data"), "--db", str(db)],
            capture_output=True,
            text=True,
            env={**os.environ, "MEETINGS_SETTLE_SECONDS": "0"},
        )
        con = duckdb.connect(str(db), read_only=True)
        queue = con.execute(
            "select reason, count(*) from marts.orphaned_meetings group by 1 order by 1"
        ).fetchall()
        meetings = con.execute("select count(*) from marts.fct_meetings").fetchone()
        has_method = con.execute(
            "select count(*) from information_schema.columns"
            " where table_schema = 'marts' and table_name = 'fct_meetings'"
            " and column_name = 'match_method'"
        ).fetchone()
        shared = right = 0
        if has_method and has_method[0]:
            shared, right = con.execute(
                """
                select
                    count(*),
                    count(*) filter (
                        where lower(trim(f.invitee_name)) in (
                            lower(c.full_name), lower(c.first_name)
                        )
                    )
                from marts.fct_meetings as f
                inner join marts.dim_contacts as c using (contact_id)
                where f.match_method = 'shared_email_name'
                """
            ).fetchone() or (0, 0)
        con.close()
    total = sum(n for _, n in queue)
    print(f"meetings run exit code {run.returncode}; {meetings[0] if meetings else 0:,} meetings")
    print(
        f"review queue: {total:,} meetings ("
        + ", ".join(f"{reason} {n:,}" for reason, n in queue)
        + ")"
    )
    precision = f"{right / shared:.3f}" if shared else "n/a"
    print(
        f"matched through a shared mailbox by the invitee's name: {shared:,};"
        f" precision against the booking name {precision} ({right:,}/{shared:,})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
