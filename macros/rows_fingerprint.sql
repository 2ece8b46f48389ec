{# purpose: one text value that changes whenever the rows of `relation` (a ref, source or CTE
   name) change in any of `columns`: the row count and the sum of the rows' hashes (order
   does not matter; a repeated row still counts). Incremental models store it next to their
   rows to notice that an input other than the new loads (contact index, overrides, seeds)
   changed since the rows were made, and then recompute every row. DuckDB's hash() may
   change with a DuckDB upgrade: every row is then recomputed once (slower, never wrong). #}
{% macro rows_fingerprint(relation, columns) -%}
    {%- if columns is string or columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "rows_fingerprint expects a non-empty list of columns, got: " ~ columns
        ) }}
    {%- endif -%}
    (
        select
            count(*)::varchar
            || ':'
            || coalesce(sum(hash({{ columns | join(', ') }})::hugeint)::varchar, '0')
        from {{ relation }}
    )
{%- endmacro %}
