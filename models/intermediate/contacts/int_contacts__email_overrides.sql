-- The firm's manual decisions in force: the rows of the latest landed version of
-- data/lacrm/email_overrides.csv (an emptied file means no decisions), keyed like meetings'
-- emails. When one email appears twice in the file, the later row wins.
with

overrides as (

    select * from {{ ref('stg_lacrm__email_overrides') }}

),

manifest as (

    select * from {{ ref('stg_loader__loads') }}

),

latest_version as (

    select max(load_id) as load_id
    from manifest
    where raw_table = 'lacrm_email_overrides' and load_status in ('loaded', 'empty')

),

in_force as (

    select overrides.*
    from overrides
    inner join latest_version
        on overrides.load_id = latest_version.load_id

),

keyed as (

    select
        *,
        coalesce({{ normalize_email('email') }}, lower(trim(email))) as email_key
    from in_force
    where email is not null and email <> ''

),

ranked as (

    select
        *,
        row_number() over (partition by email_key order by source_row desc) as row_rank
    from keyed

),

final as (

    select
        -- keys
        email_key,
        contact_id,

        -- decision
        email,
        decision,
        decided_at,
        note,

        -- lineage
        source_file,
        source_row,
        load_id

    from ranked
    where row_rank = 1

)

select * from final
