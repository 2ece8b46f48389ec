{# purpose: a person's name for comparison: lower case, accents removed, every character that
   is not a letter (punctuation, digits) a space, runs of spaces one space, trimmed:
   `  JOSÉ  O'Neil ` -> `jose o neil`. Null stays null. #}
{% macro normalize_person_name(column) -%}
    {%- if column is not string or column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "normalize_person_name expects a column expression as text, got: " ~ column
        ) }}
    {%- endif -%}
    trim(regexp_replace(
        regexp_replace(lower(strip_accents({{ column }})), '[^a-z]+', ' ', 'g'), '\s+', ' ', 'g'
    ))
{%- endmacro %}
