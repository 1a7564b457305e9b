"""vCards as phones and address books write them: each tricky case read as a user expects
to see it in the preview (names, phones with labels, birthdays without a year, problems with
their line)."""

from __future__ import annotations

from pathlib import Path

from crmdesk.services.importing import FileKind, Labelled, PartialDate, PostalAddress
from tests.import_helpers import by_name, problems, read


def test_android_21_quoted_printable_with_soft_breaks_inside_a_character() -> None:
    contacts, source = read("generated/android-2.1-quoted-printable.vcf")
    assert source.kind is FileKind.VCARD
    jurgen, lan = contacts
    assert (jurgen.given_name, jurgen.family_name) == ("Jürgen", "Müller")
    assert jurgen.display_name == "Jürgen Müller"
    assert jurgen.phones == (
        Labelled("+49 171 1234567", "mobile", preferred=True),
        Labelled("030 1234567", "home"),
    )
    assert jurgen.emails == (Labelled("juergen@example.de", "home"),)
    # the soft break in "anr=\r\nufen" joins the word; =0D=0A is a real new line
    assert jurgen.notes == (
        "Trinkt grünen Tee; nie vor 10 Uhr anrufen. Hund heißt Bello.\nZweite Zeile",
    )
    assert jurgen.birthday == PartialDate(3, 22, 1980)
    # the base64 photo on indented lines, ended by a blank line, is kept whole
    assert jurgen.photo is not None
    assert jurgen.photo.mime == "image/jpeg"
    assert jurgen.photo.data.startswith(b"\xff\xd8") and jurgen.photo.data.endswith(b"\xff\xd9")
    assert jurgen.problems == ()
    # the card after the photo is read as its own card, from its own line
    assert lan.name == "Lan Ng" and lan.origin.line == 29 and lan.origin.number == 2
    assert lan.phones == (Labelled("+49 30 9999", "work fax"),)


def test_outlook_21_in_windows_1252_without_charset() -> None:
    [rene], source = read("generated/outlook-2.1-windows-1252.vcf")
    assert source.encoding.name == "cp1252"
    assert (rene.salutation, rene.given_name, rene.family_name) == ("Herr", "René", "Weiß")
    assert (rene.company, rene.department) == ("Weiß & Söhne GmbH", "Verkauf")
    assert rene.addresses == (
        PostalAddress(
            "home", "Große Straße 5", city="Köln", postcode="50667", country="Deutschland"
        ),
    )
    assert rene.birthday == PartialDate(4, 15, 1975)
    assert [(d.label, d.when) for d in rene.dates] == [("anniversary", PartialDate(6, 1, 2001))]
    assert rene.notes == ("Stammkunde seit 2003 – bevorzugt Rückruf",)
    # the LABEL repeats the address for printing: not kept twice
    assert rene.extras == ()


def test_a_charset_per_value_in_an_otherwise_utf8_file() -> None:
    [helene], _ = read("generated/blackberry-2.1-charset-per-value.vcf")
    assert helene.name == "Hélène Dubois"
    assert helene.given_name == "Hélène"
    assert helene.notes == ("Préfère le thé vert",)


def test_iphone_grouped_labels_omitted_year_and_folds_inside_a_character() -> None:
    anna, bakery = read("generated/iphone-3.0-icloud.vcf")[0]
    # N and FN disagree: both kept as written
    assert (anna.given_name, anna.family_name) == ("Anna", "Schmidt")
    assert anna.display_name == "Anni Schmidt-Berg"
    assert anna.phones == (
        Labelled("+49 170 5550101", "mobile", preferred=True),
        Labelled("+49 30 5550102", "Laden"),  # the user's own label, from item2.X-ABLabel
    )
    assert anna.emails == (Labelled("anna@example.de", "home", preferred=True),)
    assert anna.addresses[0].street == "Lindenstraße 7\nHinterhaus"
    assert anna.birthday == PartialDate(3, 22) and anna.birthday.year is None
    assert str(anna.birthday) == "22 March"
    assert anna.birthday.iso() == "--0322"
    assert [(d.label, d.when) for d in anna.dates] == [("anniversary", PartialDate(6, 1, 2001))]
    # iCloud folds every 75 octets, here in the middle of "ü" and "Ü"
    assert anna.notes == (
        "Kauft Geschenke für die Enkel – mag Überraschungen; Geburtstagskarte nicht vergessen!",
    )
    assert anna.photo is not None and anna.photo.data.startswith(b"\xff\xd8")
    # a company-only card: no person's name is made up
    assert (bakery.given_name, bakery.family_name) == ("", "")
    assert bakery.company == "Bäckerei Sonnenschein"
    assert bakery.name == "Bäckerei Sonnenschein"
    assert bakery.phones == (Labelled("+49 30 5550199", "work"),)


def test_google_birthday_without_a_year_and_categories() -> None:
    [marta], _ = read("generated/google-3.0.vcf")
    assert marta.birthday == PartialDate(3, 22, None)
    assert marta.emails == (Labelled("marta@example.pl", "work"),)
    assert "Stammkunden" in marta.groups


def test_vcard_4_altid_tel_uris_data_photo() -> None:
    [taro], _ = read("generated/rfc6350-4.0.vcf")
    # ALTID: the first of the alternatives, not both
    assert taro.display_name == "山田太郎"
    assert (taro.family_name, taro.given_name) == ("山田", "太郎")
    assert taro.phones == (
        Labelled("+81-90-1234-5678", "mobile", preferred=True),
        Labelled("+81-3-1234-5678 ext. 102", "work"),
    )
    assert taro.birthday == PartialDate(3, 22, None)
    assert [(d.label, d.when) for d in taro.dates] == [("anniversary", PartialDate(8, 8, 2009))]
    assert taro.photo is not None and taro.photo.mime == "image/png"


def test_utf16_with_and_without_bom() -> None:
    for name in ("generated/windows-utf16-bom.vcf", "generated/windows-utf16-no-bom.vcf"):
        [helene], source = read(name)
        assert source.encoding.name.startswith("utf-16")
        assert (helene.salutation, helene.name) == ("Mme", "Hélène Dubois")
        assert helene.birthday == PartialDate(7, 14, 1962)


def test_cr_cr_lf_line_ends_count_as_one_line_and_problems_name_their_line() -> None:
    ole, eva = read("generated/cr-cr-lf.vcf")[0]
    assert ole.notes == ("Liker kaffe uten melk og vil ha tilbud på e-post. Ring ikke før kl. 9.",)
    assert ole.problems == ()
    assert eva.origin.line == 9
    assert eva.emails == (Labelled("eva@example.se", ""),)
    assert eva.birthday is None
    assert problems(eva) == [
        (13, "Birthday: “nästa tisdag” is not a date; kept as a fact"),
        (14, "the photo could not be read; it was left out"),
        (15, "not a vCard line: “this line is not a vcard line”"),
    ]
    assert ("Birthday", "nästa tisdag") in eva.extras
    assert (
        str(eva.problems[0]) == "cr-cr-lf.vcf, line 13: Birthday: “nästa tisdag” is not a "
        "date; kept as a fact"
    )


def test_text_outside_cards_and_an_unfinished_card(tmp_path: Path) -> None:
    file = tmp_path / "cut.vcf"
    file.write_bytes(b"garbage\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half Card\r\nTEL:123\r\n")
    from crmdesk.services.importing import open_import

    source = open_import(file)
    [half] = list(source.contacts())
    assert half.name == "Half Card" and half.phones == (Labelled("123"),)
    assert problems(half) == [(2, "the card has no END:VCARD; it was read to the end of the file")]
    assert [(p.line, p.text) for p in source.problems] == [
        (1, "text outside any card was left out")
    ]


def test_a_huge_photo_is_skipped_not_a_crash(tmp_path: Path) -> None:
    import base64

    big = base64.b64encode(b"\xff\xd8" + b"\0" * (6 * 1024 * 1024)).decode()
    file = tmp_path / "big.vcf"
    file.write_text(f"BEGIN:VCARD\nVERSION:3.0\nFN:Big\nPHOTO;ENCODING=b:{big}\nEND:VCARD\n")
    from crmdesk.services.importing import open_import

    [big_card] = list(open_import(file).contacts())
    assert big_card.photo is None
    assert problems(big_card) == [(4, "the photo is larger than 5 MB; it was left out")]


def test_by_name_helper_finds_everyone() -> None:
    names = by_name(read("generated/iphone-3.0-icloud.vcf")[0])
    assert set(names) == {"Anni Schmidt-Berg", "Bäckerei Sonnenschein"}


def test_nothing_vanishes_silently(tmp_path: Path) -> None:
    file = tmp_path / "more.vcf"
    file.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nFN:Annie Lee\r\nN:Lee;Ann;;;\r\n"
        "BDAY:1970-01-02\r\nBDAY:1971-01-02\r\nPHOTO;VALUE=uri:https://example.com/a.jpg\r\n"
        "X-SHOE-SIZE:38\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    from crmdesk.services.importing import open_import

    [ann] = list(open_import(file).contacts())
    assert ann.display_name == "Ann Lee" and ann.birthday == PartialDate(1, 2, 1970)
    assert ann.extras == (
        ("Name", "Annie Lee"),
        ("Birthday", "1971-01-02"),
        ("Photo", "https://example.com/a.jpg"),
        ("Shoe Size", "38"),
    )
    assert problems(ann) == [(8, "the photo is a link to a web page; it was not downloaded")]
