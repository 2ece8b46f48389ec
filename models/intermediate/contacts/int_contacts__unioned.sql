-- Every sighting of a contact, from API pulls and from CSV exports, in one shape. A contact
-- pulled ten times appears ten times: older sightings are where historical emails come from.
--
-- Incremental (append): landed loads never change, so a run adds only the loads this table
-- has not taken in yet (load_id above its newest); a full build reads them all.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail'
) }}

with

api_contacts as (

    select * from {{ ref('stg_lacrm__contacts') }}
    where {{ new_loads_only() }}

),

csv_contacts as (

    select * from {{ ref('stg_lacrm__contacts_csv') }}
    where {{ new_loads_only() }}

),

api_sightings as (

    select
        -- ids
        contact_id,
        'api' as contact_source,

        -- contact
        first_name,
        last_name,
        coalesce(
            nullif(concat_ws(' ', first_name, middle_name, last_name), ''),
            name_text
        ) as full_name,
        company_name,
        emails,

        -- timestamps
        created_at,
        updated_at,

        -- lineage
        source_name as source_file,
        source_row,
        exported_at as observed_at,
        load_id

    from api_contacts
    where not coalesce(is_company, false)

),

csv_sightings as (

    select
        -- ids
        contact_id,
        'csv' as contact_source,

        -- contact
        first_name,
        last_name,
        nullif(concat_ws(' ', first_name, last_name), '') as full_name,
        company_name,
        emails,

        -- timestamps
        created_at,
        updated_at,

        -- lineage
        source_file,
        source_row,
        exported_at as observed_at,
        load_id

    from csv_contacts
    where contact_id is not null and contact_id <> ''

),

final as (

    select * from api_sightings
    union all
    select * from csv_sightings

)

select * from final
