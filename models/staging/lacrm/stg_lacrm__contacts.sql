with

source as (

    select * from {{ source('lacrm', 'lacrm_contacts') }}

),

renamed as (

    select
        -- ids (31-digit strings: never numbers)
        trim(contact_id) as contact_id,
        nullif(trim(company_id), '') as company_id,
        nullif(trim(assigned_to), '') as assigned_to_user_id,

        -- name
        nullif(trim(salutation), '') as salutation,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(middle_name), '') as middle_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(suffix), '') as name_suffix,
        nullif(trim(name_text), '') as name_text,
        nullif(trim(company_name), '') as company_name,
        nullif(trim(job_title), '') as job_title,

        -- emails, in LACRM's order (the first one is the primary)
        list_filter(
            list_transform(emails, lambda email: trim(email)),
            lambda email: email <> ''
        ) as emails,
        email_types,

        -- flags
        {{ to_boolean('is_company') }} as is_company,

        -- timestamps
        try_cast(date_created as timestamptz) as created_at,
        try_cast(last_update as timestamptz) as updated_at,

        -- the whole object as LACRM sent it
        contact_json,

        -- lineage
        _source as source_name,
        _source_row as source_row,
        _exported_at as exported_at,
        _loaded_at as loaded_at,
        _load_id as load_id

    from source

)

select * from renamed
