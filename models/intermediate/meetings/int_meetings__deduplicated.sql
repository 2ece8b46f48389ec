-- Overlapping exports ("last 90 days", every week) repeat a booking in many files.
-- Keep one row per meeting_id (Calendly: Event UUID + Invitee UUID; Cal.com: uid + attendee
-- email lower/trim) with the state of the most recent export: latest exported_at, then
-- latest load, then last row in the file.
-- A booking missing from newer exports keeps its last known state: history is never lost.
--
-- Incremental: a run reads only the loads this table has not seen (load_id above the newest
-- `last_seen_load_id`) and reduces them, together with the stored row of the same meetings,
-- to one state per meeting in one aggregate (delete+insert on meeting_id). The merge is
-- exact: the latest state of all loads is the latest of (stored latest, new rows); first/last
-- export are the min/max of both; export counts add up because the load sets are disjoint.
-- A full build (first run, --full-refresh) has no stored rows.
{{ config(
    materialized='incremental',
    unique_key='meeting_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

unioned as (

    select * from {{ ref('int_meetings__unioned') }}
    where {{ new_loads_only('load_id', 'last_seen_load_id') }}

),

-- the new loads' rows, shaped like stored rows (each row is one export of its meeting)
new_rows as (

    select
        *,
        exported_at as first_exported_at,
        exported_at as last_exported_at,
        cast(null as bigint) as export_count,
        load_id as last_seen_load_id,
        false as is_stored
    from unioned

),

-- every state of the meetings this run touches: the new rows, plus in an incremental run
-- the stored state of the same meetings (merged below by the same aggregate)
states as (

    select * from new_rows
    {% if is_incremental() %}
        union all by name
        select
            *,
            true as is_stored
        from {{ this }}
        where meeting_id in (select new_rows.meeting_id from new_rows)
    {% endif %}

),

-- one aggregate per meeting, then join the winning row back (a window over every landed
-- row sorts them all, ~4x slower); (load_id, source_row) is unique per meeting (tested
-- on int_meetings__unioned), so the join finds exactly one row. Export counts add up: the
-- new loads are not among the stored rows' loads.
stats as (

    select
        meeting_id,
        min(first_exported_at) as first_exported_at,
        max(last_exported_at) as last_exported_at,
        count(distinct load_id) filter (where not is_stored)
        + coalesce(sum(export_count) filter (where is_stored), 0) as export_count,
        max(last_seen_load_id) as last_seen_load_id,
        arg_max(
            { 'load_id': load_id, 'source_row': source_row },
            {{ state_recency() }}
        ) as latest
    from states
    group by meeting_id

),

final as (

    select
        states.* exclude (states.is_stored) replace (
            stats.first_exported_at as first_exported_at,
            stats.last_exported_at as last_exported_at,
            cast(stats.export_count as bigint) as export_count,
            stats.last_seen_load_id as last_seen_load_id
        )
    from states
    inner join stats
        on
            states.meeting_id = stats.meeting_id
            and states.load_id = stats.latest.load_id
            and states.source_row = stats.latest.source_row

)

select * from final
