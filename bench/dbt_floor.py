"""dbt's own cost per node: this project's DAG again, with every node's SQL a constant.

`make bench` compares `meetings run` with dbt's start-up (`--select none`). How much of the
difference is dbt itself -- compiling each node, running its materialization's statements,
logging, testing -- whatever the SQL does? `write_trivial_project` writes a dbt project with
the nodes of this project's manifest: every model with the same materialization, incremental
strategy, `on_schema_change`, contract and refs to other models, seeds and snapshots (sources
are dropped); every seed and snapshot; on each node as many data tests as it has here (as
`not_null` tests); every unit test on the same model. Every model is `select 1 as c0, ...`
and every seed one row, so what the bench times on it is dbt's per-node cost and nothing else.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_NAME = "dbt_floor"
NODE_TYPES = ("model", "seed", "snapshot")


@dataclass(frozen=True)
class NodeCounts:
    """What the trivial project holds, for the bench's notes."""

    models: Counter[str]  # materialization -> count
    data_tests: int
    unit_tests: int
    seeds: int
    snapshots: int

    def describe(self) -> str:
        models = ", ".join(f"{n} {kind}" for kind, n in sorted(self.models.items()))
        return (
            f"{sum(self.models.values())} models ({models}), {self.data_tests} data tests,"
            f" {self.unit_tests} unit tests, {self.seeds} seeds, {self.snapshots} snapshot(s)"
        )


def _parents(node: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> list[str]:
    """Names of the models, seeds and snapshots a node reads (sources are dropped)."""
    return sorted(
        {nodes[p]["name"] for p in node.get("depends_on", {}).get("nodes", []) if p in nodes}
    )


def _tested_node(test: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> str | None:
    """The node a data test belongs to: its attached node, else (singular tests) the first
    model, seed or snapshot it reads."""
    attached = test.get("attached_node")
    if attached in nodes:
        return str(nodes[attached]["name"])
    parents = [p for p in test["depends_on"]["nodes"] if p in nodes]
    return str(nodes[parents[0]]["name"]) if parents else None


def _model_sql(node: dict[str, Any], parents: list[str], columns: int) -> str:
    config = node["config"]
    options = [f"materialized={config['materialized']!r}"]
    if config["materialized"] == "incremental":
        strategy = config.get("incremental_strategy") or "append"
        options.append(f"incremental_strategy={strategy!r}")
        if strategy != "append":
            options.append("unique_key='c0'")
        options.append(f"on_schema_change={config.get('on_schema_change') or 'ignore'!r}")
    lines = [f"{{{{ config({', '.join(options)}) }}}}"]
    lines += [f"-- depends_on: {{{{ ref({name!r}) }}}}" for name in parents]
    lines.append("select " + ", ".join(f"1 as c{i}" for i in range(columns)))
    return "\n".join(lines) + "\n"


def _columns(count: int, tests: int, contract: bool) -> list[dict[str, Any]]:
    columns: list[dict[str, Any]] = []
    for i in range(count):
        column: dict[str, Any] = {"name": f"c{i}"}
        if contract:
            column["data_type"] = "integer"
        if i < tests:
            column["data_tests"] = ["not_null"]
        columns.append(column)
    return columns


def write_trivial_project(
    manifest: dict[str, Any], folder: Path, db: Path, threads: int
) -> NodeCounts:
    """Write the trivial twin of the project whose `manifest` is given into `folder`
    (dbt_project.yml; profiles.yml with `db` as the DuckDB file and the same dbt `threads`;
    models, seeds, snapshots)."""
    project = manifest["metadata"]["project_name"]
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in NODE_TYPES and node["package_name"] == project
    }
    tests = Counter(
        name
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node["package_name"] == project
        if (name := _tested_node(node, nodes)) is not None
    )
    columns = max([*tests.values(), 0]) + 1
    for sub in ("models", "seeds", "snapshots"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    models, seeds, snapshots = [], [], []
    for node in sorted(nodes.values(), key=lambda n: n["name"]):
        name, parents = node["name"], _parents(node, nodes)
        if node["resource_type"] == "model":
            contract = bool(node["config"].get("contract", {}).get("enforced"))
            (folder / "models" / f"{name}.sql").write_text(_model_sql(node, parents, columns))
            entry: dict[str, Any] = {
                "name": name,
                "columns": _columns(columns, tests[name], contract),
            }
            if contract:
                entry["config"] = {"contract": {"enforced": True}}
            models.append(entry)
        elif node["resource_type"] == "seed":
            header = ",".join(f"c{i}" for i in range(columns))
            row = ",".join("1" for _ in range(columns))
            (folder / "seeds" / f"{name}.csv").write_text(f"{header}\n{row}\n")
            seeds.append({"name": name, "columns": _columns(columns, tests[name], False)})
        else:
            snapshots.append(
                {
                    "name": name,
                    "relation": f"ref({parents[0]!r})",
                    "config": {
                        "schema": "snapshots",
                        "unique_key": "c0",
                        "strategy": "check",
                        "check_cols": "all",
                    },
                    "columns": _columns(columns, tests[name], False),
                }
            )
    unit_tests = []
    model_parents = {
        node["name"]: _parents(node, nodes)
        for node in nodes.values()
        if node["resource_type"] == "model"
    }
    for test in manifest.get("unit_tests", {}).values():
        if test["package_name"] != project or test["model"] not in model_parents:
            continue
        unit_tests.append(
            {
                "name": test["name"],
                "model": test["model"],
                "given": [
                    {"input": f"ref({p!r})", "rows": [{"c0": 1}]}
                    for p in model_parents[test["model"]]
                ],
                "expect": {"rows": [{"c0": 1}]},
            }
        )
    _write_yaml(folder / "models" / "_models.yml", {"models": models, "unit_tests": unit_tests})
    _write_yaml(folder / "seeds" / "_seeds.yml", {"seeds": seeds})
    _write_yaml(folder / "snapshots" / "_snapshots.yml", {"snapshots": snapshots})
    _write_yaml(
        folder / "dbt_project.yml",
        {
            "name": PROJECT_NAME,
            "version": "1.0.0",
            "config-version": 2,
            "profile": PROJECT_NAME,
            "flags": {"send_anonymous_usage_stats": False},
        },
    )
    _write_yaml(
        folder / "profiles.yml",
        {
            PROJECT_NAME: {
                "target": "dev",
                "outputs": {
                    "dev": {
                        "type": "duckdb",
                        "path": str(db),
                        "threads": threads,
                        "keep_open": True,
                    }
                },
            }
        },
    )
    return NodeCounts(
        Counter(
            n["config"]["materialized"] for n in nodes.values() if n["resource_type"] == "model"
        ),
        sum(tests.values()),
        len(unit_tests),
        len(seeds),
        len(snapshots),
    )


def _write_yaml(path: Path, content: dict[str, Any]) -> None:
    """dbt's YAML files, written as JSON (which is YAML too)."""
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
