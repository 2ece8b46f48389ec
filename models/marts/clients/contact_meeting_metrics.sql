-- One row per LACRM contact (contacts without meetings included, with zeros): meeting
-- counts and dates from fct_meetings. Counted meetings exclude `rescheduled` bookings
-- (replaced by another booking) and rows with a data quality issue.
with

contacts as (

    select * from {{ ref('dim_contacts') }}

),

meetings as (

    select * from {{ ref('fct_meetings') }}
    where {{ counted_meetings('for_clients') }}

),

flagged as (

    select
        *,
        status = 'completed' and is_portfolio_review as is_completed_review,
        start_at > {{ as_of_timestamp() }} - interval 12 month as is_in_last_12_months
    from meetings

),

per_contact as (

    select
        contact_id,
        count(*) as total_meetings,
        count(*) filter (where status = 'completed') as completed_meetings,
        count(*) filter (where status = 'canceled') as canceled_meetings,
        count(*) filter (where status = 'no_show') as no_show_meetings,
        count(*) filter (where status = 'scheduled') as scheduled_meetings,
        count(*) filter (where is_completed_review) as portfolio_reviews_completed,
        count(*) filter (
            where is_completed_review and is_in_last_12_months
        ) as portfolio_reviews_last_12_months,
        min(start_at) filter (where status = 'completed') as first_meeting_at,
        max(start_at) filter (where status = 'completed') as last_meeting_at,
        max(start_at) filter (where is_completed_review) as last_portfolio_review_at,
        min(start_at) filter (where status = 'scheduled') as next_meeting_at,
        count(*) filter (where platform = 'calendly') as calendly_meetings,
        count(*) filter (where platform = 'calcom') as calcom_meetings
    from flagged
    group by contact_id

),

final as (

    select
        -- ids
        contacts.contact_id,
        contacts.full_name,

        -- counts
        cast(coalesce(per_contact.total_meetings, 0) as integer) as total_meetings,
        cast(coalesce(per_contact.completed_meetings, 0) as integer) as completed_meetings,
        cast(coalesce(per_contact.canceled_meetings, 0) as integer) as canceled_meetings,
        cast(coalesce(per_contact.no_show_meetings, 0) as integer) as no_show_meetings,
        cast(coalesce(per_contact.scheduled_meetings, 0) as integer) as scheduled_meetings,
        cast(coalesce(per_contact.portfolio_reviews_completed, 0) as integer)
            as portfolio_reviews_completed,
        cast(coalesce(per_contact.portfolio_reviews_last_12_months, 0) as integer)
            as portfolio_reviews_last_12_months,

        -- dates
        per_contact.first_meeting_at,
        per_contact.last_meeting_at,
        per_contact.last_portfolio_review_at,
        cast(date_diff('day', per_contact.last_meeting_at, {{ as_of_timestamp() }}) as integer)
            as days_since_last_meeting,
        per_contact.next_meeting_at,

        -- rates
        cast(
            per_contact.canceled_meetings / nullif(per_contact.total_meetings, 0)
            as double
        ) as cancellation_rate,
        cast(
            per_contact.no_show_meetings
            / nullif(per_contact.completed_meetings + per_contact.no_show_meetings, 0)
            as double
        ) as no_show_rate,

        -- by platform
        cast(coalesce(per_contact.calendly_meetings, 0) as integer) as calendly_meetings,
        cast(coalesce(per_contact.calcom_meetings, 0) as integer) as calcom_meetings,
        {{ as_of_timestamp() }} as metrics_as_of

    from contacts
    left join per_contact
        on contacts.contact_id = per_contact.contact_id

)

select * from final
