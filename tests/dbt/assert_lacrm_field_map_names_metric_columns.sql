-- Every row of seeds/lacrm_field_map.csv must name a column of contact_meeting_metrics: a typo
-- would stop `meetings sync` before it sends anything, so it is caught at build time already.
with

field_map as (

    select * from {{ ref('lacrm_field_map') }}

),

metric_columns as (

    select metric_column_info.column_name
    from information_schema.columns as metric_column_info
    where
        metric_column_info.table_schema = '{{ ref("contact_meeting_metrics").schema }}'
        and metric_column_info.table_name = '{{ ref("contact_meeting_metrics").identifier }}'

),

unknown_columns as (

    select
        field_map.metric_column,
        field_map.lacrm_field
    from field_map
    left join metric_columns
        on field_map.metric_column = metric_columns.column_name
    where metric_columns.column_name is null

)

select * from unknown_columns
