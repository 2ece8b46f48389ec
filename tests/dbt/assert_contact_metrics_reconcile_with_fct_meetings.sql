-- Per-client metrics add up: summed over all contacts, each count equals the number of
-- counted meetings in fct_meetings that are matched to a contact (rescheduled bookings and
-- rows with data issues excluded, as contact_meeting_metrics documents). Returns a row per
-- count that does not reconcile.
with

metrics as (

    select
        sum(total_meetings) as total_meetings,
        sum(completed_meetings) as completed_meetings,
        sum(canceled_meetings) as canceled_meetings,
        sum(no_show_meetings) as no_show_meetings,
        sum(scheduled_meetings) as scheduled_meetings,
        sum(calendly_meetings) + sum(calcom_meetings) as platform_meetings
    from {{ ref('contact_meeting_metrics') }}

),

meetings as (

    select
        count(*) as total_meetings,
        count(*) filter (where status = 'completed') as completed_meetings,
        count(*) filter (where status = 'canceled') as canceled_meetings,
        count(*) filter (where status = 'no_show') as no_show_meetings,
        count(*) filter (where status = 'scheduled') as scheduled_meetings,
        count(*) as platform_meetings
    from {{ ref('fct_meetings') }}
    where
        contact_id is not null
        and status is not null
        and is_counted
        and not has_data_issue

),

compared as (

    unpivot (
        select
            metrics.total_meetings - meetings.total_meetings as total_meetings,
            metrics.completed_meetings - meetings.completed_meetings as completed_meetings,
            metrics.canceled_meetings - meetings.canceled_meetings as canceled_meetings,
            metrics.no_show_meetings - meetings.no_show_meetings as no_show_meetings,
            metrics.scheduled_meetings - meetings.scheduled_meetings as scheduled_meetings,
            metrics.platform_meetings - meetings.platform_meetings as platform_meetings
        from metrics
        cross join meetings
    )
    on columns(*)
    into name measure value difference

)

select * from compared
where coalesce(difference, 0) != 0
