"""`meetings contacts pull`: every LACRM contact (GetContacts, paged) into raw.lacrm_contacts.

All pages are fetched first; then the whole pull lands in one transaction (its rows and its
`raw._load_manifest` entry, or nothing). Each pull appends one row per contact, so the raw
table keeps every state a contact was seen in (emails a contact used to have included).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from loader.lacrm.client import LacrmClient, LacrmError
from loader.lacrm.raw_tables import LACRM_CONTACTS
from loader.land import MANIFEST, ensure_raw_tables, next_load_id
from loader.warehouse import connect

SOURCE = "lacrm-api/GetContacts"
# Stable order while paging: new contacts are appended at the end instead of shifting pages.
QUERY = {"RecordTypeFilter": "Contacts", "SortBy": "DateCreated", "SortDirection": "Ascending"}


@dataclass(frozen=True)
class ContactRow:
    """The flattened columns of one contact (text as LACRM sent it; JSON kept whole)."""

    contact_id: str
    is_company: str | None
    company_id: str | None
    assigned_to: str | None
    salutation: str | None
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    suffix: str | None
    name_text: str | None
    company_name: str | None
    job_title: str | None
    emails: list[str]
    email_types: list[str | None]
    date_created: str | None
    last_update: str | None
    contact_json: str


@dataclass(frozen=True)
class PullResult:
    load_id: int
    contacts: int
    requests: int
    skipped_companies: int


def _text(value: Any) -> str | None:
    """A JSON scalar as text (ids may be numbers: compare them as strings); '' -> None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


def _emails(value: Any) -> tuple[list[str], list[str | None]]:
    """Email values and types from a list of {Text, Type}, a list of strings or one string."""
    items = value if isinstance(value, list) else [value]
    emails: list[str] = []
    types: list[str | None] = []
    for item in items:
        text = _text(item.get("Text")) if isinstance(item, dict) else _text(item)
        if text is None:
            continue
        emails.append(text)
        types.append(_text(item.get("Type")) if isinstance(item, dict) else None)
    return emails, types


def flatten(contact: dict[str, Any]) -> ContactRow:
    """One GetContacts result -> the raw row. The JSON is kept whole in `contact_json`."""
    contact_id = _text(contact.get("ContactId"))
    if contact_id is None:
        raise LacrmError("GetContacts returned a contact without ContactId")
    name = contact.get("Name")
    parts = name if isinstance(name, dict) else {}
    emails, types = _emails(contact.get("Email"))
    return ContactRow(
        contact_id=contact_id,
        is_company=_text(contact.get("IsCompany")),
        company_id=_text(contact.get("CompanyId")),
        assigned_to=_text(contact.get("AssignedTo")),
        salutation=_text(parts.get("Salutation")),
        first_name=_text(parts.get("FirstName")),
        middle_name=_text(parts.get("MiddleName")),
        last_name=_text(parts.get("LastName")),
        suffix=_text(parts.get("Suffix")),
        name_text=_text(name),
        company_name=_text(contact.get("Company Name", contact.get("CompanyName"))),
        job_title=_text(contact.get("Job Title", contact.get("JobTitle"))),
        emails=emails,
        email_types=types,
        date_created=_text(contact.get("DateCreated")),
        last_update=_text(contact.get("LastUpdate")),
        contact_json=json.dumps(contact, ensure_ascii=False),
    )


def fetch_contacts(client: LacrmClient, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Every contact (companies left out), each once; and how many companies were skipped."""
    seen: set[str] = set()
    contacts: list[dict[str, Any]] = []
    companies = 0
    for item in client.paged("GetContacts", QUERY, page_size=page_size):
        if item.get("IsCompany") is True:  # defensive: the filter should already drop them
            companies += 1
            continue
        key = _text(item.get("ContactId")) or ""
        if key in seen:  # a contact created mid-pull can repeat across pages
            continue
        seen.add(key)
        contacts.append(item)
    return contacts, companies


def land_contacts(
    con: duckdb.DuckDBPyConnection, contacts: list[dict[str, Any]], pulled_at: datetime
) -> int:
    """Append one row per contact and the manifest entry in one transaction; the load id."""
    rows = [flatten(c) for c in contacts]
    payload = json.dumps(contacts, ensure_ascii=False, sort_keys=True).encode()
    con.execute("begin transaction")
    try:
        load_id = next_load_id(con)
        if rows:
            columns = list(ContactRow.__dataclass_fields__)
            select_list = ",\n".join(f"unnest(${c}) as {c}" for c in columns)
            params: dict[str, Any] = {c: [getattr(r, c) for r in rows] for c in columns}
            con.execute(
                f"""
                insert into {LACRM_CONTACTS} by name
                select
                    * replace (cast(contact_json as json) as contact_json),
                    row_number() over () as _source_row,
                    $source as _source,
                    $pulled_at::timestamptz as _exported_at,
                    current_timestamp as _loaded_at,
                    $load_id as _load_id
                from (select {select_list})
                """,
                {**params, "source": SOURCE, "pulled_at": pulled_at, "load_id": load_id},
            )
        con.execute(
            f"""
            insert into {MANIFEST} (
                load_id, file_path, file_name, sha256, platform, raw_table, status, row_count,
                file_size_bytes, exported_at, exported_at_source, loaded_at
            ) values (?, ?, ?, ?, 'lacrm', 'lacrm_contacts', ?, ?, ?, ?, 'api', current_timestamp)
            """,
            [
                load_id,
                SOURCE,
                "GetContacts",
                hashlib.sha256(payload).hexdigest(),
                "loaded" if rows else "empty",
                len(rows),
                len(payload),
                pulled_at,
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return load_id


def pull_contacts(client: LacrmClient, db_path: Path, page_size: int = 500) -> PullResult:
    """Fetch every contact, then land them all at once (nothing is written if a page fails)."""
    pulled_at = datetime.now(UTC)
    contacts, companies = fetch_contacts(client, page_size)
    with connect(db_path) as con:
        ensure_raw_tables(con)
        load_id = land_contacts(con, contacts, pulled_at)
    return PullResult(load_id, len(contacts), client.requests_sent, companies)
