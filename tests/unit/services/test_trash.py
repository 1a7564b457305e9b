from __future__ import annotations

import pytest

from crmdesk.errors import NotFoundError
from crmdesk.services import (
    clients,
    complaints,
    facts,
    history,
    letters,
    notes,
    retention,
    trash,
    undo,
)
from crmdesk.services.clients import ClientForm
from crmdesk.services.complaints import ComplaintForm
from crmdesk.services.history import ContactForm
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


def test_each_kind_of_record_is_deleted_once_undoably_and_says_when_it_is_gone(
    db: Database,
) -> None:
    """Every delete is one tombstone that Undo takes back; deleting it again says, in the
    words of its own kind, that it is not there any more."""
    cid = str(clients.create_client(db, ClientForm(given_name="Anna")).created_id)
    made = {
        "fact": facts.add_fact(db, cid, "Dog", "Biscuit").created_id,
        "note": notes.add_note(db, cid, "Likes tulips").created_id,
        "entry": history.log_contact(db, cid, ContactForm(subject="Called")).created_id,
        "complaint": complaints.open_complaint(
            db, cid, ComplaintForm(description="Late")
        ).created_id,
        "purchase": retention.record_purchase(db, cid, "12.50").created_id,
        "template": letters.save_template(db, None, "Thanks", "Dear {{ name }}").created_id,
    }
    deletes = {
        "fact": (facts.delete_fact, "That entry is not there any more."),
        "note": (notes.delete_note, "That note is not there any more."),
        "entry": (history.delete_entry, "That history entry is not there any more."),
        "complaint": (complaints.delete_complaint, "That complaint is not there any more."),
        "purchase": (retention.delete_purchase, "That purchase is not there any more."),
        "template": (letters.delete_template, "That template is not there any more."),
    }
    for kind, (delete, missing) in deletes.items():
        row_id = str(made[kind])
        step = delete(db, row_id).undo
        assert step is not None and [r.values for r in step.reverts] == [{"deleted_at": None}]
        with pytest.raises(NotFoundError, match=missing):
            delete(db, row_id)
        undo.apply(db, step)
        delete(db, row_id)  # back again, so it can be deleted again
    clients.delete_client(db, cid)
    with pytest.raises(NotFoundError, match=f"The client {cid} is not there any more"):
        clients.delete_client(db, cid)
