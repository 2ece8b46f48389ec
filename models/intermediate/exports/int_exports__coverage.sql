-- One row per export file that landed (loaded or header-only): which meeting dates it
-- covers and how many of its bookings no earlier export had shown.
with

loads as (

    select * from {{ ref('stg_loader__loads') }}

),

-- every occurrence of every meeting, read twice in two narrow scans (one CTE read by both
-- aggregates would be materialized whole first: ~25% slower)
occurrence_exports as (

    select
        meeting_id,
        load_id,
        exported_at
    from {{ ref('int_meetings__unioned') }}

),

occurrences as (

    select
        meeting_id,
        load_id,
        start_at
    from {{ ref('int_meetings__unioned') }}

),

first_seen as (

    -- the export in which each meeting appeared first (export order, then load order)
    select
        meeting_id,
        arg_min(load_id, (coalesce(exported_at, cast('infinity' as timestamptz)), load_id))
            as first_load_id
    from occurrence_exports
    group by meeting_id

),

new_per_file as (

    select
        first_load_id as load_id,
        count(*) as new_bookings
    from first_seen
    group by first_load_id

),

per_file as (

    select
        occurrences.load_id,
        -- local date is monotonic in the instant: convert the min/max, not every row
        {{ utc_to_local_date('min(occurrences.start_at)') }} as coverage_start_date,
        {{ utc_to_local_date('max(occurrences.start_at)') }} as coverage_end_date,
        count(*) as meeting_rows,
        count(distinct occurrences.meeting_id) as bookings,
        coalesce(any_value(new_per_file.new_bookings), 0) as new_bookings
    from occurrences
    left join new_per_file
        on occurrences.load_id = new_per_file.load_id
    group by occurrences.load_id

),

final as (

    select
        loads.load_id,
        loads.platform,
        loads.file_path,
        loads.file_sha256,
        loads.load_status,
        loads.exported_at,
        loads.exported_at_source,
        loads.loaded_at,
        loads.row_count,
        per_file.coverage_start_date,
        per_file.coverage_end_date,
        coalesce(per_file.bookings, 0) as bookings,
        coalesce(per_file.new_bookings, 0) as new_bookings,
        coalesce(per_file.bookings, 0) - coalesce(per_file.new_bookings, 0)
            as already_seen_bookings
    from loads
    left join per_file
        on loads.load_id = per_file.load_id
    where
        loads.load_status in ('loaded', 'empty')
        and loads.platform in (
            {%- for platform in var('export_platforms') %}
                '{{ platform }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )

)

select * from final
