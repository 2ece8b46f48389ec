"""`make bench` must not rot: run it at a tiny scale (no timing assertions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from factories import REPO


def test_bench_runs_at_tiny_scale_and_reports_measured_rows(tmp_path: Path) -> None:
    results = tmp_path / "bench.json"
    env = {
        **os.environ,
        "BENCH_ROWS": "300",
        "BENCH_CONTACTS": "200",
        "BENCH_CONTACT_EXPORTS": "3",
        "BENCH_JSON": str(results),
    }
    done = subprocess.run(
        [sys.executable, "bench/run.py"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "meetings load" in done.stdout and "DuckDB floor" in done.stdout
    payload = json.loads(results.read_text(encoding="utf-8"))
    assert payload["rows"] == 300
    measures = [row["measure"] for row in payload["results"]]
    assert any(m.startswith("meetings load: 300-row") for m in measures)
    for measure in (
        "meetings build: every model",
        "dbt start-up",
        "meetings run: one more",
        "meetings run: 2 older weekly contact exports",
        "meetings run: the same weekly export, after them",
        "publish: the analytics copy of the marts",
        "meetings report: the one-page HTML report",
        "dbt alone, this DAG with constant SQL: start-up",
        "dbt alone: the nodes meetings run runs",
        "dbt alone: every node of meetings build",
        "pandas peer: the 300-row Calendly export",
        "meetings load + meetings run: the same export",
        "meetings run at firm scale: first run",
        "meetings run at firm scale: one more weekly export",
    ):
        assert any(measure in m for m in measures), measures
    assert any(m.startswith("whole bench run: peak RSS") for m in measures)
    # Only measured rows: every row carries a real time.
    assert all(row["seconds"] is not None and row["seconds"] > 0 for row in payload["results"])


def test_bench_twin_project_has_the_nodes_of_this_project(tmp_path: Path) -> None:
    """The constant-SQL twin (bench/dbt_floor.py) mirrors the manifest it is given: the same
    models by materialization, data tests, unit tests, seeds and snapshots, and dbt accepts it
    (`dbt parse` of the twin lists the same nodes)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from dbt_floor import write_trivial_project
    finally:
        sys.path.remove(str(REPO / "bench"))
    env = {**os.environ, "MEETINGS_DB": str(tmp_path / "project.duckdb")}
    dbt = str(Path(sys.executable).parent / "dbt")
    target = tmp_path / "project_target"
    subprocess.run(
        [dbt, "parse", "--project-dir", str(REPO), "--profiles-dir", str(REPO),
         "--target-path", str(target)],
        cwd=REPO, env=env, check=True, capture_output=True,
    )  # fmt: skip
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    twin = tmp_path / "twin"
    write_trivial_project(manifest, twin, tmp_path / "twin.duckdb", 2)
    subprocess.run(
        [dbt, "parse", "--project-dir", str(twin), "--profiles-dir", str(twin)],
        cwd=twin, check=True, capture_output=True,
    )  # fmt: skip
    twin_manifest = json.loads((twin / "target" / "manifest.json").read_text(encoding="utf-8"))

    def shape(m: dict) -> tuple:
        nodes = m["nodes"].values()
        return (
            sorted((n["name"], n["config"]["materialized"]) for n in nodes
                   if n["resource_type"] == "model"),
            sum(n["resource_type"] == "test" for n in nodes),
            sorted((t["model"], t["name"]) for t in m["unit_tests"].values()),
            sorted(n["name"] for n in nodes if n["resource_type"] in ("seed", "snapshot")),
        )  # fmt: skip

    assert shape(twin_manifest) == shape(manifest)
