"""Two (or three) machines with copies of one database, for the merge tests."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import keyring
from keyring.backend import KeyringBackend

from crmdesk.model.kinds import synced_tables
from crmdesk.services import clients
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database

SITES = {
    "A": "aaaaaaaa-0000-4000-8000-000000000001",
    "B": "bbbbbbbb-0000-4000-8000-000000000002",
    "C": "cccccccc-0000-4000-8000-000000000003",
    "D": "dddddddd-0000-4000-8000-000000000004",
}


@contextmanager
def machine(path: Path, name: str) -> Iterator[Database]:
    db = Database.open(path, site=SITES[name])
    try:
        yield db
    finally:
        db.close()


def copy_to(source: Path, target: Path) -> Path:
    return Path(shutil.copyfile(source, target))


def add_client(db: Database, **fields: Any) -> str:
    made = clients.create_client(db, ClientForm(**fields)).created_id
    assert made
    return made


def edit_client(db: Database, client_id: str, **fields: Any) -> None:
    form = clients.get_client(db, client_id).to_form()
    for key, value in fields.items():
        setattr(form, key, value)
    clients.update_client(db, client_id, form)


# a conflict found on two machines keeps the stamp of whichever copy's finding it holds
# (bookkeeping only: what the user sees of it, found-at included, is the same everywhere)
NOT_COMPARED = {"conflicts": ("hlc", "site_id")}


def content(path: Path, *, stamps: bool = True) -> dict[str, Any]:
    """What a user could see in the file: every synced table's rows (all their columns,
    with `stamps` the rows' own hlc and site too) and the business's settings, ordered so
    that two files can be compared."""
    conn = sqlite3.connect(path)
    try:
        found: dict[str, Any] = {}
        for table in synced_tables():
            skip = NOT_COMPARED.get(table, ()) if stamps else ("hlc", "site_id")
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(c for c in columns if c not in skip)
            found[table] = sorted(conn.execute(f"SELECT {names} FROM {table}").fetchall(), key=repr)
        found["meta"] = sorted(
            conn.execute(
                "SELECT key, value FROM meta WHERE key NOT IN ('clock', 'lineage_id', 'created_at')"
            ).fetchall()
        )
        return found
    finally:
        conn.close()


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in this process (what the OS keyring does, without
    one: this machine has only keyring's fail backend)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@contextmanager
def a_keyring() -> Iterator[MemoryKeyring]:
    """A keyring to remember passphrases in, for the length of the block."""
    previous = keyring.get_keyring()
    found = MemoryKeyring()
    keyring.set_keyring(found)
    try:
        yield found
    finally:
        keyring.set_keyring(previous)


@contextmanager
def older_file(path: Path, revision: str) -> Iterator[Any]:
    """A crmdesk file as an older crmdesk wrote it (schema `revision`); the block fills it
    through the yielded SQLAlchemy connection, in one transaction."""
    import sqlalchemy as sa

    from crmdesk.store import migrate
    from crmdesk.store.gate import APPLICATION_ID

    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.close()
    from crmdesk.store import search_index

    engine = sa.create_engine(f"sqlite:///{path}")
    # (from 0010 the search index's triggers fold what is written: crm_fold)
    sa.event.listen(engine, "connect", lambda dbapi, _record: search_index.register(dbapi))
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn, revision)
            yield conn
    finally:
        engine.dispose()
