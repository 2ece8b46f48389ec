{# purpose: a stable md5 key from a list of column expressions (nulls kept distinct from ''),
   the same recipe as dbt_utils.generate_surrogate_key, which cannot be installed here. #}
{% macro generate_surrogate_key(field_list) -%}
    {%- do assert_column_list('generate_surrogate_key', field_list) -%}
    md5(concat_ws('-'
    {%- for field in field_list %},
        coalesce(cast({{ field }} as varchar), '_null_')
    {%- endfor %}
    ))
{%- endmacro %}
