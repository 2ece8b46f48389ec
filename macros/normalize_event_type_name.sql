{# purpose: the form event type names and classification patterns are compared in:
   trimmed, lower case, runs of whitespace collapsed to one space. #}
{% macro normalize_event_type_name(column) -%}
    lower(regexp_replace(trim({{ column }}), '\s+', ' ', 'g'))
{%- endmacro %}
