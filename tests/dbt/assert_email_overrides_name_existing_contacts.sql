-- A decision in data/lacrm/email_overrides.csv must name a contact that exists (in the newest
-- contacts load). A typo or a deleted contact is reported here instead of silently attaching
-- meetings to nothing: fix the row (`meetings resolve EMAIL CONTACT_ID`) and rebuild.
with

decisions as (

    select * from {{ ref('int_contacts__email_overrides') }}

),

contacts as (

    select * from {{ ref('int_contacts__current') }}

),

unknown_contacts as (

    select
        decisions.email,
        decisions.contact_id,
        decisions.source_file,
        decisions.source_row
    from decisions
    left join contacts
        on decisions.contact_id = contacts.contact_id
    where decisions.decision = 'match' and contacts.contact_id is null

)

select * from unknown_contacts
