-- Classify each meeting by its event type name (and, where a rule says so, its length)
-- using seeds/meeting_type_rules.csv. Lowest priority number wins; ties go to the longest
-- (most specific) pattern. Names no rule matches fall to 'other'.
with

meetings as (

    select * from {{ ref('int_meetings__deduplicated') }}

),

rules as (

    select * from {{ ref('meeting_type_rules') }}

),

meeting_types as (

    select
        meeting_id,
        event_type_name,
        {{ normalize_event_type_name('event_type_name') }} as event_type_key,
        date_diff('minute', start_at, end_at) as duration_minutes
    from meetings

),

-- Rules are evaluated once per distinct (name, length), not once per meeting.
distinct_types as (

    select distinct
        event_type_key,
        duration_minutes
    from meeting_types

),

normalized_rules as (

    select
        {{ normalize_event_type_name('pattern') }} as pattern_key,
        lower(trim(match_kind)) as match_kind,
        meeting_category,
        -- Cast defensively: the seed is edited by hand, and dbt unit tests read it as text.
        cast(nullif(trim(cast(priority as varchar)), '') as integer) as priority,
        cast(nullif(trim(cast(min_duration_minutes as varchar)), '') as integer)
            as min_duration_minutes,
        cast(nullif(trim(cast(max_duration_minutes as varchar)), '') as integer)
            as max_duration_minutes
    from rules

),

candidates as (

    select
        distinct_types.event_type_key,
        distinct_types.duration_minutes,
        normalized_rules.pattern_key,
        normalized_rules.meeting_category,
        normalized_rules.priority
    from distinct_types
    inner join normalized_rules
        on
            case normalized_rules.match_kind
                when 'exact' then distinct_types.event_type_key = normalized_rules.pattern_key
                when 'prefix'
                    then starts_with(distinct_types.event_type_key, normalized_rules.pattern_key)
                when 'contains'
                    then contains(distinct_types.event_type_key, normalized_rules.pattern_key)
                when 'regex'
                    then regexp_matches(distinct_types.event_type_key, normalized_rules.pattern_key)
                else false
            end
            and (
                normalized_rules.min_duration_minutes is null
                or distinct_types.duration_minutes >= normalized_rules.min_duration_minutes
            )
            and (
                normalized_rules.max_duration_minutes is null
                or distinct_types.duration_minutes <= normalized_rules.max_duration_minutes
            )

),

winning_rule as (

    select *
    from candidates
    qualify row_number() over (
        partition by event_type_key, duration_minutes
        order by priority asc, length(pattern_key) desc, pattern_key asc
    ) = 1

),

final as (

    select
        meeting_types.meeting_id,
        meeting_types.event_type_name,
        meeting_types.event_type_key,
        coalesce(winning_rule.meeting_category, 'other') as meeting_category,
        coalesce(winning_rule.meeting_category = 'portfolio_review', false) as is_portfolio_review,
        winning_rule.pattern_key as matched_pattern,
        winning_rule.priority as matched_priority
    from meeting_types
    left join winning_rule
        on
            meeting_types.event_type_key is not distinct from winning_rule.event_type_key
            and meeting_types.duration_minutes is not distinct from winning_rule.duration_minutes

)

select * from final
