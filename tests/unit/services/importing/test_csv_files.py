"""Tables from Google, Outlook in six languages, Thunderbird, Excel and any spreadsheet,
read as the preview will show them."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from crmdesk.services.importing import (
    ColumnTarget,
    Field,
    FileKind,
    Labelled,
    PartialDate,
    PostalAddress,
    open_import,
)
from tests.import_helpers import problems, read


def test_google_old_layout_with_several_values_in_one_cell() -> None:
    [tom], source = read("generated/google-old.csv")
    assert source.kind is FileKind.CSV and source.table is not None
    assert source.table.delimiter == ","
    assert (tom.given_name, tom.family_name, tom.display_name) == ("Tom", "Becker", "Tom Becker")
    # " ::: " joins two numbers of one type; "* Home" marks the preferred email
    assert tom.phones == (
        Labelled("+49 171 111", "mobile"),
        Labelled("+49 171 222", "mobile"),
        Labelled("040 123", "work"),
    )
    assert tom.emails == (Labelled("tom@example.de", "home", preferred=True),)
    assert tom.addresses == (
        PostalAddress("home", "Am Hafen 1", city="Hamburg", postcode="20457", country="Germany"),
    )
    assert tom.birthday == PartialDate(9, 30, 1971)
    assert tom.groups == ("Stammkunden",)  # not Google's own "myContacts"
    assert ("Hobby", "Angeln") in tom.extras  # a column that maps to nothing is kept
    assert tom.problems == ()


def test_google_current_layout() -> None:
    sofia, shop = read("generated/google-current.csv")[0]
    assert (sofia.given_name, sofia.family_name) == ("Sofia", "Rossi")
    assert sofia.birthday == PartialDate(3, 22, None)  # Google's --03-22: no year invented
    assert sofia.notes == ('Likes "espresso", not tea,\nsecond line',)
    assert sofia.emails == (Labelled("sofia@example.it", "work", preferred=True),)
    assert sofia.addresses[0].region == "RM"
    assert [(d.label, d.when) for d in sofia.dates] == [("anniversary", PartialDate(5, 15, 2010))]
    assert ("Shoe size", "38") in sofia.extras  # a custom field under its own label
    assert sofia.groups == ("VIP",)
    # the row after a cell holding a new line starts on line 4
    assert shop.origin.line == 4 and shop.origin.number == 2
    assert shop.company == "Ferramenta Bianchi" and shop.name == "Ferramenta Bianchi"


def test_outlook_english_in_windows_1252() -> None:
    [mary], source = read("generated/outlook-en.csv")
    assert source.encoding.name == "cp1252"
    assert (mary.salutation, mary.given_name, mary.family_name) == ("Mrs.", "Mary", "O'Neill")
    assert mary.phones == (
        Labelled("(217) 555-0101", "home"),
        Labelled("(217) 555-0199", "mobile"),
    )
    assert mary.birthday == PartialDate(4, 15, 1975)
    assert mary.dates == ()  # Outlook's empty date 0/0/00 is no date, and no problem
    assert mary.notes == ("Café au lait, no sugar",)
    assert ("Spouse", "Patrick") in mary.extras
    assert mary.problems == ()
    mapping = source.mapping
    assert mapping is not None
    assert "E-mail Display Name" in mapping.not_imported()


@pytest.mark.parametrize(
    ("language", "locale", "given", "family", "birthday", "anniversary"),
    [
        ("de", "de_DE", "Jürgen", "Weiß", PartialDate(4, 15, 1975), None),
        ("fr", "fr_FR", "Hélène", "Lefèvre", PartialDate(3, 22, 1980), None),
        ("es", "es_ES", "José", "Núñez García", PartialDate(7, 3, 1968), PartialDate(10, 12, 1995)),
        ("nl", "nl_NL", "Joost", "Dijk", PartialDate(2, 1, 1970), None),
        ("it", "it_IT", "Giulia", "Esposito", PartialDate(12, 25, 1982), None),
    ],
)
def test_outlook_localised_headers_semicolons_and_code_page(
    language: str,
    locale: str,
    given: str,
    family: str,
    birthday: PartialDate,
    anniversary: PartialDate | None,
) -> None:
    [person], source = read(f"generated/outlook-{language}.csv", locale=locale)
    assert source.table is not None and source.table.delimiter == ";"
    assert (person.given_name, person.family_name) == (given, family)
    assert person.birthday == birthday
    assert [d.when for d in person.dates] == ([anniversary] if anniversary else [])
    assert {p.label for p in person.phones} >= {"home", "mobile"}
    assert len(person.emails) == 1
    [home] = [a for a in person.addresses if a.label == "home"]
    assert home.street and home.city and home.postcode and home.country
    assert person.problems == ()


def test_outlook_german_everything_in_its_place() -> None:
    [jurgen], _ = read("generated/outlook-de.csv", locale="de_DE")
    assert jurgen.phones == (
        Labelled("0221 11111", "work"),
        Labelled("089 22222", "home"),
        Labelled("0171 33333", "mobile"),
        Labelled("0221 44444", "work fax"),
    )
    assert [a.label for a in jurgen.addresses] == ["work", "home"]
    assert jurgen.addresses[1] == PostalAddress(
        "home", "Großer Garten 7", city="München", postcode="80331", country="Deutschland"
    )
    assert jurgen.dates == ()  # Jahrestag 0.0.00
    assert ("Lieblingsfarbe", "Grün") in jurgen.extras


def test_thunderbird_birthday_in_three_columns_without_a_year() -> None:
    [lars], _ = read("generated/thunderbird.csv")
    assert lars.display_name == "Lars Nilsson"
    assert lars.birthday == PartialDate(3, 22, None)
    assert lars.emails == (Labelled("lars@example.se"), Labelled("lars.n@example.se"))
    assert lars.addresses[0].postcode == "111 22"
    assert ("Custom 1", "Size M") in lars.extras


@pytest.mark.parametrize("name", ["excel-unicode-text.txt", "utf16-no-bom.tsv"])
def test_excel_unicode_text_is_utf16_with_tabs(name: str) -> None:
    contacts, source = read(f"generated/{name}")
    assert source.table is not None and source.table.delimiter == "\t"
    assert [(c.given_name, c.family_name) for c in contacts] == [
        ("Łukasz", "Kowalski"),
        ("Σοφία", "Παπαδοπούλου"),
        ("太郎", "山田"),
    ]
    assert contacts[0].birthday == PartialDate(11, 2, 1990)
    assert contacts[2].birthday is None
    assert contacts[1].addresses[0].city == "Αθήνα"


@pytest.mark.parametrize("name", ["excel-windows-1252.csv", "excel-sep-line.csv"])
def test_excel_csv_in_a_code_page_and_its_problem_with_the_line(name: str) -> None:
    jorg, barbel = read(f"generated/{name}", locale="de_DE")[0]
    # "Name" beside "Vorname" is the family name
    assert (jorg.given_name, jorg.family_name) == ("Jörg", "Müller")
    assert jorg.birthday == PartialDate(3, 22, 1980)
    first_row = 3 if name == "excel-sep-line.csv" else 2
    assert jorg.origin.line == first_row
    assert barbel.birthday is None
    assert problems(barbel) == [
        (
            first_row + 1,
            "Geburtstag: “30.02.1980” is not a date (February has no day 30); kept as a fact",
        )
    ]
    assert ("Geburtstag", "30.02.1980") in barbel.extras


def test_a_cyrillic_code_page_is_found_by_charset_normalizer() -> None:
    olga, petr = read("generated/excel-windows-1251.csv")[0]
    assert (olga.given_name, olga.family_name) == ("Ольга", "Иванова")
    assert petr.addresses[0].city == "Санкт-Петербург"


def test_pipes_are_a_delimiter_too() -> None:
    [ana], source = read("generated/pipes.txt")
    assert source.table is not None and source.table.delimiter == "|"
    assert (ana.given_name, ana.family_name) == ("Ana", "Silva")


def test_quoted_cells_with_commas_quotes_and_new_lines() -> None:
    anna, bob = read("generated/quoted-cells.csv")[0]
    assert anna.family_name == "Smith, Jr."
    assert anna.notes == ('She said "call me Annie"\nand prefers email,\nalways',)
    # Bob's row starts on line 5: Anna's note took three lines
    assert bob.origin.line == 5
    assert problems(bob) == [(5, "Birthday: “not a date” is not a date; kept as a fact")]


def test_a_changed_mapping_is_applied() -> None:
    source = open_import(Path(__file__).parents[3] / "fixtures/import/generated/pipes.txt")
    assert source.mapping is not None
    source.mapping = source.mapping.with_target(2, ColumnTarget(Field.PHONE, "mobile"))
    [ana] = list(source.contacts())
    assert ana.phones == (Labelled("+351 912 345 678", "mobile"),)
    source.mapping = source.mapping.with_target(2, ColumnTarget(Field.SKIP))
    [ana] = list(source.contacts())
    assert ana.phones == () and ana.extras == ()


def test_ten_thousand_rows_stream_with_flat_memory(tmp_path: Path) -> None:
    file = tmp_path / "big.csv"
    note = "x" * 300
    with file.open("w", encoding="utf-8", newline="") as f:
        f.write("First Name,Last Name,Email,Phone,Notes\r\n")
        for i in range(10_000):
            f.write(f"Given{i},Family{i},p{i}@example.com,+49 30 {i:06d},{note}\r\n")
    assert file.stat().st_size > 3_000_000
    source = open_import(file)
    seen = 0
    last = None
    tracemalloc.start()
    try:
        for contact in source.contacts():
            seen, last = seen + 1, contact
            if seen == 5_000:
                assert 0.3 < source.progress < 0.7
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 10_000
    assert last is not None
    assert last.name == "Given9999 Family9999" and last.origin.line == 10_001
    assert source.progress == 1.0
    assert peak < 1_000_000, f"reading kept {peak} bytes: it does not stream"


def test_a_table_without_a_header_row(tmp_path: Path) -> None:
    file = tmp_path / "list.csv"
    file.write_text(
        "Anna Berg;anna@example.com;+49 30 1234567\nTom Lee;tom@example.com;030 7654321\n"
    )
    source = open_import(file)
    assert source.table is not None and not source.table.has_header
    assert source.mapping is not None
    assert source.mapping.headers == ("Column 1", "Column 2", "Column 3")
    assert [t.field for t in source.mapping.targets] == [Field.EXTRA, Field.EMAIL, Field.PHONE]
    # the user says the first column is the name
    source.mapping = source.mapping.with_target(0, ColumnTarget(Field.FULL_NAME))
    anna, tom = source.contacts()
    assert anna.origin.line == 1 and anna.name == "Anna Berg"
    assert anna.emails == (Labelled("anna@example.com"),)
    assert tom.phones == (Labelled("030 7654321"),)
    # and if the first row was headers after all, the user says so
    source.set_has_header(True)
    assert source.mapping.headers == ("Anna Berg", "anna@example.com", "+49 30 1234567")
    assert [c.origin.line for c in source.contacts()] == [2]


def test_outlooks_whole_german_header() -> None:
    [gisela], source = read("generated/outlook-de-full.csv", locale="de_DE")
    assert (gisela.salutation, gisela.given_name, gisela.family_name) == (
        "Frau",
        "Gisela",
        "Schäfer",
    )
    assert {(p.label, p.value) for p in gisela.phones} == {
        ("assistant", "0228 1"),
        ("car", "0171 2"),
        ("main", "0228 3"),
        ("mobile", "0171 4"),
        ("home", "0228 5"),
    }
    assert gisela.emails == (Labelled("gisela@example.de"),)  # not its type or display name
    assert [(a.label, a.street, a.city) for a in gisela.addresses] == [
        ("home", "Rosenweg 3", "Bonn"),
        ("other", "Am Markt 1", "Köln"),
    ]
    assert gisela.birthday == PartialDate(5, 1, 1960)
    assert gisela.dates == ()
    assert gisela.groups == ("Stammkunden", "VIP")
    assert gisela.notes == ("Mag Tulpen.\nNie montags.",)
    assert ("Kinder", "Lena, Paul") in gisela.extras
    assert ("Webseite", "blumen-schaefer.example") in gisela.extras
    assert gisela.problems == ()
    mapping = source.mapping
    assert mapping is not None
    # Outlook's bookkeeping columns are listed as not imported, never as a phone
    assert {"E-Mail-Typ", "Priorität", "Vertraulichkeit"} <= set(mapping.not_imported())
    kept = {
        h for h, t in zip(mapping.headers, mapping.targets, strict=True) if t.field is Field.EXTRA
    }
    assert {"Ort", "Sozialversicherungsnr.", "Organisationsnr."} <= kept
