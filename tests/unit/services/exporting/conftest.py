"""Clients for the export tests: names in many scripts, every field a card can hold."""

from __future__ import annotations

from datetime import date

import pytest

from crmdesk.model.partial_date import PartialDate
from crmdesk.services import clients, facts, notes, settings
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.store.database import Database

# given, family, company, city, birthday
PEOPLE = [
    ("Łukasz", "Wróbel", "", "Łódź", PartialDate(4, 15)),  # year not known
    ("Thị Hoa", "Nguyễn", "", "Hà Nội", PartialDate(3, 22, 1980)),
    ("Σοφία", "Παπαδοπούλου", "", "Αθήνα", PartialDate(2, 29)),  # 29 February, no year
    ("Ольга", "Смирнова", "", "Москва", PartialDate(2, 29, 1988)),
    ("محمد", "العلي", "", "الرياض", None),
    ("דוד", "כהן", "", "תל אביב", PartialDate(12, 31, 1961)),
    ("太郎", "山田", "", "東京", PartialDate(1, 1)),
    ("สมชาย", "ใจดี", "", "กรุงเทพมหานคร", None),
    ("देव", "शर्मा", "", "नई दिल्ली", PartialDate(8, 15, 1947)),
    ("", "", "Webber & Daughters; Fine Paper, Ltd", "Harrogate", None),  # a company alone
]


@pytest.fixture
def people(db: Database) -> list[str]:
    settings.set_phone_region(db, "DE")  # UK numbers are shown as +44 …
    ids = []
    for n, (given, family, company, city, born) in enumerate(PEOPLE):
        form = ClientForm(
            given_name=given,
            family_name=family,
            company=company,
            city=city,
            street=f"{n + 1} Long Street\nFlat 2, back; door",
            postcode=f"AB{n} 1CD",
            country="Elsewhere",
            phones=[
                Labelled("mobile", f"+44 7911 1234{n:02d}"),
                Labelled("Shop", f"+44 113 243 90{n:02d}"),
            ],
            emails=[Labelled("home", f"person{n}@example.org")],
            birthday=born,
            tags=["VIP"] if n % 2 else ["newsletter"],
        )
        cid = str(clients.create_client(db, form).created_id)
        notes.add_note(db, cid, f"Likes tea, not coffee; {given or company}\nSecond line \\ end")
        ids.append(cid)
    facts.add_fact(db, ids[0], "Wedding anniversary", "with Tom", date(2019, 11, 29))
    return ids
