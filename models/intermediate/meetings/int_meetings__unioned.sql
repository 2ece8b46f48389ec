{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail'
) }}

with

calendly_events as (

    select * from {{ ref('stg_calendly__events') }}
    where {{ new_loads_only() }}

),

calcom_bookings as (

    select * from {{ ref('stg_calcom__bookings') }}
    where {{ new_loads_only() }}

),

calcom_attendees as (

    select * from {{ ref('int_meetings__calcom_attendees') }}
    where {{ new_loads_only() }}

),

calcom_event_types as (

    select * from {{ ref('calcom_event_types') }}

),

-- what titles (`<event type> between <host> and <attendee>`) say, for bookings whose event
-- type the seed does not name or whose host is not given: once per distinct title (a title
-- repeats across weekly exports), not once per row
unparsed_titles as (

    select distinct calcom_bookings.title
    from calcom_bookings
    left join calcom_event_types
        on calcom_bookings.event_type_id = calcom_event_types.event_type_id
    where calcom_event_types.event_type_id is null or calcom_bookings.host_name is null

),

title_parts as (

    select
        title,
        nullif(regexp_extract(title, '^(.+?) between .+ and .+$', 1), '') as event_type_name,
        nullif(regexp_extract(title, '^.+? between (.+?) and .+$', 1), '') as host_name
    from unparsed_titles

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

        -- added for Cal.com (Calendly exports have no event type id and no reschedule flag:
        -- a Calendly reschedule shows up as a canceled booking plus a new one)
        cast(null as varchar) as platform_event_type_id,
        false as is_rescheduled,

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

calcom_meetings as (

    select
        -- ids (key: uid + attendee email, lower-cased and trimmed)
        {{ generate_surrogate_key([
            "'calcom'", 'calcom_bookings.booking_uid', 'calcom_attendees.attendee_key'
        ]) }} as meeting_id,
        'calcom' as platform,
        calcom_bookings.booking_uid as platform_booking_id,
        calcom_attendees.attendee_key as platform_invitee_key,

        -- meeting: the seed names the event type; titles are only a fallback because their
        -- template (`<event type> between <host> and <attendee>`) can be edited in Cal.com
        coalesce(
            calcom_event_types.event_type_name,
            title_parts.event_type_name,
            calcom_bookings.title
        ) as event_type_name,
        calcom_bookings.start_at,
        calcom_bookings.end_at,
        calcom_bookings.booked_at,
        cast(null as varchar) as location,
        coalesce(calcom_bookings.host_name, title_parts.host_name) as host_name,
        calcom_bookings.host_email,

        -- invitee
        calcom_attendees.attendee_name as invitee_name,
        calcom_attendees.attendee_email as invitee_email,
        cast(null as varchar) as invitee_time_zone,

        -- state in this export: of timeStatus only `cancelled` and `rescheduled` are facts;
        -- `completed` / `uncompleted` describe the export's date and are not carried on
        case
            when calcom_bookings.time_status = 'cancelled' then true
            when
                calcom_bookings.time_status in ('completed', 'uncompleted', 'rescheduled')
                then false
        end as is_canceled,
        calcom_attendees.is_no_show,
        cast(null as varchar) as canceled_by,
        cast(null as varchar) as cancellation_reason,

        -- lineage
        calcom_bookings.source_file,
        calcom_bookings.source_row,
        calcom_bookings.exported_at,
        calcom_bookings.load_id,

        -- platform extras
        calcom_bookings.event_type_id as platform_event_type_id,
        case
            when calcom_bookings.time_status = 'rescheduled' then true
            when
                calcom_bookings.time_status in ('completed', 'uncompleted', 'cancelled')
                then false
        end as is_rescheduled,

        -- data quality (see the model's YAML)
        calcom_bookings.start_at_text,
        calcom_bookings.end_at_text,
        calcom_bookings.has_invalid_start_at,
        calcom_bookings.has_invalid_end_at,
        calcom_bookings.has_end_before_start,
        calcom_attendees.attendee_email is null as has_missing_email,
        coalesce(
            not {{ is_valid_email('calcom_attendees.attendee_email') }}, false
        ) as has_invalid_email

    from calcom_bookings
    -- a booking without any attendee cell is kept (invitee unknown), never dropped
    left join calcom_attendees
        on
            calcom_bookings.load_id = calcom_attendees.load_id
            and calcom_bookings.source_row = calcom_attendees.source_row
    left join calcom_event_types
        on calcom_bookings.event_type_id = calcom_event_types.event_type_id
    left join title_parts
        on calcom_bookings.title = title_parts.title

),

final as (

    select * from calendly_meetings
    union all
    select * from calcom_meetings

)

select * from final
