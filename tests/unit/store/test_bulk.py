"""Bulk inserts store rows exactly as a session's flush would (defaults, JSON, dates, stamps)."""

from __future__ import annotations

import uuid
from datetime import date

from crmdesk import model
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import clients
from crmdesk.store.database import Database


def test_bulk_rows_read_back_as_a_flush_writes_them(db: Database) -> None:
    people = [
        {"given_name": "Łukasz", "family_name": "Nowak", "phones": [{"label": "mobile",
         "number": "+447400123456", "display": "07400 123456"}], "emails": [],
         "birthday": PartialDate(4, 15), "tags": ["VIP"]},
        {"given_name": "Σοφία", "family_name": "Π", "phones": [], "emails": [],
         "birthday": date(1980, 3, 22), "tags": []},
    ]  # fmt: skip
    with db.bulk() as bulk:
        ids = bulk.insert(model.Client.__table__, people)
    assert all(uuid.UUID(i).version == 4 for i in ids)
    first, second = (clients.get_client(db, i) for i in ids)
    assert [p.display for p in first.phones] == ["07400 123456"]
    assert first.tags == ("VIP",) and first.birthday == PartialDate(4, 15)
    assert second.birthday == PartialDate(3, 22, 1980)
    assert first.preferred_contact == "any" and first.created_at is not None  # defaults
    stamps = db.query(
        "SELECT c.hlc, f.column_name, f.hlc FROM clients c JOIN field_changes f ON f.row_id = c.id"
    )
    assert sorted(s[1] for s in stamps) == ["*", "*"] and all(s[0] == s[2] for s in stamps)
    assert [h.client_id for h in clients_found(db, "Łukasz")] == [ids[0]]


def clients_found(db: Database, text: str) -> list[object]:
    from crmdesk.services import search

    return list(search.search(db, text, 10))
