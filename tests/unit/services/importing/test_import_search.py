"""The history entry every imported client gets ("Imported from <file>", "Line N [mark]") is
not searched: its words would list every imported client for "line" (Caroline), "port"
(Portsmouth) or "csv". What the file held about the client is searched as before."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crmdesk.services import clients, history, search, undo
from crmdesk.services.history import ContactForm
from crmdesk.services.importing import open_import
from crmdesk.services.importing.preview import import_file
from crmdesk.store.database import Database
from tests.sync_helpers import older_file
from tests.unit.services.importing.test_import_plan import write_csv

PEOPLE = [
    ["Łukasz", "Nowak", "lukasz@example.pl", "07911 123456", "1 Rynek", "Leeds", "LS1 4AB",
     "1980-03-22", "Likes tulips", ""],
    ["Caroline", "Porter", "", "", "", "Portsmouth", "", "", "", ""],
    ["Σοφία", "Παπαδοπούλου", "", "", "", "York", "", "", "Ζητά πάντα τσάι", ""],
]  # fmt: skip
IMPORT_WORDS = ["imported", "line", "from", "csv", "export", "porte"]  # "porte": Imported


def found(db: Database, text: str) -> list[tuple[str, str]]:
    return sorted((clients.get_client(db, h.client_id).given_name, h.where)
                  for h in search.search(db, text))  # fmt: skip


def test_an_imports_entry_is_not_searched_what_the_file_held_is(
    tmp_path: Path, db: Database
) -> None:
    file = write_csv(tmp_path / "phone export.csv", PEOPLE)
    result = import_file(db, open_import(file))
    assert result.added == 3
    assert found(db, "Imported") == []
    assert found(db, "line") == [("Caroline", "Profile")]
    assert found(db, "porte") == [("Caroline", "Profile")]
    assert found(db, "export") == [] and found(db, "csv") == []
    assert found(db, "tulips") == [("Łukasz", "Note")]
    assert found(db, "τσαι") == [("Σοφία", "Note")]
    assert found(db, "leeds") == [("Łukasz", "Profile")]
    # every client still shows the entry, and the same file again adds nothing
    for (cid,) in db.query("SELECT id FROM clients"):
        [entry] = history.timeline(db, cid)
        assert entry.subject == "Imported from phone export.csv"
    assert import_file(db, open_import(file)).added == 0


def test_deleted_and_restored_the_entry_stays_out_edited_it_is_searched(
    tmp_path: Path, db: Database
) -> None:
    import_file(db, open_import(write_csv(tmp_path / "phone export.csv", PEOPLE)))
    [(cid,)] = db.query("SELECT id FROM clients WHERE given_name = 'Łukasz'")
    clients.delete_client(db, cid)
    assert found(db, "tulips") == []
    clients.restore_client(db, cid)
    assert found(db, "tulips") == [("Łukasz", "Note")]
    assert found(db, "imported") == []
    # the owner writes more into the entry: it is theirs now, and found
    [entry] = history.timeline(db, cid)
    form = ContactForm(
        kind=entry.kind,
        direction=entry.direction,
        occurred_at=entry.occurred_at,
        subject=entry.subject,
        body=f"{entry.body} Phoned to check: all right",
    )
    history.update_entry(db, entry.id, form)
    assert found(db, "phoned") == [("Łukasz", "History")]
    assert found(db, "imported") == [("Łukasz", "History")]
    history.update_entry(db, entry.id, replace(form, body=entry.body))
    assert found(db, "imported") == []
    # …an outcome, or words in brackets, are theirs too
    history.update_entry(db, entry.id, replace(form, body=entry.body, outcome="Wants brochure"))
    assert found(db, "brochure") == [("Łukasz", "History")]
    for body in (f"{entry.body[:-14]} rang her [callback_01]", f"{entry.body} [callback_01]"):
        history.update_entry(db, entry.id, replace(form, body=body))
        assert found(db, "callback") == [("Łukasz", "History")], body


def test_undoing_an_import_leaves_nothing_in_the_index(tmp_path: Path, db: Database) -> None:
    docs = db.query("SELECT count(*) FROM search_docs")
    result = import_file(db, open_import(write_csv(tmp_path / "phone export.csv", PEOPLE)))
    undo.apply(db, result.changes.undo)
    assert db.query("SELECT count(*) FROM search_docs") == docs
    assert found(db, "tulips") == [] and found(db, "Caroline") == []


def test_a_file_imported_into_before_0015_is_searched_as_a_new_one_is(tmp_path: Path) -> None:
    """At 0014 every "Imported from" entry was indexed; opening the file takes them out and
    keeps the owner's own entries."""
    path = tmp_path / "old.crmdesk"
    with older_file(path, "0014") as conn:
        conn.exec_driver_sql(
            "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
            " salutation, preferred_name, company, phones, emails, street, postcode, city,"
            " country, preferred_contact, marketing_consent, tags, found_via, sort_name,"
            " stage_override, referral_reward) VALUES ('c1', '1', 's1', '2025-01-01 10:00:00',"
            " 'Caroline', 'Webber', '', '', '', '[]', '[]', '', '', '', '', 'any', 0, '[]', '',"
            " 'webber caroline', '', '')"
        )
        for hid, kind, subject, body in (
            ("h1", "other", "Imported from contacts.csv", "Line 2 [AbCdEfGhIjK]"),
            ("h2", "call", "Imported from her old shop", "Asked about the line of scarves"),
            ("h3", "other", "Imported from contacts.csv", "Line 2 [AbCdEfGhIjK] and a chat"),
            ("h4", "other", "Imported from contacts.csv", "Line 12 [AbCdEfGhIjL]"),
        ):
            conn.exec_driver_sql(
                "INSERT INTO history (id, hlc, site_id, created_at, client_id, kind, direction,"
                " occurred_at, subject, body, outcome, personal) VALUES (?, '1', 's1',"
                " '2025-01-01 10:00:00', 'c1', ?, 'in', '2025-01-01 10:00:00', ?, ?, '', 0)",
                (hid, kind, subject, body),
            )
        indexed = conn.exec_driver_sql("SELECT count(*) FROM search_docs").scalar()
        assert indexed == 5  # the client and its four entries
    with Database.open(path) as db:
        assert db.report.migrated_from == "0014"
        kept = db.query("SELECT row_id FROM search_docs WHERE source = 'history' ORDER BY 1")
        assert kept == [("h2",), ("h3",)]
        (texts,) = db.query("SELECT count(*) FROM search_text")
        assert texts == (2,)  # the index and its documents agree
        assert [h.where for h in search.search(db, "scarves")] == ["History"]
        assert [h.where for h in search.search(db, "chat")] == ["History"]


def test_taken_back_to_0014_the_entries_are_indexed_again(tmp_path: Path, db_path: Path) -> None:
    import sqlalchemy as sa

    from crmdesk.store import migrate, search_index

    with Database.open(db_path) as db:
        import_file(db, open_import(write_csv(tmp_path / "phone export.csv", PEOPLE)))
        assert found(db, "imported") == []
    engine = sa.create_engine(f"sqlite:///{db_path}")
    sa.event.listen(engine, "connect", lambda dbapi, _record: search_index.register(dbapi))
    try:
        with engine.begin() as conn:
            migrate.downgrade(conn, "0014")
            shown = conn.exec_driver_sql(
                "SELECT shown FROM search_text WHERE substr(shown, 1, 14) = 'Imported from '"
            ).fetchall()
            assert len(shown) == 3 and all("Line" in s for (s,) in shown)
            migrate.upgrade(conn)
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM search_text WHERE substr(shown, 1, 14) = 'Imported from '"
            ).scalar()
            assert left == 0
    finally:
        engine.dispose()
