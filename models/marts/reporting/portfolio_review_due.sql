-- One row per client (an LACRM contact with at least one completed meeting): when their next
-- portfolio review is due and whether it is booked. Meetings and "completed portfolio review"
-- follow contact_meeting_metrics exactly (the singular test
-- assert_portfolio_review_due_agrees_with_contact_meeting_metrics compares the dates).
-- Dates are calendar days in the firm's time zone (var export_time_zone), as of the build.
{%- set interval_months = integer_var('portfolio_review_interval_months', minimum=1) %}
{%- set due_soon_days = integer_var('portfolio_review_due_soon_days', minimum=0) %}

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
        status = 'scheduled' and is_portfolio_review as is_booked_review
    from meetings

),

per_client as (

    select
        contact_id,
        min(start_at) filter (where status = 'completed') as first_meeting_at,
        max(start_at) filter (where is_completed_review) as last_portfolio_review_at,
        min(start_at) filter (where is_booked_review) as next_portfolio_review_at
    from flagged
    group by contact_id
    having count(*) filter (where status = 'completed') > 0

),

last_completed as (

    -- The host of the client's latest completed meeting: whom to ask to follow up.
    select
        contact_id,
        coalesce(host_name, host_email) as last_host_name
    from flagged
    where status = 'completed'
    qualify row_number() over (
        partition by contact_id
        order by start_at desc, meeting_id desc
    ) = 1

),

due as (

    select
        per_client.*,
        last_completed.last_host_name,
        {{ utc_to_local_date(as_of_timestamp()) }} as as_of_date,
        cast(
            {{ utc_to_local_date(
                'coalesce(per_client.last_portfolio_review_at, per_client.first_meeting_at)'
            ) }}
            + to_months({{ interval_months }})
            as date
        ) as review_due_on
    from per_client
    left join last_completed
        on per_client.contact_id = last_completed.contact_id

),

final as (

    select
        -- ids
        contacts.contact_id,
        contacts.full_name,
        contacts.primary_email,

        -- meetings
        due.first_meeting_at,
        due.last_portfolio_review_at,
        due.next_portfolio_review_at,

        -- due date and status
        due.review_due_on,
        cast(greatest(date_diff('day', due.review_due_on, due.as_of_date), 0) as integer)
            as days_overdue,
        case
            when due.next_portfolio_review_at is not null then 'scheduled'
            when due.review_due_on < due.as_of_date then 'overdue'
            when due.review_due_on <= due.as_of_date + {{ due_soon_days }} then 'due_soon'
            else 'ok'
        end as review_status,
        due.last_portfolio_review_at is null as has_never_had_review,
        due.last_host_name,
        {{ as_of_timestamp() }} as as_of

    from due
    inner join contacts
        on due.contact_id = contacts.contact_id

)

select * from final
