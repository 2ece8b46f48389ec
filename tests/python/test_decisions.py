"""docs/decisions/README.md lists every decision record with its number, title and status."""

from __future__ import annotations

import re

from factories import REPO

DECISIONS = REPO / "docs" / "decisions"


def test_every_record_is_in_the_index_with_its_title_and_status() -> None:
    index = (DECISIONS / "README.md").read_text(encoding="utf-8")
    records = sorted(DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert records
    for record in records:
        lines = record.read_text(encoding="utf-8").splitlines()
        heading = re.fullmatch(r"# (\d{4})\. (.+)", lines[0])
        assert heading and heading[1] == record.name[:4], f"{record.name}: `# NNNN. Title` first"
        status = next((line for line in lines if line.startswith("Status: ")), "")
        assert status, f"{record.name}: no `Status:` line"
        row = f"| [{heading[1]}]({record.name}) | {heading[2]} | {status.split()[1]} |"
        assert row in index, f"docs/decisions/README.md has no row {row}"
