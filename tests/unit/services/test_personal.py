"""Things to remember and notes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crmdesk.errors import ValidationError
from crmdesk.services import clients, facts, notes
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database


@pytest.fixture
def cid(db: Database) -> str:
    return str(
        clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber")).created_id
    )


def test_facts_are_kept_in_the_order_added(db: Database, cid: str) -> None:
    facts.add_fact(db, cid, "Dog", "Biscuit")
    facts.add_fact(db, cid, "Coffee", "oat flat white")
    facts.add_fact(db, cid, "Daughter's wedding", "Emma", date(2027, 6, 12))
    assert [(f.label, f.value, f.on_date) for f in facts.facts_of(db, cid)] == [
        ("Dog", "Biscuit", None),
        ("Coffee", "oat flat white", None),
        ("Daughter's wedding", "Emma", date(2027, 6, 12)),
    ]


def test_fact_edit_delete_and_bad_input(db: Database, cid: str) -> None:
    fid = str(facts.add_fact(db, cid, "Dog", "Biscut").created_id)
    facts.update_fact(db, fid, "Dog", "Biscuit")
    assert facts.facts_of(db, cid)[0].value == "Biscuit"
    with pytest.raises(ValidationError) as err:
        facts.add_fact(db, cid, " ", "")
    assert set(err.value.problems) == {"label", "value"}
    facts.delete_fact(db, fid)
    assert facts.facts_of(db, cid) == []


def test_notes_pinned_first_then_newest(db: Database, cid: str) -> None:
    notes.add_note(db, cid, "Old note", written_at=datetime(2026, 1, 1, 9, 0))
    notes.add_note(db, cid, "Newer note", written_at=datetime(2026, 5, 1, 9, 0))
    pinned = str(notes.add_note(db, cid, "Hard of hearing on the left", pinned=True,
                                written_at=datetime(2025, 3, 1)).created_id)  # fmt: skip
    assert [n.text for n in notes.notes_of(db, cid)] == [
        "Hard of hearing on the left",
        "Newer note",
        "Old note",
    ]
    notes.update_note(db, pinned, "Hard of hearing on the left side", pinned=False)
    assert [n.text for n in notes.notes_of(db, cid)][-1] == "Hard of hearing on the left side"


def test_empty_note_is_refused(db: Database, cid: str) -> None:
    with pytest.raises(ValidationError, match="empty"):
        notes.add_note(db, cid, "   \n ")
    assert notes.notes_of(db, cid) == []
