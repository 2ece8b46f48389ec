-- Overlapping exports ("last 90 days", every week) repeat a booking in many files.
-- Keep one row per meeting_id (Calendly: Event UUID + Invitee UUID; Cal.com: uid + attendee
-- email lower/trim) with the state of the most recent export: latest exported_at, then
-- latest load, then last row in the file.
-- A booking missing from newer exports keeps its last known state: history is never lost.
--
-- Incremental: a run reads only the loads this table has not seen (load_id above the newest
-- `last_seen_load_id`), reduces them to one state per meeting, and merges that with the
-- stored row of the same meetings (delete+insert on meeting_id). The merge is exact: the
-- latest state of all loads is the latest of (stored latest, new latest); first/last export
-- are the min/max of both; export counts add up because the two load sets are disjoint.
-- A full build (first run, --full-refresh) has no stored rows: the new states are final.
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

-- one aggregate per meeting, then join the winning row back (a window over every landed
-- row sorts them all, ~4x slower); (load_id, source_row) is unique per meeting (tested
-- on int_meetings__unioned), so the join finds exactly one row
new_stats as (

    select
        meeting_id,
        min(exported_at) as first_exported_at,
        max(exported_at) as last_exported_at,
        count(distinct load_id) as export_count,
        max(load_id) as last_seen_load_id,
        arg_max(
            { 'load_id': load_id, 'source_row': source_row },
            {{ state_recency() }}
        ) as latest
    from unioned
    group by meeting_id

),

new_states as (

    select
        unioned.*,
        new_stats.first_exported_at,
        new_stats.last_exported_at,
        new_stats.export_count,
        new_stats.last_seen_load_id
    from unioned
    inner join new_stats
        on
            unioned.meeting_id = new_stats.meeting_id
            and unioned.load_id = new_stats.latest.load_id
            and unioned.source_row = new_stats.latest.source_row

),

{% if is_incremental() %}

    -- incremental run: the new states plus the stored states of the same meetings, merged
    states as (

        select * from new_states
        union all by name
        select * from {{ this }}
        where meeting_id in (select new_stats.meeting_id from new_stats)

    ),

    merged_stats as (

        select
            meeting_id,
            min(first_exported_at) as first_exported_at,
            max(last_exported_at) as last_exported_at,
            cast(sum(export_count) as bigint) as export_count,
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
            states.* replace (
                merged_stats.first_exported_at as first_exported_at,
                merged_stats.last_exported_at as last_exported_at,
                merged_stats.export_count as export_count,
                merged_stats.last_seen_load_id as last_seen_load_id
            )
        from states
        inner join merged_stats
            on
                states.meeting_id = merged_stats.meeting_id
                and states.load_id = merged_stats.latest.load_id
                and states.source_row = merged_stats.latest.source_row

    )

{% else %}

    final as (

        select * from new_states

    )

{% endif %}

select * from final
