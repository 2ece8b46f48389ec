-- Which contact an email belongs to. One row per (normalized email, contact) over the current
-- contacts' emails (the first is primary, the others secondary) and every email they had
-- before: in older pulls/exports (int_contacts__history) or in closed snapshot versions. An
-- email that is current for a contact is never also historical for that contact.
with

current_contacts as (

    select * from {{ ref('int_contacts__current') }}

),

-- every email each contact was seen with, in any pull or export (one row per contact)
history as (

    select * from {{ ref('int_contacts__history') }}

),

snapshot_versions as (

    select * from {{ ref('snp_lacrm__contacts') }}

),

current_emails as (

    select
        contact_id,
        unnest(emails) as email,
        unnest(range(1, len(emails) + 1)) as email_position
    from current_contacts

),

past_emails as (

    select
        contact_id,
        unnest(emails_seen) as email
    from history
    union all
    select
        contact_id,
        unnest(emails) as email
    from snapshot_versions
    where dbt_valid_to is not null

),

all_emails as (

    select
        contact_id,
        email,
        -- 1 primary, 2 secondary, 3 historical
        case when email_position = 1 then 1 else 2 end as kind_rank
    from current_emails
    union all
    select
        past_emails.contact_id,
        past_emails.email,
        3 as kind_rank
    from past_emails
    -- Deleted contacts are no match target, not even through their old emails.
    inner join current_contacts
        on past_emails.contact_id = current_contacts.contact_id

),

normalized as (

    select
        *,
        {{ normalize_email('email') }} as email_normalized
    from all_emails
    where email is not null and trim(email) <> ''

),

indexed as (

    select
        email_normalized,
        contact_id,
        min(kind_rank) as kind_rank,
        -- Spellings as stored in LACRM under the best kind (for the `exact` match method).
        list_sort(list_distinct(list(trim(email)))) as all_spellings,
        list_sort(list_distinct(list(trim(email)) filter (where kind_rank < 3)))
            as current_spellings
    from normalized
    where email_normalized is not null
    group by email_normalized, contact_id

),

final as (

    select
        -- keys
        email_normalized,
        contact_id,

        -- what kind of address it is for this contact
        case kind_rank
            when 1 then 'primary'
            when 2 then 'secondary'
            else 'historical'
        end as email_kind,
        kind_rank < 3 as is_current,
        coalesce(current_spellings, []) as current_spellings,
        all_spellings,

        -- how many contacts share this normalized email (more than one: never auto-matched)
        count(*) over (partition by email_normalized) as contacts_with_email

    from indexed

)

select * from final
