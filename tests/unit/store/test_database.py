"""The .crmdesk file: how it is made, what is refused untouched, how it is left on close."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crmdesk.errors import ForeignDatabaseError, NewerSchemaError, NotADatabaseError
from crmdesk.model import Client
from crmdesk.services import clients, search
from crmdesk.services.clients import ClientForm
from crmdesk.store import revisions
from crmdesk.store.database import Database
from crmdesk.store.gate import APPLICATION_ID
from tests.conftest import digest


def side_files(path: Path) -> list[str]:
    return sorted(
        p.name
        for p in path.parent.iterdir()
        if p.name != path.name and p.name.startswith(path.name)
    )


def test_new_database_has_our_marks_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "shop.crmdesk"
    with Database.open(path, create=True) as db:
        assert db.report.created
        assert len(db.lineage_id) == 36
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revisions.HEAD
    raw.close()


def test_closing_leaves_only_the_database_file(db_path: Path) -> None:
    db = Database.open(db_path)
    clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber"))
    assert side_files(db_path) == [db_path.name + ".lock"]
    db.close()
    assert side_files(db_path) == []


def test_lineage_id_stays_with_the_file(db_path: Path) -> None:
    with Database.open(db_path) as db:
        first = db.lineage_id
    with Database.open(db_path) as db:
        assert db.lineage_id == first


def test_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "nope.crmdesk"
    with pytest.raises(Exception, match="does not exist"):
        Database.open(path)
    assert not path.exists()


def test_text_file_renamed_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.crmdesk"
    path.write_text("Shopping list: milk, eggs\n" * 10)
    before = digest(path)
    with pytest.raises(NotADatabaseError) as err:
        Database.open(path)
    assert str(path) in str(err.value)
    assert "not an SQLite file" in str(err.value)
    assert digest(path) == before
    assert side_files(path) == []


def test_other_applications_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "photos.crmdesk"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('beach.jpg')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(ForeignDatabaseError) as err:
        Database.open(path)
    assert str(path) in str(err.value)
    assert "another application" in str(err.value)
    assert digest(path) == before
    assert side_files(path) == []


def test_newer_schema_is_refused_untouched(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(NewerSchemaError) as err:
        Database.open(db_path)
    assert str(db_path) in str(err.value)
    assert "newer version of crmdesk" in str(err.value)
    assert digest(db_path) == before
    assert side_files(db_path) == []


def test_failed_write_leaves_the_database_as_it_was(db: Database) -> None:
    clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber"))
    before = search.search(db, "Webber")
    with pytest.raises(RuntimeError), db.write() as w:
        row = Client(given_name="Half", family_name="Written")
        w.session.add(row)
        w.session.flush()
        raise RuntimeError("power cut")
    assert search.search(db, "Written") == []
    assert search.search(db, "Webber") == before


def test_an_answer_kept_until_the_file_changes_follows_every_write(db: Database) -> None:
    """The list of tags is kept between reads, and any write (however soon) refreshes it."""
    from crmdesk.services import letters
    from tests.sync_helpers import add_client, edit_client

    cid = add_client(db, given_name="Anna", tags=["VIP"])
    assert letters.all_tags(db) == ["VIP"]
    for n in range(20):  # writes within the same few milliseconds
        edit_client(db, cid, tags=["VIP", f"tag {n:02d}"])
        assert letters.tags_if_known(db) is None  # not known: the window asks in the background
        assert letters.all_tags(db) == [f"tag {n:02d}", "VIP"]
        assert letters.tags_if_known(db) == [f"tag {n:02d}", "VIP"]
