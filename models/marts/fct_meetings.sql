with

meetings as (

    select * from {{ ref('int_meetings__matched') }}

),

with_status as (

    -- Status is derived from the latest known cancel / no-show flags and the meeting's
    -- time relative to this build (as_of), never copied from an export's label.
    select
        *,
        case
            when is_canceled then 'canceled'
            when is_no_show then 'no_show'
            when coalesce(end_at, start_at) is null then null
            when coalesce(end_at, start_at) <= {{ as_of_timestamp() }} then 'completed'
            else 'scheduled'
        end as status
    from meetings

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
        cast(export_count as integer) as export_count

    from with_status

)

select * from final
