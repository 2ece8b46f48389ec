"""Raw tables filled from the LACRM API (not from files): created with the other raw tables so
the dbt staging views compile before the first pull."""

from __future__ import annotations

import duckdb

LACRM_CONTACTS = "raw.lacrm_contacts"

# One row per contact per pull. The full JSON object is kept in `contact_json`; the other
# columns are flattened from it as text, exactly as LACRM sent them (staging casts).
LACRM_CONTACTS_DDL = f"""
create table if not exists {LACRM_CONTACTS} (
    contact_id varchar not null,
    is_company varchar,
    company_id varchar,
    assigned_to varchar,
    salutation varchar,
    first_name varchar,
    middle_name varchar,
    last_name varchar,
    suffix varchar,
    name_text varchar,
    company_name varchar,
    job_title varchar,
    emails varchar[],
    email_types varchar[],
    date_created varchar,
    last_update varchar,
    contact_json json not null,
    _source varchar not null,
    _source_row bigint not null,
    _exported_at timestamptz not null,
    _loaded_at timestamptz not null,
    _load_id bigint not null
)
"""


def ensure_lacrm_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the API-fed raw tables if missing (the raw schema must exist)."""
    con.execute(LACRM_CONTACTS_DDL)
