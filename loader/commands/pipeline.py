"""`meetings load`, `meetings build`, `meetings run`: land exports, build the dbt project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loader import dbt, settings
from loader.cli_common import (
    DataDirOption,
    DbOption,
    console,
    err_console,
    fail,
    one_run_at_a_time,
    user_errors,
)
from loader.commands.report import refresh_after_build
from loader.commands.sync import SyncOptions, check_sync_ready, export_to_lacrm
from loader.ingest import FileOutcome, load_folder
from loader.land import connect, ensure_raw_tables
from loader.report import LoadProgress, problem_lines, summary_line, summary_table

# `meetings run` is the after-every-export path: dbt unit tests check the SQL logic on fixed
# inputs, not the new data, so they run in `meetings build` and `make test` only (dbt's own
# advice for production runs).
RUN_SKIPS = ["--exclude-resource-type", "unit_test"]
# ... and the data tests of the models that read landed exports row for row (staging views,
# int_meetings__calcom_attendees, int_meetings__unioned, int_contacts__unioned; the list is
# in macros/get_where_subquery.sql) check only the loads this run processes (older loads
# were checked by the run that processed them; landed rows never change), unless
# MEETINGS_TEST_SCOPE=all. `meetings build` checks the whole history.


def load_exports(data_dir: Path | None, db: Path | None) -> list[FileOutcome]:
    """Land new exports and print the summary table (used by `load` and `run`)."""
    folder = settings.data_dir(data_dir)
    tz = settings.export_timezone()
    settle = settings.settle_seconds()
    with connect(settings.db_path(db)) as con, LoadProgress(console) as progress:
        outcomes = load_folder(con, folder, tz, progress, settle)
    console.print(summary_table(outcomes))
    console.print(summary_line(outcomes))
    # Every file that needs attention, one `file: problem — what to do` line each.
    for line in problem_lines(outcomes):
        err_console.print(line, highlight=False, soft_wrap=True, markup=False)
    return outcomes


def build_models(db: Path | None, dbt_args: list[str], env: dict[str, str] | None = None) -> bool:
    """`dbt build` on the warehouse; True when every model and test passed."""
    path = settings.db_path(db)
    # Raw tables must exist (even before any export) for the staging views to compile.
    with connect(path) as con:
        ensure_raw_tables(con)
    return dbt.run_dbt(["build", *dbt_args], path, env)


def load(data_dir: DataDirOption = None, db: DbOption = None) -> None:
    """Land new export files from the data folder into the DuckDB raw tables.

    Files are recognised by their header, not their folder. A file whose content was
    already loaded (same bytes, any name) is skipped. Each file lands completely or not
    at all. A file modified in the last `MEETINGS_SETTLE_SECONDS` (default 5) is loaded
    once its size and modification time stop changing (about a second); one still being
    written after that long is skipped until the next run. Exit code 1 if any file was
    rejected; 75 if another `meetings run`, `load` or `sync --apply` is using the warehouse
    (nothing was done: try again later).
    """
    with one_run_at_a_time(db, "load"), user_errors("load"):
        outcomes = load_exports(data_dir, db)
    if any(o.status == "rejected" for o in outcomes):
        raise typer.Exit(code=1)


def build(ctx: typer.Context, db: DbOption = None) -> None:
    """Run `dbt build` (models, snapshots, seeds, tests) on the warehouse.

    Extra arguments go to dbt unchanged, e.g. `meetings build --select marts`.
    Exit code 1 if any model or test failed.
    """
    with user_errors("build"):
        ok = build_models(db, list(ctx.args), {"MEETINGS_TEST_SCOPE": "all"})
    if not ok:
        fail("build: dbt reported failing models or tests (see above)")


def run(
    ctx: typer.Context,
    data_dir: DataDirOption = None,
    db: DbOption = None,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Then export to LACRM (`meetings sync --apply`), only if every dbt model and"
            " test passed. Without it, `run` never talks to LACRM.",
        ),
    ] = False,
) -> None:
    """Load new exports, build, then write the report page; with `--apply`, then sync to
    LACRM. Extra arguments go to `dbt build`. Unit tests (fixed inputs) are left to
    `meetings build`, and the data tests of the models that read exports row for row check
    only the loads this run processes (`meetings build`: all).

    The build still runs when a file was rejected (the other files are fine), but the
    exit code is 1 so a cron job notices. The LACRM sync runs only after a build whose
    models and tests all passed. Exit code 75 if another `meetings run`, `load` or `sync
    --apply` is using the warehouse (nothing was done: try again later; the lock is the file
    `<warehouse>.lock`, released when its run ends, however it ends).
    """
    # One lock for the load, the build and the sync (the sync inside does not take it again).
    with one_run_at_a_time(db, "run"):
        with user_errors("run"):
            if apply:  # a missing key or mapping problem fails before the load, not after
                check_sync_ready()
            scope = settings.run_test_scope()
            outcomes = load_exports(data_dir, db)
            ok = build_models(db, [*RUN_SKIPS, *ctx.args], {"MEETINGS_TEST_SCOPE": scope})
        if not ok:
            fail(
                "run: dbt reported failing models or tests (see above)"
                + ("; nothing was sent to LACRM" if apply else "")
            )
        reported = refresh_after_build(db)
        synced = True
        if apply:
            with user_errors("sync"):
                synced = export_to_lacrm(SyncOptions(db=db, apply=True))
    if any(o.status == "rejected" for o in outcomes):
        fail("run: some files were rejected (see the load summary)")
    if not synced:
        fail("sync: some LACRM calls failed (listed above); run `meetings sync --apply` again")
    if not reported:
        fail("run: the report page could not be written (see above); `meetings report` retries")
