with

gaps as (

    select * from {{ ref('int_exports__gaps') }}

),

final as (

    select
        platform,
        gap_start_date,
        gap_end_date,
        cast(gap_days as integer) as gap_days,
        next_export_file
    from gaps

)

select * from final
