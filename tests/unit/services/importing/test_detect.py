"""Encodings and formats found from the content, not the extension."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from crmdesk.services.importing import FileKind, ImportFileError, open_import
from crmdesk.services.importing.detect import detect_encoding


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Müller".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "Müller".encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + "Müller".encode("utf-16-be"), "utf-16"),
        ("Name,Müller\r\n".encode("utf-16-le"), "utf-16-le"),
        ("Name,Müller\r\n".encode("utf-16-be"), "utf-16-be"),
        ("Name;Müller;Weiß\r\n".encode(), "utf-8"),
        ("Name;Müller;Weiß;Núñez\r\n".encode("cp1252"), "cp1252"),
        ("Фамилия;Имя\r\nИванова;Ольга\r\nСмирнов;Пётр\r\n".encode("cp1251"), "cp1251"),
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    assert detect_encoding(data).name == encoding


def test_utf8_cut_in_the_middle_of_a_character_at_the_end_of_the_sample() -> None:
    assert detect_encoding("Müller".encode()[:2], complete=False).name == "utf-8"


def test_a_shop_with_another_code_page() -> None:
    data = "Nom;Prénom\r\nDvořák;Jiří\r\n".encode("cp1250")
    assert detect_encoding(data, legacy="cp1250").name == "cp1250"


def test_the_content_decides_not_the_extension(tmp_path: Path) -> None:
    vcard = tmp_path / "contacts.csv"
    vcard.write_text("\n\nBEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n")
    calendar = tmp_path / "birthdays.txt"
    calendar.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n")
    table = tmp_path / "clients.vcf"
    table.write_text("Name,Phone\nA,1\n")
    assert open_import(vcard).kind is FileKind.VCARD
    assert open_import(calendar).kind is FileKind.ICALENDAR
    assert open_import(table).kind is FileKind.CSV


def test_files_that_are_not_contacts_are_refused_with_their_name(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"  \r\n")
    with pytest.raises(ImportFileError, match=r"empty\.csv: is empty"):
        open_import(empty)
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x00\x00" * 50)
    with pytest.raises(ImportFileError, match=r"photo\.jpg: is not a text file"):
        open_import(binary)
    with pytest.raises(ImportFileError, match="cannot be read"):
        open_import(tmp_path / "missing.csv")
