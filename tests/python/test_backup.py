"""`meetings backup`: every table exported with DuckDB EXPORT DATABASE, restorable with
IMPORT DATABASE into a fresh file, identical raw history and manifest."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from loader.cli import app

from factories import REPO, SAMPLE_DIR, read_only_rows

runner = CliRunner()
AS_OF = ["--vars", '{"as_of": "2026-11-27 12:00:00+00"}']
# Compared row for row, in a stable order.
TABLES = {
    "raw.calendly_events": "select * from raw.calendly_events order by _load_id, _source_row",
    "raw._load_manifest": "select * from raw._load_manifest order by load_id",
    "marts.fct_meetings": "select * from marts.fct_meetings order by meeting_id",
}


def test_backup_restores_into_a_fresh_file(tmp_path: Path, data_dir: Path, db_file: Path) -> None:
    # History with loaded, empty and rejected files, and built marts.
    for name in (SAMPLE_DIR / "calendly").iterdir():
        shutil.copyfile(name, data_dir / "calendly" / name.name)
    fixtures = REPO / "tests" / "fixtures" / "bad_exports"
    for fixture in ("header_only.csv", "truncated_mid_row.csv", "accented_names.csv"):
        shutil.copyfile(fixtures / fixture, data_dir / "calendly" / fixture)
    run = runner.invoke(app, ["run", "--data-dir", str(data_dir), "--db", str(db_file), *AS_OF])
    assert run.exit_code == 1  # the truncated file is rejected; everything else is in
    statuses = read_only_rows(db_file, "select status from raw._load_manifest order by all")
    assert statuses == [("empty",), ("loaded",), ("loaded",), ("loaded",), ("rejected",)]

    out = tmp_path / "backups" / "first"
    result = runner.invoke(app, ["backup", "--db", str(db_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"backup written to {out}" in result.stdout
    assert "17 export row(s) in raw, row counts verified" in result.stdout
    assert not list(out.parent.glob("*.partial")) and not list(out.parent.glob("*.duckdb"))

    # Restore exactly as the README says, into a new file.
    restored = tmp_path / "restored.duckdb"
    con = duckdb.connect(str(restored))
    con.execute(f"import database '{out}'")
    con.close()
    for table, sql in TABLES.items():
        original = read_only_rows(db_file, sql)
        assert original, table
        assert read_only_rows(restored, sql) == original, table
    # Constraints came along (the manifest's primary key).
    ddl = read_only_rows(
        restored, "select sql from duckdb_tables() where table_name = '_load_manifest'"
    )
    assert "PRIMARY KEY" in str(ddl[0][0])

    # The restored warehouse is a working one: views rebuild, and the same exports are
    # recognised as already loaded.
    build = runner.invoke(app, ["build", "--db", str(restored), *AS_OF])
    assert build.exit_code == 0, build.output
    assert read_only_rows(restored, TABLES["marts.fct_meetings"]) == read_only_rows(
        db_file, TABLES["marts.fct_meetings"]
    )
    again = runner.invoke(app, ["load", "--data-dir", str(data_dir), "--db", str(restored)])
    assert "0 loaded, 4 skipped, 1 rejected (0 rows landed)" in again.stdout
    assert read_only_rows(restored, "select count(*) from raw.calendly_events") == [(17,)]


def _load(data_dir: Path, db_file: Path) -> None:
    result = runner.invoke(app, ["load", "--data-dir", str(data_dir), "--db", str(db_file)])
    assert result.exit_code == 0, result.output


def test_backup_never_overwrites(tmp_path: Path, db_file: Path, data_dir: Path) -> None:
    _load(data_dir, db_file)
    out = tmp_path / "b"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["backup", "--db", str(db_file), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: backup: {out} already exists — choose another --out folder"
    )
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_backup_default_folder_is_next_to_the_warehouse(db_file: Path, data_dir: Path) -> None:
    _load(data_dir, db_file)
    result = runner.invoke(app, ["backup", "--db", str(db_file)])
    assert result.exit_code == 0, result.output
    (folder,) = (db_file.parent / "backups").iterdir()
    assert folder.name.startswith("test-")
    assert (folder / "schema.sql").exists() and (folder / "load.sql").exists()


def test_backup_without_a_warehouse_is_one_line(db_file: Path) -> None:
    result = runner.invoke(app, ["backup", "--db", str(db_file)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: backup: no warehouse at {db_file} — nothing to back up"


def test_backup_check_catches_a_short_or_missing_table(tmp_path: Path) -> None:
    from loader.backup import _verify
    from loader.errors import MeetingsError

    con = duckdb.connect()
    con.execute("create schema raw; create table raw.t as select range as x from range(3)")
    folder = tmp_path / "bk"
    con.execute(f"export database '{folder}' (format parquet)")
    _verify(con, folder, {"raw.t": 3})  # complete: no error
    with pytest.raises(MeetingsError, match=r"raw\.t has 4 rows, the backup 3"):
        _verify(con, folder, {"raw.t": 4})
    with pytest.raises(MeetingsError, match=r"raw\.gone has 1 rows, the backup none"):
        _verify(con, folder, {"raw.t": 3, "raw.gone": 1})
