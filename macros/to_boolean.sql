{# purpose: export flags to boolean: true/false, TRUE/FALSE (Excel), Yes/No, 1/0;
   anything else (including empty) becomes null so it can be flagged, never guessed. #}
{% macro to_boolean(column) -%}
    case
        when lower(trim({{ column }})) in ('true', 'yes', 'y', '1') then true
        when lower(trim({{ column }})) in ('false', 'no', 'n', '0') then false
    end
{%- endmacro %}
