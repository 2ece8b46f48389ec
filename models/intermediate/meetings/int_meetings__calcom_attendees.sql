-- Cal.com exports one row per booking with its attendees in `attendeeN` columns
-- (`Name (email)`). Unpivot them to one row per attendee, the position N taken from the
-- column name, so attendee4+ that a later export adds are picked up without a code change.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail'
) }}

with

bookings as (

    select * from {{ ref('stg_calcom__bookings') }}
    where {{ new_loads_only() }}

),

attendee_cells as (

    unpivot (
        select
            load_id,
            source_row,
            columns('^attendee_\d+$')
        from bookings
    )
    on columns('^attendee_\d+$')
    into name attendee_column value attendee_text

),

phone_cells as (

    unpivot (
        select
            load_id,
            source_row,
            columns('^attendee_phone_\d+$')
        from bookings
    )
    on columns('^attendee_phone_\d+$')
    into name phone_column value attendee_phone

),

-- The same cell text (a regular client) repeats across bookings and weekly exports: each
-- distinct text is parsed once, then joined back.
distinct_texts as (

    select distinct attendee_text
    from attendee_cells

),

parsed_texts as (

    select
        attendee_text,
        {{ email_in_parentheses('attendee_text') }} as attendee_email
    from distinct_texts

),

keyed_texts as (

    select
        attendee_text,
        attendee_email,
        -- the key is deliberately simple (lower + trim); matching to CRM contacts
        -- normalizes further. An attendee without an email is keyed by the cell text.
        lower(coalesce(attendee_email, trim(attendee_text))) as attendee_key,
        -- the name is what precedes `(email)`; a bare email cell has no name
        nullif(
            nullif(trim(regexp_replace(attendee_text, '\([^()]*@[^()]*\)\s*$', '')), ''),
            attendee_email
        ) as attendee_name
    from parsed_texts

),

keyed as (

    select
        attendee_cells.load_id,
        attendee_cells.source_row,
        cast(regexp_extract(attendee_cells.attendee_column, '(\d+)$', 1) as integer)
            as attendee_position,
        attendee_cells.attendee_text,
        keyed_texts.attendee_email,
        keyed_texts.attendee_key,
        keyed_texts.attendee_name
    from attendee_cells
    inner join keyed_texts
        on attendee_cells.attendee_text = keyed_texts.attendee_text

),

-- the same person listed twice in one booking is one meeting: the first position wins
-- (an aggregate over the narrow key, then a join, not a window over whole rows)
first_positions as (

    select
        load_id,
        source_row,
        attendee_key,
        min(attendee_position) as attendee_position
    from keyed
    group by load_id, source_row, attendee_key

),

with_no_show as (

    select
        keyed.*,
        bookings.booking_uid,
        phone_cells.attendee_phone,
        -- noShowGuests lists the no-show attendees as `Name (email); Name (email)`;
        -- older exports only flag the booker (attendee 1) in the boolean noShowGuest.
        coalesce(
            list_contains(
                list_transform(
                    string_split(bookings.no_show_guests, ';'),
                    -- `entry` is the lambda's parameter, not a column
                    lambda entry: lower(  -- noqa: RF02
                        coalesce({{ email_in_parentheses('entry') }}, trim(entry))  -- noqa: RF02
                    )
                ),
                keyed.attendee_key
            ),
            false
        )
        or (keyed.attendee_position = 1 and coalesce(bookings.is_booker_no_show, false))
            as is_no_show
    from keyed
    inner join first_positions
        on
            keyed.load_id = first_positions.load_id
            and keyed.source_row = first_positions.source_row
            and keyed.attendee_key = first_positions.attendee_key
            and keyed.attendee_position = first_positions.attendee_position
    inner join bookings
        on
            keyed.load_id = bookings.load_id
            and keyed.source_row = bookings.source_row
    left join phone_cells
        on
            keyed.load_id = phone_cells.load_id
            and keyed.source_row = phone_cells.source_row
            and keyed.attendee_position
            = cast(regexp_extract(phone_cells.phone_column, '(\d+)$', 1) as integer)

),

final as (

    select
        -- ids
        load_id,
        source_row,
        booking_uid,
        attendee_key,

        -- attendee
        attendee_position,
        attendee_name,
        attendee_email,
        attendee_phone,
        attendee_text,
        is_no_show

    from with_no_show

)

select * from final
