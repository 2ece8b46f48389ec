-- History is never lost: every booking key ever landed has its meeting in fct_meetings,
-- whether or not newer exports still contain it. Calendly: Event UUID x Invitee UUID;
-- Cal.com: uid x attendee email key. int_meetings__unioned holds every landed row once
-- (its own tests tie it to staging), so its keys are the keys ever landed.
with

landed as (

    select distinct
        platform,
        platform_booking_id,
        platform_invitee_key
    from {{ ref('int_meetings__unioned') }}

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

    select landed.*
    from landed
    left join meetings
        on
            landed.platform = meetings.platform
            and landed.platform_booking_id is not distinct from meetings.platform_booking_id
            and landed.platform_invitee_key is not distinct from meetings.platform_invitee_key
    where meetings.is_found is null

)

select * from missing
