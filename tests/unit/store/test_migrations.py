"""A file made at the first schema revision opens: backed up, verified, then upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crmdesk import paths
from crmdesk.services import client_list, search
from crmdesk.store import migrate, revisions
from crmdesk.store.database import Database
from tests.sync_helpers import older_file


def make_first_revision_file(path: Path) -> None:
    """What crmdesk 0.1 (schema 0001, no search index yet) wrote, with one client in it."""
    with older_file(path, "0001") as conn:
        conn.exec_driver_sql(
            "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
            " salutation, preferred_name, company, phones, emails, street, postcode, city,"
            " country, preferred_contact, marketing_consent, tags, found_via, sort_name)"
            " VALUES ('c1', '0000000000001-000000', 's1', '2025-01-01 10:00:00', 'Margaret',"
            " 'Webber', 'Mrs', 'Peggy', '', '[]', '[]', '', '', 'Leeds', '', 'any', 0,"
            " '[\"vip\"]', 'Walk-in', 'webber margaret')"
        )
        conn.exec_driver_sql(
            "INSERT INTO notes (id, hlc, site_id, created_at, client_id, written_at, text,"
            " pinned) VALUES ('n1', '0000000000001-000001', 's1', '2025-01-01 10:00:00', 'c1',"
            " '2025-01-01 10:00:00', 'Her spaniel Biscuit hates the rain', 0)"
        )


def test_first_revision_file_is_backed_up_and_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.crmdesk"
    make_first_revision_file(path)
    with Database.open(path) as db:
        assert db.report.migrated_from == "0001"
        backup = db.report.backup
        assert backup is not None and backup.parent.parent == paths.backups_dir()
        assert client_list.count_clients(db) == 1
        hits = search.search(db, "spaniel")  # indexed by the upgrade
        assert [h.client_id for h in hits] == ["c1"]
        assert hits[0].matched == ["spaniel"]
        assert db.lineage_id  # given one on first open
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert old.execute("SELECT family_name FROM clients").fetchall() == [("Webber",)]
    assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    old.close()
    with Database.open(path) as db:  # already current: no second backup
        assert db.report.migrated_from is None
    assert len(list(paths.backups_dir().rglob("*.crmdesk"))) == 1


def test_known_revisions_match_the_migration_scripts() -> None:
    """The constant the opener uses (without loading Alembic) is the scripts' history."""
    assert list(revisions.KNOWN) == migrate.known()
    assert migrate.head() == revisions.HEAD


def test_paper_for_many_stops_counting_as_a_contact_after_the_upgrade(tmp_path: Path) -> None:
    """A file at 0008: a letter printed for two clients at once, a letter to one of them, a
    survey form and an answer typed in from it. After 0009 only the letter to one client and
    the call count as contacts, and each client's last contact says so."""
    path = tmp_path / "old.crmdesk"
    with older_file(path, "0008") as conn:
        for cid, name in (("c1", "Webber"), ("c2", "Lee")):
            conn.exec_driver_sql(
                "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
                " salutation, preferred_name, company, phones, emails, street, postcode, city,"
                " country, preferred_contact, marketing_consent, tags, found_via, sort_name,"
                " stage_override, referral_reward) VALUES (?, '1', 's1', '2025-01-01 10:00:00',"
                " 'Ann', ?, '', '', '', '[]', '[]', '', '', '', '', 'any', 0, '[]', '', ?, '', '')",
                (cid, name, name.lower()),
            )
        entries = [  # id, client, kind, direction, when, subject
            ("h1", "c1", "call", "out", "2026-03-01 10:00:00", "Quote"),
            ("h2", "c1", "letter", "out", "2026-04-01 09:00:00", "Event or new programme"),
            ("h3", "c2", "letter", "out", "2026-04-01 09:00:00", "Event or new programme"),
            ("h4", "c2", "letter", "out", "2026-05-01 09:00:00", "Birthday"),
            ("h5", "c1", "letter", "out", "2026-06-01 09:00:00", "Survey form"),
            ("h6", "c1", "other", "in", "2026-06-05 12:00:00", "Survey answer: 3/10"),
        ]
        for row in entries:
            conn.exec_driver_sql(
                "INSERT INTO history (id, client_id, kind, direction, occurred_at, subject,"
                " body, outcome, hlc, site_id, created_at) VALUES (?, ?, ?, ?, ?, ?, '', '',"
                " '1', 's1', '2026-01-01 00:00:00')",
                row,
            )
        conn.exec_driver_sql(
            "INSERT INTO surveys (id, name, definition, hlc, site_id, created_at)"
            " VALUES ('s', 'S', '{}', '1', 's1', '2026-01-01 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO survey_answers (id, survey_id, client_id, answered_at, channel, score,"
            " reason, extra, consent_contact, consent_quote, referral_name, referral_phone, hlc,"
            " site_id, created_at) VALUES ('a1', 's', 'c1', '2026-06-05 12:00:00', 'form', 3,"
            " '', '{}', 0, 0, '', '', '1', 's1', '2026-01-01 00:00:00')"
        )
    with Database.open(path) as db:
        assert db.report.migrated_from == "0008"
        personal = dict(db.query("SELECT id, personal FROM history ORDER BY id"))
        assert personal == {"h1": 1, "h2": 0, "h3": 0, "h4": 1, "h5": 0, "h6": 0}
        last = dict(db.query("SELECT id, last_contact_at FROM clients"))
        assert last == {"c1": "2026-03-01 10:00:00", "c2": "2026-05-01 09:00:00"}


def test_an_older_index_is_rebuilt_folded_and_printed_letters_by_subject(tmp_path: Path) -> None:
    """A file from before 0010 (its index as written, letters' text in it) opens with its
    index folded: "lodz" finds Łódź, and a printed letter's letterhead is not searched."""
    path = tmp_path / "old.crmdesk"
    with older_file(path, "0008") as conn:
        conn.exec_driver_sql(
            "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
            " salutation, preferred_name, company, phones, emails, street, postcode, city,"
            " country, preferred_contact, marketing_consent, tags, found_via, sort_name)"
            " VALUES ('c1', '0000000000001-000000', 's1', '2025-01-01 10:00:00', 'Łukasz',"
            " 'Wróbel', 'Mr', '', '', '[]', '[]', 'ul. Długa 5', '90-001', 'Łódź', 'Poland',"
            " 'any', 0, '[]', '', 'wrobel lukasz')"
        )
        conn.exec_driver_sql(
            "INSERT INTO history (id, hlc, site_id, created_at, client_id, kind, direction,"
            " occurred_at, subject, body, outcome) VALUES ('h1', '0000000000001-000001', 's1',"
            " '2025-01-01 10:00:00', 'c1', 'letter', 'out', '2025-01-01 10:00:00', 'Birthday',"
            " 'Everyone at Webber & Daughters wishes you a happy birthday', 'Printed')"
        )
    with Database.open(path) as db:
        assert db.report.migrated_from == "0008"
        [hit] = search.search(db, "lodz")
        assert hit.client_id == "c1" and hit.matched == ["Łódź"]
        assert search.search(db, "ebb") == []
        assert [h.where for h in search.search(db, "birthday")] == ["History"]


def test_the_migrated_schema_is_the_models_schema(db_path: Path) -> None:
    """Every table, column, type, index and key the mapped classes declare is what the
    migrations make, and nothing else (the store's own tables aside: the search index and
    the client counter are kept by triggers, not by the ORM)."""
    import importlib
    import warnings

    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from crmdesk import model
    from crmdesk.model.base import Base

    for module in model.MODULES:
        importlib.import_module(module)

    def ours(obj: object, name: str | None, kind: str, reflected: bool, _to: object) -> bool:
        if kind == "table" and reflected and name not in Base.metadata.tables:
            return False  # the store's own (search_*, client_count, alembic_version)
        table = getattr(obj, "table", None)
        return table is None or table.name in Base.metadata.tables

    engine = sa.create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # expression indexes (month-day of a birthday) cannot be reflected by SQLite's
            # dialect; they are compared by name below instead
            warnings.simplefilter("ignore")
            context = MigrationContext.configure(
                conn, opts={"include_object": ours, "compare_type": True}
            )
            differences = compare_metadata(context, Base.metadata)
            indexes = {
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                )
            }
    finally:
        engine.dispose()
    assert differences == []
    declared = {i.name for t in Base.metadata.tables.values() for i in t.indexes}
    assert declared <= indexes


def test_birthdays_of_an_older_file_keep_their_dates(tmp_path: Path) -> None:
    """A file at 0010 (birthdays were full dates) opens with every birthday as it was, and
    can then hold one without a year."""
    from crmdesk.model.partial_date import PartialDate
    from crmdesk.services import birthdays, clients, letters

    path = tmp_path / "old.crmdesk"
    with older_file(path, "0010") as conn:
        for cid, born in (("c1", "1961-04-02"), ("c2", "2000-02-29"), ("c3", None)):
            conn.exec_driver_sql(
                "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
                " salutation, preferred_name, company, phones, emails, street, postcode, city,"
                " country, preferred_contact, marketing_consent, tags, found_via, sort_name,"
                " stage_override, referral_reward, birthday) VALUES (?, '1', 's1',"
                " '2025-01-01 10:00:00', 'Ann', ?, '', '', '', '[]', '[]', '', '', '', '', 'any',"
                " 0, '[]', '', ?, '', '', ?)",
                (cid, cid, cid, born),
            )
    with Database.open(path) as db:
        assert db.report.migrated_from == "0010"
        assert clients.get_client(db, "c1").birthday == PartialDate(4, 2, 1961)
        assert clients.get_client(db, "c2").birthday == PartialDate(2, 29, 2000)
        assert clients.get_client(db, "c3").birthday is None
        stored = dict(db.query("SELECT id, birthday FROM clients"))
        assert stored == {"c1": "1961-04-02", "c2": "2000-02-29", "c3": None}  # not rewritten
        birthdays.set_birthday(db, "c3", PartialDate(4, 9))
        assert letters.clients_with_birthday_in(db, 4) == ["c1", "c3"]
