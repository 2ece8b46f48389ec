{# purpose: true when a text is an email address by the one definition the matcher uses
   (macro email_address: the text reduces to exactly one address, display names, `Name
   (email)`, `mailto:`, spaces and upper case included); false for text with no address or
   several; null stays null (a missing email is its own data issue). #}
{% macro is_valid_email(column) -%}
    (case when {{ column }} is not null then ({{ email_address(column) }}) is not null end)
{%- endmacro %}
