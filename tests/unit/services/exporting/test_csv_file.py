"""CSV files as Excel and Python's csv module read them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crmdesk.errors import CrmError
from crmdesk.services import clients, exporting, settings
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.services.exporting import ExportFormat
from crmdesk.services.spreadsheet_cells import neutralised, restored
from crmdesk.store.database import Database


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_a_csv_has_a_bom_the_columns_chosen_and_every_script(
    db: Database, people: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "clients.csv"
    columns = ["family_name", "given_name", "company", "phone", "birthday", "street", "notes"]
    done = exporting.export_clients(db, people, out, ExportFormat.CSV, columns=columns)
    assert done.clients == len(people)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = _rows(out)
    assert list(rows[0]) == ["Family name", "Given name", "Company", "Phone", "Birthday",
                             "Street", "Notes"]  # fmt: skip
    by_family = {r["Family name"]: r for r in rows}
    for family in ("Wróbel", "Nguyễn", "Παπαδοπούλου", "Смирнова", "العلي", "כהן", "山田",
                   "ใจดี", "शर्मा"):  # fmt: skip
        assert family in by_family
    assert by_family["Wróbel"]["Birthday"] == "'--04-15"  # no year; never a formula
    assert by_family["Nguyễn"]["Birthday"] == "1980-03-22"
    assert by_family["Wróbel"]["Street"] == "1 Long Street\nFlat 2, back; door"  # one cell
    assert by_family["Смирнова"]["Notes"] == "Likes tea, not coffee; Ольга\nSecond line \\ end"
    # a phone in international form is kept readable: the apostrophe marks it as text
    phone = by_family["Wróbel"]["Phone"]
    assert phone == "'+44 7911 123400" and phone.removeprefix("'") == "+44 7911 123400"


@pytest.mark.parametrize(
    ("typed", "cell"),
    [
        ("=HYPERLINK(\"http://evil.example\",\"Click\")", "'=HYPERLINK(\"http://evil.example\",\"Click\")"),
        ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("Anna = Anne", "Anna = Anne"), ("", ""),
    ],
)  # fmt: skip
def test_a_cell_that_would_be_a_formula_is_neutralised(typed: str, cell: str) -> None:
    assert neutralised(typed) == cell
    assert restored(cell) == typed  # read back, as it was typed


def test_an_export_reads_back_without_the_formula_guard(
    db: Database, people: list[str], tmp_path: Path
) -> None:
    """Importing crmdesk's own CSV gives the phone and the yearless birthday as they were,
    not "'+44 …" (an apostrophe a person typed before other text is kept)."""
    from crmdesk.services.importing import open_import

    out = tmp_path / "clients.csv"
    columns = ["family_name", "given_name", "phone", "birthday", "notes"]
    exporting.export_clients(db, people, out, ExportFormat.CSV, columns=columns)
    read = {c.family_name: c for c in open_import(out, locale="en_GB").contacts()}
    assert [p.value for p in read["Wróbel"].phones] == ["+44 7911 123400"]
    birthday = read["Wróbel"].birthday
    assert birthday is not None and (birthday.month, birthday.day, birthday.year) == (4, 15, None)
    assert restored("'Tis the season") == "'Tis the season"


def test_a_formula_typed_as_a_name_is_written_as_text(db: Database, tmp_path: Path) -> None:
    settings.set_phone_region(db, "GB")
    form = ClientForm(
        given_name='=cmd|" /C calc"!A0', family_name="@Webber", company="-Minus Ltd",
        phones=[Labelled("mobile", "07911 123456")],
    )  # fmt: skip
    cid = str(clients.create_client(db, form).created_id)
    out = tmp_path / "x.csv"
    exporting.export_clients(db, [cid], out, ExportFormat.CSV, columns=["given_name",
                             "family_name", "company", "phone"])  # fmt: skip
    [row] = _rows(out)
    assert row == {"Given name": "'=cmd|\" /C calc\"!A0", "Family name": "'@Webber",
                   "Company": "'-Minus Ltd", "Phone": "07911 123456"}  # fmt: skip


def test_an_unknown_column_or_no_clients_is_refused_and_writes_nothing(
    db: Database, people: list[str], tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "x.csv"
    with pytest.raises(exporting.ExportError, match="No column “shoe_size”"):
        exporting.export_clients(db, people, out, ExportFormat.CSV, columns=["shoe_size"])
    with pytest.raises(exporting.ExportError, match="no clients"):
        exporting.export_clients(db, [], out, ExportFormat.CSV)
    assert list(out.parent.iterdir()) == []


def test_a_cancelled_export_leaves_no_file_and_an_old_one_as_it_was(
    db: Database, people: list[str], tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "x.csv"
    out.write_text("the old export")
    with pytest.raises(exporting.Cancelled):
        exporting.export_clients(db, people, out, ExportFormat.CSV, progress=lambda n, t: n < 3)
    assert out.read_text() == "the old export"
    assert list(out.parent.iterdir()) == [out]  # no temporary file left


def test_clients_chosen_by_tag_search_or_id_and_never_from_the_trash(
    db: Database, people: list[str]
) -> None:
    assert set(exporting.choose_clients(db, tag="vip")) == set(people[1::2])
    assert exporting.choose_clients(db, search="Смирнова") == [people[3]]
    assert exporting.choose_clients(db, client_ids=[people[2]]) == [people[2]]
    clients.delete_client(db, people[0])
    assert people[0] not in exporting.choose_clients(db)
    assert len(exporting.choose_clients(db)) == len(people) - 1
    with pytest.raises(CrmError, match="The tags are: newsletter, VIP"):
        exporting.choose_clients(db, tag="no such tag")
