"""Writing an import: one step for Undo, nothing lost, nothing twice, Cancel writes nothing."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from crmdesk.services import client_list, clients, facts, history, notes, settings, undo
from crmdesk.services.clients import Labelled
from crmdesk.services.importing import ColumnTarget, Field, PartialDate, open_import
from crmdesk.services.importing.plan import OnMatch, Status
from crmdesk.services.importing.preview import (
    ImportCancelled,
    import_file,
    preview_file,
    use_remembered_mapping,
    write_preview,
)
from crmdesk.store.database import Database
from tests.import_helpers import FIXTURES
from tests.unit.services.importing.test_import_plan import client, write_csv

PEOPLE = [
    ["Łukasz", "Nowak", "lukasz@example.pl", "07911 123456", "1 Rynek", "Leeds", "LS1 4AB",
     "1980-03-22", "Likes tulips", "42"],
    ["Σοφία", "Παπαδοπούλου", "not an address", "call me", "", "York", "", "--04-15", "", ""],
    ["محمد", "الحسيني", "", "", "", "", "", "31/02/1990", "", ""],
    ["דוד", "כהן", "", "", "", "", "", "", "", ""],  # a name alone: no email, phone or place
    ["สมชาย", "ใจดี", "somchai@example.co.th", "", "", "Bangkok", "", "", "", ""],
    ["देव", "शर्मा", "dev@example.in", "", "", "", "", "", "", ""],
]  # fmt: skip


def live_ids(db: Database) -> list[str]:
    return [cid for (cid,) in db.query("SELECT id FROM clients WHERE deleted_at IS NULL")]


def names(db: Database) -> list[str]:
    return sorted(clients.get_client(db, i).display_name for i in live_ids(db))


@pytest.fixture
def file(tmp_path: Path, db: Database) -> Path:
    settings.set_phone_region(db, "GB")
    return write_csv(tmp_path / "shop contacts.csv", PEOPLE)


def test_new_clients_keep_everything_the_file_held(db: Database, file: Path) -> None:
    result = import_file(db, open_import(file))
    assert (result.added, result.updated, result.skipped) == (6, 0, 0)
    assert names(db) == sorted(["Łukasz Nowak", "Σοφία Παπαδοπούλου", "محمد الحسيني",
                                "דוד כהן", "สมชาย ใจดี", "देव शर्मा"])  # fmt: skip
    ids = {clients.get_client(db, i).given_name: i for i in live_ids(db)}
    lukasz = clients.get_client(db, ids["Łukasz"])
    assert [p.number for p in lukasz.phones] == ["+447911123456"]
    assert [e.address for e in lukasz.emails] == ["lukasz@example.pl"]
    assert (lukasz.street, lukasz.city, lukasz.postcode) == ("1 Rynek", "Leeds", "LS1 4AB")
    assert lukasz.birthday == PartialDate(3, 22, 1980)
    assert [n.text for n in notes.notes_of(db, lukasz.id)] == ["Likes tulips"]
    assert [(f.label, f.value) for f in facts.facts_of(db, lukasz.id)] == [("Shoe size", "42")]
    [entry] = history.timeline(db, lukasz.id)
    assert entry.subject == "Imported from shop contacts.csv"
    # the invalid phone and email are kept as typed; a birthday without a year stays so
    sofia = ids["Σοφία"]
    kept = {(f.label, f.value) for f in facts.facts_of(db, sofia)}
    assert kept == {("Imported phone (mobile)", "call me"), ("Imported email", "not an address")}
    assert clients.get_client(db, sofia).birthday == PartialDate(4, 15)
    # …and each is listed as a problem with its file and line
    said = [(p.file, p.line, p.text) for p in result.problems]
    assert ("shop contacts.csv", 3, "“call me” is not a phone number; kept as a thing to "
            "remember") in said  # fmt: skip
    assert ("shop contacts.csv", 3, "“not an address” is not an email address; kept as a "
            "thing to remember") in said  # fmt: skip
    assert not any("April" in text for _f, _line, text in said)
    assert any(line == 4 and "31/02/1990" in text for _f, line, text in said)


def test_importing_the_same_file_again_adds_nothing(db: Database, file: Path) -> None:
    import_file(db, open_import(file))
    before = names(db)
    again = import_file(db, open_import(file))
    assert (again.added, again.updated, again.skipped) == (0, 0, 6)
    assert again.problems == []  # told the first time
    assert names(db) == before
    assert again.changes is not None and again.changes.undo is None
    preview = preview_file(db, open_import(file))
    assert {r.status for r in preview.rows} == {Status.DONE}


def test_undo_takes_the_whole_import_back(db: Database, file: Path) -> None:
    settings.set_phone_region(db, "GB")
    ann = client(db, given_name="Łukasz", family_name="Nowak",
                 emails=[Labelled("", "lukasz@example.pl")], city="Manchester")  # fmt: skip
    result = import_file(db, open_import(file))
    assert (result.added, result.updated) == (5, 1)
    updated = clients.get_client(db, ann)
    assert updated.city == "Manchester"  # a different value is never overwritten…
    assert updated.street == "1 Rynek"  # …an empty one is filled
    [note_about_city, plain] = sorted(n.text for n in notes.notes_of(db, ann))
    assert "City: Leeds (here: Manchester)" in plain + note_about_city
    assert result.changes is not None and result.changes.undo is not None
    undo.apply(db, result.changes.undo)
    assert names(db) == ["Łukasz Nowak"]
    restored = clients.get_client(db, ann)
    assert (restored.street, restored.phones) == ("", ())
    assert notes.notes_of(db, ann) == [] and history.timeline(db, ann) == []
    # undone, the file can be imported again
    assert import_file(db, open_import(file)).added == 5


def test_cancel_writes_nothing(db: Database, tmp_path: Path) -> None:
    many = [[f"Given{n}", f"Family{n}", f"p{n}@example.org"] + [""] * 7 for n in range(1500)]
    file = write_csv(tmp_path / "many.csv", many)
    seen = []

    def progress(n: int, total: int) -> bool:
        seen.append((n, total))
        return len(seen) < 2  # Cancel after the first chunk is written

    preview = preview_file(db, open_import(file))
    with pytest.raises(ImportCancelled):
        write_preview(db, preview, OnMatch.UPDATE, progress)
    assert seen[0] == (500, 1500)
    assert client_list.count_clients(db) == 0
    assert write_preview(db, preview, OnMatch.UPDATE).added == 1500


def test_on_match_skip_or_new(db: Database, file: Path) -> None:
    client(db, given_name="Łukasz", family_name="Nowak", emails=[Labelled("", "lukasz@example.pl")])
    skipped = import_file(db, open_import(file), OnMatch.SKIP)
    assert (skipped.added, skipped.updated, skipped.skipped) == (5, 0, 1)
    assert names(db).count("Łukasz Nowak") == 1


def test_add_as_new_and_unmatched_rows(db: Database, file: Path) -> None:
    client(db, given_name="Łukasz", family_name="Nowak", emails=[Labelled("", "lukasz@example.pl")])
    preview = preview_file(db, open_import(file))
    preview.rows.unmatch(0)
    result = write_preview(db, preview, OnMatch.UPDATE)
    assert (result.added, result.updated) == (6, 0)
    assert names(db).count("Łukasz Nowak") == 2


def test_a_changed_mapping_is_used_and_remembered(db: Database, file: Path) -> None:
    source = open_import(file)
    assert source.mapping is not None
    shoe = source.mapping.headers.index("Shoe size")
    source.mapping = source.mapping.with_target(shoe, ColumnTarget(Field.SKIP))
    result = write_preview(db, preview_file(db, source), OnMatch.UPDATE)
    assert result.not_imported == ["shop contacts.csv: Shoe size"]
    again = open_import(file)
    assert use_remembered_mapping(db, again)
    assert again.mapping == source.mapping


def test_every_fixture_imports_without_losing_a_row(db: Database) -> None:
    settings.set_phone_region(db, "DE")
    for path in sorted((FIXTURES / "generated").iterdir()):
        if path.suffix == ".py":
            continue
        source = open_import(path, locale="de_DE")
        rows = preview_file(db, source).rows
        result = write_preview(db, preview_file(db, open_import(path, locale="de_DE")),
                               OnMatch.UPDATE)  # fmt: skip
        assert result.added + result.updated + result.skipped + result.folded == len(rows), (
            path.name
        )
        assert all(p.file == path.name and p.line >= 1 for p in result.problems), path.name


def test_a_big_file_streams_in_flat_memory(db: Database, tmp_path: Path) -> None:
    def peak(rows: int) -> int:
        many = [[f"G{n}", f"F{rows}-{n}", f"p{rows}-{n}@example.org"] + [""] * 7
                for n in range(rows)]  # fmt: skip
        file = write_csv(tmp_path / f"{rows}.csv", many)
        tracemalloc.start()
        try:
            assert import_file(db, open_import(file)).added == rows
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, big = peak(1_000), peak(4_000)
    assert big < small * 2, f"{small / 2**20:.1f} MB for 1,000 rows, {big / 2**20:.1f} for 4,000"


def test_a_client_deleted_after_the_preview_is_said_not_lost(db: Database, file: Path) -> None:
    cid = client(db, given_name="Łukasz", family_name="Nowak",
                 emails=[Labelled("", "lukasz@example.pl")])  # fmt: skip
    preview = preview_file(db, open_import(file))
    clients.delete_client(db, cid)
    result = write_preview(db, preview, OnMatch.UPDATE)
    assert (result.added, result.updated, result.skipped) == (5, 0, 1)
    gone = [p for p in result.problems if "deleted meanwhile" in p.text]
    assert [(p.file, p.line) for p in gone] == [("shop contacts.csv", 2)]
    assert "import the file again" in gone[0].text
    again = import_file(db, open_import(file))  # …and then it is added, as a new client
    assert again.added == 1
