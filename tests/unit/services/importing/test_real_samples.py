"""Real vCards written by Android, BlackBerry, Evolution, Gmail, iPhone, Lotus Notes, Mac
Address Book, Outlook and Thunderbird (from ez-vcard's test suite; see the fixtures' README)."""

from __future__ import annotations

import pytest

from crmdesk.services.importing import Labelled, PartialDate
from tests.import_helpers import read

JOHN = "Mr. John Richter James Doe Sr."


@pytest.mark.parametrize(
    "program",
    [
        "ANDROID",
        "BLACK_BERRY",
        "EVOLUTION",
        "GMAIL",
        "IPHONE",
        "LOTUS_NOTES",
        "MAC_ADDRESS_BOOK",
        "MS_OUTLOOK",
    ],
)
def test_every_program_reads_without_a_crash(program: str) -> None:
    contacts, source = read(f"real/ez-vcard-John_Doe_{program}.vcf")
    assert contacts
    assert all(c.has_data() for c in contacts)
    assert source.problems == []


def test_iphone() -> None:
    [john], _ = read("real/ez-vcard-John_Doe_IPHONE.vcf")
    assert (john.given_name, john.family_name, john.middle_name) == ("John", "Doe", "Richter James")
    assert (john.salutation, john.suffix, john.nickname) == ("Mr.", "Sr.", "Johny")
    assert Labelled("905-222-1234", "assistant") in john.phones  # _$!<AssistantPhone>!$_
    assert Labelled("905-888-1234", "home fax") in john.phones
    assert john.addresses[1].street == "Street4\nBuilding 6\nFloor 8"
    assert john.photo is not None and john.photo.mime == "image/jpeg"


def test_outlook() -> None:
    [john], _ = read("real/ez-vcard-John_Doe_MS_OUTLOOK.vcf")
    assert john.display_name == JOHN
    assert john.birthday == PartialDate(3, 22, 1980)
    assert [(d.label, d.when) for d in john.dates] == [("anniversary", PartialDate(1, 13, 2011))]
    assert john.photo is not None  # base64 after the colon on the next lines
    assert ("Manager", "Big Blue") in john.extras


def test_android_broken_photo_is_a_problem_not_a_crash() -> None:
    contacts, _ = read("real/ez-vcard-John_Doe_ANDROID.vcf")
    bob = contacts[4]
    assert bob.emails[0] == Labelled("bob@company.com", "work", preferred=True)
    assert [(p.line, p.text) for p in bob.problems] == [
        (52, "the photo could not be read; it was left out")
    ]
    # quoted-printable UTF-8 names with soft breaks
    assert contacts[3].family_name == "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"


def test_evolution_and_thunderbird() -> None:
    [john], _ = read("real/ez-vcard-John_Doe_EVOLUTION.vcf")
    assert john.addresses[0].po_box == "ASB-123"
    assert ("Spouse", "Maria") in john.extras
    assert john.groups == ("VIP",)
    [tb], _ = read("real/ez-vcard-thunderbird-MoreFunctionsForAddressBook-extension.vcf")
    assert tb.birthday == PartialDate(9, 21, 1970)
    assert tb.groups == ("category1", "category2", "category3")


def test_outlook_2003_and_2007() -> None:
    [john], _ = read("real/ez-vcard-outlook-2003.vcf")
    assert john.notes == ("This is the note field!!\nSecond line\n\nThird line is empty",)
    assert john.company == "Company, The"
    [mike], _ = read("real/ez-vcard-outlook-2007.vcf")
    assert mike.birthday == PartialDate(3, 10, 1922)
    assert mike.photo is not None


def test_gmail_related_names_and_dates_under_apple_labels() -> None:
    [john], _ = read("real/ez-vcard-John_Doe_GMAIL.vcf")
    assert ("Spouse", "Jenny") in john.extras
    assert [(d.label, d.when) for d in john.dates] == [("anniversary", PartialDate(3, 1, 1975))]
    assert ("Given name (phonetic)", "Jon") in john.extras
    # 3.0's \" in a note is a quotation mark
    assert john.notes[0].startswith(
        'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"'
    )


def test_gmail_list() -> None:
    contacts, _ = read("real/ez-vcard-gmail-list.vcf")
    assert [c.name for c in contacts] == ["Arnold Smith", "Chris Beatle", "Doug White"]


# Thunderbird's own import and export test files (comm-central; see the fixtures' README)


def test_thunderbird_export_in_three_formats_reads_the_same() -> None:
    for name in ("export.csv", "export.txt", "export.vcf"):
        one, two = read(f"real/thunderbird-addrbook-{name}")[0]
        assert (one.given_name, one.family_name) == ("contact", "one")
        assert one.display_name == "contact number one"
        assert [e.value for e in one.emails] == ["contact1@invalid"]
        assert two.job_title == '"worker"'
        assert two.notes == ("here's some unicode text…",)
        # a comma, a tab, a CR and a new line inside values stay inside them
        custom = {label.replace(" ", ""): value for label, value in two.extras}
        assert custom["Custom1"] == "custom, 1"
        assert custom["Custom2"] == "custom\t2"
        assert custom["Custom3"] == "custom\r3"
        assert custom["Custom4"] == "custom\n4"
        assert two.problems == ()


def test_thunderbird_photos_base64_without_encoding_and_data_uri() -> None:
    [jpeg], _ = read("real/thunderbird-addrbook-v3-binary-jpeg.vcf")
    assert jpeg.photo is not None and jpeg.photo.mime == "image/jpeg"
    assert jpeg.problems == () and jpeg.extras == ()
    [png], _ = read("real/thunderbird-addrbook-v4-uri-png.vcf")
    assert png.photo is not None and png.photo.data.startswith(b"\x89PNG")


def test_thunderbird_cr_cr_lf_and_blank_lines_before_the_first_card() -> None:
    [card], _ = read("real/thunderbird-import-dos_vcard_addressbook.vcf")
    assert (card.given_name, card.family_name) == ("Name", "Surname")
    assert card.emails == (Labelled("example@gmail.com", "home"),)
    john, jane = read("real/thunderbird-import-emptylines_vcard_addressbook.vcf")[0]
    assert john.origin.line == 3 and jane.name == "Jane Doe"


def test_thunderbird_csv_files() -> None:
    john, jane = read("real/thunderbird-import-basic_csv_addressbook.csv")[0]
    assert (john.name, jane.emails) == ("John Doe", (Labelled("jane@doe.invalid"),))
    semicolons, _ = read("real/thunderbird-import-csv_semicolon.csv")
    assert [c.name for c in semicolons] == ["John Doe", "Jane Doe"]
    [acer], _ = read("real/thunderbird-import-quote.csv")
    assert acer.company == "Acer America"
    assert acer.phones == (Labelled("(800) 000-0000", "work"),)
    [utf16], source = read("real/thunderbird-import-utf16_addressbook.csv")
    assert source.encoding.name == "utf-16" and utf16.name == "John Doe"
    john, _ = read("real/thunderbird-import-csv_no_header.csv")[0]
    assert john.origin.line == 1 and john.emails == (Labelled("john@doe.invalid"),)


def test_a_shift_jis_file_with_the_shops_code_page() -> None:
    [person], source = read("real/thunderbird-import-shiftjis_addressbook.csv", legacy="cp932")
    assert source.encoding.name == "cp932"
    assert (person.family_name, person.given_name) == ("名無し", "権兵衛")
