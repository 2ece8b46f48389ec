with

calendly_events as (

    select * from {{ ref('stg_calendly__events') }}

),

calendly_meetings as (

    select
        -- ids
        {{ generate_surrogate_key(["'calendly'", 'event_uuid', 'invitee_uuid']) }} as meeting_id,
        'calendly' as platform,
        event_uuid as platform_booking_id,
        invitee_uuid as platform_invitee_key,

        -- meeting
        event_type_name,
        start_at,
        end_at,
        booked_at,
        location,
        host_name,
        host_email,

        -- invitee
        invitee_name,
        invitee_email,
        invitee_time_zone,

        -- state in this export
        is_canceled,
        is_no_show,
        canceled_by,
        cancellation_reason,

        -- lineage
        source_file,
        source_row,
        exported_at,
        load_id,

        -- data quality (same columns from every platform; see the model's YAML)
        start_at_text,
        end_at_text,
        has_invalid_start_at,
        has_invalid_end_at,
        has_end_before_start,
        has_missing_email,
        has_invalid_email

    from calendly_events

),

final as (

    select * from calendly_meetings

)

select * from final
