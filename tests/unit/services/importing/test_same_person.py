"""The same person twice in one file: the later row is shown as the same as the earlier one
(with the reason) and taken into the client that row becomes — unless the user says it is
someone else, or chooses to add matched rows as new clients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmdesk.services import clients, facts, history, notes, settings, undo
from crmdesk.services.clients import Labelled
from crmdesk.services.importing import open_import
from crmdesk.services.importing.plan import OnMatch, Status
from crmdesk.services.importing.preview import dry_run, import_file, preview_file, write_preview
from crmdesk.store.database import Database
from tests.import_helpers import FIXTURES
from tests.unit.services.importing.test_import_plan import client, write_csv
from tests.unit.services.importing.test_import_writing import live_ids, names

#        First, Last, E-mail, Mobile, Street, City, Postcode, Birthday, Notes, Shoe size
ROWS = [
    ["Σοφία", "Παπαδοπούλου", "sofia@example.gr", "07400 123456", "", "Leeds", "", "", "", ""],
    ["Ольга", "Иванова", "olga@example.ru", "", "", "", "", "", "", ""],
    ["Sofia", "Papadopoulou", "SOFIA@example.gr", "+44 7400 654321", "1 High St", "York",
     "", "1980-03-22", "Likes tulips", "38"],
    ["محمد", "الحسيني", "", "+44 7400 111222", "", "", "", "", "", ""],
    ["Mohammed", "Al-Husseini", "m@example.ae", "07400 111222", "", "", "", "", "", ""],
    ["Łukasz", "Nowak", "", "", "", "Leeds", "LS1 4AB", "", "", ""],
    ["Lukasz", "Nowak", "lukasz@example.pl", "", "", "Leeds", "LS1 4AB", "", "", ""],
    ["山田", "太郎", "", "", "", "", "", "", "", ""],
]  # fmt: skip


@pytest.fixture
def file(tmp_path: Path, db: Database) -> Path:
    settings.set_phone_region(db, "GB")
    return write_csv(tmp_path / "contacts.csv", ROWS)


def by_email(db: Database, address: str) -> clients.ClientDetails:
    for cid in live_ids(db):
        found = clients.get_client(db, cid)
        if address in [e.address for e in found.emails]:
            return found
    raise AssertionError(f"no client with {address}")


def test_the_preview_says_which_earlier_row_and_why(db: Database, file: Path) -> None:
    rows = preview_file(db, open_import(file)).rows
    new, same = Status.NEW, Status.SAME
    assert [r.status for r in rows] == [new, new, same, new, same, new, same, new]
    sofia, mohammed, lukasz = rows[2], rows[4], rows[6]
    assert sofia.status_text() == ("same as line 2, Σοφία Παπαδοπούλου (same email "
                                   "SOFIA@example.gr)")  # fmt: skip
    assert mohammed.status_text() == "same as line 5, محمد الحسيني (same phone +447400111222)"
    assert lukasz.status_text().startswith("same as line 7, Łukasz Nowak (similar name (")
    assert lukasz.status_text().endswith("and same postcode LS1 4AB)")
    # …and what taking it in would change on that earlier row's client
    assert sofia.update is not None
    text = sofia.update.describe()
    assert "fills street, birthday" in text and "adds phone 07400 654321" in text
    assert "City: York (here: Leeds)" in text


def test_a_later_row_is_taken_into_the_earlier_rows_client(db: Database, file: Path) -> None:
    result = write_preview(db, preview_file(db, open_import(file)), OnMatch.UPDATE)
    assert (result.added, result.updated, result.skipped, result.folded) == (5, 0, 0, 3)
    assert "3 rows of the same person as an earlier row taken into that client" in \
        result.summary()  # fmt: skip
    assert sorted(names(db)) == sorted(["Σοφία Παπαδοπούλου", "Ольга Иванова", "محمد الحسيني",
                                        "Łukasz Nowak", "山田 太郎"])  # fmt: skip
    sofia = by_email(db, "sofia@example.gr")
    # the first row's values stay; empty fields are filled; phones are added
    assert (sofia.given_name, sofia.city, sofia.street) == ("Σοφία", "Leeds", "1 High St")
    assert [p.number for p in sofia.phones] == ["+447400123456", "+447400654321"]
    assert [e.address for e in sofia.emails] == ["sofia@example.gr"]  # (case aside: one)
    kept = [n.text for n in notes.notes_of(db, sofia.id)]
    assert "Likes tulips" in kept
    [other] = [n for n in kept if "gave other values" in n]
    assert other.startswith("contacts.csv, line 4, gave other values (not taken):")
    assert "Given name: Sofia (here: Σοφία)" in other and "City: York (here: Leeds)" in other
    assert [(f.label, f.value) for f in facts.facts_of(db, sofia.id)] == [("Shoe size", "38")]
    said = sorted(e.body.split(" [")[0] for e in history.timeline(db, sofia.id))
    assert said == ["Line 2", "Line 4"]  # each row of the file says where it went
    lukasz = by_email(db, "lukasz@example.pl")
    assert (lukasz.given_name, lukasz.postcode) == ("Łukasz", "LS1 4AB")


def test_rows_the_user_says_are_someone_else_are_added(db: Database, file: Path) -> None:
    preview = preview_file(db, open_import(file))
    preview.rows.unmatch(2)  # Sofia is not Σοφία
    result = write_preview(db, preview, OnMatch.UPDATE)
    assert (result.added, result.folded) == (6, 2)
    assert names(db).count("Sofia Papadopoulou") == 1


def test_add_as_new_adds_every_row(db: Database, file: Path) -> None:
    result = write_preview(db, preview_file(db, open_import(file)), OnMatch.NEW)
    assert (result.added, result.folded) == (8, 0)
    assert len(live_ids(db)) == 8


def test_a_chain_of_rows_ends_in_one_client(db: Database, tmp_path: Path) -> None:
    settings.set_phone_region(db, "GB")
    file = write_csv(tmp_path / "c.csv", [
        ["Ann", "Lee", "ann@example.org", "", "", "", "", "", "", ""],
        ["Ann", "Lee", "ann@example.org", "07400 123456", "", "", "", "", "", ""],
        ["A.", "Lee", "", "+447400123456", "", "Leeds", "", "", "", ""],  # only row 2's phone
    ])  # fmt: skip
    rows = preview_file(db, open_import(file)).rows
    assert [r.same_as_line for r in rows] == [0, 2, 2]
    result = import_file(db, open_import(file))  # (the command line's streaming import)
    assert (result.added, result.folded) == (1, 2)
    [cid] = live_ids(db)
    ann = clients.get_client(db, cid)
    assert (ann.city, [p.number for p in ann.phones]) == ("Leeds", ["+447400123456"])


def test_rows_of_a_client_here_are_all_taken_into_them(db: Database, tmp_path: Path) -> None:
    settings.set_phone_region(db, "GB")
    ann = client(db, given_name="Ann", family_name="Lee", emails=[Labelled("", "ann@example.org")])
    file = write_csv(tmp_path / "c.csv", [
        ["Ann", "Lee", "ann@example.org", "07400 123456", "", "Leeds", "", "", "", ""],
        ["Ann", "Lee", "", "07400 123456", "", "York", "", "", "", ""],
        ["Ann", "Lee", "ann@example.org", "", "", "Harrogate", "", "", "", ""],
    ])  # fmt: skip
    rows = preview_file(db, open_import(file)).rows
    assert [r.status for r in rows] == [Status.MATCH, Status.SAME, Status.MATCH]
    result = import_file(db, open_import(file))
    assert (result.added, result.updated, result.folded) == (0, 2, 1)
    assert live_ids(db) == [ann]
    assert clients.get_client(db, ann).city == "Leeds"
    # the second and third rows' towns are not lost: each is in a note
    kept = " ".join(n.text for n in notes.notes_of(db, ann))
    assert "City: York (here: Leeds)" in kept and "City: Harrogate (here: Leeds)" in kept


def test_skip_leaves_out_the_rows_of_skipped_clients_only(db: Database, file: Path) -> None:
    client(db, given_name="Ольга", family_name="Иванова", emails=[Labelled("", "olga@example.ru")])
    rows = [*ROWS, ["Ольга", "Иванова", "olga@example.ru", "07400 999888"] + [""] * 6,
            ["Olga", "Ivanova", "", "07400 999888"] + [""] * 6]  # fmt: skip
    file = write_csv(file.with_name("more.csv"), rows)
    rows = preview_file(db, open_import(file)).rows
    assert [r.status for r in rows[-2:]] == [Status.MATCH, Status.SAME]
    result = import_file(db, open_import(file), OnMatch.SKIP)
    # Olga's two rows match the client here, the third is the same as the second: all
    # three skipped; the later rows of the new people are taken into them
    assert (result.added, result.updated, result.skipped, result.folded) == (4, 0, 3, 3)


def test_undo_and_importing_again(db: Database, file: Path) -> None:
    result = import_file(db, open_import(file))
    assert result.changes is not None and result.changes.undo is not None
    again = import_file(db, open_import(file))
    assert (again.added, again.folded, again.skipped) == (0, 0, 8)
    undo.apply(db, result.changes.undo)
    assert live_ids(db) == []
    assert import_file(db, open_import(file)).folded == 3


def test_the_dry_run_and_json_count_them(db: Database, file: Path) -> None:
    planned = dry_run(db, open_import(file), OnMatch.UPDATE)
    assert (planned.added, planned.folded) == (5, 3)
    done = import_file(db, open_import(file))
    assert json.loads(json.dumps(done.as_json()))["folded"] == 3


def test_the_same_contact_from_a_phone_google_and_outlook(db: Database, tmp_path: Path) -> None:
    """Real cards of one person, as an iPhone, Gmail and Outlook wrote them, in one file:
    the same email (Gmail), the same phone written otherwise (Outlook: (905) 555-1234)."""
    settings.set_phone_region(db, "CA")
    real = FIXTURES / "real"
    file = tmp_path / "all contacts.vcf"
    file.write_bytes(b"".join((real / f"ez-vcard-John_Doe_{kind}.vcf").read_bytes()
                              for kind in ("IPHONE", "GMAIL", "MS_OUTLOOK")))  # fmt: skip
    rows = preview_file(db, open_import(file)).rows
    assert [r.status for r in rows] == [Status.NEW, Status.SAME, Status.SAME]
    assert "(same email john.doe@ibm.com)" in rows[1].status_text()
    assert "(same phone +19055551234)" in rows[2].status_text()  # (its email has a typo)
    result = import_file(db, open_import(file))
    assert (result.added, result.folded) == (1, 2)
    [cid] = live_ids(db)
    john = clients.get_client(db, cid)
    assert [e.address for e in john.emails] == ["john.doe@ibm.com", "john.doe@ibm.cm"]
    assert len(history.timeline(db, cid)) == 3
