-- int_meetings__unioned is an incremental table (append by load): every staged export row
-- must be in it, and nothing else. Fails with the rows that are missing from it (a skipped
-- load) or that staging no longer has; the fix is `meetings build --full-refresh`.
with

staged as (

    select
        'calendly' as platform,
        load_id,
        source_row
    from {{ ref('stg_calendly__events') }}
    union all
    select
        'calcom' as platform,
        load_id,
        source_row
    from {{ ref('stg_calcom__bookings') }}

),

unioned as (

    select distinct
        platform,
        load_id,
        source_row
    from {{ ref('int_meetings__unioned') }}

),

missing as (

    select * from staged
    except
    select * from unioned

),

extra as (

    select * from unioned
    except
    select * from staged

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
