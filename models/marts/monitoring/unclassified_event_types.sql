with

classified as (

    select * from {{ ref('int_meetings__classified') }}

),

meetings as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

unclassified as (

    select
        meetings.platform,
        classified.event_type_name,
        count(*) as meeting_count,
        min(meetings.start_at) as first_seen_at,
        max(meetings.start_at) as last_seen_at
    from classified
    inner join meetings
        on classified.meeting_id = meetings.meeting_id
    where classified.meeting_category = 'other'
    group by meetings.platform, classified.event_type_name

),

final as (

    select
        event_type_name,
        platform,
        cast(meeting_count as integer) as meeting_count,
        first_seen_at,
        last_seen_at
    from unclassified

)

select * from final
