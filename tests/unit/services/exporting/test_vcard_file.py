"""vCards written and read back: by vobject (a real parser) and by crmdesk's own import."""

from __future__ import annotations

from pathlib import Path

import pytest
import vobject

from crmdesk.model.partial_date import PartialDate
from crmdesk.services import clients, exporting
from crmdesk.services.exporting import ExportFormat
from crmdesk.services.importing import open_import
from crmdesk.store.database import Database


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_every_client_comes_back_the_same_through_crmdesks_import(
    db: Database, people: list[str], tmp_path: Path, version: str
) -> None:
    out = tmp_path / "clients.vcf"
    done = exporting.export_clients(
        db, exporting.choose_clients(db), out, ExportFormat.VCARD, vcard_version=version
    )
    assert done.clients == len(people)
    # read back by the import's reader, as a file someone dropped on an empty database
    read = {c.display_name: c for c in open_import(out).contacts()}
    assert len(read) == len(people)
    for cid in people:
        record = clients.get_client(db, cid)
        got = read[record.display_name]
        assert got.problems == ()
        assert (got.given_name, got.family_name, got.company) == (
            record.given_name, record.family_name, record.company,
        )  # fmt: skip
        assert [(p.value, p.label) for p in got.phones] == [
            (p.number, p.label) for p in record.phones
        ]
        assert [(e.value, e.label) for e in got.emails] == [
            (e.address, e.label) for e in record.emails
        ]
        [address] = got.addresses
        assert (address.street, address.city, address.postcode, address.country) == (
            record.street, record.city, record.postcode, record.country,
        )  # fmt: skip
        assert got.birthday == record.birthday  # a yearless one stays yearless
        assert list(got.groups) == list(record.tags)
        assert len(got.notes) == 1 and got.notes[0].startswith("Likes tea, not coffee; ")
        assert got.notes[0].endswith("\nSecond line \\ end")
    wroclaw = read["Łukasz Wróbel"]
    assert wroclaw.birthday == PartialDate(4, 15) and wroclaw.birthday.year is None
    assert [(d.label, d.when) for d in wroclaw.dates] == [
        ("Wedding anniversary", PartialDate(11, 29, 2019))
    ]
    assert read["Σοφία Παπαδοπούλου"].birthday == PartialDate(2, 29)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vobject_parses_the_file_and_the_birthdays_claim_no_year(
    db: Database, people: list[str], tmp_path: Path, version: str
) -> None:
    out = tmp_path / "clients.vcf"
    exporting.export_clients(db, people, out, ExportFormat.VCARD, vcard_version=version)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded
    cards = list(vobject.readComponents(raw.decode("utf-8")))
    assert [c.version.value for c in cards] == [version] * len(people)
    by_name = {c.fn.value: c for c in cards}
    assert set(by_name) >= {"Σοφία Παπαδοπούλου", "太郎 山田", "देव शर्मा", "สมชาย ใจดี"}
    yearless = by_name["Łukasz Wróbel"].bday
    if version == "4.0":
        assert yearless.value == "--0415"
    else:
        assert yearless.value == "1604-04-15"
        assert yearless.params["X-APPLE-OMIT-YEAR"] == ["1604"]
    assert "1900" not in raw.decode() and "1904" not in raw.decode()
    company = by_name["Webber & Daughters; Fine Paper, Ltd"]
    assert company.org.value == ["Webber & Daughters; Fine Paper, Ltd"]
    note = by_name["Ольга Смирнова"].note.value
    assert note == "Likes tea, not coffee; Ольга\nSecond line \\ end"
