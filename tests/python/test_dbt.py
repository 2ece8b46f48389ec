"""loader/dbt.py: which models a build publishes, and when a build covers part of the project."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from loader.dbt import _published, _selection


def _node(
    name: str,
    access: str = "protected",
    folder: str = "marts",
    resource_type: str = "model",
    materialized: str = "table",
) -> SimpleNamespace:
    return SimpleNamespace(
        name=name,
        access=access,
        fqn=["meetings", *folder.split("/"), name],
        resource_type=resource_type,
        config=SimpleNamespace(materialized=materialized),
    )


@pytest.mark.parametrize(
    ("node", "published"),
    [
        (_node("fct_meetings", access="public"), True),
        (_node("int_meetings__matched", folder="intermediate/matching"), False),
        (_node("data_quality_issues"), True),  # named by the issue, whatever its access
        (_node("export_gaps", folder="marts/monitoring"), True),  # the monitoring marts
        (_node("not_null_fct_meetings_meeting_id", resource_type="test"), False),
        (_node("helper", access="public", materialized="ephemeral"), False),  # no table
    ],
)
def test_published_models(node: SimpleNamespace, published: bool) -> None:
    assert _published(node) is published


@pytest.mark.parametrize(
    ("args", "selection"),
    [
        ({"select": [], "exclude": [], "exclude_resource_types": ["unit_test"]}, ""),
        ({"select": ["marts"]}, "select: marts"),
        ({"select": ["a", "b"], "exclude": ["c"]}, "select: a b; exclude: c"),
        ({"selector": "nightly"}, "selector: nightly"),
        ({"exclude_resource_types": ["test", "unit_test"]}, "exclude_resource_types: test"),
        ({"resource_types": ["model"]}, "resource_types: model"),
    ],
)
def test_selection_is_what_builds_part_of_the_project(
    args: dict[str, object], selection: str
) -> None:
    """`meetings run` leaves out unit tests only: that still builds and tests everything."""
    assert _selection(args) == selection
