{# purpose: parse a zone-less export date-time text into a timestamp (null when unparseable).
   Accepted: Calendly's "2025-03-03 05:00 pm", 24-hour "2025-03-03 17:00", and Excel re-saves
   "3/3/2025 17:00" / "3/3/2025 5:00 PM". Add a format here, nowhere else. #}
{% macro parse_wall_time(column) -%}
    try_strptime(
        trim({{ column }}),
        [
            '%Y-%m-%d %I:%M %p',
            '%Y-%m-%d %H:%M',
            '%Y-%m-%d %H:%M:%S',
            '%m/%d/%Y %I:%M %p',
            '%m/%d/%Y %H:%M',
            '%m/%d/%Y %H:%M:%S'
        ]
    )
{%- endmacro %}
