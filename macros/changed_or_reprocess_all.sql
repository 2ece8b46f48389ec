{# purpose: the row filter of an incremental model whose rows depend on new loads AND on other
   inputs: in an incremental run, rows touched by loads the model has not processed
   (`watermark_column` above its stored maximum), or every row when `fingerprint` (an SQL
   expression, e.g. from rows_fingerprint) differs from the one stored in
   `fingerprint_column` -- also when this table predates that column (the model then needs
   on_schema_change='append_new_columns'); in a full build, no filter. Without a warehouse
   (parse time, linters) the column is assumed to be there. #}
{% macro changed_or_reprocess_all(watermark_column, fingerprint, fingerprint_column) -%}
    {%- set filter_rows = is_incremental() -%}
    {%- if filter_rows and execute -%}
        {%- set stored_columns = adapter.get_columns_in_relation(this)
            | map(attribute='name') | map('lower') | list -%}
        {%- set filter_rows = fingerprint_column | lower in stored_columns -%}
    {%- endif -%}
    {%- if filter_rows -%}
        (
            {{ watermark_column }} > (
                select coalesce(max({{ watermark_column.split('.')[-1] }}), 0)
                from {{ this }}
            )
            or ({{ fingerprint }}) is distinct from (
                select max({{ fingerprint_column }}) from {{ this }}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
