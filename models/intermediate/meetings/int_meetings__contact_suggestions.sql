-- Suggested contacts for the review queue (marts.orphaned_meetings): one row per meeting,
-- up to three contacts for a meeting no contact could be attributed to automatically
-- (ambiguous, unmatched or invalid email), null for the others. Scored, never auto-matched:
--   score = 0.6 * name similarity (Jaro-Winkler, invitee name vs contact full name)
--         + 0.25 * email local-part similarity (Jaro-Winkler, best over the contact's
--           current and historical emails)
--         + 0.15 * same email domain (1 when one of those emails shares the domain)
-- Contacts sharing an ambiguous email come first; any other needs a score of at least 0.7 or
-- a near-identical name (name similarity >= 0.95, e.g. the same name with an invalid email).
-- Only plausible pairs are scored (blocking; scoring every orphan against every contact
-- grows as orphans x contacts): the ambiguous email's contacts; contacts whose name shares
-- two words with the invitee's name (all of them when a name has one word; words = lower
-- case letter runs of 2+); contacts with the same email local part; and contacts with an
-- email at the same domain when at most 50 contacts use that domain (a firm or family
-- domain, not a mail provider). A similar pair outside these (e.g. `Jon Smyth` vs
-- `John Smith` at different domains) is not suggested.
-- An invalid email is compared as typed (lower case).
--
-- Incremental (delete+insert on meeting_id): a run scores only the meetings whose inputs to
-- the scoring changed (invitee_profile_hash: status, name, email key, candidates) or are
-- new -- a re-export that changes nothing else costs no scoring -- unless the matching
-- inputs (int_meetings__matched.match_inputs_fingerprint) or the contacts' names changed
-- since (suggestion_inputs_fingerprint): then every meeting is scored again.
{{ config(
    materialized='incremental',
    unique_key='meeting_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

matched as (

    select * from {{ ref('int_meetings__matched') }}

),

email_index as (

    select * from {{ ref('int_contacts__email_index') }}

),

contacts as (

    select * from {{ ref('int_contacts__current') }}

),

-- what a suggestion depends on besides the meeting: the matching inputs and contact names
suggestion_inputs as (

    select
        md5(concat_ws(
            '|',
            (select max(matched.match_inputs_fingerprint) from matched),
            {{ rows_fingerprint('contacts', ['contact_id', 'full_name']) }}
        )) as suggestion_inputs_fingerprint

),

profiles as (

    select
        *,
        hash(match_status, invitee_name, email_key, candidate_contact_ids)
            as invitee_profile_hash
    from matched

),

-- the meetings to (re-)score in this run: all of them in a full build
to_suggest as (

    select profiles.*
    from profiles
    {% if is_incremental() %}
        left join {{ this }} as previous
            on profiles.meeting_id = previous.meeting_id
        where
            previous.invitee_profile_hash is distinct from profiles.invitee_profile_hash
            or (
                select suggestion_inputs.suggestion_inputs_fingerprint
                from suggestion_inputs
            ) is distinct from (
                select max(previous_rows.suggestion_inputs_fingerprint)
                from {{ this }} as previous_rows
            )
    {% endif %}

),

orphans as (

    select
        *,
        split_part(email_key, '@', 1) as invitee_local_part,
        nullif(split_part(email_key, '@', 2), '') as invitee_domain
    from to_suggest
    where match_status in ('ambiguous', 'unmatched', 'invalid')

),

contact_emails as (

    select
        email_index.contact_id,
        contacts.full_name,
        split_part(email_index.email_normalized, '@', 1) as local_part,
        split_part(email_index.email_normalized, '@', 2) as email_domain
    from email_index
    inner join contacts
        on email_index.contact_id = contacts.contact_id

),

name_words as (

    select
        contact_id as entity_id,
        'contact' as entity,
        list_sort(list_distinct(regexp_extract_all(lower(full_name), '\pL{2,}'))) as words
    from contacts
    union all
    select
        meeting_id as entity_id,
        'meeting' as entity,
        list_sort(list_distinct(regexp_extract_all(lower(invitee_name), '\pL{2,}'))) as words
    from orphans

),

name_word_rows as (

    select
        entity_id,
        entity,
        words,
        unnest(words) as word
    from name_words

),

-- a name's blocking keys: every pair of its words (a one-word name: that word)
name_keys as (

    select
        first_word.entity_id,
        first_word.entity,
        first_word.word || ' ' || second_word.word as name_key
    from name_word_rows as first_word
    inner join name_word_rows as second_word
        on
            first_word.entity = second_word.entity
            and first_word.entity_id = second_word.entity_id
            and first_word.word < second_word.word
    union all
    select
        entity_id,
        entity,
        word as name_key
    from name_word_rows
    where len(words) = 1

),

small_domains as (

    select email_domain
    from contact_emails
    group by email_domain
    having count(distinct contact_id) <= 50

),

candidate_pairs as (

    select
        meeting_id,
        unnest(candidate_contact_ids) as contact_id
    from orphans
    union
    select
        meeting_keys.entity_id as meeting_id,
        contact_keys.entity_id as contact_id
    from name_keys as meeting_keys
    inner join name_keys as contact_keys
        on
            meeting_keys.name_key = contact_keys.name_key
            and meeting_keys.entity = 'meeting'
            and contact_keys.entity = 'contact'
    union
    select
        orphans.meeting_id,
        contact_emails.contact_id
    from orphans
    inner join contact_emails
        on orphans.invitee_local_part = contact_emails.local_part
    union
    select
        orphans.meeting_id,
        contact_emails.contact_id
    from orphans
    inner join small_domains
        on orphans.invitee_domain = small_domains.email_domain
    inner join contact_emails
        on orphans.invitee_domain = contact_emails.email_domain

),

pair_scores as (

    select
        orphans.meeting_id,
        contact_emails.contact_id,
        any_value(contact_emails.full_name) as contact_name,
        list_contains(any_value(orphans.candidate_contact_ids), contact_emails.contact_id)
            as is_candidate,
        coalesce(jaro_winkler_similarity(
            lower(any_value(orphans.invitee_name)), lower(any_value(contact_emails.full_name))
        ), 0) as name_score,
        coalesce(max(jaro_winkler_similarity(
            orphans.invitee_local_part, contact_emails.local_part
        )), 0) as local_part_score,
        coalesce(max(case when orphans.invitee_domain = contact_emails.email_domain then 1 end), 0)
            as domain_score
    from candidate_pairs
    inner join orphans
        on candidate_pairs.meeting_id = orphans.meeting_id
    inner join contact_emails
        on candidate_pairs.contact_id = contact_emails.contact_id
    group by orphans.meeting_id, contact_emails.contact_id

),

ranked as (

    select
        meeting_id,
        contact_id,
        contact_name,
        round(0.6 * name_score + 0.25 * local_part_score + 0.15 * domain_score, 3) as score,
        row_number() over (
            partition by meeting_id
            order by
                is_candidate desc,
                0.6 * name_score + 0.25 * local_part_score + 0.15 * domain_score desc,
                contact_id
        ) as suggestion_rank
    from pair_scores
    where
        is_candidate
        or 0.6 * name_score + 0.25 * local_part_score + 0.15 * domain_score >= 0.7
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
        to_suggest.meeting_id,

        -- suggestions, best first
        suggestions.suggested_contact_id_1,
        suggestions.suggested_contact_name_1,
        cast(suggestions.suggestion_score_1 as double) as suggestion_score_1,
        suggestions.suggested_contact_id_2,
        suggestions.suggested_contact_name_2,
        cast(suggestions.suggestion_score_2 as double) as suggestion_score_2,
        suggestions.suggested_contact_id_3,
        suggestions.suggested_contact_name_3,
        cast(suggestions.suggestion_score_3 as double) as suggestion_score_3,

        -- build bookkeeping (see the header)
        to_suggest.invitee_profile_hash,
        suggestion_inputs.suggestion_inputs_fingerprint

    from to_suggest
    left join suggestions
        on to_suggest.meeting_id = suggestions.meeting_id
    cross join suggestion_inputs

)

select * from final
