"""Scratch profiler for `meetings load` of one big export (not part of `make bench`).

    .venv/bin/python bench/profile_load.py <export.csv> [rounds] [threads] [variant numbers]
    .venv/bin/python bench/profile_load.py verify <calendly export.csv>

Times each phase of landing one file, and prototype variants of the insert, each in a fresh
child process on a fresh database file (best of `repeat`, wall and CPU seconds). It imports
the loader read-only: nothing here changes how `meetings load` works. Variants 7-9 of the
first profile (docs/performance.md) were prototypes against the pre-fix land.py (main at
192c70c), which numbered rows with `row_number() over ()`; land.py now does what they
prototyped, so they were removed (variants 0-6 keep their numbers).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VARIANTS: dict[str, str] = {
    "python + loader imports": """
import loader.cli, loader.ingest
""",
    "sha256 of the file (hashlib)": """
from loader.discover import file_sha256
file_sha256(path)
""",
    "header sniff (loader.sniff.sniff)": """
from loader.sniff import sniff
sniff(path)
""",
    "floor: CTAS read_csv(all_varchar)": """
con.execute(f"create table t as select * from read_csv('{path}', all_varchar = true)")
""",
    "CTAS with the loader's read_csv options": """
from loader.csv_source import read_csv_sql
con.execute(f"create table t as select * from {read_csv_sql(path)}")
""",
    "CTAS + row_number() over ()": """
from loader.csv_source import read_csv_sql
con.execute(f"create table t as select *, row_number() over () as _source_row"
            f" from {read_csv_sql(path)}")
""",
    "land_file (insert, _source_row from rowid, manifest)": """
from loader.land import ensure_raw_tables, land_file
from loader.discover import inspect
from zoneinfo import ZoneInfo
con.execute("set TimeZone = 'UTC'")
ensure_raw_tables(con)
export = inspect(con, path, path.parent, ZoneInfo("America/New_York"))
STARTED[0] = time.perf_counter()  # time the landing only, not inspect()
land_file(con, export)
""",
}

RUNNER = """
import sys, time, duckdb, resource
from pathlib import Path
path = Path(sys.argv[1]); db = sys.argv[2]
STARTED = [time.perf_counter()]
con = duckdb.connect(db)
con.execute("set enable_progress_bar = false")
if len(sys.argv) > 3:
    con.execute("set threads = " + str(int(sys.argv[3])))
{body}
con.close()
wall = time.perf_counter() - STARTED[0]
usage = resource.getrusage(resource.RUSAGE_SELF)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def run_once(body: str, path: Path, threads: str) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = (
            subprocess.run(
                [sys.executable, "-c", RUNNER.format(body=body), str(path), f"{tmp}/p.duckdb"]
                + ([threads] if threads else []),
                check=True,
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parents[1],
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    path = Path(sys.argv[1]).resolve()
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    threads = sys.argv[3] if len(sys.argv) > 3 else ""
    only = sys.argv[4].split(",") if len(sys.argv) > 4 else None
    chosen = {
        name: body
        for number, (name, body) in enumerate(VARIANTS.items())
        if not only or str(number) in only
    }
    print(f"{path.name}: {path.stat().st_size / 1e6:,.0f} MB, threads={threads or 'default'}")
    # Interleaved (A B C A B C ...): contention from other processes hits every variant alike.
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in chosen}
    for round_no in range(repeat):
        print(f"round {round_no + 1}/{repeat}, load average {os.getloadavg()[0]:.2f}", flush=True)
        for name, body in chosen.items():
            results[name].append(run_once(body, path, threads))
            print(f"    {results[name][-1][0]:6.2f} s  {name}", flush=True)
    print(f"{'variant':58} {'best wall':>9} {'median':>7} {'cpu s':>6} {'RSS MB':>7}")
    for name, runs in results.items():
        walls = sorted(r[0] for r in runs)
        best = min(runs)
        print(
            f"{name:58} {best[0]:9.2f} {statistics.median(walls):7.2f}"
            f" {best[1]:6.2f} {best[2] / 1024:7.0f}"
        )


VERIFY = """
import sys, duckdb
from pathlib import Path
from zoneinfo import ZoneInfo
from loader import land
from loader.discover import inspect

path = Path(sys.argv[1])
con = duckdb.connect(sys.argv[2])
con.execute("set TimeZone = 'UTC'")
con.execute("set enable_progress_bar = false")
land.ensure_raw_tables(con)
land.land_file(con, inspect(con, path, path.parent, ZoneInfo("America/New_York")))
con.execute("set threads = 1")
con.execute(
    'create temp table truth as select row_number() over () as n, "Invitee UUID" as id'
    ' from read_csv(?, all_varchar = true, parallel = false)',
    [str(path)],
)
rows, same = con.execute(
    "select count(*), count(*) filter (where t.n = r._source_row)"
    ' from truth as t inner join raw.calendly_events as r on r."Invitee UUID" = t.id'
).fetchone()
print(f"{same:,} of {rows:,} rows: _source_row from rowid == position in the file")
"""


def verify(path: Path) -> None:
    """Check land_file: the rowid-based _source_row equals each row's position in the file."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-c", VERIFY, str(path.resolve()), f"{tmp}/v.duckdb"],
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )


if __name__ == "__main__":
    started = time.perf_counter()
    if sys.argv[1] == "verify":
        verify(Path(sys.argv[2]))
        sys.exit(0)
    main()
    print(f"total {time.perf_counter() - started:.0f} s")
