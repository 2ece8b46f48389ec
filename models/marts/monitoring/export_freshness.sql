-- One row per expected platform: when it was last exported and whether that is too long
-- ago (thresholds: vars freshness_warn_after_days / freshness_error_after_days).
with

coverage as (

    select * from {{ ref('int_exports__coverage') }}

),

gaps as (

    select * from {{ ref('int_exports__gaps') }}

),

platforms as (

    select unnest([
        {%- for platform in var('export_platforms') %}
            '{{ platform }}'{{ ',' if not loop.last }}
        {%- endfor %}
    ]) as platform

),

latest_export as (

    select
        platform,
        max(exported_at) as last_exported_at,
        max(loaded_at) as last_loaded_at,
        max(coverage_end_date) as last_covered_date,
        count(*) as export_files
    from coverage
    group by platform

),

gap_totals as (

    select
        platform,
        count(*) as gap_count,
        sum(gap_days) as gap_days
    from gaps
    group by platform

),

measured as (

    select
        platforms.platform,
        latest_export.last_exported_at,
        latest_export.last_loaded_at,
        latest_export.last_covered_date,
        {{ utc_to_local_date('latest_export.last_exported_at') }} as export_since_date,
        coalesce(latest_export.export_files, 0) as export_files,
        coalesce(gap_totals.gap_count, 0) as gap_count,
        coalesce(gap_totals.gap_days, 0) as gap_days,
        date_diff('day', latest_export.last_exported_at, {{ as_of_timestamp() }})
            as days_since_last_export
    from platforms
    left join latest_export
        on platforms.platform = latest_export.platform
    left join gap_totals
        on platforms.platform = gap_totals.platform

),

final as (

    select
        platform,
        last_exported_at,
        last_loaded_at,
        last_covered_date,
        export_since_date,
        cast(export_files as integer) as export_files,
        cast(gap_count as integer) as gap_count,
        cast(gap_days as integer) as gap_days,
        cast(days_since_last_export as integer) as days_since_last_export,
        cast({{ var('freshness_warn_after_days') }} as integer) as warn_after_days,
        cast({{ var('freshness_error_after_days') }} as integer) as error_after_days,
        case
            when last_exported_at is null then 'never_exported'
            when days_since_last_export >= {{ var('freshness_error_after_days') }} then 'error'
            when days_since_last_export >= {{ var('freshness_warn_after_days') }} then 'warn'
            else 'ok'
        end as freshness_status,
        {{ as_of_timestamp() }} as as_of
    from measured

)

select * from final
