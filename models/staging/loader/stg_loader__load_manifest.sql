with

source as (

    select * from {{ source('loader', '_load_manifest') }}

),

renamed as (

    select
        -- ids
        load_id,
        sha256,

        -- what was landed
        file_path,
        file_name,
        platform,
        raw_table,
        status,
        row_count,
        file_size_bytes,

        -- timestamps
        exported_at,
        exported_at_source,
        loaded_at,

        -- problems
        error

    from source

)

select * from renamed
