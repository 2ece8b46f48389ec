{# purpose: the words of a person's name for blocking: distinct lower-case letter runs of 2+
   characters, sorted (`Hal  Novak-Jr.` -> [hal, jr, novak]). Null -> null. #}
{% macro name_words(column) -%}
    {%- if column is not string or column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "name_words expects a column expression as text, got: " ~ column
        ) }}
    {%- endif -%}
    list_sort(list_distinct(regexp_extract_all(lower({{ column }}), '\pL{2,}')))
{%- endmacro %}
