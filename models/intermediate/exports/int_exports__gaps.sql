-- Calendar periods that no export of a platform covers, between the first and the last
-- covered day. Coverage intervals are sorted by start; a gap opens where the next interval
-- starts more than one day after everything before it has ended. Header-only exports have
-- no coverage and close no gap.
with

coverage as (

    select * from {{ ref('int_exports__coverage') }}
    where coverage_start_date is not null

),

ordered as (

    select
        platform,
        load_id,
        file_path,
        coverage_start_date,
        coverage_end_date,
        max(coverage_end_date) over (
            partition by platform
            order by coverage_start_date, coverage_end_date, load_id
            rows between unbounded preceding and 1 preceding
        ) as covered_until
    from coverage

),

final as (

    select
        platform,
        cast(covered_until + interval 1 day as date) as gap_start_date,
        cast(coverage_start_date - interval 1 day as date) as gap_end_date,
        date_diff('day', covered_until, coverage_start_date) - 1 as gap_days,
        file_path as next_export_file
    from ordered
    where coverage_start_date > covered_until + interval 1 day

)

select * from final
