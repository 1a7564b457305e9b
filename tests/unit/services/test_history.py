"""The communication history: logging, the timeline newest first, filters, paging."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from crmdesk.errors import ValidationError
from crmdesk.model import HistoryEntry
from crmdesk.services import client_list, clients, history
from crmdesk.services.client_list import SortKey
from crmdesk.services.clients import ClientForm
from crmdesk.services.history import ContactForm
from crmdesk.store.database import Database


@pytest.fixture
def cid(db: Database) -> str:
    return str(
        clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber")).created_id
    )


def log(db: Database, cid: str, kind: str, day: int, subject: str = "Hello") -> str:
    form = ContactForm(kind=kind, occurred_at=datetime(2026, 3, day, 10, 0), subject=subject)
    return str(history.log_contact(db, cid, form).created_id)


def test_timeline_is_newest_first_and_filters_by_kind(db: Database, cid: str) -> None:
    log(db, cid, "call", 1, "First call")
    log(db, cid, "visit", 5, "Fitting")
    log(db, cid, "email", 3, "Quote")
    log(db, cid, "call", 9, "Order ready")
    assert [e.subject for e in history.timeline(db, cid)] == [
        "Order ready",
        "Fitting",
        "Quote",
        "First call",
    ]
    assert [e.subject for e in history.timeline(db, cid, ["call"])] == ["Order ready", "First call"]
    assert history.count_entries(db, cid, ["call", "email"]) == 3


def test_every_field_is_kept(db: Database, cid: str) -> None:
    form = ContactForm(
        kind="call",
        direction="in",
        occurred_at=datetime(2026, 3, 1, 16, 20),
        subject="Complaint: late delivery",
        body="Box arrived damaged.",
        outcome="Apologised, 10% off",
        follow_up_on=date(2026, 3, 4),
    )
    entry = history.get_entry(db, str(history.log_contact(db, cid, form).created_id))
    assert (entry.kind, entry.direction, entry.occurred_at, entry.outcome, entry.follow_up_on) == (
        "call", "in", datetime(2026, 3, 1, 16, 20), "Apologised, 10% off", date(2026, 3, 4),
    )  # fmt: skip


def test_last_contact_follows_the_history(db: Database, cid: str) -> None:
    log(db, cid, "call", 1)
    latest = log(db, cid, "visit", 20)
    assert clients.get_client(db, cid).last_contact_at == datetime(2026, 3, 20, 10, 0)
    history.delete_entry(db, latest)
    assert clients.get_client(db, cid).last_contact_at == datetime(2026, 3, 1, 10, 0)
    rows = client_list.client_page(db, SortKey.LAST_CONTACT, True, 0, 10)
    assert rows[0].last_contact_at == datetime(2026, 3, 1, 10, 0)


def test_paging_a_long_history(db: Database, cid: str) -> None:
    with db.write() as w:  # 450 entries in one go, as an import would
        for i in range(450):
            w.session.add(
                HistoryEntry(
                    client_id=cid, kind="call", subject=f"Call {i}",
                    occurred_at=datetime(2025, 1, 1) + timedelta(hours=i),
                )
            )  # fmt: skip
    pages = [history.timeline(db, cid, offset=o, limit=200) for o in (0, 200, 400)]
    assert [len(p) for p in pages] == [200, 200, 50]
    assert pages[0][0].subject == "Call 449" and pages[2][-1].subject == "Call 0"


def test_bad_entries_are_refused(db: Database, cid: str) -> None:
    form = ContactForm(
        kind="carrier pigeon", occurred_at=datetime(2026, 3, 5), follow_up_on=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as err:
        history.log_contact(db, cid, form)
    assert set(err.value.problems) == {"kind", "subject", "follow_up_on"}
    assert history.count_entries(db, cid) == 0
