-- int_meetings__unioned and int_meetings__deduplicated are incremental: rows already stored
-- keep the Cal.com event type name that seed calcom_event_types gave when they were landed.
-- After an edit of the seed this test fails, listing the ids whose stored name differs from
-- the seed's name now; rebuild with `meetings build --full-refresh`.
with

stored as (

    select
        platform_event_type_id,
        event_type_name,
        count(*) as stored_rows
    from {{ ref('int_meetings__unioned') }}
    where platform = 'calcom'
    group by platform_event_type_id, event_type_name

),

mapping as (

    select * from {{ ref('calcom_event_types') }}

),

stale as (

    select
        stored.platform_event_type_id,
        stored.event_type_name as stored_name,
        mapping.event_type_name as seed_name,
        stored.stored_rows,
        'run meetings build --full-refresh' as fix
    from stored
    inner join mapping
        on stored.platform_event_type_id = mapping.event_type_id
    where stored.event_type_name is distinct from mapping.event_type_name

)

select * from stale
