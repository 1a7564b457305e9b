"""The synced tables, their merge order, the rows erasure blanks and their names, as the
mapped classes declare them: a new synced class cannot be left out of merges and erasure."""

from __future__ import annotations

from crmdesk import model
from crmdesk.model import kinds
from crmdesk.model.erasure import BLANK, TOMBSTONED
from crmdesk.services import sync
from crmdesk.store.database import Database


def _columns(db: Database) -> dict[str, set[str]]:
    tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: {r[1] for r in db.query(f'PRAGMA table_info("{t}")')} for t in tables}


def test_every_table_with_stamps_and_tombstones_is_merged(db: Database) -> None:
    """In the migrated file: a table whose rows carry a clock, a site and a tombstone is a
    synced table (field_changes and site_clocks carry clock and site, but are the merge's own)."""
    stamped = {t for t, cols in _columns(db).items() if {"hlc", "site_id", "deleted_at"} <= cols}
    assert stamped == set(kinds.synced_tables())
    assert set(model.Synced.__subclasses__()) == set(kinds.synced_classes())


def test_the_merge_inserts_parents_before_children() -> None:
    tables = kinds.synced_tables()
    for cls in kinds.synced_classes():
        for fk in cls.__table__.foreign_keys:  # type: ignore[attr-defined]
            parent = fk.column.table.name
            assert tables.index(parent) <= tables.index(kinds.table(cls)), (cls, parent)


def test_the_lists_are_those_kept_by_hand_before() -> None:
    assert kinds.synced_tables() == (
        "clients", "not_duplicates", "surveys", "survey_forms", "survey_answers", "facts",
        "notes", "history", "answer_images", "purchases", "complaints", "letter_templates",
        "conflicts",
    )  # fmt: skip
    assert set(kinds.client_tables()) == {
        "facts", "notes", "history", "purchases", "complaints", "survey_answers", "conflicts",
        "answer_images",
    }  # fmt: skip
    assert dict(kinds.kind_names()) == {
        "clients": "Clients",
        "not_duplicates": "Not the same person",
        "facts": "Things to remember",
        "notes": "Notes",
        "history": "History entries",
        "purchases": "Purchases",
        "complaints": "Complaints",
        "surveys": "Surveys",
        "survey_forms": "Survey forms",
        "survey_answers": "Survey answers",
        "answer_images": "Handwriting on survey forms",
        "letter_templates": "Letter templates",
        "conflicts": "Conflict log",
    }
    assert kinds.moved_tables() == (
        "survey_forms", "survey_answers", "facts", "notes", "history", "answer_images",
        "purchases", "complaints",
    )  # fmt: skip
    assert sync.kind_name("settings") == "Settings"
    assert kinds.mapped_class("history") is model.HistoryEntry


def test_erasure_says_how_to_blank_every_table_of_a_client(db: Database) -> None:
    """Each table erased with the client has its blanks, and holds the client's id; survey
    forms hold nothing personal and are left as they are."""
    columns = _columns(db)
    assert set(BLANK) == {"clients", *kinds.client_tables()}
    assert TOMBSTONED.issubset(kinds.client_tables())
    for table in kinds.client_tables():
        assert "client_id" in columns[table] and set(BLANK[table]) <= columns[table], table
    assert "survey_forms" not in kinds.client_tables()
    assert "client_id" in columns["survey_forms"]
