{#- Every email column of the export, in table order: the first filled one is the primary. -#}
{%- set email_column_names = email_columns(source('lacrm', 'lacrm_contacts_csv')) -%}

with

source as (

    select * from {{ source('lacrm', 'lacrm_contacts_csv') }}

),

renamed as (

    select
        -- ids
        trim("Contact ID") as contact_id,

        -- name
        nullif(trim("First Name"), '') as first_name,
        nullif(trim("Last Name"), '') as last_name,
        nullif(trim("Company Name"), '') as company_name,

        -- emails: every email column, empty cells dropped
        list_filter(
            cast([
                {%- for name in email_column_names %}
                    trim("{{ name | replace('"', '""') }}"){{ "," if not loop.last }}
                {%- endfor %}
            ] as varchar[]),
            lambda email: email is not null and email <> ''
        ) as emails,

        -- timestamps (export format inferred: ISO or US dates)
        coalesce(
            try_cast("Date Created" as timestamptz),
            cast({{ parse_wall_time('"Date Created"') }} as timestamptz)
        ) as created_at,
        coalesce(
            try_cast("Last Update" as timestamptz),
            cast({{ parse_wall_time('"Last Update"') }} as timestamptz)
        ) as updated_at,

        -- lineage
        {{ loader_lineage_columns() }}

    from source

)

select * from renamed
