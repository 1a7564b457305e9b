"""Shared set-up for letter tests: a shop, clients with names from many scripts, PDF text."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from crmdesk.services import clients, facts, shop
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database

SHOP = shop.ShopProfile(
    name="Webber & Daughters",
    address="12 Market Street\nHarrogate HG1 2RS\nUnited Kingdom",
    phone="01423 555 012",
    email="hello@webber.example",
    website="webber.example",
    signature_name="Anna Webber",
    signature_title="Owner",
)

# given, family, salutation, street, postcode, city, country
PEOPLE = [
    ("Łukasz", "Wróbel", "Mr", "ul. Długa 5", "00-238", "Warszawa", "Poland"),
    ("Thị Hoa", "Nguyễn", "Ms", "12 Phố Huế", "100000", "Hà Nội", "Việt Nam"),
    ("Søren", "Ørsted", "Mr", "Nørregade 7", "1165", "København", "Danmark"),
    ("Σοφία", "Παπαδοπούλου", "Ms", "Οδός Ερμού 10", "105 63", "Αθήνα", "Ελλάδα"),
    ("Ольга", "Смирнова", "Ms", "ул. Тверская 1", "125009", "Москва", "Россия"),
    ("Çağlar", "Şahin", "Mr", "İstiklal Cd. 20", "34433", "İstanbul", "Türkiye"),
]


def add_people(db: Database) -> list[str]:
    ids = []
    for given, family, title, street, postcode, city, country in PEOPLE:
        form = ClientForm(given_name=given, family_name=family, salutation=title,
                          street=street, postcode=postcode, city=city, country=country)  # fmt: skip
        ids.append(str(clients.create_client(db, form).created_id))
    return ids


def set_up_shop(db: Database) -> None:
    shop.save_shop(db, SHOP)


def add_fact(db: Database, client_id: str, label: str, value: str) -> None:
    facts.add_fact(db, client_id, label, value)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as a PDF reader extracts it."""
    pdf = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()
