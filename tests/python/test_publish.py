"""loader/publish.py: the analytics copy. Analysts' sessions on it never block `meetings run`,
keep reading the version they opened, and a failed build leaves the last good copy."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from loader import publish
from loader.cli import app
from loader.dbt import Build
from loader.errors import MeetingsError
from loader.land import MANIFEST_DDL

from factories import REPO, WriteCsv, calendly_row, read_only_rows

runner = CliRunner()
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']
COPY = "analytics.duckdb"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(folder: Path) -> list[str]:
    """Files the publishing step writes on its way (none may stay behind)."""
    return sorted(p.name for p in folder.iterdir() if ".publishing" in p.name)


# --- publish() on a hand-made warehouse (no dbt: fast) ---------------------------------------


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Two marts, the load manifest and a staging table that is not published."""
    db = tmp_path / "meetings.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts; create schema raw; create schema staging")
        con.execute("create table marts.fct_meetings (meeting_id varchar not null, n integer)")
        con.execute("insert into marts.fct_meetings values ('a', 1), ('b', 2), ('c', 3)")
        con.execute(
            "create table marts.export_freshness as"
            " select 'calendly' as platform, timestamptz '2026-11-27 12:00:00+00' as as_of"
        )
        con.execute(MANIFEST_DDL)
        con.execute(
            "insert into raw._load_manifest (load_id, file_path, file_name, sha256, status,"
            " loaded_at) values (1, 'a.csv', 'a.csv', 'x', 'loaded', now())"
        )
        con.execute("create table staging.workings as select 1 as i")
    return db


TWO_MARTS = Build(
    success=True,
    invocation_id="inv-1",
    published_models=(("marts", "export_freshness"), ("marts", "fct_meetings")),
)


def test_publish_copies_the_public_marts_and_says_from_which_build(warehouse: Path) -> None:
    copy = warehouse.with_name(COPY)
    done = publish.publish(warehouse, copy, TWO_MARTS)
    assert done.tables == {
        "marts.export_freshness": 1,
        "marts.fct_meetings": 3,
        "raw._load_manifest": 1,
    }
    assert done.size_bytes == copy.stat().st_size > 0
    tables = read_only_rows(
        copy, "select schema_name, table_name from duckdb_tables() order by all"
    )
    assert tables == [
        ("marts", "export_freshness"),
        ("marts", "fct_meetings"),
        ("meta", "published"),
        ("raw", "_load_manifest"),
    ]  # warehouse names kept; staging left out
    meta = read_only_rows(
        copy,
        "select schema_name || '.' || table_name, row_count, invocation_id,"
        " strftime(as_of, '%Y-%m-%d %H:%M'), published_at > now() - interval 1 minute"
        " from meta.published order by 1",
    )
    assert meta == [
        ("marts.export_freshness", 1, "inv-1", "2026-11-27 12:00", True),
        ("marts.fct_meetings", 3, "inv-1", "2026-11-27 12:00", True),
        ("raw._load_manifest", 1, "inv-1", "2026-11-27 12:00", True),
    ]
    # NOT NULL kept from the warehouse's DDL (the contract shows in the copy too)
    assert read_only_rows(
        copy,
        "select is_nullable from information_schema.columns"
        " where table_name = 'fct_meetings' and column_name = 'meeting_id'",
    ) == [("NO",)]
    assert copy.stat().st_mode & 0o222 == 0  # a read-only file
    assert _leftovers(warehouse.parent) == []
    assert not copy.with_name(COPY + ".wal").exists()


def test_a_copy_that_does_not_match_the_warehouse_is_not_published(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row-count check reads the written file back: a table short of a row stops the
    publish and the previous copy stays as it was."""
    copy = warehouse.with_name(COPY)
    publish.publish(warehouse, copy, TWO_MARTS)
    before = _digest(copy)
    real_copy_tables = publish._copy_tables

    def losing_a_row(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]]) -> object:
        counts = real_copy_tables(con, tables)
        con.execute("delete from published.marts.fct_meetings where meeting_id = 'a'")
        return counts

    monkeypatch.setattr(publish, "_copy_tables", losing_a_row)
    with pytest.raises(MeetingsError, match=r"the copy of marts.fct_meetings has 2 rows, the"):
        publish.publish(warehouse, copy, TWO_MARTS)
    assert _digest(copy) == before
    assert _leftovers(warehouse.parent) == []


def test_a_model_missing_from_the_warehouse_publishes_nothing(warehouse: Path) -> None:
    copy = warehouse.with_name(COPY)
    publish.publish(warehouse, copy, TWO_MARTS)
    before = _digest(copy)
    broken = Build(True, "inv-2", (*TWO_MARTS.published_models, ("marts", "dim_contacts")))
    with pytest.raises(MeetingsError, match=r"the warehouse has no marts.dim_contacts"):
        publish.publish(warehouse, copy, broken)
    assert _digest(copy) == before
    assert _leftovers(warehouse.parent) == []


def test_a_warehouse_open_for_writing_elsewhere_is_busy_and_publishes_nothing(
    warehouse: Path,
) -> None:
    copy = warehouse.with_name(COPY)
    publish.publish(warehouse, copy, TWO_MARTS)
    before = _digest(copy)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " sys.stdin.read()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(MeetingsError, match=r"^database busy: .* nothing was published"):
            publish.publish(warehouse, copy, TWO_MARTS)
    finally:
        holder.communicate("", timeout=30)
    assert _digest(copy) == before
    assert _leftovers(warehouse.parent) == []


def test_a_copy_that_cannot_be_written_or_a_missing_warehouse_is_one_line(
    warehouse: Path, tmp_path: Path
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    copy = tmp_path / "not-a-folder" / COPY
    with pytest.raises(MeetingsError, match=r"^cannot write the analytics copy .*; nothing was"):
        publish.publish(warehouse, copy, TWO_MARTS)
    missing = tmp_path / "none.duckdb"
    with pytest.raises(MeetingsError, match=r"^cannot open .*none.duckdb: IO Error: .*; nothing"):
        publish.publish(missing, warehouse.with_name(COPY), TWO_MARTS)
    assert _leftovers(tmp_path) == []


def test_partial_or_empty_builds_publish_nothing() -> None:
    assert publish.not_published_because(TWO_MARTS) is None
    partial = Build(True, "i", TWO_MARTS.published_models, selection="select: fct_meetings")
    assert publish.not_published_because(partial) == (
        "the build covered part of the project (select: fct_meetings)"
    )
    assert publish.not_published_because(Build(True)) == "the build ran no public model"


# --- through `meetings run` / `meetings build` (real dbt builds) -----------------------------


@dataclass(frozen=True)
class Built:
    data_dir: Path
    db: Path

    @property
    def copy(self) -> Path:
        return self.db.with_name(COPY)


def _export(n: int) -> Path:
    return Path("calendly") / f"events-export-2026112{n}.csv"


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`meetings run` on one Calendly export of 3 meetings (built once; tests work on a copy)."""
    root = tmp_path_factory.mktemp("published")
    data = root / "data"
    (data / "calendly").mkdir(parents=True)
    rows = [calendly_row(n) for n in (1, 2, 3)]
    with (data / _export(1)).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    db = root / "warehouse" / "meetings.duckdb"
    result = runner.invoke(app, ["run", "--data-dir", str(data), "--db", str(db), *AS_OF])
    assert result.exit_code == 0, result.output
    assert f"Analytics copy: {db.with_name(COPY)} (" in " ".join(result.output.split())
    return Built(data, db)


@pytest.fixture
def own(first_build: Built, tmp_path: Path) -> Built:
    data = tmp_path / "data"
    shutil.copytree(first_build.data_dir, data)
    db = tmp_path / "warehouse" / "meetings.duckdb"
    db.parent.mkdir()
    shutil.copy(first_build.db, db)
    shutil.copy(first_build.copy, db.with_name(COPY))
    return Built(data, db)


def _public_models() -> set[tuple[str, str]]:
    """What the models' YAML declares `access: public`, plus the marts the issue names."""
    names = set()
    for path in (REPO / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            access = model.get("access") or model.get("config", {}).get("access")
            if access == "public" or "monitoring" in path.parts:
                names.add(("marts", model["name"]))
    return names | {("marts", "data_quality_issues")}


def test_run_publishes_every_public_mart_with_the_warehouse_row_counts(
    first_build: Built,
) -> None:
    published = read_only_rows(
        first_build.copy, "select schema_name, table_name, row_count from meta.published"
    )
    assert {(s, t) for s, t, _ in published} == _public_models() | {("raw", "_load_manifest")}
    for schema, table, rows in published:
        assert read_only_rows(first_build.db, f"select count(*) from {schema}.{table}") == [
            (rows,)
        ], f"{schema}.{table}"
    assert read_only_rows(first_build.copy, "select count(*) from marts.fct_meetings") == [(3,)]
    assert read_only_rows(
        first_build.copy, "select distinct strftime(as_of, '%Y-%m-%d %H:%M') from meta.published"
    ) == [("2026-11-27 12:00",)]


# What a session sees: rows and build, and (only after the run, so that the session has not
# cached them) the meetings' own values, read from the file there and then.
SEEN = (
    "select count(*), (select distinct invocation_id from meta.published) from marts.fct_meetings"
)
VALUES = (
    "select md5(string_agg(meeting_id || coalesce(invitee_email, ''), ',' order by meeting_id))"
    " from marts.fct_meetings"
)
HOLDER = f"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(*con.execute({SEEN!r}).fetchone(), flush=True)
sys.stdin.readline()  # the test's run happens now
print(*con.execute({SEEN!r}).fetchone(), *con.execute({VALUES!r}).fetchone(), flush=True)
"""


@pytest.fixture
def session_on(own: Built) -> Iterator[subprocess.Popen[str]]:
    """An analyst's session: another process holding a read-only connection on the copy."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(own.copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    yield holder
    if holder.poll() is None:
        holder.kill()
        holder.wait()


def test_a_session_held_on_the_copy_neither_blocks_the_run_nor_sees_it_change(
    own: Built, session_on: subprocess.Popen[str], write_csv: WriteCsv
) -> None:
    assert session_on.stdout is not None
    old = session_on.stdout.readline().split()
    assert old[0] == "3"
    ((old_values,),) = read_only_rows(own.copy, VALUES)
    write_csv(own.data_dir / _export(2), [calendly_row(n) for n in (4, 5)])

    result = runner.invoke(app, ["run", "--data-dir", str(own.data_dir), "--db", str(own.db)])

    assert result.exit_code == 0, result.output
    held, _ = session_on.communicate("\n", timeout=60)
    # the open session still reads the version it opened, values it had not read included
    assert held.split() == [*old, old_values]
    ((meetings, build),) = read_only_rows(own.copy, SEEN)
    assert meetings == 5 and build != old[1]  # a new session reads the new copy
    assert _leftovers(own.db.parent) == []


def test_a_failing_dbt_test_leaves_the_last_copy_untouched(own: Built, write_csv: WriteCsv) -> None:
    before = _digest(own.copy)
    # An export row without Event UUID fails the not_null key test of the staging model.
    write_csv(own.data_dir / _export(2), [calendly_row(4), calendly_row(5, **{"Event UUID": ""})])

    result = runner.invoke(app, ["run", "--data-dir", str(own.data_dir), "--db", str(own.db)])

    assert result.exit_code == 1
    assert "not_null" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        "error: run: dbt reported failing models or tests (see above); nothing was published"
    )
    assert read_only_rows(own.db, "select count(*) from raw.calendly_events") == [(5,)]
    assert _digest(own.copy) == before  # analysts keep the last good data
    assert _leftovers(own.db.parent) == []


def test_a_build_of_part_of_the_project_publishes_nothing(own: Built) -> None:
    before = _digest(own.copy)
    result = runner.invoke(app, ["build", "--db", str(own.db), "--select", "export_gaps"])
    assert result.exit_code == 0, result.output
    assert (
        "Not published: the build covered part of the project (select: export_gaps);"
        f" {own.copy} is unchanged"
    ) in " ".join(result.stdout.split())
    assert _digest(own.copy) == before


def test_read_only_commands_work_while_the_pipeline_holds_the_warehouse(
    own: Built, tmp_path: Path
) -> None:
    """Report, status, review and sql read the copy: a process writing the warehouse (as
    `meetings run` does) blocks none of them."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " sys.stdin.read()",
            str(own.db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        db = ["--db", str(own.db)]
        report = runner.invoke(app, ["report", *db, "--out", str(tmp_path / "r.html")])
        status = runner.invoke(app, ["status", *db, "--as-of", "2026-11-28"])
        review = runner.invoke(app, ["review", *db])
        meetings = Path(sys.executable).with_name("meetings")
        sql = subprocess.run(
            [str(meetings), "sql", *db, "select count(*) as n from marts.fct_meetings"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        holder.communicate("", timeout=30)
    assert report.exit_code == 0, report.output
    assert status.exit_code == 0, status.output
    assert "Calendly: last export" in status.stdout
    assert review.exit_code == 0, review.output
    assert sql.returncode == 0, sql.stderr
    assert [line.strip("│ ") for line in sql.stdout.splitlines()][-2] == "3", sql.stdout
