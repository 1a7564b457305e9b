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


def _columns(header_row: str) -> list[str]:
    return header_row.split(",")


OUTLOOK_EN = _columns(
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
    "Business Street,Business Street 2,Business Street 3,Business City,Business State,"
    "Business Postal Code,Business Country/Region,Home Street,Home Street 2,Home Street 3,"
    "Home City,Home State,Home Postal Code,Home Country/Region,Other Street,Other Street 2,"
    "Other Street 3,Other City,Other State,Other Postal Code,Other Country/Region,"
    "Assistant's Phone,Business Fax,Business Phone,Business Phone 2,Callback,Car Phone,"
    "Company Main Phone,Home Fax,Home Phone,Home Phone 2,ISDN,Mobile Phone,Other Fax,"
    "Other Phone,Pager,Primary Phone,Radio Phone,TTY/TDD Phone,Telex,Account,Anniversary,"
    "Assistant's Name,Billing Information,Birthday,Business Address PO Box,Categories,"
    "Children,Directory Server,E-mail Address,E-mail Type,E-mail Display Name,"
    "E-mail 2 Address,E-mail 2 Type,E-mail 2 Display Name,E-mail 3 Address,E-mail 3 Type,"
    "E-mail 3 Display Name,Gender,Government ID Number,Hobby,Home Address PO Box,Initials,"
    "Internet Free Busy,Keywords,Language,Location,Manager's Name,Mileage,Notes,"
    "Office Location,Organizational ID Number,Other Address PO Box,Priority,Private,"
    "Profession,Referred By,Sensitivity,Spouse,User 1,User 2,User 3,User 4,Web Page"
)


def test_outlooks_whole_english_header() -> None:
    mapping = guess_mapping(OUTLOOK_EN)
    target = dict(zip(mapping.headers, mapping.targets, strict=True))
    phones = {h: t.label for h, t in target.items() if t.field is Field.PHONE}
    assert phones == {
        "Assistant's Phone": "assistant", "Business Fax": "work fax", "Business Phone": "work",
        "Business Phone 2": "work", "Callback": "callback", "Car Phone": "car",
        "Company Main Phone": "work", "Home Fax": "home fax", "Home Phone": "home",
        "Home Phone 2": "home", "ISDN": "ISDN", "Mobile Phone": "mobile",
        "Other Fax": "other fax", "Other Phone": "other", "Pager": "pager",
        "Primary Phone": "main", "Radio Phone": "radio", "TTY/TDD Phone": "TTY/TDD",
    }  # fmt: skip
    emails = [h for h, t in target.items() if t.field is Field.EMAIL]
    assert emails == ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"]
    groups = {t.group for t in mapping.targets if t.group}
    assert groups == {"work", "home", "other"}
    assert target["Other Address PO Box"] == ColumnTarget(Field.PO_BOX, "other", "other")
    assert target["Location"].field is Field.EXTRA
    assert target["Government ID Number"].field is Field.EXTRA
    assert (target["Birthday"].field, target["Anniversary"].field) == (
        Field.BIRTHDAY,
        Field.ANNIVERSARY,
    )
