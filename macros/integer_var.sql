{# purpose: the value of a dbt var that must be a whole number of at least `minimum` (months or
   days in a date rule), so `--vars '{name: ...}'` with a typo stops the build with one line
   naming the var and the value instead of failing in SQL or shifting every date. #}
{% macro integer_var(name, minimum=0) -%}
    {%- set value = var(name) -%}
    {#- `execute` is false while dbt parses and undefined for sqlfluff: check when running. -#}
    {%- if execute and (value is not integer or value < minimum) -%}
        {{ exceptions.raise_compiler_error(
            "integer_var: var " ~ name ~ " must be a whole number >= " ~ minimum
            ~ ", got: " ~ value
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
