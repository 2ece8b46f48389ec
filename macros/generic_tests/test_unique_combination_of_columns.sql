{# purpose: primary-key test for a compound key: no two rows share the same values of the
   given columns (the dbt_utils test of the same name, which cannot be installed here). #}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{% do assert_column_list('unique_combination_of_columns', combination_of_columns) %}
{% set columns_csv = combination_of_columns | join(', ') %}

select
    {{ columns_csv }},
    count(*) as n_records
from {{ model }}
group by {{ columns_csv }}
having count(*) > 1

{% endtest %}
