-- History is never lost: every booking key ever landed has its meeting in fct_meetings,
-- whether or not newer exports still contain it. Calendly: Event UUID x Invitee UUID;
-- Cal.com: uid x attendee email key.
with

staged as (

    select distinct
        'calendly' as platform,
        event_uuid as booking_key,
        invitee_uuid as invitee_key
    from {{ ref('stg_calendly__events') }}

    union all

    select distinct
        'calcom' as platform,
        booking_uid as booking_key,
        attendee_key as invitee_key
    from {{ ref('int_meetings__calcom_attendees') }}

),

meetings as (

    select
        platform,
        platform_booking_id,
        platform_invitee_key,
        true as is_found
    from {{ ref('fct_meetings') }}

),

missing as (

    select staged.*
    from staged
    left join meetings
        on
            staged.platform = meetings.platform
            and staged.booking_key is not distinct from meetings.platform_booking_id
            and staged.invitee_key is not distinct from meetings.platform_invitee_key
    where meetings.is_found is null

)

select * from missing
