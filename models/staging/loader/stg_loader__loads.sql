with

source as (

    select * from {{ source('loader', '_load_manifest') }}

),

renamed as (

    select
        -- ids
        load_id,
        sha256 as file_sha256,

        -- file
        file_path,
        file_name,
        platform,
        raw_table,
        status as load_status,
        error as load_error,
        row_count,
        file_size_bytes,

        -- timestamps
        exported_at,
        exported_at_source,
        loaded_at

    from source

)

select * from renamed
