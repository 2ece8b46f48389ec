with

coverage as (

    select * from {{ ref('int_exports__coverage') }}

),

final as (

    select
        -- ids
        load_id,
        platform,
        file_path,

        -- export
        exported_at,
        exported_at_source,
        loaded_at,
        load_status,
        cast(row_count as bigint) as row_count,

        -- coverage
        coverage_start_date,
        coverage_end_date,
        cast(bookings as bigint) as bookings,
        cast(new_bookings as bigint) as new_bookings,
        cast(already_seen_bookings as bigint) as already_seen_bookings,
        coverage_start_date is not null as closes_gaps

    from coverage

)

select * from final
