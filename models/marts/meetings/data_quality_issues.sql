-- One row per data problem in a landed export row. Rows with problems are never dropped:
-- they stay in raw, staging and fct_meetings (has_data_issue); this table says what is wrong
-- and where (file and row), so the export can be checked or corrected at the source.
with

unioned as (

    select * from {{ ref('int_meetings__unioned') }}

),

latest_states as (

    select
        meeting_id,
        load_id,
        source_row
    from {{ ref('int_meetings__deduplicated') }}

),

flagged as (

    -- one struct per possible problem, read from the platform-neutral has_* columns
    select
        unioned.*,
        unnest([
            {
                'code': 'invalid_start_at',
                'is_flagged': unioned.has_invalid_start_at,
                'value': unioned.start_at_text,
                'description': 'start date/time is missing or not a date'
            },
            {
                'code': 'invalid_end_at',
                'is_flagged': unioned.has_invalid_end_at,
                'value': unioned.end_at_text,
                'description': 'end date/time is missing or not a date'
            },
            {
                'code': 'end_before_start',
                'is_flagged': unioned.has_end_before_start,
                'value': unioned.start_at_text || ' -> ' || unioned.end_at_text,
                'description': 'the meeting ends before it starts'
            },
            {
                'code': 'missing_email',
                'is_flagged': unioned.has_missing_email,
                'value': null,
                'description': 'the invitee has no email'
            },
            {
                'code': 'invalid_email',
                'is_flagged': unioned.has_invalid_email,
                'value': unioned.invitee_email,
                'description': 'the invitee email is not an address'
            }
        ]) as issue
    from unioned
    -- most rows have no problem: skip them before building five structs per row
    where
        unioned.has_invalid_start_at
        or unioned.has_invalid_end_at
        or unioned.has_end_before_start
        or unioned.has_missing_email
        or unioned.has_invalid_email

),

issues as (

    select
        flagged.*,
        flagged.issue.code as issue_code,
        flagged.issue.description as issue_description,
        flagged.issue.value as offending_value
    from flagged
    where flagged.issue.is_flagged

),

final as (

    select
        -- ids
        {{ generate_surrogate_key([
            'issues.platform',
            'issues.load_id',
            'issues.source_row',
            'issues.platform_invitee_key',
            'issues.issue_code',
        ]) }} as data_quality_issue_id,
        issues.issue_code,
        issues.issue_description,
        issues.offending_value,

        -- where
        issues.platform,
        issues.source_file,
        cast(issues.source_row as bigint) as source_row,
        cast(issues.load_id as bigint) as load_id,
        issues.exported_at,

        -- which meeting
        issues.meeting_id,
        issues.platform_booking_id,
        issues.platform_invitee_key,
        issues.invitee_name,
        latest_states.meeting_id is not null as is_latest_state,

        -- when
        {{ as_of_timestamp() }} as detected_at

    from issues
    left join latest_states
        on
            issues.meeting_id = latest_states.meeting_id
            and issues.load_id = latest_states.load_id
            and issues.source_row = latest_states.source_row

)

select * from final
