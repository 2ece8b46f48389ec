{# purpose: true when a (trimmed) text looks like one email address: something@domain.tld with
   no spaces and exactly one @; null stays null (a missing email is its own data issue).
   Deliberately loose: it catches typos like a missing @, never judges real addresses. #}
{% macro is_valid_email(column) -%}
    regexp_full_match({{ column }}, '[^@\s]+@[^@\s]+\.[^@\s]+')
{%- endmacro %}
