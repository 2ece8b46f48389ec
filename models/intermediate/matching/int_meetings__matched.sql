-- Attribute each meeting to one LACRM contact by the invitee's email, precision first
-- (a wrong match is worse than none). In order:
--   1. a manual decision (data/lacrm/email_overrides.csv) wins: `match` -> that contact
--      (match_method 'manual'), `ignore` -> never matched, never queued -- except that on a
--      shared mailbox a meeting the invitee's name resolves keeps that contact (a decision
--      is per email, and would move the other partner's meetings too);
--   2. the firm's own domains (seed internal_email_domains) are internal meetings;
--   3. the normalized email in the contact index: exactly one contact -> matched, with the
--      method telling how ('exact' spelling of the primary email, 'normalized' primary,
--      'secondary_email', 'historical_email'); more than one contact (a shared mailbox) ->
--      the one of them the invitee's name identifies ('shared_email_name', see
--      int_meetings__shared_email_names), else ambiguous; none -> unmatched; an email that
--      does not normalize -> invalid.
-- Names and domains alone never match: the email must belong to the contact.
--
-- Decision lane: recomputed from the landed lane on every build (no bookkeeping), so a
-- contacts pull, a `meetings resolve` or a seed change takes effect at the next build.
-- One narrow row per meeting: fct_meetings and orphaned_meetings join it to the meeting.
with

meetings as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

email_index as (

    select * from {{ ref('int_contacts__email_index') }}

),

overrides as (

    select * from {{ ref('int_contacts__email_overrides') }}

),

internal_domains as (

    select * from {{ ref('internal_email_domains') }}

),

-- each distinct spelling normalized once (int_meetings__invitee_emails)
invitee_emails as (

    select * from {{ ref('int_meetings__invitee_emails') }}

),

shared_email_names as (

    select * from {{ ref('int_meetings__shared_email_names') }}

),

keyed as (

    select
        meetings.meeting_id,
        meetings.invitee_email,
        invitee_emails.invitee_email_normalized,
        invitee_emails.email_key,
        invitee_emails.invitee_domain
    from meetings
    left join invitee_emails
        on meetings.invitee_email = invitee_emails.invitee_email

),

index_hits as (

    select
        keyed.meeting_id,
        count(*) as candidate_count,
        list_sort(list(email_index.contact_id)) as candidate_contact_ids,
        -- The fields below are only used when there is exactly one candidate.
        any_value(email_index.contact_id) as contact_id,
        any_value(email_index.email_kind) as email_kind,
        bool_or(list_contains(email_index.current_spellings, trim(keyed.invitee_email)))
            as is_exact_spelling
    from keyed
    inner join email_index
        on keyed.invitee_email_normalized = email_index.email_normalized
    group by keyed.meeting_id

),

decided as (

    select
        keyed.meeting_id,
        keyed.invitee_email_normalized,
        keyed.email_key,
        coalesce(index_hits.candidate_count, 0) as candidate_count,
        coalesce(index_hits.candidate_contact_ids, []) as candidate_contact_ids,
        overrides.contact_id as override_contact_id,
        index_hits.contact_id as index_contact_id,
        shared_email_names.contact_id as shared_email_contact_id,
        case
            when overrides.decision = 'ignore' then 'ignored'
            when index_hits.candidate_count > 1 and shared_email_names.contact_id is not null
                then 'matched'
            when overrides.decision = 'match' then 'matched'
            when internal_domains.email_domain is not null then 'internal'
            when keyed.invitee_email_normalized is null then 'invalid'
            when index_hits.candidate_count = 1 then 'matched'
            when index_hits.candidate_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status,
        case
            when overrides.decision = 'ignore' then null
            when index_hits.candidate_count > 1 and shared_email_names.contact_id is not null
                then 'shared_email_name'
            when overrides.decision = 'match' then 'manual'
            when internal_domains.email_domain is not null then null
            when coalesce(index_hits.candidate_count, 0) <> 1 then null
            when index_hits.email_kind = 'secondary' then 'secondary_email'
            when index_hits.email_kind = 'historical' then 'historical_email'
            when index_hits.is_exact_spelling then 'exact'
            else 'normalized'
        end as match_method
    from keyed
    left join overrides
        on keyed.email_key = overrides.email_key
    left join internal_domains
        on keyed.invitee_domain = lower(trim(internal_domains.email_domain))
    left join index_hits
        on keyed.meeting_id = index_hits.meeting_id
    left join shared_email_names
        on keyed.meeting_id = shared_email_names.meeting_id

),

final as (

    select
        -- ids
        decided.meeting_id,

        -- matching
        decided.invitee_email_normalized,
        decided.email_key,
        case
            when decided.match_method = 'manual' then decided.override_contact_id
            when decided.match_method = 'shared_email_name'
                then decided.shared_email_contact_id
            when decided.match_method is not null then decided.index_contact_id
        end as contact_id,
        decided.match_status,
        decided.match_method,
        -- How sure the attribution is, by method (documented in _matching__models.yml).
        case decided.match_method
            when 'manual' then 1.0
            when 'exact' then 1.0
            when 'normalized' then 0.95
            when 'secondary_email' then 0.9
            when 'shared_email_name' then 0.85
            when 'historical_email' then 0.8
        end::double as match_confidence,
        case decided.match_status
            when 'ambiguous' then 'ambiguous_email'
            when 'unmatched' then 'no_contact_with_email'
            when 'invalid' then 'invalid_email'
        end as review_reason,
        decided.candidate_count,
        decided.candidate_contact_ids

    from decided

)

select * from final
