"""Things to remember about a client: "Dog" → "Biscuit", optionally with a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crmdesk import model
from crmdesk.errors import ValidationError
from crmdesk.services import limits
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.clients import live_client
from crmdesk.services.trash import live, soft_delete
from crmdesk.store.database import Database


@dataclass(frozen=True)
class FactRecord:
    id: str
    client_id: str
    label: str
    value: str
    on_date: date | None


def _check(label: str, value: str) -> tuple[str, str]:
    label, value = label.strip(), value.strip()
    problems = {}
    if not label:
        problems["label"] = "Say what this is about, e.g. “Dog” or “Coffee”."
    if not value:
        problems["value"] = "Enter what to remember, e.g. “Biscuit”."
    problems.update(limits.check({"label": label, "value": value}, limits.FACT))
    if problems:
        raise ValidationError(problems)
    return label, value


def add_fact(
    db: Database, client_id: str, label: str, value: str, on_date: date | None = None
) -> Changes:
    label, value = _check(label, value)
    with db.write() as w:
        live_client(w.session, client_id)
        fact = model.Fact(client_id=client_id, label=label, value=value, on_date=on_date)
        w.session.add(fact)
        w.session.flush()
        fact_id = fact.id
    return from_write(f"Add “{label}”", w, created_id=fact_id)


def update_fact(
    db: Database, fact_id: str, label: str, value: str, on_date: date | None = None
) -> Changes:
    label, value = _check(label, value)
    with db.write() as w:
        fact = _get(w.session.get(model.Fact, fact_id))
        fact.label, fact.value, fact.on_date = label, value, on_date
    return from_write(f"Edit “{label}”", w)


def delete_fact(db: Database, fact_id: str) -> Changes:
    with db.write() as w:
        label = soft_delete(_get(w.session.get(model.Fact, fact_id))).label
    return from_write(f"Delete “{label}”", w)


def facts_of(db: Database, client_id: str) -> list[FactRecord]:
    rows = db.query(
        "SELECT id, client_id, label, value, on_date FROM facts"
        " WHERE client_id = ? AND deleted_at IS NULL ORDER BY created_at, id",
        (client_id,),
    )
    return [
        FactRecord(i, c, label, value, date.fromisoformat(on) if on else None)
        for i, c, label, value, on in rows
    ]


def _get(fact: model.Fact | None) -> model.Fact:
    return live(fact, "That entry is not there any more.")
