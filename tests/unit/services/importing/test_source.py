"""One door for every format: open_import, progress while reading, and stopping early (what
Cancel does) leaves no file open."""

from __future__ import annotations

import gc
from pathlib import Path

from crmdesk.services.importing import FileKind, open_import
from tests.import_helpers import FIXTURES


def _cards(tmp_path: Path, count: int) -> Path:
    file = tmp_path / "many.vcf"
    with file.open("w", encoding="utf-8", newline="") as f:
        for i in range(count):
            f.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:+49 30 {i:06d}\r\n")
            f.write("NOTE:" + "n" * 200 + "\r\nEND:VCARD\r\n")
    return file


def test_progress_goes_from_0_to_1_while_cards_are_read(tmp_path: Path) -> None:
    source = open_import(_cards(tmp_path, 2_000))
    assert source.kind is FileKind.VCARD and source.progress == 0.0
    seen = []
    for number, contact in enumerate(source.contacts(), 1):
        if number % 500 == 0:
            seen.append(source.progress)
        assert contact.origin.number == number
    assert seen == sorted(seen) and 0 < seen[0] < seen[-1] <= 1.0
    assert source.progress == 1.0


def test_stopping_early_closes_the_file(tmp_path: Path) -> None:
    for path in (
        _cards(tmp_path, 50),
        FIXTURES / "generated/outlook-de.csv",
        FIXTURES / "generated/birthdays.ics",
    ):
        contacts = open_import(path).contacts()
        next(contacts)
        contacts.close()  # Cancel: nothing more is read, and nothing is left open
        del contacts
        gc.collect()  # a file left open would warn here, and warnings fail the suite


def test_a_source_can_be_read_again() -> None:
    source = open_import(FIXTURES / "generated/google-old.csv")
    first = list(source.contacts())
    assert list(source.contacts()) == first
