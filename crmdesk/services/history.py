"""The communication history: every call, visit, email, letter, SMS and meeting."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crmdesk import model
from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model import Direction, HistoryKind
from crmdesk.model.ids import now
from crmdesk.services import limits
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.clients import live_client
from crmdesk.services.trash import live, soft_delete
from crmdesk.store.database import Database


@dataclass
class ContactForm:
    kind: str = HistoryKind.CALL.value
    direction: str = Direction.OUT.value
    occurred_at: datetime | None = None  # None: now
    subject: str = ""
    body: str = ""
    outcome: str = ""
    follow_up_on: date | None = None
    complaint_id: str | None = None  # the complaint this contact was about


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
    complaint_id: str | None = None


def _check(form: ContactForm) -> dict[str, object]:
    problems = {}
    if form.kind not in {k.value for k in HistoryKind}:
        problems["kind"] = f"“{form.kind}” is not a kind of contact."
    if form.direction not in {d.value for d in Direction}:
        problems["direction"] = "Direction must be incoming or outgoing."
    if not (form.subject.strip() or form.body.strip()):
        problems["subject"] = "Type a subject or what was said."
    problems.update(
        limits.check(
            {"subject": form.subject, "body": form.body, "outcome": form.outcome}, limits.CONTACT
        )
    )
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
        "complaint_id": form.complaint_id or None,
    }


def log_contact(db: Database, client_id: str, form: ContactForm) -> Changes:
    values = _check(form)
    with db.write() as w:
        live_client(w.session, client_id)
        entry = model.HistoryEntry(client_id=client_id, **values)
        w.session.add(entry)
        w.session.flush()
        entry_id = entry.id
    label = HistoryKind(form.kind).label.lower()
    return from_write(f"Log {label}", w, created_id=entry_id)


def update_entry(db: Database, entry_id: str, form: ContactForm) -> Changes:
    values = _check(form)
    with db.write() as w:
        entry = _get(w.session.get(model.HistoryEntry, entry_id))
        for key, value in values.items():
            if getattr(entry, key) != value:
                setattr(entry, key, value)
    return from_write("Edit history entry", w)


def delete_entry(db: Database, entry_id: str) -> Changes:
    with db.write() as w:
        soft_delete(_get(w.session.get(model.HistoryEntry, entry_id)))
    return from_write("Delete history entry", w)


_ENTRY_COLUMNS = (
    "id, client_id, kind, direction, occurred_at, subject, body, outcome, follow_up_on,"
    " complaint_id"
)


def _where(client_id: str, kinds: Collection[str] | None) -> tuple[str, list[object]]:
    sql = "client_id = ? AND deleted_at IS NULL"
    params: list[object] = [client_id]
    if kinds:
        sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        params += list(kinds)
    return sql, params


def count_entries(db: Database, client_id: str, kinds: Collection[str] | None = None) -> int:
    where, params = _where(client_id, kinds)
    return int(db.query(f"SELECT count(*) FROM history WHERE {where}", params)[0][0])


def timeline(
    db: Database,
    client_id: str,
    kinds: Collection[str] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[HistoryRecord]:
    """A client's history, newest first, optionally only some kinds."""
    where, params = _where(client_id, kinds)
    rows = db.query(
        f"SELECT {_ENTRY_COLUMNS} FROM history WHERE {where}"
        " ORDER BY occurred_at DESC, id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_from_row(r) for r in rows]


def entries_about(db: Database, complaint_id: str) -> list[HistoryRecord]:
    """The contacts logged about a complaint, oldest first."""
    rows = db.query(
        f"SELECT {_ENTRY_COLUMNS} FROM history WHERE complaint_id = ? AND deleted_at IS NULL"
        " ORDER BY occurred_at",
        (complaint_id,),
    )
    return [_from_row(r) for r in rows]


def get_entry(db: Database, entry_id: str) -> HistoryRecord:
    rows = db.query(
        f"SELECT {_ENTRY_COLUMNS} FROM history WHERE id = ? AND deleted_at IS NULL", (entry_id,)
    )
    if not rows:
        raise NotFoundError("That history entry is not there any more.")
    return _from_row(rows[0])


def _from_row(row: tuple[Any, ...]) -> HistoryRecord:
    (entry_id, client_id, kind, direction, occurred, subject, body, outcome, follow_up,
     complaint) = row  # fmt: skip
    return HistoryRecord(
        entry_id, client_id, kind, direction, datetime.fromisoformat(occurred), subject, body,
        outcome, date.fromisoformat(follow_up) if follow_up else None, complaint,
    )  # fmt: skip


def _get(entry: model.HistoryEntry | None) -> model.HistoryEntry:
    return live(entry, "That history entry is not there any more.")
