"""How a CSV export is read: DuckDB's own CSV reader, every column as text, dialect pinned.

The dialect (encoding, delimiter, header) comes from sniff.py, and DuckDB's sniffer is
switched off: with it on, a malformed file can be read with the wrong dialect and rows
silently skipped. With it off and strict mode on, a malformed row fails the whole file.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from loader.errors import MeetingsError
from loader.sniff import Dialect, NotCsv, sniff

TRANSCODE_CHUNK = 1 << 20


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def position_column(index: int) -> str:
    """DuckDB's name for the file's column at 0-based `index` (names are positional: the
    file's own header may be blank or repeated; land.py maps positions to raw columns)."""
    return f"c{index + 1}"


def sniff_or_fail(path: Path) -> Dialect:
    found = sniff(path)
    if isinstance(found, NotCsv):
        raise MeetingsError(found.reason)
    return found


def read_csv_sql(path: Path, dialect: Dialect | None = None) -> str:
    """A `read_csv(...)` table function call returning the file's data rows as text columns
    c1..cN (header row skipped). `path` must be UTF-8 or UTF-16LE: see `readable()`."""
    dialect = dialect or sniff_or_fail(path)
    columns = ", ".join(
        f"{sql_literal(position_column(i))}: 'VARCHAR'" for i in range(len(dialect.header))
    )
    encoding = dialect.duckdb_encoding or "utf-8"  # transcoded files are UTF-8
    return (
        f"read_csv({sql_literal(str(path))}, header = true, auto_detect = false,"
        f" columns = {{{columns}}}, delim = {sql_literal(dialect.delimiter)},"
        " quote = '\"', escape = '\"', strict_mode = true, null_padding = false,"
        f" ignore_errors = false, encoding = {sql_literal(encoding)})"
    )


@contextmanager
def readable(path: Path, dialect: Dialect) -> Iterator[Path]:
    """A path DuckDB can read: the file itself, or a temporary UTF-8 copy for encodings
    DuckDB cannot read (Windows-1252, UTF-16 big-endian). Streams; never loads the file."""
    if dialect.duckdb_encoding is not None:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="meetings-transcode-") as tmp:
        target = Path(tmp) / "utf8.csv"
        try:
            with (
                path.open("r", encoding=dialect.encoding, newline="") as src,
                target.open("w", encoding="utf-8", newline="") as dst,
            ):
                if dialect.bom:
                    src.read(1)
                while chunk := src.read(TRANSCODE_CHUNK):
                    dst.write(chunk)
        except UnicodeDecodeError as exc:
            raise MeetingsError(
                f"not valid {dialect.encoding_label} text (byte 0x{exc.object[exc.start]:02x})"
                " — open it in Excel, use File > Save As > 'CSV UTF-8' and drop it again"
            ) from exc
        yield target


_ROW = re.compile(r"CSV Error on Line: (\d+)")
_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def explain_csv_error(exc: duckdb.Error, dialect: Dialect) -> str:
    """One line `problem — what to do` for DuckDB's multi-line CSV error.

    DuckDB's "Line" counts records from the header (= the row number Excel shows).
    """
    text = str(exc)
    row_match = _ROW.search(text)
    where = f"row {row_match.group(1)}" if row_match else "a row"
    count = _COUNT.search(text)
    if "unterminated quote" in text:
        return (
            f"{where}: a quoted value never ends, the file looks truncated (cut off while"
            " saving or copying) — export it again"
        )
    if count:
        expected, found = int(count.group(1)), int(count.group(2))
        if found < expected:
            return (
                f"{where} has {found} of {expected} columns, the file looks truncated or"
                " was edited by hand — export it again"
            )
        return (
            f"{where} has {found} values but the header has {expected} (a value with an"
            f" unquoted {dialect.delimiter_label}?) — export it again without editing"
        )
    if "unicode" in text.lower() or "encoded" in text.lower():
        return (
            f"{where} is not valid {dialect.encoding_label} text — open it in Excel,"
            " use File > Save As > 'CSV UTF-8' and drop it again"
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"cannot read as CSV: {first} — export it again"
