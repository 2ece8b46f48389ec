with

contacts as (

    select * from {{ ref('int_contacts__current') }}

),

final as (

    select
        -- ids
        contact_id,

        -- contact
        full_name,
        first_name,
        last_name,
        company_name,
        primary_email,
        emails,

        -- timestamps
        created_at,
        updated_at,
        first_seen_at,
        last_seen_at,

        -- lineage
        contact_source

    from contacts

)

select * from final
