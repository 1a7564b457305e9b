"""The window's preview of a large file: the rows past the first ones (10,000; 100 here)
are kept in a temporary file, with the index of the rows read so far, so memory stays flat
(tests/benchmarks/import_memory.py --preview). The user sees and gets the same: each row
planned, described and written as if all were in memory, a row they unmatch stays
unmatched, and the temporary file is deleted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crmdesk.services import clients, notes, settings
from crmdesk.services.clients import Labelled
from crmdesk.services.importing import open_import
from crmdesk.services.importing.kept_rows import KeptRows
from crmdesk.services.importing.plan import OnMatch, Status
from crmdesk.services.importing.preview import Preview, preview_file, write_preview
from crmdesk.store.database import Database
from tests.unit.services.importing.test_import_memory import people
from tests.unit.services.importing.test_import_plan import client

ROWS = 2_400  # (past the first 100: 23 pages of 100, more than the 16 held)
KEEP = 100


def shown(preview: Preview) -> list[tuple[int, str, str, str]]:
    """Each row as the preview's table shows it: line, name, status (with what an update
    would change) and problems."""
    return [
        (r.contact.origin.line, r.draft.name, r.status_text(),
         r.update.describe() if r.update else "")
        for r in preview.rows
    ]  # fmt: skip


def shop(db_path: Path) -> Path:
    """Clients some rows of the file match: by email (one with no town, which the file fills
    in; two with another town, which goes to a note) and one by phone."""
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
        for n, town in ((140, ""), (250, "Ripon"), (777, "Whitby")):
            client(db, given_name="Shop", family_name=f"Client {n}", city=town,
                   emails=[Labelled("", f"person{n}@example.org")])  # fmt: skip
        client(db, given_name="Phone", family_name="Only",
               phones=[Labelled("mobile", "07400 000903")])  # fmt: skip
    return db_path


def everyone(db: Database) -> list[tuple[str, str, str, list[str]]]:
    ids = [cid for (cid,) in db.query("SELECT id FROM clients WHERE deleted_at IS NULL")]
    return sorted(
        (c.display_name, ",".join(e.address for e in c.emails), c.city,
         sorted(n.text for n in notes.notes_of(db, c.id)))
        for c in (clients.get_client(db, cid) for cid in ids)
    )  # fmt: skip


def test_rows_on_disk_are_planned_shown_and_written_as_rows_in_memory(
    tmp_path: Path, db_path: Path
) -> None:
    file = people(tmp_path / "big.csv", ROWS)
    first = shop(db_path)
    second = Path(shutil.copy(first, tmp_path / "second.crmdesk"))
    with Database.open(first) as a, Database.open(second) as b:
        in_memory = preview_file(a, open_import(file), region="GB")
        on_disk = preview_file(b, open_import(file), region="GB", in_memory=KEEP)
        assert not in_memory.rows.on_disk and on_disk.rows.on_disk
        assert shown(on_disk) == shown(in_memory)
        counts = in_memory.counts()
        assert on_disk.counts() == counts
        assert counts[Status.MATCH] >= 4 and counts[Status.SAME] > 100
        assert on_disk.rows.problems == in_memory.rows.problems
        # the user says two rows past the first hundred are someone else: a match and a
        # row of an earlier row's person
        picked = [i for i, r in enumerate(in_memory.rows) if i > KEEP and r.status is Status.MATCH][
            :1
        ]
        picked += [i for i, r in enumerate(in_memory.rows) if i > KEEP and r.status is Status.SAME][
            :1
        ]
        assert len(picked) == 2
        for preview in (in_memory, on_disk):
            for at in picked:
                assert preview.rows.unmatch(at)
                assert not preview.rows.unmatch(at)  # (a new client already)
        for _ in on_disk.rows:  # every page read again: the ones held are others now
            pass
        assert [on_disk.rows[at].status for at in picked] == [Status.NEW, Status.NEW]
        assert on_disk.counts() == in_memory.counts()
        results = [write_preview(db, p, OnMatch.UPDATE) for db, p in ((a, in_memory),
                                                                      (b, on_disk))]  # fmt: skip
        said = [(r.added, r.updated, r.skipped, r.folded) for r in results]
        assert said[0] == said[1] and said[0][1] >= 3
        assert everyone(a) == everyone(b)
        kept = [
            n for name, _e, _c, n in everyone(b) if name in ("Shop Client 250", "Shop Client 777")
        ]
        assert all(any("Whitby" in t or "Ripon" in t for t in texts) for texts in kept)
        on_disk.close()
        assert on_disk.rows[KEEP - 1].draft.name  # (those in memory are still there)


def test_kept_rows_read_in_order_by_place_and_by_number(tmp_path: Path, db: Database) -> None:
    file = people(tmp_path / "big.csv", 700)
    rows = preview_file(db, open_import(file), region="GB", in_memory=50).rows
    lines = [r.contact.origin.line for r in rows]
    assert lines == list(range(2, 702))  # (line 1: the header)
    assert [r.contact.origin.line for r in rows[648:652]] == [650, 651, 652, 653]
    assert rows[-1].contact.origin.line == 701
    assert [rows[at].contact.origin.line for at in (699, 3, 420, 51, 49)] == [701, 5, 422, 53, 51]
    found = rows.by_number(600)
    assert found is not None and found.contact.origin.number == 600
    assert rows.by_number(9_999) is None
    rows.close()
    assert rows[49].contact.origin.line == 51  # (those in memory stay)
    with pytest.raises(ValueError, match="closed"):
        rows[420]


def test_an_empty_preview_and_a_small_one_need_no_file(tmp_path: Path, db: Database) -> None:
    empty = KeptRows()
    assert len(empty) == 0 and list(empty) == [] and not empty.on_disk
    small = preview_file(db, open_import(people(tmp_path / "small.csv", 30)), region="GB")
    assert len(small.rows) == 30 and not small.rows.on_disk
    small.close()
    assert [r.contact.origin.line for r in small.rows][-1] == 31


def test_a_client_gone_since_the_index_was_read_is_no_crash(tmp_path: Path, db: Database) -> None:
    """The window reads the file again with the clients' index of its first reading (a
    column mapped otherwise): a client deleted meanwhile is matched, with nothing to say
    about what would change."""
    from crmdesk.services.importing.matching import read_index

    settings.set_phone_region(db, "GB")
    gone = client(db, given_name="Shop", family_name="Client",
                  emails=[Labelled("", "person3@example.org")])  # fmt: skip
    index = read_index(db)
    clients.delete_client(db, gone)
    preview = preview_file(db, open_import(people(tmp_path / "p.csv", 20)), index=index)
    [matched] = [r for r in preview.rows if r.status is Status.MATCH]
    assert matched.contact.origin.line == 5 and matched.update is None
