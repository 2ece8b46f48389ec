-- host_meetings_monthly splits fct_meetings_monthly by host and loses or invents nothing:
-- per month x platform, its counts summed over hosts (`unknown host` included) equal that
-- mart's summed over categories, and its completed portfolio reviews equal the completed
-- meetings of category portfolio_review. Returns one row per month x platform that differs.
with

by_host as (

    select
        meeting_month,
        platform,
        sum(booked_meetings) as booked_meetings,
        sum(completed_meetings) as completed_meetings,
        sum(canceled_meetings) as canceled_meetings,
        sum(no_show_meetings) as no_show_meetings,
        sum(scheduled_meetings) as scheduled_meetings,
        sum(portfolio_reviews_completed) as portfolio_reviews_completed
    from {{ ref('host_meetings_monthly') }}
    group by meeting_month, platform

),

by_category as (

    select
        meeting_month,
        platform,
        sum(booked_meetings) as booked_meetings,
        sum(completed_meetings) as completed_meetings,
        sum(canceled_meetings) as canceled_meetings,
        sum(no_show_meetings) as no_show_meetings,
        sum(scheduled_meetings) as scheduled_meetings,
        coalesce(
            sum(completed_meetings) filter (where meeting_category = 'portfolio_review'), 0
        ) as portfolio_reviews_completed
    from {{ ref('fct_meetings_monthly') }}
    group by meeting_month, platform

),

compared as (

    select
        coalesce(by_host.meeting_month, by_category.meeting_month) as meeting_month,
        coalesce(by_host.platform, by_category.platform) as platform,
        by_host.booked_meetings as host_booked,
        by_category.booked_meetings as monthly_booked,
        by_host.completed_meetings as host_completed,
        by_category.completed_meetings as monthly_completed,
        by_host.canceled_meetings as host_canceled,
        by_category.canceled_meetings as monthly_canceled,
        by_host.no_show_meetings as host_no_show,
        by_category.no_show_meetings as monthly_no_show,
        by_host.scheduled_meetings as host_scheduled,
        by_category.scheduled_meetings as monthly_scheduled,
        by_host.portfolio_reviews_completed as host_reviews_completed,
        by_category.portfolio_reviews_completed as monthly_reviews_completed
    from by_host
    full outer join by_category
        on
            by_host.meeting_month = by_category.meeting_month
            and by_host.platform = by_category.platform

)

select * from compared
where
    host_booked is distinct from monthly_booked
    or host_completed is distinct from monthly_completed
    or host_canceled is distinct from monthly_canceled
    or host_no_show is distinct from monthly_no_show
    or host_scheduled is distinct from monthly_scheduled
    or host_reviews_completed is distinct from monthly_reviews_completed
