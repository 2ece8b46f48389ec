{%- set start_text = strip_excel_apostrophe('"Start Date & Time"') -%}
{%- set end_text = strip_excel_apostrophe('"End Date & Time"') -%}
{%- set booked_text = strip_excel_apostrophe('"Event Created Date & Time"') -%}

with

source as (

    select * from {{ source('calendly', 'calendly_events') }}

),

renamed as (

    select
        -- ids (a leading Excel apostrophe is dropped; raw keeps the cell verbatim)
        {{ strip_excel_apostrophe('"Event UUID"') }} as event_uuid,
        {{ strip_excel_apostrophe('"Invitee UUID"') }} as invitee_uuid,

        -- event
        trim("Event Type Name") as event_type_name,
        nullif(trim("Location"), '') as location,
        nullif(trim("User Name"), '') as host_name,
        nullif(lower(trim("User Email")), '') as host_email,
        nullif(trim("Team"), '') as team_name,
        nullif(trim("Group"), '') as group_name,

        -- invitee
        trim("Invitee Name") as invitee_name,
        nullif(trim("Invitee First Name"), '') as invitee_first_name,
        nullif(trim("Invitee Last Name"), '') as invitee_last_name,
        {{ strip_excel_apostrophe('"Invitee Email"') }} as invitee_email,
        nullif(trim("Invitee Time Zone"), '') as invitee_time_zone,
        nullif(trim("Guest Email(s)"), '') as guest_emails,

        -- status flags
        {{ to_boolean('"Canceled"') }} as is_canceled,
        nullif(trim("Canceled By"), '') as canceled_by,
        nullif(trim("Cancellation reason"), '') as cancellation_reason,
        {{ to_boolean('"Marked as No-Show"') }} as is_no_show,

        -- timestamps (cells are wall-clock times of the exporting account)
        {{ wall_time_to_utc(parse_wall_time(start_text)) }} as start_at,
        {{ wall_time_to_utc(parse_wall_time(end_text)) }} as end_at,
        {{ wall_time_to_utc(parse_wall_time(booked_text)) }} as booked_at,
        "Start Date & Time" as start_at_text,
        "End Date & Time" as end_at_text,

        -- data quality flags: the row is kept, fct_meetings marks it (has_data_issue) and
        -- marts.data_quality_issues lists it with its file and row
        {{ parse_wall_time(start_text) }} is null as has_invalid_start_at,
        {{ parse_wall_time(end_text) }} is null as has_invalid_end_at,
        coalesce(
            {{ wall_time_to_utc(parse_wall_time(end_text)) }}
            < {{ wall_time_to_utc(parse_wall_time(start_text)) }},
            false
        ) as has_end_before_start,
        {{ strip_excel_apostrophe('"Invitee Email"') }} is null as has_missing_email,
        coalesce(
            not {{ is_valid_email(strip_excel_apostrophe('"Invitee Email"')) }}, false
        ) as has_invalid_email,

        -- lineage
        {{ loader_lineage_columns() }}

    from source

)

select * from renamed
