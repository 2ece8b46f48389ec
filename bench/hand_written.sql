-- The marts of the dbt project, written by hand as ONE plain DuckDB script: the comparator of
-- `make bench` (bench/run.py) for `meetings build`. No dbt, no Jinja; temp macros and temp
-- tables for the steps, the marts as tables in schema `hand`, so it runs on a warehouse that
-- `meetings load` filled (raw.* + raw._load_manifest) without touching dbt's schemas.
--
-- Same columns and semantics as models/marts (tests/python/test_hand_written_sql.py compares
-- every table with the dbt mart of the same name). Differences in HOW, not WHAT:
--   * staging + union in one pass per platform; only the columns some mart needs;
--   * emails normalized once per distinct text (a lookup table), not per row;
--   * matching and classification computed per distinct invitee email / event type;
--   * dedup as one hash aggregate (arg_max of the row) instead of window functions;
--   * review-queue suggestions scored only for the models' blocked candidate pairs (shared
--     name words, local part, small domain, ambiguous email), never a cross join;
--   * the contact snapshot (snapshots.snp_lacrm__contacts) is not read: its closed versions
--     only hold emails of earlier contact loads, which raw keeps (append-only) and which are
--     read here as historical emails anyway.
-- Tests (dbt data/unit tests) are not part of this script: it builds the marts only.
--
-- Inputs, as DuckDB variables the runner may set before running the script:
--   as_of             instant "now" means (dbt var as_of); default: now
--   export_time_zone  firm's zone (MEETINGS_EXPORT_TZ / dbt var export_time_zone);
--                     default America/New_York
--   seeds_dir         folder of the seed CSVs; default `seeds` (relative to the working dir)
-- e.g.  set variable as_of = timestamptz '2026-11-27 12:00:00+00';

set TimeZone = 'UTC';  -- what profiles.yml sets for dbt's sessions
set variable as_of = coalesce(cast(getvariable('as_of') as timestamptz), current_timestamp);
set variable export_time_zone = coalesce(getvariable('export_time_zone'), 'America/New_York');
set variable seeds_dir = coalesce(getvariable('seeds_dir'), 'seeds');
create schema if not exists hand;

-- ---------------------------------------------------------------------------------------
-- Helpers (the project's macros, as DuckDB macros)
-- ---------------------------------------------------------------------------------------
create or replace temp macro strip_apostrophe(x) as nullif(regexp_replace(trim(x), '^''', ''), '');
create or replace temp macro to_bool(x) as case
    when lower(trim(x)) in ('true', 'yes', 'y', '1') then true
    when lower(trim(x)) in ('false', 'no', 'n', '0') then false
end;
create or replace temp macro parse_wall_time(x) as try_strptime(trim(x), [
    '%Y-%m-%d %I:%M %p', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S',
    '%m/%d/%Y %I:%M %p', '%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S'
]);
create or replace temp macro iso_to_utc(x) as case
    when regexp_matches(trim(x), '[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)$')
        then try_cast(trim(x) as timestamptz)
    else timezone('UTC', try_cast(trim(x) as timestamp))
end;
create or replace temp macro email_in_parentheses(x) as coalesce(
    nullif(trim(regexp_extract(x, '\(([^()]*@[^()]*)\)\s*$', 1)), ''),
    case when regexp_matches(trim(x), '^[^\s()]+@[^\s()]+$') then trim(x) end
);
-- The one definition of an address (dbt macro email_address): text that holds exactly one.
create or replace temp macro email_cleaned(x) as
    trim(regexp_replace(replace(lower(x), 'mailto:', ''), '\s*@\s*', '@', 'g'));
create or replace temp macro email_candidate(c) as trim(
    coalesce(
        nullif(regexp_extract(c, '<([^<>]*)>', 1), ''),
        nullif(regexp_extract(c, '\(([^()]*@[^()]*)\)', 1), ''),
        regexp_replace(c, '\([^()@]*\)', '', 'g')
    ),
    ' "''.,;'
);
create or replace temp macro is_valid_email(x) as case when x is not null then
    len(list_distinct(list_transform(
        regexp_extract_all(email_cleaned(x), '[^\s<>()\[\]"'',;:]+@[^\s<>()\[\]"'',;:]+'),
        lambda found: trim(found, '.')
    ))) = 1
    and regexp_full_match(
        email_candidate(email_cleaned(x)),
        '[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*'
        || '@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+'
    )
end;
create or replace temp macro local_date(ts) as cast(timezone(getvariable('export_time_zone'), ts) as date);

-- ---------------------------------------------------------------------------------------
-- Seeds
-- ---------------------------------------------------------------------------------------
create or replace temp table seed_calcom_event_types as
select * from read_csv(getvariable('seeds_dir') || '/calcom_event_types.csv', all_varchar = true);
create or replace temp table seed_email_domain_aliases as
select * from read_csv(getvariable('seeds_dir') || '/email_domain_aliases.csv', all_varchar = true);
create or replace temp table seed_internal_email_domains as
select * from read_csv(getvariable('seeds_dir') || '/internal_email_domains.csv', all_varchar = true);
create or replace temp table seed_meeting_type_rules as
select * from read_csv(getvariable('seeds_dir') || '/meeting_type_rules.csv', all_varchar = true);
create or replace temp table seed_first_name_variants as
select * from read_csv(getvariable('seeds_dir') || '/first_name_variants.csv', all_varchar = true);

-- ---------------------------------------------------------------------------------------
-- Every occurrence of every meeting in every export (staging + int_meetings__unioned)
-- ---------------------------------------------------------------------------------------
create or replace temp table calcom_staged as
select
    _load_id as load_id,
    _source_row as source_row,
    _source_file as source_file,
    _exported_at as exported_at,
    trim(uid) as booking_uid,
    nullif(trim("eventTypeId"), '') as event_type_id,
    nullif(trim(title), '') as title,
    nullif(lower(trim("timeStatus")), '') as time_status,
    nullif(trim("userName"), '') as host_name,
    nullif(lower(trim("userEmail")), '') as host_email,
    nullif(trim("noShowGuests"), '') as no_show_guests,
    to_bool("noShowGuest") as is_booker_no_show,
    iso_to_utc("startTime") as start_at,
    iso_to_utc("endTime") as end_at,
    iso_to_utc("createdAt") as booked_at,
    "startTime" as start_at_text,
    "endTime" as end_at_text,
    nullif(trim(columns('(?i)^attendee(\d+)$')), '') as 'attendee_\1'
from raw.calcom_bookings;

-- One row per (booking row, attendee key): attendeeN cells unpivoted (empty cells dropped),
-- the same person twice in one booking kept once (first position).
create or replace temp table calcom_attendees as
with cells as (
    unpivot (
        select load_id, source_row, no_show_guests, is_booker_no_show, columns('^attendee_\d+$')
        from calcom_staged
    )
    on columns('^attendee_\d+$')
    into name attendee_column value attendee_text
),
keyed as (
    select
        load_id,
        source_row,
        no_show_guests,
        is_booker_no_show,
        cast(regexp_extract(attendee_column, '(\d+)$', 1) as integer) as attendee_position,
        attendee_text,
        email_in_parentheses(attendee_text) as attendee_email,
        lower(coalesce(email_in_parentheses(attendee_text), trim(attendee_text))) as attendee_key
    from cells
)
select
    load_id,
    source_row,
    attendee_key,
    attendee_email,
    nullif(
        nullif(trim(regexp_replace(attendee_text, '\([^()]*@[^()]*\)\s*$', '')), ''),
        attendee_email
    ) as attendee_name,
    coalesce(
        list_contains(
            list_transform(
                string_split(no_show_guests, ';'),
                lambda entry: lower(coalesce(email_in_parentheses(entry), trim(entry)))
            ),
            attendee_key
        ),
        false
    ) or (attendee_position = 1 and coalesce(is_booker_no_show, false)) as is_no_show
from keyed
qualify row_number() over (
    partition by load_id, source_row, attendee_key order by attendee_position
) = 1;

create or replace temp table meetings_all as
with calendly as (
    select
        strip_apostrophe("Event UUID") as event_uuid,
        strip_apostrophe("Invitee UUID") as invitee_uuid,
        trim("Event Type Name") as event_type_name,
        timezone(getvariable('export_time_zone'), parse_wall_time(strip_apostrophe("Start Date & Time")))
            as start_at,
        timezone(getvariable('export_time_zone'), parse_wall_time(strip_apostrophe("End Date & Time")))
            as end_at,
        timezone(
            getvariable('export_time_zone'),
            parse_wall_time(strip_apostrophe("Event Created Date & Time"))
        ) as booked_at,
        nullif(trim("Location"), '') as location,
        nullif(trim("User Name"), '') as host_name,
        nullif(lower(trim("User Email")), '') as host_email,
        trim("Invitee Name") as invitee_name,
        strip_apostrophe("Invitee Email") as invitee_email,
        nullif(trim("Invitee Time Zone"), '') as invitee_time_zone,
        to_bool("Canceled") as is_canceled,
        to_bool("Marked as No-Show") as is_no_show,
        nullif(trim("Canceled By"), '') as canceled_by,
        nullif(trim("Cancellation reason"), '') as cancellation_reason,
        _source_file as source_file,
        _source_row as source_row,
        _exported_at as exported_at,
        _load_id as load_id,
        "Start Date & Time" as start_at_text,
        "End Date & Time" as end_at_text
    from raw.calendly_events
)
select
    md5(concat_ws('-', 'calendly', coalesce(event_uuid, '_null_'), coalesce(invitee_uuid, '_null_')))
        as meeting_id,
    'calendly' as platform,
    event_uuid as platform_booking_id,
    invitee_uuid as platform_invitee_key,
    event_type_name,
    start_at,
    end_at,
    booked_at,
    location,
    host_name,
    host_email,
    invitee_name,
    invitee_email,
    invitee_time_zone,
    is_canceled,
    is_no_show,
    canceled_by,
    cancellation_reason,
    source_file,
    source_row,
    exported_at,
    load_id,
    cast(null as varchar) as platform_event_type_id,
    false as is_rescheduled,
    start_at_text,
    end_at_text,
    start_at is null as has_invalid_start_at,
    end_at is null as has_invalid_end_at,
    coalesce(end_at < start_at, false) as has_end_before_start,
    invitee_email is null as has_missing_email,
    coalesce(not is_valid_email(invitee_email), false) as has_invalid_email
from calendly
union all
select
    md5(concat_ws(
        '-', 'calcom', coalesce(b.booking_uid, '_null_'), coalesce(a.attendee_key, '_null_')
    )) as meeting_id,
    'calcom' as platform,
    b.booking_uid as platform_booking_id,
    a.attendee_key as platform_invitee_key,
    coalesce(
        t.event_type_name,
        nullif(regexp_extract(b.title, '^(.+?) between .+ and .+$', 1), ''),
        b.title
    ) as event_type_name,
    b.start_at,
    b.end_at,
    b.booked_at,
    cast(null as varchar) as location,
    coalesce(b.host_name, nullif(regexp_extract(b.title, '^.+? between (.+?) and .+$', 1), ''))
        as host_name,
    b.host_email,
    a.attendee_name as invitee_name,
    a.attendee_email as invitee_email,
    cast(null as varchar) as invitee_time_zone,
    case
        when b.time_status = 'cancelled' then true
        when b.time_status in ('completed', 'uncompleted', 'rescheduled') then false
    end as is_canceled,
    a.is_no_show,
    cast(null as varchar) as canceled_by,
    cast(null as varchar) as cancellation_reason,
    b.source_file,
    b.source_row,
    b.exported_at,
    b.load_id,
    b.event_type_id as platform_event_type_id,
    case
        when b.time_status = 'rescheduled' then true
        when b.time_status in ('completed', 'uncompleted', 'cancelled') then false
    end as is_rescheduled,
    b.start_at_text,
    b.end_at_text,
    b.start_at is null as has_invalid_start_at,
    b.end_at is null as has_invalid_end_at,
    coalesce(b.end_at < b.start_at, false) as has_end_before_start,
    a.attendee_email is null as has_missing_email,
    coalesce(not is_valid_email(a.attendee_email), false) as has_invalid_email
from calcom_staged as b
left join calcom_attendees as a
    on b.load_id = a.load_id and b.source_row = a.source_row
left join seed_calcom_event_types as t
    on b.event_type_id = t.event_type_id;

-- ---------------------------------------------------------------------------------------
-- One row per meeting, the state of the most recent export (int_meetings__deduplicated)
-- ---------------------------------------------------------------------------------------
create or replace temp table meetings as
with latest as (
    select
        -- latest export, then load, then row (a missing export time counts as the oldest:
        -- the models' `order by exported_at desc` puts nulls last)
        arg_max(
            meetings_all,
            (coalesce(exported_at, cast('-infinity' as timestamptz)), load_id, source_row)
        ) as latest_row,
        min(exported_at) as first_exported_at,
        max(exported_at) as last_exported_at,
        count(distinct load_id) as export_count,
        -- the export that showed the meeting first (for export_coverage.new_bookings;
        -- `order by exported_at, load_id` in the models, nulls last)
        arg_min(load_id, (coalesce(exported_at, cast('infinity' as timestamptz)), load_id))
            as first_load_id
    from meetings_all
    group by meeting_id
)
select unnest(latest_row), first_exported_at, last_exported_at, export_count, first_load_id
from latest;

-- ---------------------------------------------------------------------------------------
-- Contacts: every sighting, the current list, the email index (int_contacts__*)
-- ---------------------------------------------------------------------------------------
create or replace temp table contact_sightings as
with api as (
    select
        trim(contact_id) as contact_id,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(middle_name), '') as middle_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(name_text), '') as name_text,
        nullif(trim(company_name), '') as company_name,
        list_filter(list_transform(emails, lambda email: trim(email)), lambda email: email <> '')
            as emails,
        to_bool(is_company) as is_company,
        try_cast(date_created as timestamptz) as created_at,
        try_cast(last_update as timestamptz) as updated_at,
        _source as source_file,
        _source_row as source_row,
        _exported_at as observed_at,
        _load_id as load_id
    from raw.lacrm_contacts
)
select
    contact_id,
    'api' as contact_source,
    first_name,
    last_name,
    coalesce(nullif(concat_ws(' ', first_name, middle_name, last_name), ''), name_text) as full_name,
    company_name,
    emails,
    created_at,
    updated_at,
    source_file,
    source_row,
    observed_at,
    load_id
from api
where not coalesce(is_company, false)
union all
select
    contact_id,
    'csv' as contact_source,
    first_name,
    last_name,
    nullif(concat_ws(' ', first_name, last_name), '') as full_name,
    company_name,
    list_filter(
        list_transform(email_cells, lambda email: trim(email)),
        lambda email: email is not null and email <> ''
    ) as emails,
    created_at,
    updated_at,
    source_file,
    source_row,
    observed_at,
    load_id
from (
    select
        trim("Contact ID") as contact_id,
        nullif(trim("First Name"), '') as first_name,
        nullif(trim("Last Name"), '') as last_name,
        nullif(trim("Company Name"), '') as company_name,
        -- every column whose header starts with Email / E-mail, in table order (empty
        -- cells dropped below: *columns() cannot share an expression with `is not null`)
        cast(list_value(*columns('(?i)^\s*e-?mails?\b')) as varchar[]) as email_cells,
        coalesce(
            try_cast("Date Created" as timestamptz),
            cast(parse_wall_time("Date Created") as timestamptz)
        ) as created_at,
        coalesce(
            try_cast("Last Update" as timestamptz),
            cast(parse_wall_time("Last Update") as timestamptz)
        ) as updated_at,
        _source_file as source_file,
        _source_row as source_row,
        _exported_at as observed_at,
        _load_id as load_id
    from raw.lacrm_contacts_csv
)
where contact_id is not null and contact_id <> '';

-- The newest pull/export is the contact list; the last row of a contact in it wins.
create or replace temp table contacts as
with newest_load as (
    select load_id from contact_sightings order by observed_at desc, load_id desc limit 1
),
seen as (
    select contact_id, min(observed_at) as first_seen_at, max(observed_at) as last_seen_at
    from contact_sightings
    group by contact_id
)
select
    s.contact_id,
    s.contact_source,
    s.full_name,
    s.first_name,
    s.last_name,
    s.company_name,
    s.emails[1] as primary_email,
    s.emails,
    s.created_at,
    s.updated_at,
    seen.first_seen_at,
    seen.last_seen_at
from contact_sightings as s
inner join newest_load on s.load_id = newest_load.load_id
inner join seen on s.contact_id = seen.contact_id
qualify row_number() over (partition by s.contact_id order by s.source_row desc) = 1;

-- Every email text that gets normalized (contacts, overrides, invitees), normalized ONCE.
create or replace temp table override_rows as
select
    trim(o.email) as email,
    nullif(trim(o.contact_id), '') as contact_id,
    lower(trim(o.action)) as decision,
    o._source_row as source_row
from raw.lacrm_email_overrides as o
where o._load_id = (
    select max(load_id) from raw._load_manifest
    where raw_table = 'lacrm_email_overrides' and status in ('loaded', 'empty')
);

create or replace temp table email_normalized as
with texts as (
    select unnest(emails) as email_text from contact_sightings
    union
    select email from override_rows
    union
    select invitee_email from meetings
),
cleaned as (
    select
        email_text,
        trim(regexp_replace(replace(lower(email_text), 'mailto:', ''), '\s*@\s*', '@', 'g'))
            as cleaned
    from texts
    where email_text is not null
),
candidate as (
    select
        email_text,
        trim(
            coalesce(
                nullif(regexp_extract(cleaned, '<([^<>]*)>', 1), ''),
                nullif(regexp_extract(cleaned, '\(([^()]*@[^()]*)\)', 1), ''),
                regexp_replace(cleaned, '\([^()@]*\)', '', 'g')
            ),
            ' "''.,;'
        ) as address,
        len(list_distinct(list_transform(
            regexp_extract_all(cleaned, '[^\s<>()\[\]"'',;:]+@[^\s<>()\[\]"'',;:]+'),
            lambda found: trim(found, '.')
        ))) as distinct_addresses
    from cleaned
),
parts as (
    select
        c.email_text,
        split_part(c.address, '@', 1) as local_part,
        coalesce(
            a.canonical_domain,
            case split_part(c.address, '@', 2)
                when 'googlemail.com' then 'gmail.com'
                else split_part(c.address, '@', 2)
            end
        ) as domain_part
    from candidate as c
    left join seed_email_domain_aliases as a
        on case split_part(c.address, '@', 2)
            when 'googlemail.com' then 'gmail.com'
            else split_part(c.address, '@', 2)
        end = lower(trim(a.alias_domain))
    where
        c.distinct_addresses = 1
        and regexp_full_match(
            c.address,
            '[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*'
            || '@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+'
        )
)
select
    email_text,
    case
        when domain_part = 'gmail.com'
            then replace(split_part(local_part, '+', 1), '.', '') || '@gmail.com'
        else local_part || '@' || domain_part
    end as normalized
from parts;

-- One row per (normalized email, current contact): primary / secondary / historical.
create or replace temp table email_index as
with all_emails as (
    select
        contact_id,
        unnest(emails) as email,
        unnest(range(1, len(emails) + 1)) as email_position
    from contacts
),
kinds as (
    select contact_id, email, case when email_position = 1 then 1 else 2 end as kind_rank
    from all_emails
    union all
    select s.contact_id, unnest(s.emails) as email, 3 as kind_rank
    from contact_sightings as s
    where s.contact_id in (select contact_id from contacts)
)
select
    n.normalized as email_normalized,
    k.contact_id,
    case min(k.kind_rank) when 1 then 'primary' when 2 then 'secondary' else 'historical' end
        as email_kind,
    coalesce(
        list_sort(list_distinct(list(trim(k.email)) filter (where k.kind_rank < 3))), []
    ) as current_spellings
from kinds as k
inner join email_normalized as n on k.email = n.email_text
where trim(k.email) <> ''
group by n.normalized, k.contact_id;

-- The firm's decisions in force: latest file version, the later row of an email wins.
create or replace temp table overrides as
select
    coalesce(n.normalized, lower(trim(o.email))) as email_key,
    o.contact_id,
    o.decision
from override_rows as o
left join email_normalized as n on o.email = n.email_text
where o.email is not null and o.email <> ''
qualify row_number() over (
    partition by coalesce(n.normalized, lower(trim(o.email))) order by o.source_row desc
) = 1;

-- ---------------------------------------------------------------------------------------
-- Matching and classification, per distinct invitee email / event type (int_meetings__*)
-- ---------------------------------------------------------------------------------------
create or replace temp table invitee_matches as
with invitees as (
    select distinct invitee_email from meetings
),
keyed as (
    select
        i.invitee_email,
        n.normalized as invitee_email_normalized,
        coalesce(n.normalized, lower(trim(i.invitee_email))) as email_key,
        split_part(n.normalized, '@', 2) as invitee_domain
    from invitees as i
    left join email_normalized as n on i.invitee_email = n.email_text
),
index_hits as (
    select
        k.invitee_email,
        count(*) as candidate_count,
        list_sort(list(x.contact_id)) as candidate_contact_ids,
        any_value(x.contact_id) as contact_id,
        any_value(x.email_kind) as email_kind,
        bool_or(list_contains(x.current_spellings, trim(k.invitee_email))) as is_exact_spelling
    from keyed as k
    inner join email_index as x on k.invitee_email_normalized = x.email_normalized
    group by k.invitee_email
),
decided as (
    select
        k.*,
        coalesce(h.candidate_count, 0) as candidate_count,
        coalesce(h.candidate_contact_ids, []) as candidate_contact_ids,
        o.contact_id as override_contact_id,
        h.contact_id as index_contact_id,
        case
            when o.decision = 'match' then 'matched'
            when o.decision = 'ignore' then 'ignored'
            when d.email_domain is not null then 'internal'
            when k.invitee_email_normalized is null then 'invalid'
            when h.candidate_count = 1 then 'matched'
            when h.candidate_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status,
        case
            when o.decision = 'match' then 'manual'
            when o.decision = 'ignore' then null
            when d.email_domain is not null then null
            when coalesce(h.candidate_count, 0) <> 1 then null
            when h.email_kind = 'secondary' then 'secondary_email'
            when h.email_kind = 'historical' then 'historical_email'
            when h.is_exact_spelling then 'exact'
            else 'normalized'
        end as match_method
    from keyed as k
    left join overrides as o on k.email_key = o.email_key
    left join seed_internal_email_domains as d on k.invitee_domain = lower(trim(d.email_domain))
    left join index_hits as h on k.invitee_email = h.invitee_email
)
select
    invitee_email,
    invitee_email_normalized,
    email_key,
    case
        when match_method = 'manual' then override_contact_id
        when match_method is not null then index_contact_id
    end as contact_id,
    match_status,
    match_method,
    case match_method
        when 'manual' then 1.0
        when 'exact' then 1.0
        when 'normalized' then 0.95
        when 'secondary_email' then 0.9
        when 'historical_email' then 0.8
    end::double as match_confidence,
    case match_status
        when 'ambiguous' then 'ambiguous_email'
        when 'unmatched' then 'no_contact_with_email'
        when 'invalid' then 'invalid_email'
    end as review_reason,
    candidate_count,
    candidate_contact_ids
from decided;

-- Shared mailboxes (int_meetings__shared_email_names): among the contacts sharing a
-- meeting's email, the one the invitee's name identifies (full name, else a first name only
-- one sharer has, nicknames through the seed), if exactly one.
create or replace temp macro person_name_key(x) as
    trim(regexp_replace(regexp_replace(lower(strip_accents(x)), '[^a-z]+', ' ', 'g'), '\s+', ' ', 'g'));
create or replace temp table shared_email_names as
with shared as (
    select email_normalized, list(contact_id) as sharers
    from email_index group by email_normalized having count(*) > 1
),
contact_names as (
    select
        c.contact_id,
        person_name_key(c.first_name || ' ' || c.last_name) as full_name_key,
        coalesce(v.first_name, split_part(person_name_key(c.first_name), ' ', 1)) as first_key
    from contacts as c
    left join seed_first_name_variants as v
        on split_part(person_name_key(c.first_name), ' ', 1) = lower(trim(v.variant))
),
named as (
    select
        m.meeting_id,
        person_name_key(m.invitee_name) as full_name_key,
        unnest(sh.sharers) as contact_id
    from meetings as m
    inner join email_normalized as n on m.invitee_email = n.email_text
    inner join shared as sh on n.normalized = sh.email_normalized
),
keyed as (
    select
        named.*,
        coalesce(v.first_name, split_part(named.full_name_key, ' ', 1)) as first_key
    from named
    left join seed_first_name_variants as v
        on split_part(named.full_name_key, ' ', 1) = lower(trim(v.variant))
),
hits as (
    select
        k.meeting_id,
        count(*) filter (where k.full_name_key = c.full_name_key) as full_hits,
        any_value(k.contact_id) filter (where k.full_name_key = c.full_name_key) as full_contact,
        count(*) filter (where k.first_key = c.first_key) as first_hits,
        any_value(k.contact_id) filter (where k.first_key = c.first_key) as first_contact
    from keyed as k
    left join contact_names as c on k.contact_id = c.contact_id
    group by k.meeting_id
)
select
    meeting_id,
    case
        when full_hits = 1 then full_contact
        when full_hits = 0 and first_hits = 1 then first_contact
    end as contact_id
from hits;

-- Category per distinct (event type name, length): lowest priority number wins, then the
-- longest pattern, then the pattern's text; no rule -> 'other'.
create or replace temp table event_type_categories as
with types as (
    select distinct event_type_name, date_diff('minute', start_at, end_at) as duration_minutes
    from meetings
),
rules as (
    select
        lower(regexp_replace(trim(pattern), '\s+', ' ', 'g')) as pattern_key,
        lower(trim(match_kind)) as match_kind,
        meeting_category,
        cast(nullif(trim(priority), '') as integer) as priority,
        cast(nullif(trim(min_duration_minutes), '') as integer) as min_duration_minutes,
        cast(nullif(trim(max_duration_minutes), '') as integer) as max_duration_minutes
    from seed_meeting_type_rules
),
keyed as (
    select *, lower(regexp_replace(trim(event_type_name), '\s+', ' ', 'g')) as event_type_key
    from types
),
winner as (
    select k.event_type_name, k.duration_minutes, r.meeting_category
    from keyed as k
    inner join rules as r
        on case r.match_kind
            when 'exact' then k.event_type_key = r.pattern_key
            when 'prefix' then starts_with(k.event_type_key, r.pattern_key)
            when 'contains' then contains(k.event_type_key, r.pattern_key)
            when 'regex' then regexp_matches(k.event_type_key, r.pattern_key)
            else false
        end
        and (r.min_duration_minutes is null or k.duration_minutes >= r.min_duration_minutes)
        and (r.max_duration_minutes is null or k.duration_minutes <= r.max_duration_minutes)
    qualify row_number() over (
        partition by k.event_type_name, k.duration_minutes
        order by r.priority asc, length(r.pattern_key) desc, r.pattern_key asc
    ) = 1
)
select
    t.event_type_name,
    t.duration_minutes,
    coalesce(w.meeting_category, 'other') as meeting_category
from types as t
left join winner as w
    on t.event_type_name is not distinct from w.event_type_name
    and t.duration_minutes is not distinct from w.duration_minutes;

create or replace temp table matched as
select
    m.*,
    c.meeting_category,
    c.meeting_category = 'portfolio_review' as is_portfolio_review,
    case
        when m.is_rescheduled then 'rescheduled'
        when m.is_canceled then 'canceled'
        when m.is_no_show then 'no_show'
        when coalesce(m.end_at, m.start_at) is null then null
        when coalesce(m.end_at, m.start_at) <= getvariable('as_of') then 'completed'
        else 'scheduled'
    end as status,
    i.invitee_email_normalized,
    i.email_key,
    case when i.match_status <> 'ignored' and i.candidate_count > 1 and s.contact_id is not null
        then s.contact_id else i.contact_id end as contact_id,
    case when i.match_status <> 'ignored' and i.candidate_count > 1 and s.contact_id is not null
        then 'matched' else i.match_status end as match_status,
    case when i.match_status <> 'ignored' and i.candidate_count > 1 and s.contact_id is not null
        then 'shared_email_name' else i.match_method end as match_method,
    case when i.match_status <> 'ignored' and i.candidate_count > 1 and s.contact_id is not null
        then 0.85::double else i.match_confidence end as match_confidence,
    case when i.match_status <> 'ignored' and i.candidate_count > 1 and s.contact_id is not null
        then null else i.review_reason end as review_reason,
    i.candidate_count,
    i.candidate_contact_ids
from meetings as m
left join invitee_matches as i on m.invitee_email is not distinct from i.invitee_email
left join shared_email_names as s on m.meeting_id = s.meeting_id
left join event_type_categories as c
    on m.event_type_name is not distinct from c.event_type_name
    and date_diff('minute', m.start_at, m.end_at) is not distinct from c.duration_minutes;

-- ---------------------------------------------------------------------------------------
-- Marts
-- ---------------------------------------------------------------------------------------
create or replace table hand.fct_meetings as
select
    meeting_id,
    platform,
    platform_booking_id,
    platform_invitee_key,
    event_type_name,
    meeting_category,
    is_portfolio_review,
    start_at,
    end_at,
    cast(date_diff('minute', start_at, end_at) as integer) as duration_minutes,
    status,
    coalesce(is_canceled, false) as is_canceled,
    coalesce(is_no_show, false) as is_no_show,
    cancellation_reason,
    booked_at,
    location,
    host_name,
    host_email,
    invitee_name,
    invitee_email,
    invitee_time_zone,
    contact_id,
    invitee_email_normalized,
    match_method,
    match_confidence,
    source_file,
    first_exported_at,
    last_exported_at,
    cast(export_count as integer) as export_count,
    platform_event_type_id,
    coalesce(is_rescheduled, false) as is_rescheduled,
    coalesce(status != 'rescheduled', true) as is_counted,
    coalesce(
        has_invalid_start_at or has_invalid_end_at or has_end_before_start
        or has_missing_email or has_invalid_email,
        false
    ) as has_data_issue
from matched;

create or replace table hand.dim_contacts as
select
    contact_id,
    full_name,
    first_name,
    last_name,
    company_name,
    primary_email,
    emails,
    created_at,
    updated_at,
    first_seen_at,
    last_seen_at,
    contact_source
from contacts;

create or replace table hand.contact_meeting_metrics as
with per_contact as (
    select
        contact_id,
        count(*) as total_meetings,
        count(*) filter (where status = 'completed') as completed_meetings,
        count(*) filter (where status = 'canceled') as canceled_meetings,
        count(*) filter (where status = 'no_show') as no_show_meetings,
        count(*) filter (where status = 'scheduled') as scheduled_meetings,
        count(*) filter (where status = 'completed' and is_portfolio_review)
            as portfolio_reviews_completed,
        count(*) filter (
            where status = 'completed' and is_portfolio_review
            and start_at > getvariable('as_of') - interval 12 month
        ) as portfolio_reviews_last_12_months,
        min(start_at) filter (where status = 'completed') as first_meeting_at,
        max(start_at) filter (where status = 'completed') as last_meeting_at,
        max(start_at) filter (where status = 'completed' and is_portfolio_review)
            as last_portfolio_review_at,
        min(start_at) filter (where status = 'scheduled') as next_meeting_at,
        count(*) filter (where platform = 'calendly') as calendly_meetings,
        count(*) filter (where platform = 'calcom') as calcom_meetings
    from hand.fct_meetings
    where contact_id is not null and status is not null and is_counted and not has_data_issue
    group by contact_id
)
select
    c.contact_id,
    c.full_name,
    cast(coalesce(p.total_meetings, 0) as integer) as total_meetings,
    cast(coalesce(p.completed_meetings, 0) as integer) as completed_meetings,
    cast(coalesce(p.canceled_meetings, 0) as integer) as canceled_meetings,
    cast(coalesce(p.no_show_meetings, 0) as integer) as no_show_meetings,
    cast(coalesce(p.scheduled_meetings, 0) as integer) as scheduled_meetings,
    cast(coalesce(p.portfolio_reviews_completed, 0) as integer) as portfolio_reviews_completed,
    cast(coalesce(p.portfolio_reviews_last_12_months, 0) as integer)
        as portfolio_reviews_last_12_months,
    p.first_meeting_at,
    p.last_meeting_at,
    p.last_portfolio_review_at,
    cast(date_diff('day', p.last_meeting_at, getvariable('as_of')) as integer)
        as days_since_last_meeting,
    p.next_meeting_at,
    cast(p.canceled_meetings / nullif(p.total_meetings, 0) as double) as cancellation_rate,
    cast(
        p.no_show_meetings / nullif(p.completed_meetings + p.no_show_meetings, 0) as double
    ) as no_show_rate,
    cast(coalesce(p.calendly_meetings, 0) as integer) as calendly_meetings,
    cast(coalesce(p.calcom_meetings, 0) as integer) as calcom_meetings,
    getvariable('as_of') as metrics_as_of
from contacts as c
left join per_contact as p on c.contact_id = p.contact_id;

create or replace table hand.fct_meetings_monthly as
select
    cast(date_trunc('month', local_date(start_at)) as date) as meeting_month,
    meeting_category,
    platform,
    cast(count(*) as integer) as booked_meetings,
    cast(count(*) filter (where status = 'completed') as integer) as completed_meetings,
    cast(count(*) filter (where status = 'canceled') as integer) as canceled_meetings,
    cast(count(*) filter (where status = 'no_show') as integer) as no_show_meetings,
    cast(count(*) filter (where status = 'scheduled') as integer) as scheduled_meetings,
    cast(count(distinct contact_id) as integer) as unique_contacts,
    cast(count(*) filter (where contact_id is null) as integer) as unmatched_meetings
from hand.fct_meetings
where start_at is not null and is_counted and not has_data_issue
group by all;

-- Host x month x platform (marts/reporting): the meetings of fct_meetings_monthly by host. A
-- host is the lower-cased email; a name-only meeting takes the one email its name has
-- elsewhere (else stays under the name); no host at all -> `unknown host`. Latest name shown.
create or replace table hand.host_meetings_monthly as
with counted as (
    select
        *,
        nullif(lower(trim(host_email)), '') as email_key,
        nullif(trim(host_name), '') as name_clean,
        lower(nullif(trim(host_name), '')) as name_key
    from hand.fct_meetings
    where start_at is not null and is_counted and not has_data_issue
),
name_email as (
    select name_key, any_value(email_key) as email_key
    from counted
    where name_key is not null and email_key is not null
    group by name_key
    having count(distinct email_key) = 1
),
keyed as (
    select
        c.*,
        coalesce(c.email_key, n.email_key) as host_email,
        coalesce(c.email_key, n.email_key, 'name:' || c.name_key) as host_key
    from counted as c
    left join name_email as n on c.name_key = n.name_key
),
names as (
    select host_key, arg_max(name_clean, (start_at, meeting_id)) as host_name
    from keyed
    where host_key is not null
    group by host_key
),
monthly as (
    select
        host_key,
        host_email,
        cast(date_trunc('month', local_date(start_at)) as date) as meeting_month,
        platform,
        count(*) as booked,
        count(*) filter (where status = 'completed') as completed,
        count(*) filter (where status = 'canceled') as canceled,
        count(*) filter (where status = 'no_show') as no_show,
        count(*) filter (where status = 'scheduled') as scheduled,
        count(*) filter (where status = 'completed' and is_portfolio_review) as reviews,
        count(distinct contact_id) as contact_count
    from keyed
    group by all
)
select
    case when m.host_key is null then 'unknown host' else coalesce(n.host_name, m.host_email) end
        as host_name,
    m.host_email,
    m.meeting_month,
    m.platform,
    cast(m.booked as integer) as booked_meetings,
    cast(m.completed as integer) as completed_meetings,
    cast(m.canceled as integer) as canceled_meetings,
    cast(m.no_show as integer) as no_show_meetings,
    cast(m.scheduled as integer) as scheduled_meetings,
    cast(m.reviews as integer) as portfolio_reviews_completed,
    cast(m.contact_count as integer) as unique_contacts,
    cast(m.no_show / nullif(m.completed + m.no_show, 0) as double) as no_show_rate
from monthly as m
left join names as n on m.host_key = n.host_key;

-- One row per client (a current contact with a completed meeting): portfolio review due
-- 12 months (dbt var portfolio_review_interval_months) after the last completed review, else
-- after the first completed meeting; due_soon within 30 days (portfolio_review_due_soon_days).
create or replace table hand.portfolio_review_due as
with per_client as (
    select
        contact_id,
        min(start_at) filter (where status = 'completed') as first_meeting_at,
        max(start_at) filter (where status = 'completed' and is_portfolio_review)
            as last_portfolio_review_at,
        min(start_at) filter (where status = 'scheduled' and is_portfolio_review)
            as next_portfolio_review_at,
        arg_max_null(coalesce(host_name, host_email), (start_at, meeting_id))
            filter (where status = 'completed') as last_host_name
    from hand.fct_meetings
    where contact_id is not null and status is not null and is_counted and not has_data_issue
    group by contact_id
    having count(*) filter (where status = 'completed') > 0
),
dated as (
    select
        *,
        local_date(getvariable('as_of')) as as_of_date,
        cast(
            local_date(coalesce(last_portfolio_review_at, first_meeting_at)) + interval 12 month
            as date
        ) as review_due_on
    from per_client
)
select
    c.contact_id,
    c.full_name,
    c.primary_email,
    d.first_meeting_at,
    d.last_portfolio_review_at,
    d.next_portfolio_review_at,
    d.review_due_on,
    cast(greatest(d.as_of_date - d.review_due_on, 0) as integer) as days_overdue,
    case
        when d.next_portfolio_review_at is not null then 'scheduled'
        when d.review_due_on < d.as_of_date then 'overdue'
        when d.review_due_on <= d.as_of_date + 30 then 'due_soon'
        else 'ok'
    end as review_status,
    d.last_portfolio_review_at is null as has_never_had_review,
    d.last_host_name,
    getvariable('as_of') as as_of
from dated as d
inner join hand.dim_contacts as c on d.contact_id = c.contact_id;

create or replace table hand.unclassified_event_types as
select
    event_type_name,
    platform,
    cast(count(*) as integer) as meeting_count,
    min(start_at) as first_seen_at,
    max(start_at) as last_seen_at
from matched
where meeting_category = 'other'
group by platform, event_type_name;

-- Review queue: suggestions scored only for plausible pairs (the models' blocking): the
-- ambiguous email's contacts; contacts whose name shares two words with the invitee's name
-- (one-word names: that word); the same email local part; an email at the same domain when
-- at most 50 contacts use it. Contacts without an indexed email are never suggested.
create or replace table hand.orphaned_meetings as
with orphans as (
    select
        *,
        split_part(email_key, '@', 1) as invitee_local_part,
        nullif(split_part(email_key, '@', 2), '') as invitee_domain
    from matched
    where match_status in ('ambiguous', 'unmatched', 'invalid')
),
contact_emails as (
    select
        x.contact_id,
        split_part(x.email_normalized, '@', 1) as local_part,
        split_part(x.email_normalized, '@', 2) as email_domain
    from email_index as x
),
-- lower-case letter runs of 2+ characters, each once
words as (
    select
        'meeting' as entity,
        meeting_id as entity_id,
        list_sort(list_distinct(regexp_extract_all(lower(invitee_name), '\pL{2,}'))) as words
    from orphans
    union all
    select
        'contact',
        contact_id,
        list_sort(list_distinct(regexp_extract_all(lower(full_name), '\pL{2,}')))
    from contacts
    where contact_id in (select contact_id from contact_emails)
),
word_rows as (
    select entity, entity_id, len(words) as word_count, unnest(words) as word from words
),
-- a name's blocking keys: every pair of its words (a one-word name: that word)
name_keys as (
    select a.entity, a.entity_id, a.word || ' ' || b.word as name_key
    from word_rows as a
    inner join word_rows as b
        on a.entity = b.entity and a.entity_id = b.entity_id and a.word < b.word
    union all
    select entity, entity_id, word from word_rows where word_count = 1
),
small_domains as (
    select email_domain
    from contact_emails
    group by email_domain
    having count(distinct contact_id) <= 50
),
pairs as (
    select meeting_id, unnest(candidate_contact_ids) as contact_id
    from orphans
    union
    select m.entity_id, c.entity_id
    from name_keys as m
    inner join name_keys as c
        on m.name_key = c.name_key and m.entity = 'meeting' and c.entity = 'contact'
    union
    select o.meeting_id, e.contact_id
    from orphans as o
    inner join contact_emails as e on o.invitee_local_part = e.local_part
    union
    select o.meeting_id, e.contact_id
    from orphans as o
    inner join small_domains as d on o.invitee_domain = d.email_domain
    inner join contact_emails as e on o.invitee_domain = e.email_domain
),
pair_scores as (
    select
        p.meeting_id,
        p.contact_id,
        any_value(c.full_name) as contact_name,
        list_contains(any_value(o.candidate_contact_ids), p.contact_id) as is_candidate,
        coalesce(
            jaro_winkler_similarity(lower(any_value(o.invitee_name)), lower(any_value(c.full_name))),
            0
        ) as name_score,
        coalesce(max(jaro_winkler_similarity(o.invitee_local_part, e.local_part)), 0)
            as local_part_score,
        coalesce(max(case when o.invitee_domain = e.email_domain then 1 end), 0) as domain_score
    from pairs as p
    inner join orphans as o on p.meeting_id = o.meeting_id
    inner join contact_emails as e on p.contact_id = e.contact_id
    inner join contacts as c on p.contact_id = c.contact_id
    group by p.meeting_id, p.contact_id
),
ranked as (
    select
        meeting_id,
        contact_id,
        contact_name,
        round(0.6 * name_score + 0.25 * local_part_score + 0.15 * domain_score, 3) as score,
        row_number() over (
            partition by meeting_id
            order by
                is_candidate desc,
                round(0.6 * name_score + 0.25 * local_part_score + 0.15 * domain_score, 3) desc,
                contact_id
        ) as suggestion_rank
    from pair_scores
    where
        is_candidate
        or round(0.6 * name_score + 0.25 * local_part_score + 0.15 * domain_score, 3) >= 0.7
        or name_score >= 0.95
),
suggestions as (
    select
        meeting_id,
        max(contact_id) filter (where suggestion_rank = 1) as suggested_contact_id_1,
        max(contact_name) filter (where suggestion_rank = 1) as suggested_contact_name_1,
        max(score) filter (where suggestion_rank = 1) as suggestion_score_1,
        max(contact_id) filter (where suggestion_rank = 2) as suggested_contact_id_2,
        max(contact_name) filter (where suggestion_rank = 2) as suggested_contact_name_2,
        max(score) filter (where suggestion_rank = 2) as suggestion_score_2,
        max(contact_id) filter (where suggestion_rank = 3) as suggested_contact_id_3,
        max(contact_name) filter (where suggestion_rank = 3) as suggested_contact_name_3,
        max(score) filter (where suggestion_rank = 3) as suggestion_score_3
    from ranked
    where suggestion_rank <= 3
    group by meeting_id
)
select
    o.meeting_id,
    o.platform,
    o.start_at,
    o.event_type_name,
    o.is_canceled,
    o.host_email,
    o.invitee_name,
    o.invitee_email,
    o.invitee_email_normalized,
    o.email_key,
    o.review_reason as reason,
    cast(o.candidate_count as integer) as candidate_count,
    o.candidate_contact_ids,
    s.suggested_contact_id_1,
    s.suggested_contact_name_1,
    cast(s.suggestion_score_1 as double) as suggestion_score_1,
    s.suggested_contact_id_2,
    s.suggested_contact_name_2,
    cast(s.suggestion_score_2 as double) as suggestion_score_2,
    s.suggested_contact_id_3,
    s.suggested_contact_name_3,
    cast(s.suggestion_score_3 as double) as suggestion_score_3
from orphans as o
left join suggestions as s on o.meeting_id = s.meeting_id;

-- One row per problem of a landed export row (all occurrences, not only the latest state).
create or replace table hand.data_quality_issues as
with issues as (
    select *, 'invalid_start_at' as issue_code,
        'start date/time is missing or not a date' as issue_description,
        start_at_text as offending_value
    from meetings_all where has_invalid_start_at
    union all
    select *, 'invalid_end_at', 'end date/time is missing or not a date', end_at_text
    from meetings_all where has_invalid_end_at
    union all
    select *, 'end_before_start', 'the meeting ends before it starts',
        start_at_text || ' -> ' || end_at_text
    from meetings_all where has_end_before_start
    union all
    select *, 'missing_email', 'the invitee has no email', null
    from meetings_all where has_missing_email
    union all
    select *, 'invalid_email', 'the invitee email is not an address', invitee_email
    from meetings_all where has_invalid_email
)
select
    md5(concat_ws(
        '-',
        coalesce(i.platform, '_null_'),
        coalesce(cast(i.load_id as varchar), '_null_'),
        coalesce(cast(i.source_row as varchar), '_null_'),
        coalesce(i.platform_invitee_key, '_null_'),
        i.issue_code
    )) as data_quality_issue_id,
    i.issue_code,
    i.issue_description,
    i.offending_value,
    i.platform,
    i.source_file,
    cast(i.source_row as bigint) as source_row,
    cast(i.load_id as bigint) as load_id,
    i.exported_at,
    i.meeting_id,
    i.platform_booking_id,
    i.platform_invitee_key,
    i.invitee_name,
    m.meeting_id is not null as is_latest_state,
    getvariable('as_of') as detected_at
from issues as i
left join meetings as m
    on i.meeting_id = m.meeting_id and i.load_id = m.load_id and i.source_row = m.source_row;

-- ---------------------------------------------------------------------------------------
-- Monitoring: coverage, gaps, freshness of the exports (int_exports__*, marts/monitoring)
-- ---------------------------------------------------------------------------------------
create or replace table hand.export_coverage as
with per_file as (
    select
        load_id,
        min(local_date(start_at)) as coverage_start_date,
        max(local_date(start_at)) as coverage_end_date,
        count(distinct meeting_id) as bookings
    from meetings_all
    group by load_id
),
new_per_file as (
    select first_load_id as load_id, count(*) as new_bookings
    from meetings
    group by first_load_id
)
select
    l.load_id,
    l.platform,
    l.file_path,
    l.exported_at,
    l.exported_at_source,
    l.loaded_at,
    l.status as load_status,
    cast(l.row_count as bigint) as row_count,
    f.coverage_start_date,
    f.coverage_end_date,
    cast(coalesce(f.bookings, 0) as bigint) as bookings,
    cast(coalesce(n.new_bookings, 0) as bigint) as new_bookings,
    cast(coalesce(f.bookings, 0) - coalesce(n.new_bookings, 0) as bigint) as already_seen_bookings,
    f.coverage_start_date is not null as closes_gaps
from raw._load_manifest as l
left join per_file as f on l.load_id = f.load_id
left join new_per_file as n on l.load_id = n.load_id
where l.status in ('loaded', 'empty') and l.platform in ('calendly', 'calcom');

create or replace table hand.export_gaps as
with ordered as (
    select
        platform,
        file_path,
        coverage_start_date,
        max(coverage_end_date) over (
            partition by platform
            order by coverage_start_date, coverage_end_date, load_id
            rows between unbounded preceding and 1 preceding
        ) as covered_until
    from hand.export_coverage
    where coverage_start_date is not null
)
select
    platform,
    cast(covered_until + interval 1 day as date) as gap_start_date,
    cast(coverage_start_date - interval 1 day as date) as gap_end_date,
    cast(date_diff('day', covered_until, coverage_start_date) - 1 as integer) as gap_days,
    file_path as next_export_file
from ordered
where coverage_start_date > covered_until + interval 1 day;

create or replace table hand.export_freshness as
with latest_export as (
    select
        platform,
        max(exported_at) as last_exported_at,
        max(loaded_at) as last_loaded_at,
        max(coverage_end_date) as last_covered_date,
        count(*) as export_files
    from hand.export_coverage
    group by platform
),
gap_totals as (
    select platform, count(*) as gap_count, sum(gap_days) as gap_days
    from hand.export_gaps
    group by platform
),
measured as (
    select
        p.platform,
        l.last_exported_at,
        l.last_loaded_at,
        l.last_covered_date,
        local_date(l.last_exported_at) as export_since_date,
        coalesce(l.export_files, 0) as export_files,
        coalesce(g.gap_count, 0) as gap_count,
        coalesce(g.gap_days, 0) as gap_days,
        date_diff('day', l.last_exported_at, getvariable('as_of')) as days_since_last_export
    from (select unnest(['calendly', 'calcom']) as platform) as p
    left join latest_export as l on p.platform = l.platform
    left join gap_totals as g on p.platform = g.platform
)
select
    platform,
    last_exported_at,
    last_loaded_at,
    last_covered_date,
    export_since_date,
    cast(export_files as integer) as export_files,
    cast(gap_count as integer) as gap_count,
    cast(gap_days as integer) as gap_days,
    cast(days_since_last_export as integer) as days_since_last_export,
    8 as warn_after_days,
    15 as error_after_days,
    case
        when last_exported_at is null then 'never_exported'
        when days_since_last_export >= 15 then 'error'
        when days_since_last_export >= 8 then 'warn'
        else 'ok'
    end as freshness_status,
    getvariable('as_of') as as_of
from measured;
