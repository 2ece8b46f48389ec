with

source as (

    select * from {{ source('calcom', 'calcom_bookings') }}

),

renamed as (

    select
        -- ids
        nullif(trim(id), '') as booking_id,
        trim(uid) as booking_uid,
        nullif(trim("eventTypeId"), '') as event_type_id,

        -- booking
        nullif(trim(title), '') as title,
        try_cast(trim("eventLength") as integer) as event_length_minutes,
        nullif(lower(trim("timeStatus")), '') as time_status,
        {{ to_boolean('paid') }} as is_paid,
        nullif(trim("userName"), '') as host_name,
        nullif(lower(trim("userEmail")), '') as host_email,
        nullif(trim("userUsername"), '') as host_username,
        {{ to_boolean('"isTeamBooking"') }} as is_team_booking,
        try_cast(trim(rating) as integer) as rating,
        nullif(trim("ratingFeedback"), '') as rating_feedback,

        -- no-shows
        {{ to_boolean('"noShowHost"') }} as is_host_no_show,
        nullif(trim("noShowGuests"), '') as no_show_guests,
        try_cast(trim("noShowGuestsCount") as integer) as no_show_guests_count,
        {{ to_boolean('"noShowGuest"') }} as is_booker_no_show,

        -- attendees: `Name (email)` cells, as many as the widest export had. The regex
        -- rename turns attendee7 into attendee_7 (the alias is a pattern, hence noqa).
        nullif(trim(columns('(?i)^attendee(\d+)$')), '') as 'attendee_\1',  -- noqa: RF05
        nullif(trim(columns('(?i)^attendeephone(\d+)$')), '') as 'attendee_phone_\1',  -- noqa: RF05

        -- timestamps (UTC ISO 8601 in the export)
        {{ iso_timestamp_to_utc('"startTime"') }} as start_at,
        {{ iso_timestamp_to_utc('"endTime"') }} as end_at,
        {{ iso_timestamp_to_utc('"createdAt"') }} as booked_at,
        "startTime" as start_at_text,
        "endTime" as end_at_text,

        -- data quality flags (same meaning as Calendly's; email flags are per attendee and
        -- set in int_meetings__unioned): the row is kept and reported, never guessed
        {{ iso_timestamp_to_utc('"startTime"') }} is null as has_invalid_start_at,
        {{ iso_timestamp_to_utc('"endTime"') }} is null as has_invalid_end_at,
        coalesce(
            {{ iso_timestamp_to_utc('"endTime"') }} < {{ iso_timestamp_to_utc('"startTime"') }},
            false
        ) as has_end_before_start,

        -- lineage
        {{ loader_lineage_columns() }}

    from source

)

select * from renamed
