"""Dated free-text notes about a client; pinned notes come first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crmdesk import model
from crmdesk.errors import ValidationError
from crmdesk.model.ids import now
from crmdesk.services import limits
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.clients import live_client
from crmdesk.services.trash import live, soft_delete
from crmdesk.store.database import Database


@dataclass(frozen=True)
class NoteRecord:
    id: str
    client_id: str
    written_at: datetime
    text: str
    pinned: bool


def _check(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "The note is empty; type something to remember."})
    said = limits.too_long(limits.NOTE, text)
    if said:
        raise ValidationError({"text": said})
    return text


def add_note(
    db: Database,
    client_id: str,
    text: str,
    pinned: bool = False,
    written_at: datetime | None = None,
) -> Changes:
    text = _check(text)
    with db.write() as w:
        live_client(w.session, client_id)
        note = model.Note(
            client_id=client_id, text=text, pinned=pinned, written_at=written_at or now()
        )
        w.session.add(note)
        w.session.flush()
        note_id = note.id
    return from_write("Add note", w, created_id=note_id)


def update_note(db: Database, note_id: str, text: str, pinned: bool) -> Changes:
    text = _check(text)
    with db.write() as w:
        note = _get(w.session.get(model.Note, note_id))
        if note.text != text:
            note.text = text
        if note.pinned != pinned:
            note.pinned = pinned
    return from_write("Edit note", w)


def delete_note(db: Database, note_id: str) -> Changes:
    with db.write() as w:
        soft_delete(_get(w.session.get(model.Note, note_id)))
    return from_write("Delete note", w)


def notes_of(db: Database, client_id: str) -> list[NoteRecord]:
    rows = db.query(
        "SELECT id, client_id, written_at, text, pinned FROM notes"
        " WHERE client_id = ? AND deleted_at IS NULL ORDER BY pinned DESC, written_at DESC, id",
        (client_id,),
    )
    return [
        NoteRecord(i, c, datetime.fromisoformat(when), text, bool(pinned))
        for i, c, when, text, pinned in rows
    ]


def _get(note: model.Note | None) -> model.Note:
    return live(note, "That note is not there any more.")
