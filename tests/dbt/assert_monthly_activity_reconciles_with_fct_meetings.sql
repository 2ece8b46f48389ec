-- fct_meetings_monthly loses and invents nothing: its booked meetings add up to the counted
-- meetings of fct_meetings (rescheduled and data-issue rows excluded), per platform.
with

monthly as (

    select
        platform,
        sum(booked_meetings) as booked_meetings
    from {{ ref('fct_meetings_monthly') }}
    group by platform

),

meetings as (

    select
        platform,
        count(*) as booked_meetings
    from {{ ref('fct_meetings') }}
    where
        start_at is not null
        and is_counted
        and not has_data_issue
    group by platform

)

select
    coalesce(monthly.platform, meetings.platform) as platform,
    monthly.booked_meetings as monthly_booked,
    meetings.booked_meetings as fct_booked
from monthly
full outer join meetings
    on monthly.platform = meetings.platform
where monthly.booked_meetings is distinct from meetings.booked_meetings
