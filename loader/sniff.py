"""Look at the first bytes of a file: what it is, its text encoding, delimiter and header.

Cheap on purpose: at most SNIFF_BYTES are read here. The rows themselves are read by DuckDB
(see csv_source.py); this only decides how DuckDB must be told to read them, because
DuckDB's own dialect sniffer can silently skip rows of a malformed file.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from loader.formats import detect

SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t")

# Encodings DuckDB's read_csv reads natively; any other is transcoded to UTF-8 first.
DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-16-le": "utf-16"}

ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16 (little-endian)",
    "utf-16-be": "UTF-16 (big-endian)",
    "cp1252": "Windows-1252",
}

# File signatures of things people save into the export folder by mistake.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (
        b"PK\x03\x04",
        "an Excel workbook (.xlsx) or another zip file",
        "in Excel use File > Save As > 'CSV UTF-8' and drop the .csv here",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Excel workbook (.xls)",
        "in Excel use File > Save As > 'CSV UTF-8' and drop the .csv here",
    ),
    (
        b"%PDF",
        "a PDF document",
        "download the CSV export from the platform instead",
    ),
    (
        b"{\\rtf",
        "a Word/RTF document",
        "download the CSV export from the platform instead",
    ),
)


@dataclass(frozen=True)
class Dialect:
    """How to read a CSV export: its text encoding, delimiter and header cells."""

    encoding: str
    """Python codec name: utf-8, utf-16-le, utf-16-be or cp1252."""
    delimiter: str
    header: tuple[str, ...]
    """Header cells as in the file (byte order mark removed), original spelling."""
    bom: bool = False

    @property
    def duckdb_encoding(self) -> str | None:
        """The read_csv `encoding` option, or None when the file must be transcoded first."""
        return DUCKDB_ENCODINGS.get(self.encoding)

    @property
    def encoding_label(self) -> str:
        """e.g. 'Windows-1252', 'UTF-8 with BOM'."""
        name = ENCODING_LABELS.get(self.encoding, self.encoding)
        return f"{name} with BOM" if self.bom and self.encoding == "utf-8" else name

    @property
    def delimiter_label(self) -> str:
        return "tab" if self.delimiter == "\t" else f"'{self.delimiter}'"

    @property
    def is_plain(self) -> bool:
        """UTF-8 without byte order mark, comma-delimited: what the platforms export."""
        return self.encoding == "utf-8" and not self.bom and self.delimiter == ","

    @property
    def label(self) -> str:
        """Human description, e.g. "Windows-1252, ';'-delimited"."""
        return f"{self.encoding_label}, {self.delimiter_label}-delimited"


@dataclass(frozen=True)
class NotCsv:
    """The file is not a readable CSV export: the problem and what to do about it."""

    problem: str
    action: str

    @property
    def reason(self) -> str:
        return f"{self.problem} — {self.action}"


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def file_type(head: bytes) -> NotCsv | None:
    """A NotCsv when the first bytes say the file is a workbook, PDF, web page or binary."""
    for magic, what, action in _MAGIC:
        if head.startswith(magic):
            return NotCsv(f"not a CSV file: it is {what}", action)
    start = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:15].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return NotCsv(
            "not a CSV file: it is a web page (the download probably failed)",
            "export the CSV from the platform again",
        )
    return None


def detect_encoding(head: bytes) -> tuple[str, bool] | NotCsv:
    """(codec, has byte order mark) from the first bytes, or NotCsv for binary content.

    A byte order mark decides; otherwise NUL bytes mean UTF-16 (Excel "Unicode text"),
    valid UTF-8 means UTF-8, and anything else is read as Windows-1252 (Excel's "CSV" on
    Windows). discover.py re-checks UTF-8 over the whole file while hashing it.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", True
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", True
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > len(odd) // 3 and even.count(0) == 0:
            return "utf-16-le", False
        if even.count(0) > len(even) // 3 and odd.count(0) == 0:
            return "utf-16-be", False
        return NotCsv("not a text file (it contains binary data)", "export the CSV again")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252", False
    return "utf-8", False


def decode_head(head: bytes, encoding: str, bom: bool) -> str:
    """The sniffed bytes as text (an incomplete last character is dropped, not an error)."""
    if bom:
        head = head[3:] if encoding == "utf-8" else head[2:]
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=False)


def first_record(text: str, delimiter: str) -> list[str]:
    """The first CSV record of `text` (the header), with quotes and embedded newlines handled."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    for row in reader:
        if any(cell.strip() for cell in row):
            return row
    return []


def choose_delimiter(text: str) -> tuple[str, list[str]]:
    """The delimiter under which the header is a known export; else the one with most columns.

    European Excel saves `;`-delimited files; Excel "Unicode text" is tab-delimited.
    """
    headers = {d: first_record(text, d) for d in DELIMITERS}
    for delimiter, header in headers.items():
        if detect(header) is not None:
            return delimiter, header
    best = max(DELIMITERS, key=lambda d: len(headers[d]))  # first wins ties: comma
    return best, headers[best]


def sniff(path: Path, encoding: str | None = None) -> Dialect | NotCsv:
    """How to read `path` as CSV, from its first SNIFF_BYTES (`encoding` forces a codec)."""
    head = read_head(path)
    problem = file_type(head)
    if problem is not None:
        return problem
    if encoding is None:
        found = detect_encoding(head)
        if isinstance(found, NotCsv):
            return found
        encoding, bom = found
    else:
        bom = False
    delimiter, header = choose_delimiter(decode_head(head, encoding, bom))
    if not header:
        return NotCsv("no header row (the file is blank)", "export it again")
    return Dialect(encoding, delimiter, tuple(header), bom)
