-- Suggested contacts for the review queue (marts.orphaned_meetings): one row per meeting
-- that needs a person (match_status ambiguous, unmatched or invalid), with up to three
-- contacts, best first, from int_meetings__suggestion_candidates: contacts sharing an
-- ambiguous email first, then by score (ties by contact id). Any other contact needs a score
-- of at least 0.7 or a near-identical name (name similarity >= 0.95, e.g. the same name
-- with an invalid email). Never applied automatically. Decision lane: recomputed on every
-- build.
with

matched as (

    select * from {{ ref('int_meetings__matched') }}

),

candidates as (

    select * from {{ ref('int_meetings__suggestion_candidates') }}

),

ranked as (

    select
        meeting_id,
        contact_id,
        contact_name,
        score,
        row_number() over (
            partition by meeting_id
            order by is_candidate desc, score desc, contact_id asc
        ) as suggestion_rank
    from candidates
    where
        is_candidate
        or score >= 0.7
        or name_score >= 0.95

),

suggestions as (

    select
        meeting_id,
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
    group by meeting_id

),

final as (

    select
        -- ids
        matched.meeting_id,

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

    from matched
    left join suggestions
        on matched.meeting_id = suggestions.meeting_id
    where matched.match_status in ('ambiguous', 'unmatched', 'invalid')

)

select * from final
