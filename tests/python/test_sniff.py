"""Sniffing the first bytes: file type, encoding, delimiter, header."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from loader.sniff import Dialect, NotCsv, detect_encoding, file_type, sniff

HEADER = "Invitee Name,Invitee Email,Event Type Name,Event UUID,Invitee UUID"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (codecs.BOM_UTF8 + b"a,b\n", ("utf-8", True)),
        (codecs.BOM_UTF16_LE + "a\tb".encode("utf-16-le"), ("utf-16-le", True)),
        (codecs.BOM_UTF16_BE + "a\tb".encode("utf-16-be"), ("utf-16-be", True)),
        ("a\tb\r\n".encode("utf-16-le"), ("utf-16-le", False)),  # no BOM: NUL pattern
        ("a\tb\r\n".encode("utf-16-be"), ("utf-16-be", False)),
        ("José,Zoë\n".encode(), ("utf-8", False)),
        ("José,Zoë\n".encode("cp1252"), ("cp1252", False)),
        ("é".encode()[:1], ("utf-8", False)),  # a character cut at the end of the sample
    ],
)
def test_encoding_from_the_first_bytes(head: bytes, expected: tuple[str, bool]) -> None:
    assert detect_encoding(head) == expected


def test_binary_content_is_not_text() -> None:
    found = detect_encoding(b"\x00\x01\x02\x00\x00\x07binary")
    assert isinstance(found, NotCsv)
    assert found.reason == "not a text file (it contains binary data) — export the CSV again"


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"PK\x03\x04rest", "an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0rest", "an old Excel workbook (.xls)"),
        (b"%PDF-1.4", "a PDF document"),
        (b"\n  <!DOCTYPE html><html>", "a web page"),
    ],
)
def test_file_type_from_magic_bytes(head: bytes, what: str) -> None:
    found = file_type(head)
    assert isinstance(found, NotCsv)
    assert what in found.problem
    assert found.action


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_the_one_that_makes_a_known_header(tmp_path: Path, delimiter: str) -> None:
    # Commas inside the data rows must not fool a ';' or tab file.
    header = HEADER.replace(",", delimiter)
    path = tmp_path / "x.csv"
    path.write_text(f"{header}\nLee, Ann{delimiter}a@x.com{delimiter}Review, annual\n")
    found = sniff(path)
    assert isinstance(found, Dialect)
    assert found.delimiter == delimiter
    assert found.header == tuple(HEADER.split(","))


def test_header_with_quotes_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(codecs.BOM_UTF8 + b'"Invitee Name","Event Type Name",Invitee UUID\r\n')
    found = sniff(path)
    assert isinstance(found, Dialect)
    assert found.header == ("Invitee Name", "Event Type Name", "Invitee UUID")
    assert found.label == "UTF-8 with BOM, ','-delimited"
    assert not found.is_plain


def test_blank_file_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\r\n\r\n")
    found = sniff(path)
    assert isinstance(found, NotCsv)
    assert found.reason == "no header row (the file is blank) — export it again"
