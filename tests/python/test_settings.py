"""Where things live: the warehouse file name must not clash with the warehouse's schemas."""

from __future__ import annotations

import re

from loader import settings
from loader.land import RAW_SCHEMA

from factories import REPO


def test_every_schema_of_the_warehouse_is_a_forbidden_file_name() -> None:
    """The schemas dbt writes (dbt_project.yml) and the loader's raw schema are all refused as
    the warehouse's file name, so a schema added later cannot silently become ambiguous."""
    project = (REPO / "dbt_project.yml").read_text(encoding="utf-8")
    dbt_schemas = set(re.findall(r"^\s*\+schema:\s*(\w+)\s*$", project, re.M))
    assert dbt_schemas  # the pattern still finds them
    assert dbt_schemas | {RAW_SCHEMA} <= set(settings.WAREHOUSE_SCHEMAS)
