{# purpose: the columns of `relation` that hold emails (header starts with "Email"/"E-mail":
   `Email`, `Email 1`, `Email (Work)`, ...), in table order. Read from the warehouse at compile
   time, so a new email column in a contact export needs no code change. Empty at parse time. #}
{% macro email_columns(relation) %}
    {%- if relation is none or relation is string -%}
        {{ exceptions.raise_compiler_error(
            "email_columns expects a relation (source() or ref()), got: " ~ relation
        ) }}
    {%- endif -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if modules.re.match('^\\s*e-?mails?\\b', column.name, modules.re.IGNORECASE) -%}
                {%- do found.append(column.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}
