-- Overlapping exports ("last 90 days", every week) repeat a booking in many files.
-- Keep one row per meeting_id (Calendly: Event UUID + Invitee UUID; Cal.com: uid + attendee
-- email lower/trim) with the state of the most recent export: latest exported_at, then
-- latest load, then last row in the file.
-- A booking missing from newer exports keeps its last known state: history is never lost.
with

unioned as (

    select * from {{ ref('int_meetings__unioned') }}

),

ranked as (

    select
        *,
        min(exported_at) over (partition by meeting_id) as first_exported_at,
        max(exported_at) over (partition by meeting_id) as last_exported_at,
        count(distinct load_id) over (partition by meeting_id) as export_count,
        row_number() over (
            partition by meeting_id
            order by exported_at desc, load_id desc, source_row desc
        ) as recency_rank
    from unioned

),

final as (

    select * exclude (recency_rank)
    from ranked
    where recency_rank = 1

)

select * from final
