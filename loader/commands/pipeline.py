"""`meetings load`, `meetings build`, `meetings run`: land exports, build the dbt project."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from loader import dbt, publish
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
from loader.errors import MeetingsError
from loader.ingest import FileOutcome, load_folder
from loader.land import ensure_raw_tables
from loader.report import LoadProgress, problem_lines, summary_line, summary_table
from loader.settings import Settings
from loader.warehouse import connect

# `meetings run` is the after-every-export path: dbt unit tests check the SQL logic on fixed
# inputs, not the new data, so they run in `meetings build` and `make test` only (dbt's own
# advice for production runs).
RUN_SKIPS = ["--exclude-resource-type", "unit_test"]
# ... and the data tests of the landed lane (the models that read exports row for row; each
# names its consumer in its YAML `meta`, macros/get_where_subquery.sql) check only the loads
# this run processes (older loads were checked by the run that processed them; landed rows
# never change), unless MEETINGS_TEST_SCOPE=all. `meetings build` checks the whole history.


def load_exports(config: Settings) -> list[FileOutcome]:
    """Land new exports and print the summary table (used by `load` and `run`)."""
    # Every setting is checked before the warehouse is opened (and created).
    folder, tz, settle = config.data_dir, config.export_tz, config.settle_seconds
    with connect(config.db) as con, LoadProgress(console) as progress:
        outcomes = load_folder(con, folder, tz, progress, settle)
    console.print(summary_table(outcomes))
    console.print(summary_line(outcomes))
    # Every file that needs attention, one `file: problem — what to do` line each.
    for line in problem_lines(outcomes):
        err_console.print(line, highlight=False, soft_wrap=True, markup=False)
    return outcomes


def build_models(
    config: Settings, dbt_args: list[str], env: dict[str, str] | None = None
) -> dbt.Build:
    """`dbt build` on the warehouse (`.success`: every model and test passed)."""
    path = config.db
    # Raw tables must exist (even before any export) for the staging views to compile.
    with connect(path) as con:
        ensure_raw_tables(con)
    return dbt.build(dbt_args, path, env)


def publish_after_build(
    config: Settings, build: dbt.Build
) -> Literal["published", "skipped", "failed"]:
    """Publish the analytics copy of a successful build, one line either way. "failed" (an
    error line): the previous copy is left as it was, so analysts keep the last good data."""
    copy = config.analytics_db
    reason = publish.not_published_because(build)
    if reason is not None:
        console.print(f"Not published: {reason}; {copy} is unchanged", highlight=False)
        return "skipped"
    try:
        done = publish.publish(config.db, copy, build)
    except MeetingsError as exc:
        err_console.print(f"[red]error:[/] publish: {exc}", highlight=False, soft_wrap=True)
        return "failed"
    console.print(
        f"Analytics copy: {done.path} ({len(done.tables)} tables,"
        f" {sum(done.tables.values()):,} rows, {done.size_bytes / 1_000_000:.1f} MB,"
        f" {done.seconds:.1f} s); query it with `meetings sql`",
        highlight=False,
        soft_wrap=True,
    )
    return "published"


NOT_PUBLISHED = (
    "the analytics copy could not be published (see above); analysts and the report keep"
    " the last one"
)


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
    config = Settings.resolve(db=db, data_dir=data_dir)
    with one_run_at_a_time(config, "load"), user_errors("load"):
        outcomes = load_exports(config)
    if any(o.status == "rejected" for o in outcomes):
        raise typer.Exit(code=1)


def build(ctx: typer.Context, db: DbOption = None) -> None:
    """Run `dbt build` (models, snapshots, seeds, tests) on the warehouse, then publish the
    analytics copy of the marts (`MEETINGS_ANALYTICS_DB`, default analytics.duckdb beside the
    warehouse) that analysts and the read-only commands open.

    Extra arguments go to dbt unchanged, e.g. `meetings build --select marts` (a build of
    part of the project publishes nothing). Exit code 1 if any model or test failed (then
    nothing is published: the last copy stays) or the copy could not be published.
    """
    config = Settings.resolve(db=db)
    with user_errors("build"):
        _ = config.analytics_db  # a bad MEETINGS_ANALYTICS_DB fails now, not after
        build = build_models(config, list(ctx.args), {"MEETINGS_TEST_SCOPE": "all"})
    if not build.success:
        fail("build: dbt reported failing models or tests (see above); nothing was published")
    if publish_after_build(config, build) == "failed":
        fail(f"build: {NOT_PUBLISHED}")


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
    """Load new exports, build, publish the analytics copy, then write the report page from
    it; with `--apply`, then sync to LACRM. Extra arguments go to `dbt build`. Unit tests
    (fixed inputs) are left to `meetings build`, and the data tests of the models that read
    exports row for row check only the loads this run processes (`meetings build`: all).

    The build still runs when a file was rejected (the other files are fine), but the
    exit code is 1 so a cron job notices. The analytics copy is published, and the LACRM
    sync runs, only after a build whose models and tests all passed. Exit code 75 if another
    `meetings run`, `load` or `sync --apply` is using the warehouse (nothing was done: try
    again later; the lock is the file `<warehouse>.lock`, released when its run ends, however
    it ends).
    """
    # One lock for the load, the build and the sync (the sync inside does not take it again).
    config = Settings.resolve(db=db, data_dir=data_dir)
    with one_run_at_a_time(config, "run"):
        with user_errors("run"):
            if apply:  # a missing key or mapping problem fails before the load, not after
                check_sync_ready()
            scope = config.test_scope
            _ = config.analytics_db  # a bad MEETINGS_ANALYTICS_DB fails before the load
            outcomes = load_exports(config)
            build = build_models(config, [*RUN_SKIPS, *ctx.args], {"MEETINGS_TEST_SCOPE": scope})
        if not build.success:
            fail(
                "run: dbt reported failing models or tests (see above); nothing was published"
                + ("; nothing was sent to LACRM" if apply else "")
            )
        # The report page reads the copy: publish first, and write the page only from a new one.
        published = publish_after_build(config, build)
        reported = refresh_after_build(config) if published == "published" else True
        synced = True
        if apply:
            with user_errors("sync"):
                synced = export_to_lacrm(config, SyncOptions(apply=True))
    if any(o.status == "rejected" for o in outcomes):
        fail("run: some files were rejected (see the load summary)")
    if not synced:
        fail("sync: some LACRM calls failed (listed above); run `meetings sync --apply` again")
    if published == "failed":
        fail(f"run: {NOT_PUBLISHED}")
    if not reported:
        fail("run: the report page could not be written (see above); `meetings report` retries")
