-- One row per host x month x platform: the meetings of fct_meetings_monthly, split by the
-- firm's host. A host is their email (lower case); a meeting exported with the host's name
-- only goes to the one email that name has elsewhere, else stays under the name; a meeting
-- with neither goes to `unknown host`. One display name per host (the latest used).
with

meetings as (

    -- The meetings fct_meetings_monthly counts (macro counted_meetings; the singular test
    -- assert_host_meetings_monthly_reconciles_with_fct_meetings_monthly keeps them equal).
    select * from {{ ref('fct_meetings') }}
    where {{ counted_meetings('by_month') }}

),

keyed as (

    select
        *,
        nullif(lower(trim(host_email)), '') as host_email_key,
        nullif(trim(host_name), '') as host_name_clean,
        lower(nullif(trim(host_name), '')) as host_name_key
    from meetings

),

emails_per_name as (

    -- The email(s) each host name is exported with, to attribute name-only meetings.
    select
        host_name_key,
        min(host_email_key) as host_email_key,
        count(distinct host_email_key) as email_count
    from keyed
    where host_name_key is not null and host_email_key is not null
    group by host_name_key

),

resolved as (

    select
        keyed.*,
        coalesce(
            keyed.host_email_key,
            case when emails_per_name.email_count = 1 then emails_per_name.host_email_key end
        ) as resolved_host_email
    from keyed
    left join emails_per_name
        on keyed.host_name_key = emails_per_name.host_name_key

),

identified as (

    select
        *,
        -- null when the export names no host: those meetings form the `unknown host` rows
        coalesce(resolved_host_email, 'name:' || host_name_key) as host_key
    from resolved

),

host_names as (

    -- The latest name a host used (ties broken by meeting id): one row per person.
    select
        host_key,
        arg_max(host_name_clean, (start_at, meeting_id)) as host_name
    from identified
    where host_key is not null and host_name_clean is not null
    group by host_key

),

monthly as (

    select
        host_key,
        resolved_host_email as host_email,
        date_trunc('month', {{ utc_to_local_date('start_at') }}) as meeting_month,
        platform,
        count(*) as booked_meetings,
        count(*) filter (where status = 'completed') as completed_meetings,
        count(*) filter (where status = 'canceled') as canceled_meetings,
        count(*) filter (where status = 'no_show') as no_show_meetings,
        count(*) filter (where status = 'scheduled') as scheduled_meetings,
        count(*) filter (
            where status = 'completed' and is_portfolio_review
        ) as portfolio_reviews_completed,
        count(distinct contact_id) as unique_contacts
    from identified
    group by all

),

final as (

    select
        -- host x month x platform
        case
            when monthly.host_key is null then 'unknown host'
            else coalesce(host_names.host_name, monthly.host_email)
        end as host_name,
        monthly.host_email,
        cast(monthly.meeting_month as date) as meeting_month,
        monthly.platform,

        -- counts
        cast(monthly.booked_meetings as integer) as booked_meetings,
        cast(monthly.completed_meetings as integer) as completed_meetings,
        cast(monthly.canceled_meetings as integer) as canceled_meetings,
        cast(monthly.no_show_meetings as integer) as no_show_meetings,
        cast(monthly.scheduled_meetings as integer) as scheduled_meetings,
        cast(monthly.portfolio_reviews_completed as integer) as portfolio_reviews_completed,
        cast(monthly.unique_contacts as integer) as unique_contacts,

        -- rates: of the meetings that were due to happen, the share the client missed
        cast(
            monthly.no_show_meetings
            / nullif(monthly.completed_meetings + monthly.no_show_meetings, 0)
            as double
        ) as no_show_rate

    from monthly
    left join host_names
        on monthly.host_key = host_names.host_key

)

select * from final
