-- Month x meeting category x platform activity, for trend charts during the migration.
with

meetings as (

    select * from {{ ref('fct_meetings') }}
    where {{ counted_meetings('by_month') }}

),

monthly as (

    select
        date_trunc('month', {{ utc_to_local_date('start_at') }}) as meeting_month,
        meeting_category,
        platform,
        count(*) as booked_meetings,
        count(*) filter (where status = 'completed') as completed_meetings,
        count(*) filter (where status = 'canceled') as canceled_meetings,
        count(*) filter (where status = 'no_show') as no_show_meetings,
        count(*) filter (where status = 'scheduled') as scheduled_meetings,
        count(distinct contact_id) as unique_contacts,
        count(*) filter (where contact_id is null) as unmatched_meetings
    from meetings
    group by all

),

final as (

    select
        cast(meeting_month as date) as meeting_month,
        meeting_category,
        platform,
        cast(booked_meetings as integer) as booked_meetings,
        cast(completed_meetings as integer) as completed_meetings,
        cast(canceled_meetings as integer) as canceled_meetings,
        cast(no_show_meetings as integer) as no_show_meetings,
        cast(scheduled_meetings as integer) as scheduled_meetings,
        cast(unique_contacts as integer) as unique_contacts,
        cast(unmatched_meetings as integer) as unmatched_meetings
    from monthly

)

select * from final
