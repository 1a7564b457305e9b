"""Find anyone at once: substrings of names, contact details, facts, notes and history."""

from __future__ import annotations

from datetime import datetime

import pytest

from crmdesk.services import clients, facts, history, notes, search, settings
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.services.history import ContactForm
from crmdesk.store.database import Database


@pytest.fixture
def shop(db: Database) -> dict[str, str]:
    settings.set_phone_region(db, "GB")
    ids = {}
    for given, family, phone, email in (
        ("Anna", "Webber", "07911 123456", "anna@example.org"),
        ("Łukasz", "Wiśniewski", "+48 512 345 678", "lukasz@example.com"),
        ("Zoë", "Brontë", "", ""),
        ("Ελένη", "Παπαδοπούλου", "", ""),
    ):
        form = ClientForm(given_name=given, family_name=family)
        form.phones = [Labelled("mobile", phone)] if phone else []
        form.emails = [Labelled("home", email)] if email else []
        ids[family] = str(clients.create_client(db, form).created_id)
    facts.add_fact(db, ids["Brontë"], "Dog", "Biscuit, a spaniel")
    notes.add_note(db, ids["Webber"], "Daughter Emma is getting married in June")
    history.log_contact(
        db, ids["Wiśniewski"],
        ContactForm(occurred_at=datetime(2026, 5, 1, 10), subject="Complaint",
                    body="The parcel arrived with a broken hinge"),
    )  # fmt: skip
    return ids


def found(db: Database, query: str) -> list[str]:
    return [h.client_id for h in search.search(db, query)]


def test_part_of_a_name_finds_the_client(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "ebb") == [shop["Webber"]]
    assert found(db, "śniew") == [shop["Wiśniewski"]]
    assert found(db, "ΠΑΠΑΔ") == [shop["Παπαδοπούλου"]]  # Greek, any case


def test_contact_details_are_searchable(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "07911 123") == [shop["Webber"]]
    assert found(db, "+48512") == [shop["Wiśniewski"]]
    assert found(db, "lukasz@") == [shop["Wiśniewski"]]


def test_a_hit_in_a_note_or_a_call_shows_the_words_that_matched(
    db: Database, shop: dict[str, str]
) -> None:
    [hit] = search.search(db, "married")
    assert (hit.client_id, hit.where, hit.matched) == (shop["Webber"], "Note", ["married"])
    assert "Daughter Emma is getting married in June" in hit.snippet
    [hit] = search.search(db, "broken hinge")
    assert hit.where == "History" and hit.matched == ["broken", "hinge"]
    [hit] = search.search(db, "spaniel")
    assert hit.where == "Remember" and hit.client_id == shop["Brontë"]


def test_index_follows_edits_and_deletes(db: Database, shop: dict[str, str]) -> None:
    form = clients.get_client(db, shop["Webber"]).to_form()
    form.family_name = "Harrison"
    clients.update_client(db, shop["Webber"], form)
    assert found(db, "Webber") == []
    assert found(db, "Harris") == [shop["Webber"]]
    clients.delete_client(db, shop["Brontë"])
    assert found(db, "spaniel") == []  # a deleted client's notes are not found either
    clients.restore_client(db, shop["Brontë"])
    assert found(db, "spaniel") == [shop["Brontë"]]


def test_short_queries_match_the_start_of_names(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "we") == [shop["Webber"]]
    assert found(db, "") == []


def test_every_word_must_match(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "parcel hinge") == [shop["Wiśniewski"]]
    assert found(db, "parcel Biscuit") == []


def test_quotes_and_operators_are_just_text(db: Database, shop: dict[str, str]) -> None:
    assert found(db, 'Emma" OR "x') == []
    assert found(db, "AND OR NOT") == []


def test_deleted_clients_leave_the_index_and_come_back(db: Database, shop: dict[str, str]) -> None:
    def indexed(client_id: str) -> list[str]:
        return sorted(
            s
            for (s,) in db.query("SELECT source FROM search_docs WHERE client_id = ?", (client_id,))
        )

    everything = indexed(shop["Wiśniewski"])
    assert everything == ["clients", "history"]
    clients.delete_client(db, shop["Wiśniewski"])
    assert indexed(shop["Wiśniewski"]) == []
    assert found(db, "hinge") == []
    clients.restore_client(db, shop["Wiśniewski"])
    assert indexed(shop["Wiśniewski"]) == everything
    assert found(db, "hinge") == [shop["Wiśniewski"]]
