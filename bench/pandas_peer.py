"""What a user would write instead of this pipeline: one plain pandas script.

Reads the Calendly export(s) in a folder and the LACRM contact CSV export, keeps one row per
booking (Event UUID + Invitee UUID, the newest export winning; in one file, the last row),
lower-cases and trims the emails, matches contacts by exact email (any of the contact's email
columns) and writes per-contact totals (total, completed, canceled, no-show) to a CSV.
`make bench` times it against `meetings load` + `meetings run` on the same files
(bench/run.py, measure_pandas_peer). Idiomatic pandas as a competent user would write it:
nothing here is tuned to make it slow or fast.

    python bench/pandas_peer.py --calendly data/calendly \
        --contacts data/lacrm/contacts-export.csv --out contact_totals.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

KEY = ["Event UUID", "Invitee UUID"]
START_FORMAT = "%Y-%m-%d %I:%M %p"  # "2025-03-03 05:00 pm"


def read_bookings(folder: Path) -> pd.DataFrame:
    """Every Calendly export in `folder`, oldest first (their names carry the export time),
    one row per booking: the row of the newest export that has it."""
    exports = [pd.read_csv(path, dtype=str) for path in sorted(folder.glob("*.csv"))]
    bookings = pd.concat(exports, ignore_index=True)
    bookings = bookings.drop_duplicates(subset=KEY, keep="last")
    bookings["email"] = bookings["Invitee Email"].str.lower().str.strip()
    return bookings


def read_contact_emails(path: Path) -> pd.DataFrame:
    """(Contact ID, email): every email column of the LACRM contact export, normalised like
    the bookings' emails; an address shared by two contacts goes to the first."""
    contacts = pd.read_csv(path, dtype=str)
    email_columns = [c for c in contacts.columns if c.startswith("Email")]
    emails = contacts.melt(id_vars="Contact ID", value_vars=email_columns, value_name="email")
    emails["email"] = emails["email"].str.lower().str.strip()
    emails = emails.dropna(subset=["email"]).drop_duplicates(subset="email")
    return emails[["Contact ID", "email"]]


def contact_totals(bookings: pd.DataFrame, emails: pd.DataFrame) -> pd.DataFrame:
    """Per matched contact: meetings in total, completed (held, in the past), canceled and
    no-shows."""
    matched = bookings.merge(emails, on="email", how="inner")
    start = pd.to_datetime(matched["Start Date & Time"], format=START_FORMAT)
    matched["canceled"] = matched["Canceled"].str.lower() == "true"
    matched["no_show"] = matched["Marked as No-Show"] == "Yes"
    matched["completed"] = ~matched["canceled"] & ~matched["no_show"] & (start < pd.Timestamp.now())
    return (
        matched.groupby("Contact ID")
        .agg(
            total=("Event UUID", "size"),
            completed=("completed", "sum"),
            canceled=("canceled", "sum"),
            no_show=("no_show", "sum"),
        )
        .reset_index()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calendly", type=Path, required=True, help="folder of Calendly CSVs")
    parser.add_argument("--contacts", type=Path, required=True, help="LACRM contact CSV export")
    parser.add_argument("--out", type=Path, required=True, help="per-contact totals (CSV)")
    args = parser.parse_args()
    bookings = read_bookings(args.calendly)
    totals = contact_totals(bookings, read_contact_emails(args.contacts))
    totals.to_csv(args.out, index=False)
    # One line for the bench's note: what was read, kept and matched.
    print(f"{len(bookings)} bookings {int(totals['total'].sum())} matched {len(totals)} contacts")


if __name__ == "__main__":
    main()
