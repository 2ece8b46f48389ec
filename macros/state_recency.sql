{# purpose: the order that decides which export row holds a meeting's latest state, as one
   comparable value (greater = more recent): export time, then load, then row in the file.
   A missing export time counts as the oldest. Used with arg_max in int_meetings__deduplicated
   (for new loads and again when merging them with the stored states). #}
{% macro state_recency() -%}
    (coalesce(exported_at, cast('-infinity' as timestamptz)), load_id, source_row)
{%- endmacro %}
