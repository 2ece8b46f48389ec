-- One row per distinct invitee email spelling: the mailbox it normalizes to (macro
-- normalize_email; null when the text holds no single address), the key decisions and the
-- review queue use, and its domain. Normalized once per spelling, not once per meeting
-- (many meetings share an invitee's email). Decision lane: recomputed on every build.
with

meetings as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

spellings as (

    select distinct invitee_email
    from meetings
    where invitee_email is not null

),

normalized as (

    select
        invitee_email,
        {{ normalize_email('invitee_email') }} as invitee_email_normalized
    from spellings

),

final as (

    select
        invitee_email,
        invitee_email_normalized,
        coalesce(invitee_email_normalized, lower(trim(invitee_email))) as email_key,
        split_part(invitee_email_normalized, '@', 2) as invitee_domain
    from normalized

)

select * from final
