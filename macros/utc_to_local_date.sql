{# purpose: the calendar date of an instant in the firm's time zone (var export_time_zone),
   so coverage and gaps are counted in the days staff actually see. #}
{% macro utc_to_local_date(column) -%}
    cast(timezone('{{ var("export_time_zone") | trim }}', {{ column }}) as date)
{%- endmacro %}
