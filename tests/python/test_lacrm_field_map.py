"""The LACRM field map: reading the CSV, checking fields against GetCustomFields, value formats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from loader.errors import MeetingsError
from loader.lacrm.field_map import (
    FIELD_MAP_PATH,
    NOT_COMPUTED,
    FieldMapping,
    check_custom_fields,
    check_metric_columns,
    field_value,
    read_field_map,
)

NEW_YORK = ZoneInfo("America/New_York")
DATE = FieldMapping("last_meeting_at", "Last Meeting", "Date")
NUMBER = FieldMapping("total_meetings", "Total Meetings", "Number")


def test_the_repo_mapping_has_the_default_fields() -> None:
    mappings = read_field_map()
    assert [(m.lacrm_field, m.metric_column, m.value_type) for m in mappings] == [
        ("Last Meeting", "last_meeting_at", "Date"),
        ("Next Meeting", "next_meeting_at", "Date"),
        ("Last Portfolio Review", "last_portfolio_review_at", "Date"),
        ("Portfolio Reviews (12 mo)", "portfolio_reviews_last_12_months", "Number"),
        ("Total Meetings", "total_meetings", "Number"),
        ("No-shows", "no_show_meetings", "Number"),
    ]
    assert FIELD_MAP_PATH.name == "lacrm_field_map.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("column,field,type\nx,y,Date\n", "the header must be"),
        ("metric_column,lacrm_field,value_type\nx,y,Boolean\n", "value_type 'Boolean'"),
        ("metric_column,lacrm_field,value_type\nx,,Date\n", "line 2: needs a value"),
        ("metric_column,lacrm_field,value_type\na,Same,Date\nb,Same,Number\n", "appears twice"),
        ("metric_column,lacrm_field,value_type\n", "maps no field"),
    ],
)
def test_bad_mapping_files_are_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "map.csv"
    path.write_text(text)
    with pytest.raises(MeetingsError, match=message):
        read_field_map(path)


def test_unknown_metric_column_is_named() -> None:
    with pytest.raises(MeetingsError, match=r"does not have: total_meeting$"):
        check_metric_columns(
            [FieldMapping("total_meeting", "Total Meetings", "Number")], ["total_meetings"]
        )


def test_a_field_differing_only_in_case_is_missing_with_a_hint() -> None:
    with pytest.raises(MeetingsError) as caught:
        check_custom_fields([DATE], [{"Name": "last meeting", "Type": "Date"}])
    message = str(caught.value)
    assert 'custom field "Last Meeting" (Date) is missing' in message
    assert "LACRM has 'last meeting'" in message
    assert "Settings -> Custom Fields" in message
    assert "\n" not in message


def test_currency_accepts_numbers_but_text_does_not_accept_dates() -> None:
    check_custom_fields([NUMBER], [{"Name": "Total Meetings", "Type": "Currency"}])
    with pytest.raises(MeetingsError, match='"Last Meeting" is a Text field'):
        check_custom_fields([DATE], [{"Name": "Last Meeting", "Type": "Text"}])


def test_dates_are_days_in_the_firm_time_zone() -> None:
    late_evening = datetime(2026, 11, 13, 2, 30, tzinfo=UTC)  # 21:30 on the 12th in New York
    assert field_value(DATE, late_evening, NEW_YORK) == "2026-11-12"
    assert field_value(DATE, late_evening, ZoneInfo("Europe/Berlin")) == "2026-11-13"
    assert field_value(DATE, None, NEW_YORK) is None  # legitimately empty: blanks the field
    assert field_value(DATE, datetime(2026, 1, 1), NEW_YORK) is NOT_COMPUTED  # no zone


def test_numbers_are_json_numbers_and_a_missing_count_is_never_sent() -> None:
    assert field_value(NUMBER, 4, NEW_YORK) == 4
    assert field_value(NUMBER, 4.0, NEW_YORK) == 4
    assert field_value(NUMBER, 0.25, NEW_YORK) == 0.25
    assert field_value(NUMBER, None, NEW_YORK) is NOT_COMPUTED
    assert field_value(NUMBER, float("nan"), NEW_YORK) is NOT_COMPUTED
