-- The review queue: meetings no contact could be attributed to automatically (ambiguous,
-- unmatched or invalid email), with why, and up to three suggested contacts, best first
-- (scored in int_meetings__contact_suggestions; never auto-matched). Internal and ignored
-- emails are not queued.
with

deduplicated as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

matched as (

    select * from {{ ref('int_meetings__matched') }}

),

contact_suggestions as (

    select * from {{ ref('int_meetings__contact_suggestions') }}

),

orphans as (

    select
        deduplicated.*,
        matched.* exclude (matched.meeting_id)
    from matched
    inner join deduplicated
        on matched.meeting_id = deduplicated.meeting_id
    where matched.match_status in ('ambiguous', 'unmatched', 'invalid')

),

final as (

    select
        -- ids
        orphans.meeting_id,
        orphans.platform,

        -- meeting
        orphans.start_at,
        orphans.event_type_name,
        orphans.is_canceled,
        orphans.host_email,

        -- invitee
        orphans.invitee_name,
        orphans.invitee_email,
        orphans.invitee_email_normalized,
        orphans.email_key,

        -- why it is here
        orphans.review_reason as reason,
        cast(orphans.candidate_count as integer) as candidate_count,
        orphans.candidate_contact_ids,

        -- suggestions, best first
        contact_suggestions.suggested_contact_id_1,
        contact_suggestions.suggested_contact_name_1,
        contact_suggestions.suggestion_score_1,
        contact_suggestions.suggested_contact_id_2,
        contact_suggestions.suggested_contact_name_2,
        contact_suggestions.suggestion_score_2,
        contact_suggestions.suggested_contact_id_3,
        contact_suggestions.suggested_contact_name_3,
        contact_suggestions.suggestion_score_3

    from orphans
    left join contact_suggestions
        on orphans.meeting_id = contact_suggestions.meeting_id

)

select * from final
