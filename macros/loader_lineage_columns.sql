{# purpose: the loader's lineage columns (stamped on every landed export row by
   `meetings load`, see loader/land.py META_COLUMNS) renamed for staging, in one place. #}
{% macro loader_lineage_columns() -%}
    _source_file as source_file,
    _source_row as source_row,
    _file_sha256 as file_sha256,
    _exported_at as exported_at,
    _loaded_at as loaded_at,
    _load_id as load_id
{%- endmacro %}
