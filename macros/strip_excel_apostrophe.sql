{# purpose: trim a text cell and drop the one leading apostrophe Excel (or a formula-injection
   guard) puts in front of ids, emails and dates: "'2026-03-05 10:00 am" -> "2026-03-05 10:00 am".
   Empty results become null. Raw keeps the cell verbatim; only staging cleans it. #}
{% macro strip_excel_apostrophe(column) -%}
    nullif(regexp_replace(trim({{ column }}), '^''', ''), '')
{%- endmacro %}
