"""docs/analysts.md: every ```sql example runs against the analytics copy of the sample
warehouse and returns rows, the guide opens that copy (never the warehouse), and every mart has
a section (so the guide cannot rot or fall behind the models)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from factories import REPO

GUIDE = REPO / "docs" / "analysts.md"
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK = re.compile(r"^#### (?P<title>.+?)$|^```sql\n(?P<sql>.*?)^```", re.MULTILINE | re.DOTALL)


def sql_examples(markdown: str) -> list[tuple[str, str]]:
    """(title of the `####` heading above it, sql) for each ```sql block outside comments."""
    examples: list[tuple[str, str]] = []
    title = "untitled"
    for match in _BLOCK.finditer(_COMMENT.sub("", markdown)):
        if match["title"]:
            title = match["title"].strip()
        else:
            examples.append((title, match["sql"]))
    return examples


EXAMPLES = sql_examples(GUIDE.read_text(encoding="utf-8"))


def test_extractor_finds_blocks_and_skips_comments() -> None:
    text = "#### A\n```sql\nselect 1;\n```\n<!--\n```sql\nbroken\n```\n-->\n```bash\nls\n```\n"
    assert sql_examples(text) == [("A", "select 1;\n")]
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(("title", "sql"), EXAMPLES, ids=[title for title, _ in EXAMPLES])
def test_example_query_runs_on_sample_data(sample_analytics: Path, title: str, sql: str) -> None:
    """On the analytics copy, the file the guide tells analysts to open."""
    con = duckdb.connect(str(sample_analytics), read_only=True)
    try:
        cursor = con.execute(sql)
        rows = cursor.fetchall()
    finally:
        con.close()
    assert rows, f"{title!r} returned no rows on data/sample: fix the query or the sample"


def test_every_mart_has_a_section() -> None:
    marts = sorted(p.stem for p in (REPO / "models" / "marts").rglob("*.sql"))
    assert marts, "no marts found"
    text = GUIDE.read_text(encoding="utf-8")
    missing = [name for name in marts if f"### marts.{name}\n" not in text]
    assert missing == [], f"docs/analysts.md has no `### marts.<name>` section for {missing}"


def test_guide_opens_the_analytics_copy_never_the_warehouse() -> None:
    """An analyst's session on the warehouse made `meetings run` fail (issue 22)."""
    text = GUIDE.read_text(encoding="utf-8")
    assert "meetings sql" in text
    assert "duckdb -readonly warehouse/analytics.duckdb" in text
    assert "warehouse/meetings.duckdb" not in text
