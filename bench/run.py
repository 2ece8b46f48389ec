"""`make bench`: measure the pipeline against its physical floor and print ONE table.

Every figure in the table is measured in this run, on this machine; nothing is estimated.
Scale: BENCH_ROWS (default 1,000,000) rows for the load, and rows per platform for the
build (BENCH_BUILD_ROWS overrides that) with BENCH_CONTACTS (default 50,000) LACRM contacts;
BENCH_CONTACT_EXPORTS (default 52) weekly contact exports for the history-growth rows.
The build is compared with bench/hand_written.sql, the same marts as one hand-written SQL
script run on a copy of the same loaded warehouse (its tables are checked row for row against
dbt's before the ratio is reported). BENCH_REPEAT (default 1) runs the timed pair (floor,
load) that many times and keeps the fastest of each. Against what a user would write
instead: bench/pandas_peer.py (plain pandas) on the same Calendly export and contacts, timed
with `meetings load` + `meetings run` on a fresh warehouse. At firm scale (FIRM_ROWS, about
10,000 meetings, 2,000 contacts): `meetings run` after one weekly export vs. the constant-SQL
twin (bench/dbt_floor.py) running the same nodes. Work folder: BENCH_DIR (default: a temp
folder, deleted afterwards). BENCH_JSON=path also writes the rows as JSON.

Adding a measurement: write `def measure_x(ctx: Context) -> list[Row]` and append it to
MEASUREMENTS. Shared inputs (generated exports, warehouses) come from `Context` helpers, which
cache them so several measurements can share one data set.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HAND_WRITTEN_SQL = PROJECT / "bench" / "hand_written.sql"
console = Console(width=None if sys.stdout.isatty() else 160)


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    seconds: float
    cpu_seconds: float
    max_rss_kb: int
    returncode: int
    stdout: str
    stderr: str


# Every `meetings ...` process measured (the pipeline itself, not the generator or the
# comparators), with its subcommand.
PIPELINE_RUNS: list[tuple[str, Run]] = []


def run_measured(args: list[str], env: dict[str, str] | None = None, cwd: Path = PROJECT) -> Run:
    """Run a command; wall time, and the peak RSS of exactly this child (wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            args, stdout=out, stderr=err, cwd=cwd, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(
            seconds,
            usage.ru_utime + usage.ru_stime,
            int(usage.ru_maxrss),
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )
    if Path(args[0]).name == "meetings":
        PIPELINE_RUNS.append((" ".join(args[1:2]), run))
    if run.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed ({run.returncode}):\n"
            f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
        )
    return run


@dataclass(frozen=True)
class Row:
    """One line of the results table. `reference` is what `seconds` is compared with."""

    measure: str
    seconds: float | None = None
    cpu_seconds: float | None = None
    reference: str = ""
    reference_seconds: float | None = None
    peak_rss_mb: float | None = None
    note: str = ""

    @classmethod
    def of(cls, measure: str, run: Run, note: str, vs: tuple[str, float] | None = None) -> Row:
        """The row of one measured process: its wall and CPU time and peak RSS, compared
        with `vs` = (what, its seconds) when given."""
        reference, reference_seconds = vs if vs is not None else ("", None)
        return cls(
            measure,
            run.seconds,
            run.cpu_seconds,
            reference,
            reference_seconds,
            run.max_rss_kb / 1024,
            note,
        )

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.reference_seconds:
            return None
        return self.seconds / self.reference_seconds


@dataclass(frozen=True)
class DbtTwin:
    """The constant-SQL twin's timings (see `run_dbt_twin`)."""

    nodes: str  # what the twin holds, for the notes
    startup: Run
    run_nodes: Run
    build_nodes: Run


@dataclass
class Context:
    """Scale, work folder and cached inputs shared by the measurements."""

    rows: int
    work: Path
    repeat: int = 1
    cache: dict[str, Path] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @property
    def build_rows(self) -> int:
        return min(BUILD_ROWS, self.rows)

    runs: dict[str, Run] = field(default_factory=dict)
    twin: DbtTwin | None = None

    def calendly_export(self) -> Path:
        """A folder holding ONE Calendly export of `rows` rows (generated once). Its parent
        is a data folder: that export in calendly/, and in lacrm/ one contact export of the
        BUILD_CONTACTS LACRM contacts who book in it (with prospects the CRM does not know)."""
        if "calendly_export" not in self.cache:
            out = self.work / "single"
            self.runs["synth_calendly"] = run_measured(
                [
                    sys.executable, "-m", "loader.synth", "--out", str(out),
                    "--calendly-rows", str(self.rows), "--calcom-rows", "0",
                    "--contacts", str(BUILD_CONTACTS), "--single-file", "--weeks", "52",
                    "--seed", "1",
                ]
            )  # fmt: skip
            # The API-shaped JSON is for `meetings contacts pull` tests, not the folder load.
            shutil.rmtree(out / "lacrm-api", ignore_errors=True)
            self.cache["calendly_export"] = out / "calendly"
        return self.cache["calendly_export"]

    def dbt_twin(self) -> DbtTwin:
        """The constant-SQL twin of this project (bench/dbt_floor.py), written and timed once:
        its SQL is `select 1`, so what it costs does not depend on the data."""
        if self.twin is None:
            self.twin = run_dbt_twin(self)
        return self.twin

    def fresh_db(self, name: str) -> Path:
        path = self.work / "db" / f"{name}.duckdb"
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{name}.duckdb*"):
            stale.unlink()
        return path


Measurement = Callable[[Context], list[Row]]

# The floor: DuckDB alone, fresh database file, connect + CTAS + close (checkpoint).
FLOOR_SCRIPT = """
import resource, sys, time, duckdb
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
started, cpu_started = time.perf_counter(), cpu()
con = duckdb.connect(sys.argv[2])
con.execute("create table t as select * from read_csv(?, all_varchar = true)", [sys.argv[1]])
con.close()
print(time.perf_counter() - started, cpu() - cpu_started)
"""


def fastest(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


def measure_generate(ctx: Context) -> list[Row]:
    """`python -m loader.synth --single-file`: the benchmark's own input, timed too."""
    folder = ctx.calendly_export()
    size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
    run = ctx.runs["synth_calendly"]
    return [
        Row.of(
            f"synth: {ctx.rows:,}-row Calendly export",
            run,
            f"python -m loader.synth --single-file ({size_mb:,.0f} MB),"
            f" + {BUILD_CONTACTS:,} contacts",
        )
    ]


def measure_load(ctx: Context) -> list[Row]:
    """`meetings load` of one big Calendly export into a fresh warehouse vs. DuckDB alone.

    Floor and load alternate (BENCH_REPEAT times); the fastest of each is reported.
    """
    folder = ctx.calendly_export()
    (export,) = sorted(folder.glob("*.csv"))
    floors: list[Run] = []
    loads: list[Run] = []
    for _ in range(ctx.repeat):
        floor_db = ctx.fresh_db("floor")
        floors.append(
            run_measured([sys.executable, "-c", FLOOR_SCRIPT, str(export), str(floor_db)])
        )
        db = ctx.fresh_db("load")
        load_args = [str(BIN / "meetings"), "load", "--data-dir", str(folder), "--db", str(db)]
        loads.append(run_measured(load_args))
    again = run_measured(load_args)
    floor, load = fastest(floors), fastest(loads)
    floor_wall, floor_cpu = (float(x) for x in floor.stdout.strip().splitlines()[-1].split())
    vs = "DuckDB floor"
    return [
        Row(
            f"DuckDB floor: read_csv(all_varchar) CTAS, {ctx.rows:,} rows",
            floor_wall,
            floor_cpu,
            peak_rss_mb=floor.max_rss_kb / 1024,
            note="connect + create table as + close, fresh DB file",
        ),
        Row.of(
            f"meetings load: {ctx.rows:,}-row Calendly export",
            load,
            "whole process, fresh DB (start-up, sha256, sniff, insert, manifest)",
            vs=(vs, floor_wall),
        ),
        Row.of(
            "meetings load again: nothing new",
            again,
            "same folder: skipped unread (same path, size and mtime as when it landed)",
            vs=(vs, floor_wall),
        ),
    ]


# LACRM contacts for the build measurement (BENCH_CONTACTS; the tests use a few hundred).
BUILD_CONTACTS = int(os.environ.get("BENCH_CONTACTS", "50000"))
# Weekly LACRM contact exports for the history-growth rows (BENCH_CONTACT_EXPORTS, default
# 52: a year of weekly contact lists); the newest is part of the build, the older ones land
# only in a copy of the warehouse. 1 skips those rows.
CONTACT_EXPORTS = int(os.environ.get("BENCH_CONTACT_EXPORTS", "52"))
# Rows per platform for the build measurement: BENCH_BUILD_ROWS, default BENCH_ROWS (the
# issue's 1M Calendly + 1M Cal.com rows); 0 skips it.
BUILD_ROWS = int(os.environ.get("BENCH_BUILD_ROWS") or os.environ.get("BENCH_ROWS", "1000000"))


def _profile_threads() -> int:
    """dbt threads of the project's profile (profiles.yml); the constant-SQL twin uses the same."""
    found = re.search(r"^\s*threads:\s*(\d+)", (PROJECT / "profiles.yml").read_text(), re.M)
    if found is None:
        raise RuntimeError("profiles.yml sets no `threads:`")
    return int(found.group(1))


DBT_THREADS = _profile_threads()


def _weekly_exports(
    ctx: Context, name: str, rows: int, contacts: int, contact_exports: int = 1, seed: int = 2
) -> tuple[Path, list[Path], Path]:
    """A data folder ctx.work/<name> of 26 weekly overlapping Calendly + Cal.com exports
    (`rows` data rows each platform) and `contacts` LACRM contacts (synth run kept as
    ctx.runs["synth_<name>"]); the newest weekly export of each platform is held back
    (returned separately) to measure an incremental `meetings run`, and so are the
    `contact_exports` - 1 older weekly contact exports (a data folder of their own)."""
    out = ctx.work / name
    ctx.runs[f"synth_{name}"] = run_measured(
        [
            sys.executable, "-m", "loader.synth", "--out", str(out),
            "--calendly-rows", str(rows), "--calcom-rows", str(rows),
            "--contacts", str(contacts), "--contact-exports", str(contact_exports),
            "--weeks", "26", "--seed", str(seed),
        ]
    )  # fmt: skip
    # The API-shaped JSON is for `meetings contacts pull` tests, not for the folder load.
    shutil.rmtree(out / "lacrm-api", ignore_errors=True)
    contact_history = ctx.work / f"{name}-contact-history"
    (contact_history / "lacrm").mkdir(parents=True, exist_ok=True)
    for older in sorted((out / "lacrm").glob("contacts-export-*.csv"))[:-1]:
        shutil.move(older, contact_history / "lacrm" / older.name)
    held = ctx.work / f"{name}-held-back"
    held.mkdir(exist_ok=True)
    newest: list[Path] = []
    for platform_dir in ("calendly", "calcom"):
        files = sorted((out / platform_dir).glob("*.csv"))
        last = files[-1]
        target = held / platform_dir / last.name
        target.parent.mkdir(exist_ok=True)
        shutil.move(last, target)
        newest.append(target)
    return out, newest, contact_history


def _return_held_back(held: list[Path], folder: Path) -> None:
    """Put the held-back weekly exports into the data folder: one more weekly export."""
    for path in held:
        shutil.move(path, folder / path.parent.name / path.name)


def measure_build(ctx: Context) -> list[Row]:
    """Full `meetings build` on weekly exports of both platforms + contacts; dbt's fixed
    start-up (`meetings build --select none`); a `meetings run` after one more weekly export."""
    if not ctx.build_rows:
        return []
    folder, held, contact_history = _weekly_exports(
        ctx, "weekly", ctx.build_rows, BUILD_CONTACTS, CONTACT_EXPORTS
    )
    db = ctx.fresh_db("build")
    meetings = str(BIN / "meetings")
    loaded = run_measured([meetings, "load", "--data-dir", str(folder), "--db", str(db)])
    # The comparator and the models-only build start from the same loaded state: copies of
    # the file made now.
    hand_db, models_db = ctx.fresh_db("hand_written"), ctx.fresh_db("models_only")
    for copy in (hand_db, models_db):
        _copy_db(db, copy)
    # One "now" for both, so statuses and as-of columns can be compared row for row.
    as_of = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S+00")
    build = run_measured(
        [meetings, "build", "--db", str(db), "--vars", json.dumps({"as_of": as_of})]
    )
    hand = run_measured(hand_written_args(hand_db, as_of))
    # What the tests cost: the same first build without data tests and unit tests.
    models_only = run_measured(
        [
            meetings, "build", "--db", str(models_db), "--vars", json.dumps({"as_of": as_of}),
            "--exclude-resource-type", "test", "unit_test",
        ]
    )  # fmt: skip
    compared = compare_marts(db, hand_db)
    # dbt re-parses the whole project when --vars change (the build above had as_of), and
    # parses partially otherwise: warm up once so the start-up is measured in the same state
    # as the re-run below (partial parse), not inflated by a full parse.
    startup_args = [meetings, "build", "--db", str(db), "--select", "none"]
    run_measured(startup_args)
    startup = run_measured(startup_args)
    raw_rows = _raw_rows(db)
    before = _loaded_rows(db)
    # the same warehouse, kept for the history-growth rows (a re-run after a year of contacts)
    history_db = ctx.fresh_db("contact_history")
    _copy_db(db, history_db)
    _return_held_back(held, folder)
    rerun = run_measured([meetings, "run", "--data-dir", str(folder), "--db", str(db)])
    added = _loaded_rows(db) - before
    ctx.cache["built_db"] = db  # the weekly warehouse after the re-run (measure_report)
    synth = ctx.runs["synth_weekly"]
    vs = "dbt start-up"
    history_rows = _rerun_after_contact_history(history_db, contact_history, folder, rerun)
    return [
        Row.of(
            f"synth: weekly exports, {ctx.build_rows:,} + {ctx.build_rows:,} rows,"
            f" {BUILD_CONTACTS:,} contacts",
            synth,
            "python -m loader.synth --weeks 26 (newest week of each platform held back)",
        ),
        Row.of("meetings load: the weekly exports + contacts", loaded, f"fresh DB; {raw_rows}"),
        Row.of(
            "hand-written SQL: the same marts, one script",
            hand,
            f"bench/hand_written.sql, duckdb CLI, copy of the loaded DB; {compared}",
        ),
        Row.of(
            "meetings build: every model and test",
            build,
            "dbt build, all models and tests (full refresh: first build)",
            vs=("hand-written SQL", hand.seconds),
        ),
        Row.of(
            "meetings build, models only (no data or unit tests)",
            models_only,
            "the same first build with --exclude-resource-type test unit_test",
            vs=("hand-written SQL", hand.seconds),
        ),
        Row.of(
            "meetings build --select none: dbt start-up",
            startup,
            "fixed cost of every build: python + dbt (partial) parse, no model runs",
        ),
        Row.of(
            "meetings run: one more weekly export per platform",
            rerun,
            f"load {added:,} new rows + build; minus start-up:"
            f" {rerun.seconds - startup.seconds:.2f} s",
            vs=(vs, startup.seconds),
        ),
        *history_rows,
    ]


# Issue 20's target: `meetings load` + `meetings run` on the one Calendly export (BENCH_ROWS
# rows) within this many times the pandas peer's time.
PEER_TARGET = 1.5


def measure_pandas_peer(ctx: Context) -> list[Row]:
    """What a user would write instead (bench/pandas_peer.py: read, dedup, normalise emails,
    match contacts, per-contact totals) vs. `meetings load` then `meetings run` on a fresh
    warehouse, as a user would; both on the one Calendly export and its contact export."""
    export = ctx.calendly_export()
    data = export.parent  # calendly/ + lacrm/
    (contacts,) = sorted((data / "lacrm").glob("*.csv"))
    peer = run_measured(
        [
            sys.executable, str(PROJECT / "bench" / "pandas_peer.py"),
            "--calendly", str(export), "--contacts", str(contacts),
            "--out", str(ctx.work / "pandas_contact_totals.csv"),
        ]
    )  # fmt: skip
    bookings, _, matched, _, matched_contacts, _ = peer.stdout.split()
    meetings = str(BIN / "meetings")
    # dbt's parse cache as a user's earlier runs leave it (partial parse), whatever ran
    # before this measurement: dbt parses the whole project again when the warehouse path
    # changes (it is part of the profile's hash), so parse once on this path, then start
    # from a fresh file at the same path.
    db = ctx.fresh_db("vs_pandas")
    run_measured([meetings, "build", "--db", str(db), "--select", "none"])
    db = ctx.fresh_db("vs_pandas")
    load = run_measured([meetings, "load", "--data-dir", str(data), "--db", str(db)])
    run = run_measured([meetings, "run", "--data-dir", str(data), "--db", str(db)])
    both = load.seconds + run.seconds
    met = "met" if both <= PEER_TARGET * peer.seconds else "not met"
    return [
        Row.of(
            f"pandas peer: the {ctx.rows:,}-row Calendly export, per-contact totals",
            peer,
            f"bench/pandas_peer.py: {int(bookings):,} bookings, {int(matched):,} matched by"
            f" exact email to {int(matched_contacts):,} of {BUILD_CONTACTS:,} contacts; CSV out",
        ),
        Row(
            "meetings load + meetings run: the same export + contacts",
            both,
            load.cpu_seconds + run.cpu_seconds,
            "pandas peer",
            peer.seconds,
            max(load.max_rss_kb, run.max_rss_kb) / 1024,
            f"fresh warehouse: load {load.seconds:.2f} s + run {run.seconds:.2f} s (partial"
            f" parse); target <= {PEER_TARGET}x the peer: {met}",
        ),
    ]


# Firm scale (issue 20): about 10,000 meetings and 2,000 contacts. Over 26 weekly exports a
# booking is in ~10 of them on average (the first weeks of history are short), so 50,000
# rows per platform are ~5,100 bookings each. The run after one more weekly export should
# cost at most dbt's own cost for the same nodes (the twin) + TWIN_SLACK_SECONDS.
FIRM_ROWS = 50_000
FIRM_CONTACTS = 2_000
TWIN_SLACK_SECONDS = 1.0


def measure_firm_scale(ctx: Context) -> list[Row]:
    """A firm's warehouse (FIRM_ROWS per platform, capped at BENCH_ROWS, FIRM_CONTACTS
    contacts), built once by `meetings run`, then `meetings run` after one more weekly
    export, vs. the constant-SQL twin running the same nodes."""
    rows, contacts = min(FIRM_ROWS, ctx.rows), min(FIRM_CONTACTS, BUILD_CONTACTS)
    folder, held, _ = _weekly_exports(ctx, "firm", rows, contacts, seed=3)
    bookings = sum(
        int(n.replace(",", ""))
        for n in re.findall(r"([\d,]+) bookings", ctx.runs["synth_firm"].stdout)
    )
    db = ctx.fresh_db("firm")
    run_args = [str(BIN / "meetings"), "run", "--data-dir", str(folder), "--db", str(db)]
    first = run_measured(run_args)
    before = _loaded_rows(db)
    _return_held_back(held, folder)
    rerun = run_measured(run_args)
    added = _loaded_rows(db) - before
    twin = ctx.dbt_twin().run_nodes
    budget = twin.seconds + TWIN_SLACK_SECONDS
    met = "met" if rerun.seconds <= budget else "not met"
    return [
        Row.of(
            f"meetings run at firm scale: first run, {bookings:,} bookings",
            first,
            f"{rows:,} + {rows:,} rows in 25 weekly exports per platform,"
            f" {contacts:,} contacts; fresh warehouse",
        ),
        Row.of(
            "meetings run at firm scale: one more weekly export",
            rerun,
            f"load {added:,} new rows, build, publish, report page; target <= twin"
            f" + {TWIN_SLACK_SECONDS:.0f} s = {budget:.2f} s: {met} (twin: the row 'dbt alone:"
            " the nodes meetings run runs'; constant SQL, so the same at any data size)",
            vs=("dbt alone, same nodes", twin.seconds),
        ),
    ]


def run_dbt_twin(ctx: Context) -> DbtTwin:
    """This project's DAG with constant SQL (bench/dbt_floor.py), timed like the real project
    -- start-up, the nodes `meetings run` runs (no unit tests), every node of `meetings build`
    -- after one warm-up build (tables exist, partial parse). Use `ctx.dbt_twin()` (cached)."""
    from dbt_floor import write_trivial_project

    manifest = PROJECT / "target" / "manifest.json"
    if not ctx.build_rows:  # no build above wrote the manifest of this checkout
        db = ctx.fresh_db("manifest")
        run_measured([str(BIN / "meetings"), "build", "--db", str(db), "--select", "none"])
    folder = ctx.work / "dbt_floor"
    shutil.rmtree(folder, ignore_errors=True)
    counts = write_trivial_project(
        json.loads(manifest.read_text(encoding="utf-8")),
        folder,
        ctx.fresh_db("dbt_floor"),
        DBT_THREADS,
    )
    dbt = [str(BIN / "dbt"), "build", "--project-dir", str(folder), "--profiles-dir", str(folder)]
    run_measured(dbt, cwd=folder)  # warm-up: creates every table and the parse cache
    startup = run_measured([*dbt, "--select", "none"], cwd=folder)
    run_nodes = run_measured([*dbt, "--exclude-resource-type", "unit_test"], cwd=folder)
    build_nodes = run_measured(dbt, cwd=folder)
    return DbtTwin(counts.describe(), startup, run_nodes, build_nodes)


def measure_dbt_floor(ctx: Context) -> list[Row]:
    """dbt's own cost per node: the constant-SQL twin's start-up, the nodes `meetings run`
    runs, and every node of `meetings build`."""
    twin = ctx.dbt_twin()
    startup = twin.startup
    vs = "dbt start-up, same DAG"
    return [
        Row.of(
            "dbt alone, this DAG with constant SQL: start-up",
            startup,
            f"dbt build --select none; {twin.nodes}, every model select 1",
        ),
        Row.of(
            "dbt alone: the nodes meetings run runs",
            twin.run_nodes,
            f"no unit tests, as in meetings run; minus start-up:"
            f" {twin.run_nodes.seconds - startup.seconds:.2f} s of dbt's own per-node cost",
            vs=(vs, startup.seconds),
        ),
        Row.of(
            "dbt alone: every node of meetings build",
            twin.build_nodes,
            f"minus start-up: {twin.build_nodes.seconds - startup.seconds:.2f} s",
            vs=(vs, startup.seconds),
        ),
    ]


def _copy_db(db: Path, copy: Path) -> None:
    """A copy of a closed warehouse file (and its WAL, if any)."""
    for suffix in ("", ".wal"):
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", f"{copy}{suffix}")


def _rerun_after_contact_history(
    db: Path, contact_history: Path, folder: Path, rerun: Run
) -> list[Row]:
    """History growth: on a copy of the built warehouse, land the older weekly contact
    exports (a year of contact lists, `meetings run`), then time the same re-run as above
    (one more weekly export per platform). Incremental models make it cost the same as
    without that history; a model re-reading every contact load would not."""
    older = sorted((contact_history / "lacrm").glob("*.csv"))
    if not older:
        return []
    meetings = str(BIN / "meetings")
    landed = run_measured([meetings, "run", "--data-dir", str(contact_history), "--db", str(db)])
    contact_rows = _loaded_rows(db, "lacrm_contacts_csv")
    again = run_measured([meetings, "run", "--data-dir", str(folder), "--db", str(db)])
    return [
        Row.of(
            f"meetings run: {len(older)} older weekly contact exports",
            landed,
            f"copy of the built warehouse; {contact_rows:,} contact rows landed in all",
        ),
        Row.of(
            "meetings run: the same weekly export, after them",
            again,
            f"history growth: {len(older) + 1} contact exports vs 1 (ratio ~1 = no growth)",
            vs=("re-run without them", rerun.seconds),
        ),
    ]


def _raw_rows(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = con.execute(
            "select raw_table, sum(row_count) from raw._load_manifest"
            " where status = 'loaded' group by 1 order by 1"
        ).fetchall()
    finally:
        con.close()
    return ", ".join(f"{table} {int(n):,}" for table, n in counts)


def _loaded_rows(db: Path, raw_table: str | None = None) -> int:
    """Rows landed so far (of one raw table, if given)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "select coalesce(sum(row_count), 0) from raw._load_manifest"
            " where status = 'loaded' and raw_table = coalesce(?, raw_table)",
            [raw_table],
        ).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def hand_written_args(db: Path, as_of: str) -> list[str]:
    """bench/hand_written.sql on `db` with the DuckDB shell (same version as the library),
    as of `as_of`, in the export time zone dbt uses, reading the project's seed CSVs."""
    from loader.settings import export_timezone

    # The same DuckDB settings as the dbt profile (profiles.yml), so both get the same memory.
    memory_limit = os.environ.get("MEETINGS_DUCKDB_MEMORY_LIMIT", "1GB")
    return [
        str(BIN / "duckdb"), "-bail", str(db),
        "-c", f"set memory_limit = '{memory_limit}'",
        "-c", "set preserve_insertion_order = false",
        "-c", f"set variable as_of = timestamptz '{as_of}'",
        "-c", f"set variable export_time_zone = '{export_timezone().key}'",
        "-c", f"set variable seeds_dir = '{PROJECT / 'seeds'}'",
        "-c", f".read {HAND_WRITTEN_SQL}",
    ]  # fmt: skip


def compare_marts(build_db: Path, hand_db: Path) -> str:
    """Every dbt mart (schema marts of build_db) must have a table of the same name, columns
    and rows (as a multiset) in schema hand of hand_db. Returns a summary; raises naming the
    marts that differ (the ratio would compare different work)."""
    import duckdb

    con = duckdb.connect()
    problems: list[str] = []
    rows = 0
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{build_db}' as dbt_db (read_only)")
        con.execute(f"attach '{hand_db}' as hand_db (read_only)")

        def columns(database: str, schema: str, table: str) -> list[str]:
            found = con.execute(
                "select column_name from duckdb_columns() where database_name = ?"
                " and schema_name = ? and table_name = ? order by column_index",
                [database, schema, table],
            ).fetchall()
            return [str(r[0]) for r in found]

        marts = [
            str(r[0])
            for r in con.execute(
                "select table_name from duckdb_tables()"
                " where database_name = 'dbt_db' and schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        for mart in marts:
            dbt_columns = columns("dbt_db", "marts", mart)
            hand_columns = columns("hand_db", "hand", mart)
            if dbt_columns != hand_columns:
                problems.append(f"{mart}: columns {dbt_columns} vs {hand_columns}")
                continue
            select = ", ".join(f'"{c}"' for c in dbt_columns)
            dbt, hand = f"dbt_db.marts.{mart}", f"hand_db.hand.{mart}"
            counted = con.execute(
                f"select (select count(*) from {dbt}),"
                f" (select count(*) from (select {select} from {dbt}"
                f" except all select {select} from {hand}))"
                f" + (select count(*) from (select {select} from {hand}"
                f" except all select {select} from {dbt}))"
            ).fetchone()
            assert counted is not None
            rows += int(counted[0])
            if counted[1]:
                problems.append(f"{mart}: {counted[1]} rows in only one of the two")
    finally:
        con.close()
    if problems or not marts:
        raise RuntimeError(
            "bench/hand_written.sql does not build the same marts as dbt: "
            + ("; ".join(problems) or "dbt built no marts")
        )
    return f"same rows as dbt's {len(marts)} marts ({rows:,} rows)"


# Publishes the analytics copy of a built warehouse as `meetings run` does after its build,
# with the tables that run published (its meta.published); prints what publish() measured.
PUBLISH_SCRIPT = """
import sys
from pathlib import Path
from loader import publish
from loader.dbt import Build
from loader.warehouse import read_analytics
warehouse, published, out = (Path(arg) for arg in sys.argv[1:4])
with read_analytics(published) as con:
    tables = con.execute("select schema_name, table_name from meta.published").fetchall()
models = tuple(t for t in tables if t not in publish.EXTRA_TABLES)
done = publish.publish(warehouse, out, Build(True, "bench", models))
print(len(done.tables), sum(done.tables.values()), done.size_bytes, done.seconds)
"""


def measure_publish(ctx: Context) -> list[Row]:
    """Publishing the analytics copy of the built weekly warehouse (what every successful
    `meetings run` and `meetings build` ends with): seconds and the size of the copy."""
    db = ctx.cache.get("built_db")
    if db is None:
        return []
    out = ctx.work / "analytics" / "analytics.duckdb"
    run = run_measured(
        [sys.executable, "-c", PUBLISH_SCRIPT, str(db), str(db.with_name("analytics.duckdb")),
         str(out)]
    )  # fmt: skip
    tables, rows, size, seconds = run.stdout.split()
    ctx.cache["analytics_db"] = out  # measure_report reads this copy
    return [
        Row.of(
            "publish: the analytics copy of the marts",
            run,
            f"weekly warehouse after the re-run; {tables} tables, {int(rows):,} rows; copy"
            f" {int(size) / 1_000_000:,.0f} MB (warehouse {db.stat().st_size / 1_000_000:,.0f}"
            f" MB); publish() {float(seconds):.1f} s, the rest is Python start-up",
        )
    ]


def measure_report(ctx: Context) -> list[Row]:
    """`meetings report` on the built weekly warehouse: seconds and the size of the page
    (aggregates only: the page must stay small however many meetings there are)."""
    db = ctx.cache.get("built_db")
    if db is None:
        return []
    out = ctx.work / "report.html"
    # The page reads the analytics copy; measure_publish wrote the weekly warehouse's (the
    # default copy beside it is shared by every warehouse in work/db/).
    copy = ctx.cache.get("analytics_db")
    env = {"MEETINGS_ANALYTICS_DB": str(copy)} if copy is not None else None
    report = run_measured(
        [str(BIN / "meetings"), "report", "--db", str(db), "--out", str(out)], env=env
    )
    size_mb = out.stat().st_size / 1_000_000
    return [
        Row.of(
            "meetings report: the one-page HTML report",
            report,
            f"weekly warehouse after the re-run; page {size_mb:.1f} MB (aim: <= 5 s, <= 10 MB)",
        )
    ]


def measure_whole_run(ctx: Context) -> list[Row]:
    """Peak RSS of the whole benchmark: the largest of every child process it waited for."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    command, largest = max(PIPELINE_RUNS, key=lambda item: item[1].max_rss_kb)
    return [
        Row(
            "pipeline: peak RSS of any meetings process",
            sum(run.seconds for _, run in PIPELINE_RUNS),
            sum(run.cpu_seconds for _, run in PIPELINE_RUNS),
            peak_rss_mb=largest.max_rss_kb / 1024,
            note=f"wall/CPU: all {len(PIPELINE_RUNS)} meetings processes above;"
            f" the largest RSS: meetings {command}",
        ),
        Row(
            "whole bench run: peak RSS of any one process",
            time.perf_counter() - ctx.started,
            usage.ru_utime + usage.ru_stime,
            peak_rss_mb=max(usage.ru_maxrss, own.ru_maxrss) / 1024,
            note="wall/CPU = every measurement above, end to end (children's CPU)",
        ),
    ]


MEASUREMENTS: list[Measurement] = [
    measure_generate,
    measure_load,
    measure_pandas_peer,
    measure_build,
    measure_publish,
    measure_report,
    measure_dbt_floor,
    measure_firm_scale,
    measure_whole_run,
]


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"load average at start {load}"
    )


def render(rows: list[Row], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("measurement")
    table.add_column("wall s", justify="right")
    table.add_column("CPU s", justify="right")
    table.add_column("vs.")
    table.add_column("ratio", justify="right")
    table.add_column("peak RSS", justify="right")
    table.add_column("note")
    for row in rows:
        table.add_row(
            row.measure,
            "" if row.seconds is None else f"{row.seconds:.2f}",
            "" if row.cpu_seconds is None else f"{row.cpu_seconds:.2f}",
            row.reference,
            "" if row.ratio is None else f"{row.ratio:.2f}x",
            "" if row.peak_rss_mb is None else f"{row.peak_rss_mb:,.0f} MB",
            row.note,
        )
    return table


def main() -> int:
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    # Exports generated a moment ago must load now, not wait to settle (load_folder's guard
    # against half-written files); every child inherits this.
    os.environ.setdefault("MEETINGS_SETTLE_SECONDS", "0")
    # Each run publishes its analytics copy beside its warehouse in the work folder, never
    # over the copy a MEETINGS_ANALYTICS_DB set in this shell points at.
    os.environ.pop("MEETINGS_ANALYTICS_DB", None)
    keep = os.environ.get("BENCH_DIR")
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="meetings-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    about = machine()
    console.print(f"[bold]meetings bench[/] BENCH_ROWS={rows:,} on {about}", highlight=False)
    results: list[Row] = []
    try:
        ctx = Context(rows, work, int(os.environ.get("BENCH_REPEAT", "1")))
        for measure in MEASUREMENTS:
            results += measure(ctx)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    console.print(render(results, f"BENCH_ROWS={rows:,}"))
    if target := os.environ.get("BENCH_JSON"):
        payload = {"rows": rows, "machine": about, "results": [asdict(r) for r in results]}
        Path(target).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
