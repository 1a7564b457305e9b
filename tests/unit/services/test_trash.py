from __future__ import annotations

from crmdesk.services import clients, facts, notes, trash
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database


def test_trash_lists_what_was_deleted_and_restores_it(db: Database) -> None:
    keep = str(
        clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber")).created_id
    )
    gone = str(
        clients.create_client(db, ClientForm(given_name="Zoë", family_name="Brontë")).created_id
    )
    fid = str(facts.add_fact(db, keep, "Dog", "Biscuit").created_id)
    nid = str(notes.add_note(db, gone, "Note of a deleted client").created_id)
    facts.delete_fact(db, fid)
    notes.delete_note(db, nid)
    clients.delete_client(db, gone)
    items = trash.trash_items(db)
    # the deleted client's own deleted note is not listed separately
    assert [(i.kind, i.client_name, i.description) for i in items] == [
        ("Client", "Zoë Brontë", ""),
        ("Thing to remember", "Anna Webber", "Dog: Biscuit"),
    ]
    for item in items:
        trash.restore(db, item.table, item.row_id)
    assert trash.trash_items(db)[0].kind == "Note"  # now its client is back, the note shows
    assert [f.value for f in facts.facts_of(db, keep)] == ["Biscuit"]
    assert clients.get_client(db, gone).deleted_at is None
