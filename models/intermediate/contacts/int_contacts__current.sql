-- The contact list as of the newest contacts load (API pull or CSV export, whichever is
-- newest): each pull or export is a full list, so a contact missing from the newest one was
-- deleted (or merged) in LACRM and is no longer a match target. Older loads only add history.
with

sightings as (

    select * from {{ ref('int_contacts__unioned') }}

),

-- the newest load from a narrow read of the sightings: a CTE read twice would be
-- materialized whole; read once, only the newest load's row groups are scanned
sighting_loads as (

    select
        load_id,
        observed_at
    from {{ ref('int_contacts__unioned') }}

),

-- first and last seen over every load (kept per contact, not re-read from all sightings)
history as (

    select * from {{ ref('int_contacts__history') }}

),

newest_load as (

    select load_id
    from sighting_loads
    order by observed_at desc, load_id desc
    limit 1

),

latest_sighting as (

    select
        sightings.*,
        row_number() over (
            partition by sightings.contact_id
            order by sightings.source_row desc
        ) as row_rank
    from sightings
    inner join newest_load
        on sightings.load_id = newest_load.load_id

),

final as (

    select
        -- ids
        latest_sighting.contact_id,
        latest_sighting.contact_source,

        -- contact
        latest_sighting.full_name,
        latest_sighting.first_name,
        latest_sighting.last_name,
        latest_sighting.company_name,
        latest_sighting.emails[1] as primary_email,
        latest_sighting.emails,
        array_to_string(latest_sighting.emails, ', ') as emails_text,

        -- timestamps
        latest_sighting.created_at,
        latest_sighting.updated_at,
        history.first_seen_at,
        history.last_seen_at,

        -- lineage
        latest_sighting.load_id

    from latest_sighting
    inner join history
        on latest_sighting.contact_id = history.contact_id
    where latest_sighting.row_rank = 1

)

select * from final
