"""The documentation / primary-key coverage check, on small hand-made dbt artifacts and on the
real ones of the sample warehouse (never on the project's files)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from loader.doc_coverage import check, main

from factories import ServedSite

Artifact = dict[str, Any]
FCT = "model.meetings.fct_meetings"


def _column(name: str, description: str = "Described.", **extra: Any) -> Artifact:
    return {"name": name, "description": description, **extra}


def _model(
    name: str,
    columns: list[Artifact],
    path: str = "staging/x.sql",
    description: str = "One row per thing.",
    **extra: Any,
) -> Artifact:
    return {
        "unique_id": f"model.proj.{name}",
        "resource_type": "model",
        "package_name": "proj",
        "name": name,
        "path": path,
        "patch_path": "proj://models/_x__models.yml",
        "description": description,
        "columns": {c["name"]: c for c in columns},
        "config": {"materialized": "view"},
        **extra,
    }


def _test(kind: str, model: str, column: str | None = None, **kwargs: Any) -> Artifact:
    if column:
        kwargs["column_name"] = column
    return {
        "unique_id": f"test.proj.{kind}_{model}_{column}",
        "resource_type": "test",
        "package_name": "proj",
        "name": f"{kind}_{model}",
        "test_metadata": {"name": kind, "kwargs": kwargs, "namespace": None},
        "attached_node": f"model.proj.{model}",
        "column_name": column,
        "config": {"enabled": True, "where": None},
    }


def _source(columns: list[Artifact], description: str = "Raw rows.") -> Artifact:
    return {
        "unique_id": "source.proj.crm.contacts",
        "resource_type": "source",
        "source_name": "crm",
        "name": "contacts",
        "original_file_path": "models/staging/crm/_crm__sources.yml",
        "source_description": "CRM export, dropped into data/crm/.",
        "description": description,
        "columns": {c["name"]: c for c in columns},
    }


def _manifest(*nodes: Artifact, sources: tuple[Artifact, ...] = ()) -> Artifact:
    return {
        "metadata": {"project_name": "proj"},
        "nodes": {n["unique_id"]: n for n in nodes},
        "sources": {s["unique_id"]: s for s in sources},
        "exposures": {},
    }


def _catalog(built: dict[str, list[str]], section: str = "nodes") -> Artifact:
    entries = {
        uid: {"columns": {c: {"name": c, "type": "VARCHAR", "index": i} for i, c in enumerate(cs)}}
        for uid, cs in built.items()
    }
    return {"nodes": entries if section == "nodes" else {}, "sources": {}} | (
        {"sources": entries} if section == "sources" else {}
    )


def _good() -> Artifact:
    """A small project that passes: one staging model with a unique + not_null key."""
    return _manifest(
        _model("stg_a", [_column("id"), _column("name")]),
        _test("unique", "stg_a", "id"),
        _test("not_null", "stg_a", "id"),
    )


def _lines(manifest: Artifact, catalog: Artifact | None = None) -> list[str]:
    return [str(p) for p in check(manifest, catalog)]


def test_a_complete_project_passes() -> None:
    assert _lines(_good(), _catalog({"model.proj.stg_a": ["id", "name"]})) == []


def test_missing_model_description_fails() -> None:
    manifest = _good()
    manifest["nodes"]["model.proj.stg_a"]["description"] = "  "
    assert _lines(manifest) == ["model stg_a (models/_x__models.yml): no description"]


def test_missing_column_description_fails() -> None:
    manifest = _good()
    manifest["nodes"]["model.proj.stg_a"]["columns"]["name"]["description"] = ""
    assert _lines(manifest) == [
        "model stg_a (models/_x__models.yml): column 'name' has no description"
    ]


def test_built_column_missing_from_yaml_fails_and_stale_yaml_column_too() -> None:
    catalog = _catalog({"model.proj.stg_a": ["id", "name", "email"]})
    assert _lines(_good(), catalog) == [
        "model stg_a (models/_x__models.yml): column 'email' is built but not documented in YAML"
    ]
    # Numbered columns are only a family in raw sources; a model documents each one.
    manifest = _good()
    manifest["nodes"]["model.proj.stg_a"]["columns"]["q1"] = _column("q1")
    catalog = _catalog({"model.proj.stg_a": ["id", "name", "q1", "q2"]})
    assert _lines(manifest, catalog) == [
        "model stg_a (models/_x__models.yml): column 'q2' is built but not documented in YAML"
    ]
    catalog = _catalog({"model.proj.stg_a": ["ID"]})  # case differences are not problems
    assert _lines(_good(), catalog) == [
        "model stg_a (models/_x__models.yml): column 'name' is documented but not built (stale?)"
    ]


def test_model_missing_from_catalog_fails() -> None:
    assert _lines(_good(), _catalog({})) == [
        "model stg_a (models/_x__models.yml): not in catalog.json (not built before docs generate?)"
    ]


@pytest.mark.parametrize(
    "tests",
    [
        [("unique", "id"), ("not_null", "name")],  # different columns
        [("unique", "id")],
        [("not_null", "id"), ("accepted_values", "id")],
    ],
)
def test_model_without_primary_key_test_fails(tests: list[tuple[str, str]]) -> None:
    manifest = _manifest(
        _model("stg_a", [_column("id"), _column("name")]),
        *(_test(kind, "stg_a", column) for kind, column in tests),
    )
    assert _lines(manifest) == [
        "model stg_a (models/_x__models.yml): no primary-key test (unique + not_null on a "
        "column, unique_combination_of_columns, or a primary_key constraint)"
    ]


def test_filtered_not_null_is_not_a_key() -> None:
    manifest = _good()
    not_null = manifest["nodes"]["test.proj.not_null_stg_a_id"]
    not_null["config"]["where"] = "id is not null"
    assert any("no primary-key test" in line for line in _lines(manifest))


def test_other_primary_key_forms_pass() -> None:
    combination = _manifest(
        _model("stg_a", [_column("id"), _column("row")]),
        _test("unique_combination_of_columns", "stg_a", combination_of_columns=["id", "row"]),
    )
    assert _lines(combination) == []
    enforced = {"contract": {"enforced": True}}
    constraint = _manifest(
        _model(
            "stg_a",
            [_column("id", constraints=[{"type": "primary_key"}])],
            **enforced,
        )
    )
    assert _lines(constraint) == []
    unique_plus_not_null_constraint = _manifest(
        _model("stg_a", [_column("id", constraints=[{"type": "not_null"}])], **enforced),
        _test("unique", "stg_a", "id"),
    )
    assert _lines(unique_plus_not_null_constraint) == []
    # Without an enforced contract dbt ignores constraints: no key.
    unenforced = _manifest(_model("stg_a", [_column("id", constraints=[{"type": "primary_key"}])]))
    assert any("no primary-key test" in line for line in _lines(unenforced))


def test_marts_must_be_public_with_an_enforced_contract() -> None:
    def mart(**extra: Any) -> Artifact:
        return _manifest(
            _model("fct_a", [_column("id")], path="marts/fct_a.sql", **extra),
            _test("unique", "fct_a", "id"),
            _test("not_null", "fct_a", "id"),
        )

    assert _lines(mart(access="public", contract={"enforced": True})) == []
    assert _lines(mart(access="protected", contract={"enforced": True})) == [
        "model fct_a (models/_x__models.yml): mart is not `access: public`"
    ]
    assert _lines(mart(access="public", contract={"enforced": False})) == [
        "model fct_a (models/_x__models.yml): public mart has no enforced contract"
    ]


def test_source_gaps_fail_and_numbered_export_columns_follow_their_family() -> None:
    source = _source(
        [_column("Id"), _column("Question 1"), _column("attendeePhone1"), _column("Note", "")]
    )
    manifest = _manifest(sources=(source,))
    built = ["Id", "Question 1", "Question 2", "attendeePhone1", "attendeePhone3", "Note", "Extra"]
    catalog = _catalog({source["unique_id"]: built}, section="sources")
    where = "source crm.contacts (models/staging/crm/_crm__sources.yml)"
    assert _lines(manifest, catalog) == [
        f"{where}: column 'Note' has no description",
        f"{where}: column 'Extra' is built but not documented in YAML",
    ]
    source["description"] = ""
    source["source_description"] = None
    assert _lines(manifest)[:2] == [
        "source crm: no description (source level)",
        f"{where}: no description",
    ]


def test_seeds_and_exposures_need_descriptions_too() -> None:
    manifest = _good()
    seed = _model("event_type_map", [_column("title", "")], description="")
    seed.update(unique_id="seed.proj.event_type_map", resource_type="seed", patch_path=None)
    seed["original_file_path"] = "seeds/event_type_map.csv"
    manifest["nodes"][seed["unique_id"]] = seed
    manifest["exposures"]["exposure.proj.crm"] = {
        "name": "crm",
        "description": "",
        "original_file_path": "models/marts/_exposures.yml",
    }
    assert _lines(manifest) == [
        "seed event_type_map (seeds/event_type_map.csv): no description",
        "seed event_type_map (seeds/event_type_map.csv): column 'title' has no description",
        "exposure crm (models/marts/_exposures.yml): no description",
    ]


def test_other_packages_are_not_checked() -> None:
    manifest = _good()
    foreign = _model("pkg_model", [_column("x", "")], description="")
    foreign["package_name"] = "some_package"
    manifest["nodes"][foreign["unique_id"]] = foreign
    assert _lines(manifest) == []


def test_cli_prints_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _good()
    manifest["nodes"]["model.proj.stg_a"]["description"] = ""
    manifest["nodes"]["model.proj.stg_a"]["columns"]["id"]["description"] = ""
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "catalog.json").write_text(
        json.dumps(_catalog({"model.proj.stg_a": ["id", "name"]}))
    )
    assert main([str(tmp_path / "manifest.json")]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "model stg_a (models/_x__models.yml): no description",
        "model stg_a (models/_x__models.yml): column 'id' has no description",
    ]
    assert "2 problem(s)" in err

    (tmp_path / "manifest.json").write_text(json.dumps(_good()))
    assert main([str(tmp_path / "manifest.json")]) == 0
    assert "doc coverage: ok" in capsys.readouterr().out


def test_cli_missing_manifest_is_one_clean_line(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not found; run `meetings docs`"):
        main([str(tmp_path / "manifest.json")])


# --- the real project, as built from data/sample -------------------------------------------


def _artifacts(site: ServedSite) -> tuple[Artifact, Artifact]:
    manifest = json.loads((site.target / "manifest.json").read_text())
    catalog = json.loads((site.target / "catalog.json").read_text())
    return manifest, catalog


def test_the_project_is_fully_documented_and_keyed(served_docs: ServedSite) -> None:
    manifest, catalog = _artifacts(served_docs)
    assert _lines(manifest, catalog) == []


def test_removing_a_description_from_the_real_project_fails(served_docs: ServedSite) -> None:
    manifest, catalog = _artifacts(served_docs)
    broken = copy.deepcopy(manifest)
    broken["nodes"][FCT]["description"] = ""
    broken["nodes"][FCT]["columns"]["status"]["description"] = ""
    source_id = next(iter(broken["sources"]))
    broken["sources"][source_id]["columns"].pop(next(iter(broken["sources"][source_id]["columns"])))
    problems = _lines(broken, catalog)
    where = "model fct_meetings (models/marts/meetings/_meetings__models.yml)"
    assert f"{where}: no description" in problems
    assert f"{where}: column 'status' has no description" in problems
    assert any(p.startswith("source ") and "built but not documented" in p for p in problems)
    assert len(problems) == 3


def test_dropping_a_key_test_from_the_real_project_fails(served_docs: ServedSite) -> None:
    manifest, catalog = _artifacts(served_docs)
    broken = copy.deepcopy(manifest)
    broken["nodes"] = {
        uid: node
        for uid, node in broken["nodes"].items()
        if not (node.get("attached_node") == FCT and node["name"].startswith("unique_"))
    }
    assert _lines(broken, catalog) == [
        "model fct_meetings (models/marts/meetings/_meetings__models.yml): no primary-key test"
        " (unique + not_null on a column, unique_combination_of_columns, or a primary_key"
        " constraint)"
    ]
