with

deduplicated as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

matched as (

    select * from {{ ref('int_meetings__matched') }}

),

classified as (

    select * from {{ ref('int_meetings__classified') }}

),

meetings as (

    select
        deduplicated.*,
        matched.* exclude (matched.meeting_id)
    from deduplicated
    inner join matched
        on deduplicated.meeting_id = matched.meeting_id

),

with_status as (

    -- Status is derived from the latest known cancel / no-show flags and the meeting's
    -- time relative to this build (as_of), never copied from an export's label.
    -- A Cal.com booking replaced by another one is `rescheduled` (kept for history).
    select
        *,
        case
            when is_rescheduled then 'rescheduled'
            when is_canceled then 'canceled'
            when is_no_show then 'no_show'
            when coalesce(end_at, start_at) is null then null
            when coalesce(end_at, start_at) <= {{ as_of_timestamp() }} then 'completed'
            else 'scheduled'
        end as status
    from meetings

),

with_category as (

    select
        with_status.*,
        coalesce(classified.meeting_category, 'other') as meeting_category,
        coalesce(classified.is_portfolio_review, false) as is_portfolio_review
    from with_status
    left join classified
        on with_status.meeting_id = classified.meeting_id

),

final as (

    select
        -- ids
        meeting_id,
        platform,
        platform_booking_id,
        platform_invitee_key,

        -- meeting
        event_type_name,
        meeting_category,
        is_portfolio_review,
        start_at,
        end_at,
        cast(date_diff('minute', start_at, end_at) as integer) as duration_minutes,
        status,
        coalesce(is_canceled, false) as is_canceled,
        coalesce(is_no_show, false) as is_no_show,
        cancellation_reason,
        booked_at,
        location,
        host_name,
        host_email,

        -- invitee
        invitee_name,
        invitee_email,
        invitee_time_zone,

        -- contact (see int_meetings__matched)
        contact_id,
        invitee_email_normalized,
        match_method,
        match_confidence,

        -- lineage
        source_file,
        first_exported_at,
        last_exported_at,
        cast(export_count as integer) as export_count,

        -- added with Cal.com
        platform_event_type_id,
        coalesce(is_rescheduled, false) as is_rescheduled,
        coalesce(status != 'rescheduled', true) as is_counted,

        -- data quality: listed in marts.data_quality_issues; metrics leave these out
        coalesce(
            has_invalid_start_at
            or has_invalid_end_at
            or has_end_before_start
            or has_missing_email
            or has_invalid_email,
            false
        ) as has_data_issue

    from with_category

)

select * from final
