-- Contacts worth suggesting for each invitee of a meeting that needs a person (match_status
-- ambiguous, unmatched or invalid): one row per (invitee, contact) pair that passed the
-- blocking, with its score; an invitee is an email key + the name booked under (macro
-- invitee_key), scored once however many meetings they booked. Scored, never auto-matched:
--   score = 0.6 * name similarity (Jaro-Winkler, invitee name vs contact full name)
--         + 0.25 * email local-part similarity (Jaro-Winkler, best over the contact's
--           current and historical emails)
--         + 0.15 * same email domain (1 when one of those emails shares the domain)
-- Only plausible pairs are scored (blocking; scoring every orphan against every contact
-- grows as orphans x contacts): the ambiguous email's contacts; contacts whose name shares
-- two words with the invitee's name (all of them when a name has one word; words = lower
-- case letter runs of 2+); contacts with the same email local part; and contacts with an
-- email at the same domain when at most 50 contacts use that domain (a firm or family
-- domain, not a mail provider). An invalid email is compared as typed (lower case). Kept:
-- the plausible pairs only (a sharer of the ambiguous email, a score of at least 0.7, or a
-- near-identical name, name similarity >= 0.95).
-- Decision lane: recomputed on every build. int_meetings__contact_suggestions ranks these.
with

meetings as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

matched as (

    select * from {{ ref('int_meetings__matched') }}

),

email_index as (

    select * from {{ ref('int_contacts__email_index') }}

),

contacts as (

    select * from {{ ref('int_contacts__current') }}

),

-- the invitees of the meetings needing a person, each once (one invitee books many times;
-- the email key decides the candidates)
orphans as (

    select distinct
        {{ invitee_key('matched.email_key', 'meetings.invitee_name') }} as invitee_key,
        matched.email_key,
        meetings.invitee_name,
        matched.candidate_contact_ids,
        split_part(matched.email_key, '@', 1) as invitee_local_part,
        nullif(split_part(matched.email_key, '@', 2), '') as invitee_domain
    from matched
    inner join meetings
        on matched.meeting_id = meetings.meeting_id
    where matched.match_status in ('ambiguous', 'unmatched', 'invalid')

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

-- blocking keys of both sides' names (macros name_words, name_blocking_keys), one row per key
contact_words as (

    select
        contact_id,
        {{ name_words('full_name') }} as words
    from contacts

),

contact_name_keys as (

    select
        contact_id,
        unnest({{ name_blocking_keys('words') }}) as name_key
    from contact_words
    where len(words) > 0

),

orphan_words as (

    select
        invitee_key,
        {{ name_words('invitee_name') }} as words
    from orphans

),

orphan_name_keys as (

    select
        invitee_key,
        unnest({{ name_blocking_keys('words') }}) as name_key
    from orphan_words
    where len(words) > 0

),

small_domains as (

    select email_domain
    from contact_emails
    group by email_domain
    having count(distinct contact_id) <= 50

),

candidate_pairs as (

    select
        invitee_key,
        unnest(candidate_contact_ids) as contact_id
    from orphans
    union
    select
        orphan_name_keys.invitee_key,
        contact_name_keys.contact_id
    from orphan_name_keys
    inner join contact_name_keys
        on orphan_name_keys.name_key = contact_name_keys.name_key
    union
    select
        orphans.invitee_key,
        contact_emails.contact_id
    from orphans
    inner join contact_emails
        on orphans.invitee_local_part = contact_emails.local_part
    union
    select
        orphans.invitee_key,
        contact_emails.contact_id
    from orphans
    inner join small_domains
        on orphans.invitee_domain = small_domains.email_domain
    inner join contact_emails
        on orphans.invitee_domain = contact_emails.email_domain

),

pair_scores as (

    select
        orphans.invitee_key,
        contact_emails.contact_id,
        any_value(orphans.email_key) as email_key,
        any_value(orphans.invitee_name) as invitee_name,
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
        on candidate_pairs.invitee_key = orphans.invitee_key
    inner join contact_emails
        on candidate_pairs.contact_id = contact_emails.contact_id
    group by orphans.invitee_key, contact_emails.contact_id

),

scored as (

    select
        *,
        -- the formula in the header, written once
        round(0.6 * name_score + 0.25 * local_part_score + 0.15 * domain_score, 3) as score
    from pair_scores

),

final as (

    select
        -- ids
        invitee_key,
        contact_id,

        -- who
        email_key,
        invitee_name,
        contact_name,

        -- score
        is_candidate,
        name_score,
        score
    from scored
    -- plausible only: a sharer of the ambiguous email, a score of 0.7, or a near-identical
    -- name (e.g. the same name with an invalid email)
    where
        is_candidate
        or score >= 0.7
        or name_score >= 0.95

)

select * from final
