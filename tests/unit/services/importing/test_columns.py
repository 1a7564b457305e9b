"""The column mapping guessed from headers, and changed by the user."""

from __future__ import annotations

import pytest

from crmdesk.services.importing import ColumnTarget, Field, guess_column, guess_mapping


@pytest.mark.parametrize(
    ("header", "field", "label"),
    [
        ("Vorname", Field.GIVEN_NAME, ""),
        ("Nachname", Field.FAMILY_NAME, ""),
        ("Straße privat", Field.STREET, "home"),
        ("Land/Region privat", Field.COUNTRY, "home"),
        ("Home Country/Region", Field.COUNTRY, "home"),
        ("Home State", Field.REGION, "home"),
        ("Telefon geschäftlich", Field.PHONE, "work"),
        ("Fax geschäftlich", Field.PHONE, "work fax"),
        ("Mobiltelefon", Field.PHONE, "mobile"),
        ("Tél. mobile", Field.PHONE, "mobile"),
        ("Code postal (domicile)", Field.POSTCODE, "home"),
        ("Anniversaire", Field.BIRTHDAY, ""),  # French: a birthday
        ("Anniversaire de mariage", Field.ANNIVERSARY, "anniversary"),
        ("Aniversario", Field.ANNIVERSARY, "anniversary"),  # Spanish: an anniversary
        ("Huisadres, postcode", Field.POSTCODE, "home"),
        ("CAP (ab.)", Field.POSTCODE, "home"),
        ("Business Street 2", Field.EXTENDED, "work"),
        ("E-mail 2 Address", Field.EMAIL, ""),
        ("Phone 1 - Type", Field.LABEL, ""),
        ("Phone 1 - Label", Field.LABEL, ""),
        ("Phone 1 - Value", Field.PHONE, ""),
        ("Address 1 - Formatted", Field.SKIP, ""),
        ("Lieblingsfarbe", Field.EXTRA, "Lieblingsfarbe"),
        ("", Field.SKIP, ""),
    ],
)
def test_headers_in_many_languages(header: str, field: Field, label: str) -> None:
    target = guess_column(header)
    assert (target.field, target.label) == (field, label)


def test_a_second_column_for_one_field_is_kept_as_a_fact() -> None:
    mapping = guess_mapping(["First Name", "Vorname"])
    assert [t.field for t in mapping.targets] == [Field.GIVEN_NAME, Field.EXTRA]


def test_the_layout_is_the_same_for_the_same_headers_and_a_change_is_one_column() -> None:
    mapping = guess_mapping(["Name", "Telefon", "Notizen"])
    assert mapping.layout == guess_mapping(["name", " Telefon", "NOTIZEN"]).layout
    assert mapping.layout != guess_mapping(["Name", "Notizen", "Telefon"]).layout
    changed = mapping.with_target(1, ColumnTarget(Field.PHONE, "mobile"))
    assert changed.targets[1] == ColumnTarget(Field.PHONE, "mobile")
    assert mapping.targets[1] == ColumnTarget(Field.PHONE)  # the guess is unchanged
    assert str(changed.targets[1]) == "phone (mobile)"
    assert changed.with_target(2, ColumnTarget(Field.SKIP)).not_imported() == ["Notizen"]
