-- Every meeting matched to a contact is in that contact's numbers unless it has a real data
-- problem. The matcher and the data quality flags share one definition of an email address
-- (macro email_address), so a matched meeting is never left out for its email's spelling
-- (`"Ann Lee" <ann@x.com>`): only issues other than `invalid_email` may exclude it.
-- Returns one row per contact whose total differs from the matched meetings counted here.
with

other_issues as (

    select distinct meeting_id
    from {{ ref('data_quality_issues') }}
    where
        is_latest_state
        and issue_code != 'invalid_email'

),

matched as (

    select
        fct_meetings.contact_id,
        count(*) as matched_meetings
    from {{ ref('fct_meetings') }} as fct_meetings
    left join other_issues
        on fct_meetings.meeting_id = other_issues.meeting_id
    where
        fct_meetings.contact_id is not null
        and fct_meetings.status is not null
        and fct_meetings.is_counted
        and other_issues.meeting_id is null
    group by fct_meetings.contact_id

),

metrics as (

    select
        contact_id,
        total_meetings
    from {{ ref('contact_meeting_metrics') }}

),

final as (

    select
        matched.contact_id,
        matched.matched_meetings,
        coalesce(metrics.total_meetings, 0) as counted_meetings
    from matched
    left join metrics
        on matched.contact_id = metrics.contact_id
    where matched.matched_meetings != coalesce(metrics.total_meetings, 0)

)

select * from final
