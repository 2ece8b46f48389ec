"""Everyone who books: LACRM contacts, prospects the CRM does not know, and the firm's staff.

One `people` table, person ids: [0, contacts) are LACRM contacts, then prospects, then staff
(who only book `Team Sync`). Email addresses are unique even after the usual normalisation
(lower case, Gmail dots removed, googlemail.com = gmail.com), so a correct matcher can find
exactly one contact for every variant the exports use -- except for the couples
`share_mailboxes` makes on purpose (one address, two contacts, each booking in their name).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from loader.synth import vocab
from loader.synth.sql import lit, pick, str_list


def prospect_count(contacts: int) -> int:
    """People who book but are not (yet) in the CRM."""
    return max(20, contacts // 4)


def _local(value: datetime) -> str:
    """SQL timestamp literal of an aware datetime's wall-clock time."""
    return f"{lit(value.replace(tzinfo=None).isoformat(sep=' '))}::timestamp"


def create_people(
    con: duckdb.DuckDBPyConnection, contacts: int, history_start: datetime, last_export: datetime
) -> None:
    """Create the `people` table (contacts + prospects + staff)."""
    n_people = contacts + prospect_count(contacts)
    companies = str_list(c for c, _ in vocab.COMPANIES)
    domains = str_list(d for _, d in vocab.COMPANIES)
    span_s = int((last_export - history_start).total_seconds()) + 2 * 365 * 86400
    con.execute(
        f"""
        create or replace table people_base as
        with drawn as (
            select
                i as person_id,
                i < {contacts} as is_contact,
                {pick(vocab.FIRST_NAMES, "i", "first")} as first_name,
                {pick(vocab.LAST_NAMES, "i", "last")} as last_name,
                case when u(i, 'has_company') < 0.6
                    then 1 + (hs(i, 'company') % {len(vocab.COMPANIES)})::int
                end as company_no,
                u(i, 'pattern') as pattern,
                u(i, 'work_first') as work_first,
                u(i, 'second') as second,
                {pick(vocab.PERSONAL_DOMAINS, "i", "dom1")} as personal1,
                {pick(vocab.PERSONAL_DOMAINS, "i", "dom2")} as personal2,
                {pick(vocab.TIME_ZONES, "i", "tz")} as time_zone,
                {pick(vocab.JOB_TITLES, "i", "job")} as job_title,
                {_local(history_start)} - interval 730 days
                    + to_seconds((u(i, 'created') * {span_s})::bigint) as created_local
            from range({n_people}) as t(i)
        ),
        slugs as (
            select
                *,
                lower(regexp_replace(first_name, '[^A-Za-z]', '', 'g')) as f,
                lower(regexp_replace(last_name, '[^A-Za-z]', '', 'g')) as l,
                {companies}[company_no] as company_name,
                {domains}[company_no] as company_domain
            from drawn
        )
        select
            *,
            case
                when pattern < 0.50 then f || '.' || l
                when pattern < 0.70 then f || l
                when pattern < 0.85 then f[1] || l
                else f || '_' || l
            end as local1,
            case
                when company_domain is not null and work_first < 0.35 then company_domain
                else personal1
            end as domain1,
            case when second < 0.30 then
                case when company_domain is not null and work_first >= 0.35
                    then f || '.' || l else f[1] || '.' || l || (1950 + (pattern * 50)::int)
                end
            end as local2,
            case when second < 0.30 then
                case
                    when company_domain is not null and work_first >= 0.35 then company_domain
                    when personal2 <> personal1 then personal2
                    else 'icloud.com'
                end
            end as domain2
        from slugs
        """
    )
    # Make every address unique after normalisation (dots dropped, googlemail -> gmail):
    # a later duplicate gets the person id appended, which nothing else can produce.
    con.execute(
        """
        create or replace table people_emails as
        with slots as (
            select person_id, 1 as slot, local1 as local, domain1 as domain from people_base
            union all
            select person_id, 2, local2, domain2 from people_base where local2 is not null
        ),
        ranked as (
            select
                *,
                row_number() over (
                    partition by replace(local, '.', ''),
                        replace(domain, 'googlemail.com', 'gmail.com')
                    order by person_id, slot
                ) as rn
            from slots
        )
        select
            person_id,
            slot,
            case when rn > 1 then local || person_id::varchar else local end
                || '@' || domain as email
        from ranked
        """
    )
    hosts = vocab.HOSTS
    first = str_list(h.name.split()[0] for h in hosts)
    last = str_list(h.name.split()[1] for h in hosts)
    con.execute(
        f"""
        create or replace table people as
        select
            b.person_id,
            case when b.is_contact then 'contact' else 'prospect' end as kind,
            b.first_name,
            b.last_name,
            b.first_name || ' ' || b.last_name as full_name,
            e1.email as email,
            e2.email as email2,
            b.time_zone,
            b.company_no,
            b.company_name,
            b.company_domain,
            b.job_title,
            b.created_local
        from people_base as b
        inner join people_emails as e1 on e1.person_id = b.person_id and e1.slot = 1
        left join people_emails as e2 on e2.person_id = b.person_id and e2.slot = 2
        union all
        select
            {n_people} + h - 1,
            'staff',
            {first}[h],
            {last}[h],
            {first}[h] || ' ' || {last}[h],
            {str_list(x.email for x in hosts)}[h],
            null,
            'Eastern Time - US & Canada',
            null,
            {lit(vocab.FIRM_NAME)},
            {lit(vocab.FIRM_DOMAIN)},
            'Advisor',
            {_local(history_start)} - interval 1000 days
        from range(1, {len(hosts) + 1}) as t(h)
        order by 1
        """
    )
    con.execute("drop table people_base")
    con.execute("drop table people_emails")


def share_mailboxes(con: duckdb.DuckDBPyConnection, couples: int, contacts: int) -> None:
    """Make `couples` pairs of contacts share one mailbox: contact 2k+1 (every
    `contacts // couples`-th pair) takes contact 2k's email and last name and loses its
    second address, so both are LACRM contacts with the same email and each books under
    their own name (some pairs share a first name too, as real couples rarely do)."""
    step = max(2, (contacts // couples) // 2 * 2)
    con.execute(
        f"""
        update people
        set
            email = partner.email,
            email2 = null,
            last_name = partner.last_name,
            full_name = people.first_name || ' ' || partner.last_name
        from (
            select person_id + 1 as spouse_id, email, last_name
            from people
            where kind = 'contact' and person_id % {step} = 0 and person_id + 1 < {contacts}
            order by person_id
            limit {couples}
        ) as partner
        where people.person_id = partner.spouse_id
        """
    )


def _contact_id(key: str) -> str:
    """SQL for a 31-digit LACRM id string (never a number) derived from `key`."""
    return (
        f"'3' || lpad((hs({key}, 'cid1') % 1000000000000000)::varchar, 15, '0')"
        f" || lpad((hs({key}, 'cid2') % 1000000000000000)::varchar, 15, '0')"
    )


def create_contacts(con: duckdb.DuckDBPyConnection, last_export: datetime) -> None:
    """`crm_contacts` (people known to LACRM) and `crm_companies` (company records)."""
    users = [h.lacrm_user_id for h in vocab.HOSTS]
    personal = str_list(sorted({*vocab.PERSONAL_DOMAINS, "icloud.com"}))
    con.execute(
        f"""
        create or replace table crm_contacts as
        select
            {_contact_id("person_id")} as contact_id,
            person_id,
            first_name,
            last_name,
            company_no,
            company_name,
            job_title,
            -- staff typed a few addresses with capitals; matching must not care
            case when u(person_id, 'crm_case') < 0.05
                then upper(email[1]) || email[2:] else email end as email,
            case when list_contains({personal}, split_part(email, '@', 2))
                then 'Personal' else 'Work' end as email_type,
            email2,
            case when list_contains({personal}, split_part(email2, '@', 2))
                then 'Personal' else 'Work' end as email2_type,
            {pick(users, "person_id", "owner")} as assigned_to,
            case when u(person_id, 'phone') < 0.7
                then '(617) 555-' || lpad((hs(person_id, 'phone_no') % 10000)::varchar, 4, '0')
            end as phone,
            least(created_local, {_local(last_export)}) as created_local,
            least(
                created_local + to_days((u(person_id, 'upd') * 400)::int),
                {_local(last_export)}
            ) as updated_local
        from people
        where kind = 'contact'
        """
    )
    con.execute(
        f"""
        create or replace table crm_companies as
        select
            {_contact_id("'company' || company_no")} as contact_id,
            company_no,
            any_value(company_name) as company_name,
            min(created_local) as created_local,
            {pick(users, "company_no", "company_owner")} as assigned_to
        from crm_contacts
        where company_no is not null
        group by company_no
        """
    )
    row = con.execute(
        """
        select count(*) - count(distinct contact_id)
        from (select contact_id from crm_contacts union all select contact_id from crm_companies)
        """
    ).fetchone()
    if row is None or row[0] != 0:  # 10^30 id space: would mean a broken hash
        raise RuntimeError("synthetic LACRM contact ids collided; use another seed")


def _iso_offset(local: str) -> str:
    """ISO 8601 with the New York offset of that day (ny_offsets from loader.synth.bookings)."""
    return (
        f"strftime({local}, '%Y-%m-%dT%H:%M:%S') || (select case when any_value(utc_minus_local)"
        f" = 240 then '-04:00' else '-05:00' end from ny_offsets where day = {local}::date)"
    )


def write_contacts_json(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Contacts (and their companies) shaped like LACRM `GetContacts` results, as a JSON list."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"""
        copy (
            with people_records as (
                select
                    c.contact_id as "ContactId",
                    false as "IsCompany",
                    c.assigned_to as "AssignedTo",
                    co.contact_id as "CompanyId",
                    {{
                        'Salutation': '', 'FirstName': c.first_name, 'MiddleName': '',
                        'LastName': c.last_name, 'Suffix': ''
                    }} as "Name",
                    c.company_name as "Company Name",
                    case when c.company_no is not null then c.job_title end as "Job Title",
                    list_filter([
                        {{'Text': c.email, 'Type': c.email_type}},
                        {{'Text': c.email2, 'Type': c.email2_type}}
                    ], x -> x."Text" is not null) as "Email",
                    list_filter([{{'Text': c.phone, 'Type': 'Mobile'}}], x -> x."Text" is not null)
                        as "Phone",
                    '' as "Background Info",
                    {_iso_offset("c.created_local")} as "DateCreated",
                    {_iso_offset("c.updated_local")} as "LastUpdate",
                    c.created_local as sort_at,
                    c.contact_id as sort_id
                from crm_contacts as c
                left join crm_companies as co on co.company_no = c.company_no
            ),
            company_records as (
                select
                    contact_id,
                    true,
                    assigned_to,
                    null,
                    null,
                    company_name,
                    null,
                    [],
                    [],
                    '',
                    {_iso_offset("created_local")},
                    {_iso_offset("created_local")},
                    created_local,
                    contact_id
                from crm_companies
            )
            select * exclude (sort_at, sort_id)
            from (select * from people_records union all select * from company_records)
            order by sort_at, sort_id
        ) to {lit(str(path))} (format json, array true)
        """
    )
    row = con.execute("select count(*) from crm_contacts").fetchone()
    return int(row[0]) if row else 0


def write_contacts_csvs(
    con: duckdb.DuckDBPyConnection, folder: Path, last_export: datetime, exports: int
) -> list[Path]:
    """LACRM contact CSV exports (companies are not in them), one a week, the newest at
    `last_export`: each lists the contacts created by then, with the emails they had then.
    One contact in ten moved its primary email within those weeks (from a personal address at
    some provider); exports before the move show the old address, which the pipeline must
    keep as a historical email. With one export there is no earlier week: current emails."""
    folder.mkdir(parents=True, exist_ok=True)
    # the move: a day 1 .. 7 * (exports - 1) days before the newest export
    window_days = 7 * (exports - 1)
    moved = f"{_local(last_export)} - to_days((u(person_id, 'moved_at') * {window_days})::int + 1)"
    old_domain = pick(sorted(vocab.PERSONAL_DOMAINS), "person_id", "old_email_domain")
    con.execute(
        f"""
        create or replace temp table contact_emails_then as
        select
            contact_id,
            case when email is not null and u(person_id, 'email_moved') < 0.1
                then {moved} end as email_moved_local,
            -- unique: the person id is part of it
            split_part(email, '@', 1) || '.old' || person_id || '@' || {old_domain} as old_email
        from crm_contacts
        """
    )
    paths: list[Path] = []
    for weeks_back in range(exports):
        at = last_export - timedelta(weeks=weeks_back)
        path = folder / f"contacts-export-{at.date().isoformat()}.csv"
        con.execute(
            f"""
            copy (
                select
                    c.contact_id as "Contact ID",
                    c.first_name as "First Name",
                    c.last_name as "Last Name",
                    c.company_name as "Company Name",
                    case when e.email_moved_local > {_local(at)} then e.old_email else c.email end
                        as "Email",
                    c.email2 as "Email 2",
                    strftime(c.created_local, '%Y-%m-%d %H:%M:%S') as "Date Created"
                from crm_contacts as c
                inner join contact_emails_then as e on c.contact_id = e.contact_id
                where c.created_local <= {_local(at)}
                order by c.created_local, c.contact_id
            ) to {lit(str(path))} (header true)
            """
        )
        paths.append(path)
    return paths
