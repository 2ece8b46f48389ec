"""Documentation and test coverage of the dbt project, read from dbt's artifacts (no network).

Rules (one `Problem` per violation):
- every source, source table, model, seed, snapshot and exposure has a description;
- every column has a description: each column listed in YAML, and, when `catalog.json` is
  given, each column of the relation as built (so a column added to the SQL but not to the
  YAML is caught). Raw source tables may grow numbered columns (`Question 2`, `attendee3`):
  those are covered by a documented column of the same family (`Question 1`);
- every model has a primary-key test (no `where` filter; the landed lane's run scope is not a
  `where`: it narrows tests only in `meetings run`, macros/get_where_subquery.sql): `unique`
  + `not_null` on one column (a `not_null` or `primary_key` constraint of an enforced
  contract counts as not-null),
  `unique_combination_of_columns`, or a `primary_key` constraint of an enforced contract;
- every model under `models/marts/` is `access: public`, and every public model has an
  enforced contract.

Run after `dbt docs generate` (which writes both files):
    python -m loader.doc_coverage target/manifest.json [--catalog target/catalog.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Artifact = dict[str, Any]

DOCUMENTED_TYPES = ("model", "seed", "snapshot")
COMBINATION_TESTS = {"unique_combination_of_columns"}
_NUMBERED = re.compile(r"^(?P<stem>.*?)\s*\d+$")


@dataclass(frozen=True)
class Problem:
    """One gap in the documentation or tests, printed as one line."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _blank(text: object) -> bool:
    return not isinstance(text, str) or not text.strip()


def _key(column: str) -> str:
    return column.strip().strip('"').casefold()


def _family(column: str) -> str | None:
    """`Question 2` -> `question`, `attendeePhone3` -> `attendeephone`; None if not numbered."""
    match = _NUMBERED.match(_key(column))
    return match.group("stem") if match else None


def _yaml_file(node: Artifact) -> str:
    patch = node.get("patch_path") or node.get("original_file_path") or "?"
    return str(patch).split("://", 1)[-1]


def _columns(node: Artifact) -> dict[str, Artifact]:
    return {_key(name): col for name, col in (node.get("columns") or {}).items()}


def _column_problems(
    where: str,
    documented: dict[str, Artifact],
    built: Iterable[str] | None,
    numbered_families: bool = False,
) -> list[Problem]:
    """Undescribed YAML columns; with the built column list, undocumented and stale ones too."""
    problems = [
        Problem(where, f"column {col.get('name', key)!r} has no description")
        for key, col in documented.items()
        if _blank(col.get("description"))
    ]
    if built is None:
        return problems
    built_names = list(built)
    built_keys = {_key(name) for name in built_names}
    families = {
        family
        for key, col in documented.items()
        if not _blank(col.get("description")) and (family := _family(key)) is not None
    }
    for name in built_names:
        if _key(name) in documented:
            continue
        if numbered_families and _family(name) in families:
            continue
        problems.append(Problem(where, f"column {name!r} is built but not documented in YAML"))
    problems += [
        Problem(where, f"column {col.get('name', key)!r} is documented but not built (stale?)")
        for key, col in documented.items()
        if key not in built_keys
    ]
    return problems


def _catalog_columns(catalog: Artifact | None, section: str, unique_id: str) -> list[str] | None:
    if catalog is None:
        return None
    entry = (catalog.get(section) or {}).get(unique_id)
    if entry is None:
        return None
    return [str(col.get("name", name)) for name, col in (entry.get("columns") or {}).items()]


def _tests_by_node(manifest: Artifact) -> dict[str, list[Artifact]]:
    """Enabled generic tests without a `where` filter, by the node they test."""
    tests: dict[str, list[Artifact]] = defaultdict(list)
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "test" or not node.get("test_metadata"):
            continue
        config = node.get("config") or {}
        if config.get("where") or config.get("enabled") is False:
            continue  # a filtered test does not prove anything about every row
        attached = node.get("attached_node") or next(
            iter((node.get("depends_on") or {}).get("nodes") or []), None
        )
        if attached:
            tests[attached].append(node)
    return tests


def _contract_enforced(node: Artifact) -> bool:
    contract = node.get("contract") or (node.get("config") or {}).get("contract") or {}
    return bool(contract.get("enforced"))


def has_primary_key_test(node: Artifact, tests: Sequence[Artifact]) -> bool:
    """True when some test or enforced constraint makes one column or column set a key."""
    unique: set[str] = set()
    not_null: set[str] = set()
    for test in tests:
        meta = test["test_metadata"]
        name = str(meta.get("name"))
        column = (meta.get("kwargs") or {}).get("column_name") or test.get("column_name")
        if name in COMBINATION_TESTS:
            return True
        if name == "unique" and column:
            unique.add(_key(str(column)))
        if name == "not_null" and column:
            not_null.add(_key(str(column)))
    if _contract_enforced(node):
        if any(c.get("type") == "primary_key" for c in node.get("constraints") or []):
            return True
        for key, col in _columns(node).items():
            types = {c.get("type") for c in col.get("constraints") or []}
            if "primary_key" in types:
                return True
            if "not_null" in types:
                not_null.add(key)
    return bool(unique & not_null)


def _is_mart(node: Artifact) -> bool:
    return str(node.get("path", "")).replace("\\", "/").split("/")[0] == "marts"


def _node_problems(
    node: Artifact, tests: Sequence[Artifact], catalog: Artifact | None
) -> list[Problem]:
    kind = node["resource_type"]
    where = f"{kind} {node['name']} ({_yaml_file(node)})"
    problems: list[Problem] = []
    if _blank(node.get("description")):
        problems.append(Problem(where, "no description"))
    built = None
    if (node.get("config") or {}).get("materialized") != "ephemeral":  # never in the catalog
        built = _catalog_columns(catalog, "nodes", node["unique_id"])
        if catalog is not None and built is None:
            problems.append(Problem(where, "not in catalog.json (not built before docs generate?)"))
    problems += _column_problems(where, _columns(node), built)
    if kind != "model":
        return problems
    if not has_primary_key_test(node, tests):
        problems.append(
            Problem(
                where,
                "no primary-key test (unique + not_null on a column, "
                "unique_combination_of_columns, or a primary_key constraint)",
            )
        )
    access = node.get("access") or (node.get("config") or {}).get("access")
    if _is_mart(node) and access != "public":
        problems.append(Problem(where, "mart is not `access: public`"))
    if (_is_mart(node) or access == "public") and not _contract_enforced(node):
        problems.append(Problem(where, "public mart has no enforced contract"))
    return problems


def _source_problems(manifest: Artifact, catalog: Artifact | None) -> list[Problem]:
    problems: list[Problem] = []
    seen_sources: set[str] = set()
    for source in manifest.get("sources", {}).values():
        name = f"{source['source_name']}.{source['name']}"
        where = f"source {name} ({source.get('original_file_path', '?')})"
        if source["source_name"] not in seen_sources:
            seen_sources.add(source["source_name"])
            if _blank(source.get("source_description")):
                problems.append(
                    Problem(f"source {source['source_name']}", "no description (source level)")
                )
        if _blank(source.get("description")):
            problems.append(Problem(where, "no description"))
        built = _catalog_columns(catalog, "sources", source["unique_id"])
        if catalog is not None and built is None:
            problems.append(Problem(where, "not in catalog.json (raw table missing?)"))
        problems += _column_problems(where, _columns(source), built, numbered_families=True)
    return problems


def check(manifest: Artifact, catalog: Artifact | None = None) -> list[Problem]:
    """Every documentation and primary-key gap of the root project, in a stable order."""
    project = (manifest.get("metadata") or {}).get("project_name")
    tests = _tests_by_node(manifest)
    problems = _source_problems(manifest, catalog)
    for unique_id, node in sorted(manifest.get("nodes", {}).items()):
        if node.get("resource_type") not in DOCUMENTED_TYPES:
            continue
        if project and node.get("package_name") != project:
            continue  # installed packages document themselves
        problems += _node_problems(node, tests.get(unique_id, []), catalog)
    for exposure in manifest.get("exposures", {}).values():
        if _blank(exposure.get("description")):
            where = f"exposure {exposure['name']} ({exposure.get('original_file_path', '?')})"
            problems.append(Problem(where, "no description"))
    return problems


def _load(path: Path, what: str) -> Artifact:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(
            f"error: {what} {path} not found; run `meetings docs` (dbt docs generate) first"
        ) from None
    except json.JSONDecodeError as exc:
        raise SystemExit(f"error: {what} {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SystemExit(f"error: {what} {path} is not a dbt artifact")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loader.doc_coverage",
        description="Fail when a dbt source, model or column lacks a description, a model "
        "lacks a primary-key test, or a public mart lacks an enforced contract.",
    )
    parser.add_argument("manifest", type=Path, help="dbt's target/manifest.json")
    parser.add_argument(
        "--catalog",
        type=Path,
        help="dbt's catalog.json (columns as built); default: beside the manifest, if present",
    )
    args = parser.parse_args(argv)
    manifest = _load(args.manifest, "manifest")
    catalog_path = args.catalog or args.manifest.with_name("catalog.json")
    catalog = None
    if args.catalog is not None or catalog_path.exists():
        catalog = _load(catalog_path, "catalog")
    else:
        print("note: no catalog.json; columns checked against the YAML only", file=sys.stderr)
    problems = check(manifest, catalog)
    for problem in problems:
        print(problem)
    if problems:
        print(f"doc coverage: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    models = sum(1 for n in manifest.get("nodes", {}).values() if n["resource_type"] == "model")
    print(
        f"doc coverage: ok ({models} models, {len(manifest.get('sources', {}))} source tables: "
        "all described, every model has a primary-key test)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
