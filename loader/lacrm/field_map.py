"""Which metric goes into which LACRM contact custom field: `seeds/lacrm_field_map.csv`.

The file is also a dbt seed (so the docs lineage shows it and a dbt test checks every
`metric_column` exists), but `meetings sync` reads the CSV itself: an edited mapping takes
effect at the next sync, without a rebuild.

Values are sent the way LACRM v2 clients send them (contract: ../shared/lacrm-api.md):
`Date` as `YYYY-MM-DD` in the firm's time zone (MEETINGS_EXPORT_TZ), `Number` as a JSON
number, `Text` as text. A date that is legitimately empty (no next meeting any more) is
`None`, which blanks the field; a number that could not be computed (NULL where the mart
promises a count) is `NOT_COMPUTED` and is never sent.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from loader.errors import MeetingsError
from loader.settings import PROJECT_DIR

FIELD_MAP_PATH = PROJECT_DIR / "seeds" / "lacrm_field_map.csv"
HEADER = ("metric_column", "lacrm_field", "value_type")

# Mapping value type -> LACRM custom field types that accept such a value.
COMPATIBLE_TYPES: Final = {
    "Date": frozenset({"Date"}),
    "Number": frozenset({"Number", "Currency"}),
    "Text": frozenset({"Text", "TextArea"}),
}

FieldValue = str | int | float | None
"""What EditContact gets for one field: text, a number, or None (blank the field)."""


class Marker:
    """A named sentinel value (compared with `is`)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


NOT_COMPUTED: Final = Marker("NOT_COMPUTED")
"""The metric could not be computed: the field is left as it is in LACRM."""


@dataclass(frozen=True)
class FieldMapping:
    """One row of the mapping file."""

    metric_column: str
    lacrm_field: str
    value_type: str


def read_field_map(path: Path = FIELD_MAP_PATH) -> list[FieldMapping]:
    """The mapping rows, checked: known header, value types, no field or column twice."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise MeetingsError(f"cannot read the LACRM field map {path}: {exc.strerror}") from None
    if not rows or tuple(h.strip() for h in rows[0]) != HEADER:
        raise MeetingsError(f"{path}: the header must be {','.join(HEADER)}")
    mappings: list[FieldMapping] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER) or not all(cell.strip() for cell in row):
            raise MeetingsError(f"{path} line {number}: needs a value in each of {HEADER}")
        column, field, value_type = (cell.strip() for cell in row)
        if value_type not in COMPATIBLE_TYPES:
            raise MeetingsError(
                f"{path} line {number}: value_type {value_type!r} is not one of"
                f" {', '.join(COMPATIBLE_TYPES)}"
            )
        mappings.append(FieldMapping(column, field, value_type))
    for attribute in ("metric_column", "lacrm_field"):
        seen: set[str] = set()
        for mapping in mappings:
            value = getattr(mapping, attribute)
            if value in seen:
                raise MeetingsError(f"{path}: {attribute} {value!r} appears twice")
            seen.add(value)
    if not mappings:
        raise MeetingsError(f"{path} maps no field: add at least one row")
    return mappings


def check_metric_columns(mappings: Iterable[FieldMapping], columns: Iterable[str]) -> None:
    """Every mapped metric must be a column of contact_meeting_metrics."""
    available = set(columns)
    unknown = [m.metric_column for m in mappings if m.metric_column not in available]
    if unknown:
        raise MeetingsError(
            f"{FIELD_MAP_PATH.name} names column(s) that marts.contact_meeting_metrics does not"
            f" have: {', '.join(unknown)}"
        )


def check_custom_fields(
    mappings: Iterable[FieldMapping], definitions: list[dict[str, Any]]
) -> None:
    """Each mapped field exists in LACRM under exactly its name, with a fitting type.

    Never falls back to CustomFieldId keys (v2 clients report such writes are ignored).
    """
    by_name = {str(d.get("Name")): d for d in definitions if d.get("Name") is not None}
    problems: list[str] = []
    for mapping in mappings:
        found = by_name.get(mapping.lacrm_field)
        if found is None:
            near = [n for n in by_name if n.casefold().strip() == mapping.lacrm_field.casefold()]
            hint = f" (LACRM has {near[0]!r}: names must match exactly)" if near else ""
            problems.append(
                f'custom field "{mapping.lacrm_field}" ({mapping.value_type}) is missing{hint}'
            )
            continue
        lacrm_type = found.get("Type")
        if lacrm_type and str(lacrm_type) not in COMPATIBLE_TYPES[mapping.value_type]:
            problems.append(
                f'custom field "{mapping.lacrm_field}" is a {lacrm_type} field in LACRM, but'
                f" {mapping.metric_column} is sent as {mapping.value_type}"
            )
    if problems:
        raise MeetingsError(
            "; ".join(problems)
            + " — create or fix it in LACRM under Settings -> Custom Fields (record type"
            " Contacts, exact name and type as in seeds/lacrm_field_map.csv), or change the"
            " mapping file"
        )


def field_value(mapping: FieldMapping, raw: Any, tz: ZoneInfo) -> FieldValue | Marker:
    """The value EditContact gets for one metric, or NOT_COMPUTED (leave the field alone)."""
    if mapping.value_type == "Date":
        if raw is None:
            return None  # e.g. no next meeting (any more): blank the field
        if isinstance(raw, datetime):
            if raw.tzinfo is None:
                return NOT_COMPUTED  # a timestamp without zone cannot be placed in a day
            return raw.astimezone(tz).date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        return NOT_COMPUTED
    if mapping.value_type == "Number":
        if isinstance(raw, bool) or raw is None:
            return NOT_COMPUTED  # counts are never NULL in the mart: something went wrong
        if isinstance(raw, int):
            return raw
        if isinstance(raw, (float, Decimal)) and math.isfinite(raw):
            number = float(raw)
            return int(number) if number.is_integer() else round(number, 6)
        return NOT_COMPUTED
    return None if raw is None else str(raw)


def contact_values(
    mappings: Iterable[FieldMapping], row: Mapping[str, Any], tz: ZoneInfo
) -> dict[str, FieldValue | Marker]:
    """LACRM field name -> value for one row of contact_meeting_metrics."""
    return {m.lacrm_field: field_value(m, row.get(m.metric_column), tz) for m in mappings}
