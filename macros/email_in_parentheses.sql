{# purpose: the email address in a Cal.com `Name (email)` cell (attendeeN, noShowGuests
   entries): the text in the trailing parentheses when it holds an `@`, else the whole cell
   when it is a bare address, else null. Trimmed; case kept (keys lower-case it). #}
{% macro email_in_parentheses(column) -%}
    coalesce(
        nullif(trim(regexp_extract({{ column }}, '\(([^()]*@[^()]*)\)\s*$', 1)), ''),
        case when regexp_matches(trim({{ column }}), '^[^\s()]+@[^\s()]+$') then trim({{ column }}) end
    )
{%- endmacro %}
