-- portfolio_review_due reads the same meetings and the same "completed portfolio review" as
-- contact_meeting_metrics: its clients are exactly the contacts with a completed meeting
-- there, with the same first completed meeting and last completed review. Returns one row
-- per contact where the two marts disagree.
with

metrics as (

    select
        contact_id,
        first_meeting_at,
        last_portfolio_review_at
    from {{ ref('contact_meeting_metrics') }}
    where completed_meetings > 0

),

due as (

    select
        contact_id,
        first_meeting_at,
        last_portfolio_review_at
    from {{ ref('portfolio_review_due') }}

)

select
    coalesce(metrics.contact_id, due.contact_id) as contact_id,
    metrics.first_meeting_at as metrics_first_meeting_at,
    due.first_meeting_at as due_first_meeting_at,
    metrics.last_portfolio_review_at as metrics_last_review_at,
    due.last_portfolio_review_at as due_last_review_at
from metrics
full outer join due
    on metrics.contact_id = due.contact_id
where
    metrics.contact_id is null
    or due.contact_id is null
    or metrics.first_meeting_at is distinct from due.first_meeting_at
    or metrics.last_portfolio_review_at is distinct from due.last_portfolio_review_at
