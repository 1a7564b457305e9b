"""Clients with histories built to order, for the retention tests."""

from __future__ import annotations

from datetime import datetime

from crmdesk.services import clients
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database


def add_client(
    db: Database, given: str, referred_by: str | None = None, tags: list[str] | None = None
) -> str:
    form = ClientForm(given_name=given, family_name="Test")
    if referred_by:
        form.referred_by_id = referred_by
    if tags:
        form.tags = tags
    return str(clients.create_client(db, form).created_id)


def backdate(db: Database, client_id: str, when: datetime) -> None:
    """Pretend the client was added on `when` (the shop's data goes back years)."""
    from sqlalchemy import text

    with db.write() as w:
        w.session.execute(text("UPDATE clients SET created_at = :at WHERE id = :id"),
                          {"at": when.isoformat(" "), "id": client_id})  # fmt: skip
