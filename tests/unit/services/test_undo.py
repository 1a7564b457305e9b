"""Change your mind: every write can be undone, and the undo redone."""

from __future__ import annotations

from crmdesk.services import client_list, clients, facts, history, notes, undo
from crmdesk.services.clients import ClientForm
from crmdesk.services.history import ContactForm
from crmdesk.store.database import Database


def test_undo_an_edit_and_redo_it(db: Database) -> None:
    cid = str(
        clients.create_client(
            db, ClientForm(given_name="Anna", family_name="Webber", city="Leeds")
        ).created_id
    )
    form = clients.get_client(db, cid).to_form()
    form.city, form.family_name = "York", "Harrison"
    edit = clients.update_client(db, cid, form)
    assert edit.undo is not None
    redo = undo.apply(db, edit.undo)
    record = clients.get_client(db, cid)
    assert (record.city, record.family_name) == ("Leeds", "Webber")
    assert redo.undo is not None
    undo.apply(db, redo.undo)
    record = clients.get_client(db, cid)
    assert (record.city, record.family_name) == ("York", "Harrison")


def test_undo_a_delete_restores_the_client(db: Database) -> None:
    cid = str(clients.create_client(db, ClientForm(given_name="Anna")).created_id)
    deleted = clients.delete_client(db, cid)
    assert client_list.count_clients(db) == 0
    assert deleted.undo is not None
    undo.apply(db, deleted.undo)
    assert client_list.count_clients(db) == 1


def test_undo_a_creation_moves_it_to_the_trash(db: Database) -> None:
    cid = str(clients.create_client(db, ClientForm(given_name="Anna")).created_id)
    made = facts.add_fact(db, cid, "Dog", "Biscuit")
    logged = history.log_contact(db, cid, ContactForm(subject="Called"))
    note = notes.add_note(db, cid, "Likes tulips")
    for change in (made, logged, note):
        assert change.undo is not None
        undo.apply(db, change.undo)
    assert facts.facts_of(db, cid) == []
    assert history.count_entries(db, cid) == 0
    assert notes.notes_of(db, cid) == []
