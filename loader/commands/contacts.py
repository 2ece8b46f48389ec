"""`meetings contacts pull`: LACRM contacts into the warehouse (the contact index's input)."""

from __future__ import annotations

from typing import Annotated

import typer

from loader.cli_common import DbOption, console, user_errors
from loader.lacrm.client import MAX_PAGE_SIZE, ClientSettings, LacrmClient
from loader.lacrm.contacts import pull_contacts
from loader.settings import Settings

app = typer.Typer(
    help="LACRM contacts: pull them from the API into raw.lacrm_contacts.",
    no_args_is_help=True,
)


@app.command()
def pull(
    db: DbOption = None,
    page_size: Annotated[
        int,
        typer.Option(
            "--page-size",
            min=1,
            max=MAX_PAGE_SIZE,
            help="Contacts per GetContacts page (MaxNumberOfResults).",
        ),
    ] = 500,
) -> None:
    """Pull every LACRM contact (GetContacts, paged) into raw.lacrm_contacts.

    Needs LACRM_API_KEY; LACRM_BASE_URL (default https://api.lessannoyingcrm.com/v2/) and
    LACRM_REQUESTS_PER_MINUTE (default 120) are optional. Each pull appends one row per
    contact in one transaction and is listed in raw._load_manifest. Run `meetings build`
    (or `meetings run`) afterwards to rebuild the contact index and the matching.
    """
    config = Settings.resolve(db=db)
    with user_errors("contacts pull"):
        client_settings = ClientSettings.from_env()
        with LacrmClient(client_settings) as client:
            result = pull_contacts(client, config.db, page_size)
    skipped = f", {result.skipped_companies} companies skipped" if result.skipped_companies else ""
    console.print(
        f"pulled {result.contacts:,} contacts in {result.requests} request(s){skipped}"
        f" -> raw.lacrm_contacts (load {result.load_id})",
        highlight=False,
    )
