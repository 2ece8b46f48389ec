"""`meetings sync`: per-client metrics and the meeting timeline into LACRM (dry run by default)."""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from loader.cli_common import (
    DbOption,
    console,
    err_console,
    fail,
    one_run_at_a_time,
    user_errors,
)
from loader.errors import MeetingsError
from loader.lacrm.audit import AuditLog
from loader.lacrm.client import ClientSettings, LacrmClient
from loader.lacrm.field_map import FieldMapping, read_field_map
from loader.lacrm.plan import build_plan, require_marts
from loader.lacrm.state import ensure_sync_tables
from loader.lacrm.sync import (
    DEFAULT_STOP_AFTER_FAILURES,
    Executor,
    check_fields_audited,
    fetch_custom_fields,
)
from loader.lacrm.sync_report import (
    SyncProgress,
    notes,
    plan_line,
    print_plan,
    summary_table,
)
from loader.settings import Settings
from loader.warehouse import connect


@dataclass(frozen=True)
class SyncOptions:
    """What one sync does (its flags); where it reads and writes comes from Settings."""

    apply: bool = False
    offline: bool = False
    since: date | None = None
    timeline: bool = True
    limit: int | None = None
    stop_after_failures: int = DEFAULT_STOP_AFTER_FAILURES
    verbose: bool = False


class _Redact(logging.Filter):
    """Defence in depth: no log line may carry the API key, whatever logged it."""

    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secret:
            message = record.getMessage()
            if self._secret in message:
                record.msg = message.replace(self._secret, "<redacted>")
                record.args = ()
        return True


@contextmanager
def _verbose_log(enabled: bool, secret: str | None) -> Iterator[None]:
    """--verbose: every LACRM call (function, ids, HTTP status, outcome) on stderr."""
    if not enabled:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    handler.addFilter(_Redact(secret))
    logger = logging.getLogger("loader")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def check_sync_ready() -> None:
    """What `--apply` needs before anything else runs: the key and a valid mapping file."""
    ClientSettings.from_env()
    read_field_map()


def export_to_lacrm(config: Settings, options: SyncOptions) -> bool:
    """Plan the sync; print it (dry run) or carry it out (--apply). True when nothing failed.

    Raises MeetingsError for problems that stop it before any write (key, fields, warehouse).
    """
    if options.apply and options.offline:
        raise MeetingsError("--offline is a dry run without LACRM; drop it to use --apply")
    mappings = read_field_map()
    tz = config.export_tz
    client_settings = None if options.offline else ClientSettings.from_env()
    path = config.db
    secret = client_settings.api_key if client_settings else None
    with _verbose_log(options.verbose, secret):
        if not options.apply:
            return _dry_run(options, mappings, tz, client_settings, path)
        assert client_settings is not None
        return _apply(options, mappings, tz, client_settings, path)


def _dry_run(
    options: SyncOptions,
    mappings: list[FieldMapping],
    tz: ZoneInfo,
    client_settings: ClientSettings | None,
    path: Path,
) -> bool:
    """Plan and print; no write to LACRM and none to the warehouse (opened read-only)."""
    if client_settings is None:
        console.print(
            "[bold]offline dry run[/]: planned from the warehouse only; custom fields were not"
            " checked against LACRM (no API call)",
            highlight=False,
        )
    else:
        calls = AuditLog("dry-run")  # only for --verbose: a dry run stores nothing
        with LacrmClient(client_settings, on_attempt=calls.record) as client:
            try:
                fetch_custom_fields(client, mappings)
            finally:
                calls.take()
        console.print(f"all {len(mappings)} mapped custom fields exist in LACRM", highlight=False)
    with connect(path, read_only=True) as con:
        plan = build_plan(
            con, mappings, tz, since=options.since, timeline=options.timeline, limit=options.limit
        )
    print_plan(console, plan)
    console.print(f"dry run: {plan_line(plan)}", highlight=False)
    for line in notes(plan):
        err_console.print(line, highlight=False, markup=False, soft_wrap=True)
    console.print(
        "nothing was sent to LACRM and nothing was written;"
        + (" run `meetings sync --apply` to write these changes" if plan.writes else ""),
        highlight=False,
    )
    return True


def _apply(
    options: SyncOptions,
    mappings: list[FieldMapping],
    tz: ZoneInfo,
    client_settings: ClientSettings,
    path: Path,
) -> bool:
    """Check the fields, plan, and write, recording every call in sync.lacrm_audit."""
    if not path.exists():  # a read-write connect() would create an empty warehouse
        raise MeetingsError(f"no warehouse at {path}; run `meetings run` first")
    audit = AuditLog(_run_id())
    with connect(path) as con, LacrmClient(client_settings, on_attempt=audit.record) as client:
        require_marts(con)
        ensure_sync_tables(con)
        check_fields_audited(client, con, audit, mappings)
        plan = build_plan(
            con, mappings, tz, since=options.since, timeline=options.timeline, limit=options.limit
        )
        console.print(f"sync {audit.run_id}: {plan_line(plan)}", highlight=False)
        executor = Executor(client, con, audit, stop_after_failures=options.stop_after_failures)
        with SyncProgress(console, plan.writes) as progress:
            executor.on_step = progress.step
            result = executor.run(plan)
    console.print(summary_table(plan, result))
    for line in notes(plan):
        err_console.print(line, highlight=False, markup=False, soft_wrap=True)
    for failure in result.failures:
        err_console.print(
            f"failed: {failure.what}: {failure.message}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    if result.stopped:
        err_console.print(result.stopped, highlight=False, markup=False, soft_wrap=True)
    console.print(f"every call is in sync.lacrm_audit (run_id = '{audit.run_id}')", highlight=False)
    return not result.failures and result.stopped is None


def sync(
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Write to LACRM. Without it, a dry run: print what would change, send and"
            " write nothing.",
        ),
    ] = False,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            help="Timeline: only meetings starting on or after this day (YYYY-MM-DD, firm's"
            " time zone). Contact fields are always synced.",
            show_default=False,
        ),
    ] = None,
    timeline: Annotated[
        bool,
        typer.Option(
            "--timeline/--no-timeline",
            help="Also put meetings on the contacts' LACRM timeline (CreateEvent/EditEvent).",
        ),
    ] = True,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="Send at most N writes (contacts first, then events); the rest is left for"
            " the next run.",
            show_default=False,
        ),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Dry run from the warehouse only: no API key needed, custom fields not"
            " checked (used by `make demo`).",
        ),
    ] = False,
    stop_after_failures: Annotated[
        int,
        typer.Option(
            "--max-failures",
            min=1,
            help="Stop after this many failed calls in a row (progress is kept; run again to"
            " resume).",
        ),
    ] = DEFAULT_STOP_AFTER_FAILURES,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Log every LACRM call on stderr (never the API key)."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Export per-client meeting metrics and the meeting timeline to LACRM.

    Contacts get the custom fields mapped in `seeds/lacrm_field_map.csv` (EditContact, only
    values changed since the last successful push); each matched completed or scheduled
    meeting becomes an event on the contact's timeline (CreateEvent), and an event whose
    meeting was canceled later is renamed "Canceled: ..." (EditEvent). Needs LACRM_API_KEY
    (except `--offline`). Every call of an `--apply` run is recorded in `sync.lacrm_audit`.
    Exit code 1 if any call failed; with `--apply`, 75 if another `meetings run`, `load` or
    `sync --apply` is using the warehouse (nothing was done: try again later).
    """
    config = Settings.resolve(db=db)
    options = SyncOptions(
        apply=apply,
        offline=offline,
        since=since.date() if since else None,
        timeline=timeline,
        limit=limit,
        stop_after_failures=stop_after_failures,
        verbose=verbose,
    )
    # A dry run writes nothing: only --apply waits its turn with `meetings run` and `load`.
    lock = one_run_at_a_time(config, "sync --apply") if apply else nullcontext()
    with lock, user_errors("sync"):
        ok = export_to_lacrm(config, options)
    if not ok:
        fail("sync: some LACRM calls failed (listed above); run `meetings sync --apply` again")
