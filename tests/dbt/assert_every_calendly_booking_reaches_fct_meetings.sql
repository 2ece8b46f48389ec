-- History is never lost: every Calendly booking (Event UUID x Invitee UUID) that was ever
-- landed has its meeting in fct_meetings, whether or not newer exports still contain it.
with

staged as (

    select distinct
        event_uuid,
        invitee_uuid
    from {{ ref('stg_calendly__events') }}

),

meetings as (

    select
        platform_booking_id,
        platform_invitee_key,
        true as is_found
    from {{ ref('fct_meetings') }}
    where platform = 'calendly'

),

missing as (

    select staged.*
    from staged
    left join meetings
        on
            staged.event_uuid is not distinct from meetings.platform_booking_id
            and staged.invitee_uuid is not distinct from meetings.platform_invitee_key
    where meetings.is_found is null

)

select * from missing
