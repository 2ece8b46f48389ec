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
    ):
        assert any(measure in m for m in measures), measures
    assert any(m.startswith("whole bench run: peak RSS") for m in measures)
    # Only measured rows: every row carries a real time.
    assert all(row["seconds"] is not None and row["seconds"] > 0 for row in payload["results"])
