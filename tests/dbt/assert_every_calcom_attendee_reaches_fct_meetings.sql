-- History is never lost: every Cal.com booking attendee (uid x attendee email) that was ever
-- landed has its meeting in fct_meetings, whether or not newer exports still contain it.
with

staged as (

    select distinct
        booking_uid,
        attendee_key
    from {{ ref('int_meetings__calcom_attendees') }}

),

meetings as (

    select
        platform_booking_id,
        platform_invitee_key,
        true as is_found
    from {{ ref('fct_meetings') }}
    where platform = 'calcom'

),

missing as (

    select staged.*
    from staged
    left join meetings
        on
            staged.booking_uid is not distinct from meetings.platform_booking_id
            and staged.attendee_key is not distinct from meetings.platform_invitee_key
    where meetings.is_found is null

)

select * from missing
