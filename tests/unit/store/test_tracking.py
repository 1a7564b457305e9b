"""Every change to a syncable row is stamped and recorded field by field."""

from __future__ import annotations

import sqlite3
import uuid

from crmdesk.services import clients, notes
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database


def field_changes(db: Database, row_id: str) -> dict[str, tuple[str, str]]:
    raw = sqlite3.connect(db.path)
    rows = raw.execute(
        "SELECT column_name, hlc, site_id FROM field_changes WHERE row_id = ?", (row_id,)
    ).fetchall()
    raw.close()
    return {c: (h, s) for c, h, s in rows}


def test_new_rows_have_uuid_keys_and_one_creation_record(db: Database) -> None:
    made = clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber"))
    assert made.created_id is not None
    uuid.UUID(made.created_id)
    changes = field_changes(db, made.created_id)
    assert list(changes) == ["*"]  # every field as created
    assert changes["*"][1] == db.site_id


def test_an_edit_records_only_the_fields_it_changed_with_a_later_clock(db: Database) -> None:
    cid = clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber")).created_id
    assert cid
    before = field_changes(db, cid)
    form = clients.get_client(db, cid).to_form()
    form.city = "Leeds"
    clients.update_client(db, cid, form)
    after = field_changes(db, cid)
    assert set(after) == {"*", "city"}
    assert after["city"][0] > before["*"][0]
    assert after["*"] == before["*"]
    assert clients.get_client(db, cid).city == "Leeds"


def test_deleting_is_a_tombstone_not_a_delete(db: Database) -> None:
    cid = clients.create_client(db, ClientForm(given_name="Anna")).created_id
    assert cid
    nid = notes.add_note(db, cid, "Likes tulips").created_id
    notes.delete_note(db, str(nid))
    clients.delete_client(db, cid)
    raw = sqlite3.connect(db.path)
    assert raw.execute(
        "SELECT deleted_at IS NOT NULL FROM clients WHERE id = ?", (cid,)
    ).fetchone() == (1,)
    assert raw.execute(
        "SELECT deleted_at IS NOT NULL FROM notes WHERE id = ?", (nid,)
    ).fetchone() == (1,)
    raw.close()
    assert "deleted_at" in field_changes(db, cid)
