{# purpose: argument check shared by macros that take a list of columns: fail compilation with
   the caller's name and the bad value instead of rendering broken SQL. #}
{% macro assert_column_list(caller_name, value) %}
    {%- if value is string or value is none or value | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            caller_name ~ " expects a non-empty list of column names, got: " ~ value
        ) }}
    {%- endif -%}
{% endmacro %}
