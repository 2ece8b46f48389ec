{# purpose: the row filter of an incremental model fed by landed exports: in an incremental
   run, only rows of loads newer than the newest load the model has already processed
   (`load_id > max(watermark_column) of this model`); in a full build (first run,
   --full-refresh) no filter at all. Load ids only grow (raw._load_manifest) and landed rows
   are never changed or deleted, so "newer than the watermark" is exactly "not processed
   yet". Usage: `where {{ new_loads_only('load_id', 'last_seen_load_id') }}`. #}
{% macro new_loads_only(load_id_column='load_id', watermark_column='load_id') -%}
    {%- if is_incremental() -%}
        {{ load_id_column }} > (
            select coalesce(max({{ watermark_column }}), 0) from {{ this }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
