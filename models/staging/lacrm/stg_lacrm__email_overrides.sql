with

source as (

    select * from {{ source('lacrm', 'lacrm_email_overrides') }}

),

renamed as (

    select
        -- decision
        trim(email) as email,
        nullif(trim(contact_id), '') as contact_id,
        lower(trim(action)) as decision,
        try_cast(decided_at as timestamptz) as decided_at,
        nullif(trim(note), '') as note,

        -- lineage
        _source_file as source_file,
        _source_row as source_row,
        _exported_at as exported_at,
        _loaded_at as loaded_at,
        _load_id as load_id

    from source

)

select * from renamed
