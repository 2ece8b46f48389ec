-- Shared mailboxes: for each meeting whose normalized email belongs to several contacts (a
-- couple or a family booking from one address), the one contact among them the invitee's
-- name identifies, if exactly one does. Names compare with case, accents, punctuation and
-- extra spaces ignored (macro normalize_person_name): first + last name equal to exactly one
-- sharer; else, when no sharer has the full name, a first name only one sharer has (the
-- invitee's first word, widened with seed first_name_variants: Bob = Robert). A name that
-- fits none or several stays unresolved (ambiguous_email in the queue). Only the sharers of
-- the email are compared: a name never matches on its own. Decision lane: recomputed.
with

meetings as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

invitee_emails as (

    select * from {{ ref('int_meetings__invitee_emails') }}

),

email_index as (

    select * from {{ ref('int_contacts__email_index') }}

),

contacts as (

    select * from {{ ref('int_contacts__current') }}

),

variants as (

    select * from {{ ref('first_name_variants') }}

),

shared_emails as (

    select
        email_normalized,
        list_sort(list(contact_id)) as sharing_contact_ids
    from email_index
    group by email_normalized
    having count(*) > 1

),

contact_words as (

    select
        contact_id,
        {{ normalize_person_name("first_name || ' ' || last_name") }} as full_name_key,
        split_part({{ normalize_person_name('first_name') }}, ' ', 1) as first_word
    from contacts

),

contact_names as (

    select
        contact_words.contact_id,
        contact_words.full_name_key,
        coalesce(variants.first_name, contact_words.first_word) as first_name_key
    from contact_words
    left join variants
        on contact_words.first_word = lower(trim(variants.variant))

),

invitees as (

    select
        meetings.meeting_id,
        shared_emails.sharing_contact_ids,
        {{ normalize_person_name('meetings.invitee_name') }} as full_name_key
    from meetings
    inner join invitee_emails
        on meetings.invitee_email = invitee_emails.invitee_email
    inner join shared_emails
        on invitee_emails.invitee_email_normalized = shared_emails.email_normalized

),

named as (

    select
        invitees.meeting_id,
        invitees.full_name_key,
        coalesce(variants.first_name, split_part(invitees.full_name_key, ' ', 1))
            as first_name_key,
        unnest(invitees.sharing_contact_ids) as contact_id
    from invitees
    left join variants
        on split_part(invitees.full_name_key, ' ', 1) = lower(trim(variants.variant))

),

hits as (

    select
        named.meeting_id,
        count(*) filter (where named.full_name_key = contact_names.full_name_key)
            as full_name_hits,
        any_value(named.contact_id) filter (
            where named.full_name_key = contact_names.full_name_key
        ) as full_name_contact_id,
        count(*) filter (where named.first_name_key = contact_names.first_name_key)
            as first_name_hits,
        any_value(named.contact_id) filter (
            where named.first_name_key = contact_names.first_name_key
        ) as first_name_contact_id
    from named
    left join contact_names
        on named.contact_id = contact_names.contact_id
    group by named.meeting_id

),

final as (

    select
        invitees.meeting_id,
        invitees.sharing_contact_ids,
        case
            when hits.full_name_hits = 1 then hits.full_name_contact_id
            when hits.full_name_hits = 0 and hits.first_name_hits = 1
                then hits.first_name_contact_id
        end as contact_id
    from invitees
    inner join hits
        on invitees.meeting_id = hits.meeting_id

)

select * from final
