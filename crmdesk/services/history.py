"""The communication history: every call, visit, email, letter, SMS and meeting."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model import Client, Direction, HistoryEntry, HistoryKind
from crmdesk.model.base import now
from crmdesk.services.changes import Changes, from_write
from crmdesk.store.database import Database
from crmdesk.store.tracking import tombstone_time


@dataclass
class ContactForm:
    kind: str = HistoryKind.CALL.value
    direction: str = Direction.OUT.value
    occurred_at: datetime | None = None  # None: now
    subject: str = ""
    body: str = ""
    outcome: str = ""
    follow_up_on: date | None = None


@dataclass(frozen=True)
class HistoryRecord:
    id: str
    client_id: str
    kind: str
    direction: str
    occurred_at: datetime
    subject: str
    body: str
    outcome: str
    follow_up_on: date | None


def _check(form: ContactForm) -> dict[str, object]:
    problems = {}
    if form.kind not in {k.value for k in HistoryKind}:
        problems["kind"] = f"“{form.kind}” is not a kind of contact."
    if form.direction not in {d.value for d in Direction}:
        problems["direction"] = "Direction must be incoming or outgoing."
    if not (form.subject.strip() or form.body.strip()):
        problems["subject"] = "Type a subject or what was said."
    when = form.occurred_at or now()
    if form.follow_up_on is not None and form.follow_up_on < when.date():
        problems["follow_up_on"] = "The follow-up date is before the contact itself."
    if problems:
        raise ValidationError(problems)
    return {
        "kind": form.kind,
        "direction": form.direction,
        "occurred_at": when,
        "subject": form.subject.strip(),
        "body": form.body.strip(),
        "outcome": form.outcome.strip(),
        "follow_up_on": form.follow_up_on,
    }


def log_contact(db: Database, client_id: str, form: ContactForm) -> Changes:
    values = _check(form)
    with db.write() as w:
        client = w.session.get(Client, client_id)
        if client is None or client.deleted_at is not None:
            raise NotFoundError("That client is not there any more.")
        entry = HistoryEntry(client_id=client_id, **values)
        w.session.add(entry)
        w.session.flush()
        entry_id = entry.id
    label = HistoryKind(form.kind).label.lower()
    return from_write(f"Log {label}", w, created_id=entry_id)


def update_entry(db: Database, entry_id: str, form: ContactForm) -> Changes:
    values = _check(form)
    with db.write() as w:
        entry = _get(w.session.get(HistoryEntry, entry_id))
        for key, value in values.items():
            if getattr(entry, key) != value:
                setattr(entry, key, value)
    return from_write("Edit history entry", w)


def delete_entry(db: Database, entry_id: str) -> Changes:
    with db.write() as w:
        _get(w.session.get(HistoryEntry, entry_id)).deleted_at = tombstone_time()
    return from_write("Delete history entry", w)


def _filtered(client_id: str, kinds: Collection[str] | None):  # type: ignore[no-untyped-def]
    where = [HistoryEntry.client_id == client_id, HistoryEntry.deleted_at.is_(None)]
    if kinds:
        where.append(HistoryEntry.kind.in_(list(kinds)))
    return where


def count_entries(db: Database, client_id: str, kinds: Collection[str] | None = None) -> int:
    with db.read() as s:
        query = select(func.count()).select_from(HistoryEntry).where(*_filtered(client_id, kinds))
        return s.scalar(query) or 0


def timeline(
    db: Database,
    client_id: str,
    kinds: Collection[str] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[HistoryRecord]:
    """A client's history, newest first, optionally only some kinds."""
    with db.read() as s:
        rows = s.scalars(
            select(HistoryEntry)
            .where(*_filtered(client_id, kinds))
            .order_by(HistoryEntry.occurred_at.desc(), HistoryEntry.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_record(e) for e in rows]


def get_entry(db: Database, entry_id: str) -> HistoryRecord:
    with db.read() as s:
        return _record(_get(s.get(HistoryEntry, entry_id)))


def _record(e: HistoryEntry) -> HistoryRecord:
    return HistoryRecord(
        e.id, e.client_id, e.kind, e.direction, e.occurred_at,
        e.subject, e.body, e.outcome, e.follow_up_on,
    )  # fmt: skip


def _get(entry: HistoryEntry | None) -> HistoryEntry:
    if entry is None or entry.deleted_at is not None:
        raise NotFoundError("That history entry is not there any more.")
    return entry
