-- Suggested contacts for the review queue (marts.orphaned_meetings): one row per meeting
-- that needs a person (match_status ambiguous, unmatched or invalid), with up to three
-- contacts, best first, from the plausible ones in int_meetings__suggestion_candidates:
-- contacts sharing an ambiguous email first, then by score (ties by contact id). Never
-- applied automatically. Decision lane: recomputed on every build.
with

meetings as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

matched as (

    select * from {{ ref('int_meetings__matched') }}

),

candidates as (

    select * from {{ ref('int_meetings__suggestion_candidates') }}

),

orphans as (

    select
        matched.meeting_id,
        {{ invitee_key('matched.email_key', 'meetings.invitee_name') }} as invitee_key
    from matched
    inner join meetings
        on matched.meeting_id = meetings.meeting_id
    where matched.match_status in ('ambiguous', 'unmatched', 'invalid')

),

ranked as (

    select
        invitee_key,
        contact_id,
        contact_name,
        score,
        row_number() over (
            partition by invitee_key
            order by is_candidate desc, score desc, contact_id asc
        ) as suggestion_rank
    from candidates

),

suggestions as (

    select
        invitee_key,
        max(contact_id) filter (where suggestion_rank = 1) as suggested_contact_id_1,
        max(contact_name) filter (where suggestion_rank = 1) as suggested_contact_name_1,
        max(score) filter (where suggestion_rank = 1) as suggestion_score_1,
        max(contact_id) filter (where suggestion_rank = 2) as suggested_contact_id_2,
        max(contact_name) filter (where suggestion_rank = 2) as suggested_contact_name_2,
        max(score) filter (where suggestion_rank = 2) as suggestion_score_2,
        max(contact_id) filter (where suggestion_rank = 3) as suggested_contact_id_3,
        max(contact_name) filter (where suggestion_rank = 3) as suggested_contact_name_3,
        max(score) filter (where suggestion_rank = 3) as suggestion_score_3
    from ranked
    where suggestion_rank <= 3
    group by invitee_key

),

final as (

    select
        -- ids
        orphans.meeting_id,

        -- suggestions, best first
        suggestions.suggested_contact_id_1,
        suggestions.suggested_contact_name_1,
        cast(suggestions.suggestion_score_1 as double) as suggestion_score_1,
        suggestions.suggested_contact_id_2,
        suggestions.suggested_contact_name_2,
        cast(suggestions.suggestion_score_2 as double) as suggestion_score_2,
        suggestions.suggested_contact_id_3,
        suggestions.suggested_contact_name_3,
        cast(suggestions.suggestion_score_3 as double) as suggestion_score_3

    from orphans
    left join suggestions
        on orphans.invitee_key = suggestions.invitee_key

)

select * from final
