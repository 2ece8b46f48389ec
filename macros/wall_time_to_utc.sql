{# purpose: read a zone-less timestamp as wall-clock time in `time_zone` (default: the
   export_time_zone var) and return the instant as timestamptz (UTC in this project). #}
{% macro wall_time_to_utc(timestamp_expression, time_zone=none) -%}
    {%- set zone = time_zone if time_zone is not none else var('export_time_zone') -%}
    {%- if not zone or zone | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "wall_time_to_utc needs a time zone; set var export_time_zone or MEETINGS_EXPORT_TZ"
        ) }}
    {%- endif -%}
    timezone('{{ zone | trim }}', {{ timestamp_expression }})
{%- endmacro %}
