"""`crmdesk import --dry-run` (issue 16): it says exactly what the import then does — the
same counts and problems, row by row the same decisions, also where several rows of a file
update one client — and leaves the database file as it was, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from crmdesk.services import settings
from crmdesk.services.clients import Labelled
from crmdesk.services.importing import open_import
from crmdesk.services.importing.plan import OnMatch
from crmdesk.services.importing.preview import dry_run, import_file
from crmdesk.store.database import Database
from tests.unit.services.importing.test_import_memory import people
from tests.unit.services.importing.test_import_plan import client, write_csv

#        First, Last, E-mail, Mobile, Street, City, Postcode, Birthday, Notes, Shoe size
ROWS = [
    # two rows update the client here with the same new phone: the second adds nothing
    ["Ольга", "Иванова", "olga@example.ru", "07400 999888", "", "", "", "", "", ""],
    ["Ольга", "Иванова", "OLGA@example.ru", "07400 999888", "", "", "", "", "", ""],
    # the same person three times in the file, the last with nothing new
    ["Σοφία", "Παπαδοπούλου", "sofia@example.gr", "", "", "Leeds", "", "", "", ""],
    ["Sofia", "Papadopoulou", "SOFIA@example.gr", "+44 7400 654321", "1 High St", "York",
     "", "1980-03-22", "Likes tulips", "38"],
    ["Σοφία", "Παπαδοπούλου", "sofia@example.gr", "07400 654321", "", "Leeds", "", "", "", ""],
    # the client here by phone; with a different town (kept in a note)
    ["محمد", "الحسيني", "", "+44 7400 111222", "", "Bradford", "", "", "", ""],
    ["דוד", "כהן", "not an address", "call me", "", "", "", "31/02/1990", "", ""],
    ["山田", "太郎", "", "", "", "", "", "--04-15", "", ""],
    ["สมชาย", "ใจดี", "somchai@example.co.th", "", "", "Bangkok", "", "", "", ""],
    ["देव", "शर्मा", "dev@example.in", "", "", "", "", "", "", ""],
    ["", "", "", "", "", "", "", "", "only a note", ""],  # a problem: nothing to import
]  # fmt: skip


def fingerprint(db: Database) -> str:
    return hashlib.sha256(db.path.read_bytes()).hexdigest()


@pytest.mark.parametrize("on_match", list(OnMatch))
def test_the_dry_run_says_what_the_import_then_does(
    db: Database, tmp_path: Path, on_match: OnMatch
) -> None:
    settings.set_phone_region(db, "GB")
    client(db, given_name="Ольга", family_name="Иванова",
           emails=[Labelled("", "olga@example.ru")])  # fmt: skip
    client(db, given_name="محمد", family_name="الحسيني", city="Leeds",
           phones=[Labelled("", "+447400111222")])  # fmt: skip
    file = write_csv(tmp_path / "contacts.csv", ROWS)
    before = fingerprint(db)
    said = dry_run(db, open_import(file), on_match)
    assert fingerprint(db) == before  # nothing written
    done = import_file(db, open_import(file), on_match, undo=False)
    assert said.as_json() == done.as_json()
    assert said.problems  # (the phone, the email, the date, the empty row)
    if on_match is OnMatch.UPDATE:
        # Olga's second row brings nothing the first did not; Σοφία's third neither (its
        # phone came with her second row): both skipped, as is the empty row
        assert (done.added, done.updated, done.folded, done.skipped) == (5, 2, 1, 3)
    # and a dry run of the same file again: nothing would be added
    again = dry_run(db, open_import(file), on_match)
    assert (again.added, again.updated, again.folded) == (0, 0, 0)
    assert again.as_json() == import_file(db, open_import(file), on_match).as_json()


def test_a_dry_run_of_a_long_file_with_the_same_people_again(db: Database, tmp_path: Path) -> None:
    settings.set_phone_region(db, "GB")
    file = people(tmp_path / "people.csv", 1_200)  # (one row in ten an earlier person)
    before = fingerprint(db)
    said = dry_run(db, open_import(file), OnMatch.UPDATE)
    assert fingerprint(db) == before
    done = import_file(db, open_import(file), undo=False)
    assert said.as_json() == done.as_json()
    assert said.folded > 50 and said.added > 1_000
