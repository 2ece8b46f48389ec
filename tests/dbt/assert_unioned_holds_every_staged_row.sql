-- int_meetings__unioned is an incremental table (append by load): every staged export row
-- must be in it, and nothing else. Fails with the rows that are missing from it (a skipped
-- load) or that staging no longer has; the fix is `meetings build --full-refresh`.
-- Two steps, so a healthy warehouse costs one aggregate per side instead of a row-by-row
-- set difference over the whole history: loads whose row count or row fingerprint (sum of
-- hash(source_row)) differ, then the row-level difference within those loads only.
-- In `meetings run` it checks the loads that run appended (those int_meetings__deduplicated
-- has not taken in yet; macros/get_where_subquery.sql), like the tests of the models it
-- compares; everywhere else the whole history.
{%- set loads_to_check = unprocessed_loads_filter(ref('int_meetings__unioned')) %}
with

staged as (

    select
        'calendly' as platform,
        load_id,
        source_row
    from {{ ref('stg_calendly__events') }}
    where {{ loads_to_check }}
    union all
    select
        'calcom' as platform,
        load_id,
        source_row
    from {{ ref('stg_calcom__bookings') }}
    where {{ loads_to_check }}

),

unioned as (

    -- a Cal.com booking row yields one row per attendee: one per source row here
    select distinct
        platform,
        load_id,
        source_row
    from {{ ref('int_meetings__unioned') }}
    where {{ loads_to_check }}

),

staged_loads as (

    select
        platform,
        load_id,
        count(*) as row_count,
        sum(hash(source_row)) as row_fingerprint
    from staged
    group by platform, load_id

),

unioned_loads as (

    select
        platform,
        load_id,
        count(*) as row_count,
        sum(hash(source_row)) as row_fingerprint
    from unioned
    group by platform, load_id

),

differing_loads as (

    select
        coalesce(staged_loads.platform, unioned_loads.platform) as platform,
        coalesce(staged_loads.load_id, unioned_loads.load_id) as load_id
    from staged_loads
    full outer join unioned_loads
        on
            staged_loads.platform = unioned_loads.platform
            and staged_loads.load_id = unioned_loads.load_id
    where
        staged_loads.row_count is distinct from unioned_loads.row_count
        or staged_loads.row_fingerprint is distinct from unioned_loads.row_fingerprint

),

missing as (

    select staged.* from staged
    semi join differing_loads
        on
            staged.platform = differing_loads.platform
            and staged.load_id = differing_loads.load_id
    except
    select unioned.* from unioned
    semi join differing_loads
        on
            unioned.platform = differing_loads.platform
            and unioned.load_id = differing_loads.load_id

),

extra as (

    select unioned.* from unioned
    semi join differing_loads
        on
            unioned.platform = differing_loads.platform
            and unioned.load_id = differing_loads.load_id
    except
    select staged.* from staged
    semi join differing_loads
        on
            staged.platform = differing_loads.platform
            and staged.load_id = differing_loads.load_id

),

final as (

    select
        'missing from int_meetings__unioned' as problem,
        *
    from missing
    union all
    select
        'not in staging' as problem,
        *
    from extra

)

select * from final
