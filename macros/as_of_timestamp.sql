{# purpose: the instant "now" means for this build: var `as_of` when given (unit tests, reruns
   of a past day), else the time the dbt invocation started. One value for the whole run. #}
{% macro as_of_timestamp() -%}
    cast('{{ var("as_of", run_started_at | string) }}' as timestamptz)
{%- endmacro %}
