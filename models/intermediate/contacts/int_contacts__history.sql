-- One row per contact ever seen in a contacts load (API pull or CSV export): when it was
-- first and last seen, and every email it was seen with. int_contacts__current takes the
-- first/last seen from here and int_contacts__email_index the emails a contact used to have,
-- so neither reads every sighting again at each build: a weekly contacts export adds the
-- whole contact list to int_contacts__unioned, and those sightings only ever grow.
--
-- Incremental (delete+insert on contact_id): a run reads only the loads this table has not
-- seen (load_id above the newest `last_seen_load_id`) and merges them with the stored row
-- of the same contacts: earliest and latest seen, the union of the emails. Exact, because
-- these are order-free aggregates and the two load sets are disjoint. A full build (first
-- run, --full-refresh) has no stored rows: the new rows are final.
{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

sightings as (

    select * from {{ ref('int_contacts__unioned') }}
    where {{ new_loads_only('load_id', 'last_seen_load_id') }}

),

-- each new sighting in the shape of a stored row, so one aggregate serves both
new_sightings as (

    select
        contact_id,
        observed_at as first_seen_at,
        observed_at as last_seen_at,
        emails as emails_seen,
        load_id as last_seen_load_id
    from sightings

),

histories as (

    select * from new_sightings
    {% if is_incremental() %}
        -- incremental run: plus the stored rows of the same contacts
        union all by name
        select * from {{ this }}
        where contact_id in (select new_sightings.contact_id from new_sightings)
    {% endif %}

),

final as (

    select
        contact_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        list_sort(list_distinct(flatten(list(emails_seen)))) as emails_seen,
        max(last_seen_load_id) as last_seen_load_id
    from histories
    group by contact_id

)

select * from final
