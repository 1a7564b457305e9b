"""Merging two edited copies, field by field, with a conflict log (real files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.errors import CrmError, ForeignDatabaseError
from crmdesk.services import clients, notes, sync
from crmdesk.store.database import Database
from tests.sync_helpers import add_client, content, copy_to, edit_client, machine


@pytest.fixture
def pair(db_path: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """Machine A made a client and copied the file to machine B."""
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna", family_name="Webber", city="York")
    return db_path, copy_to(db_path, tmp_path / "laptop.crmdesk"), cid


def test_edits_of_different_fields_on_both_machines_are_both_kept(pair) -> None:
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        edit_client(a, cid, city="Leeds")
    with machine(b_path, "B") as b:
        edit_client(b, cid, street="1 Mill Lane")
        notes.add_note(b, cid, "Prefers mornings")
    with machine(a_path, "A") as a:
        summary = sync.merge(a, b_path)
        anna = clients.get_client(a, cid)
        assert (anna.city, anna.street) == ("Leeds", "1 Mill Lane")
        assert [n.text for n in notes.notes_of(a, cid)] == ["Prefers mornings"]
        assert summary.conflicts == 0
        assert summary.counts["clients"].updated == 1
        assert summary.counts["notes"].added == 1
        assert summary.backup.exists()


def test_both_machines_changed_a_field_the_later_wins_and_the_other_is_logged(pair) -> None:
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        edit_client(a, cid, city="Leeds")
    with machine(b_path, "B") as b:
        edit_client(b, cid, city="Hull")  # later
    with machine(a_path, "A") as a:
        summary = sync.merge(a, b_path)
        assert clients.get_client(a, cid).city == "Hull"
        assert summary.counts["clients"].conflicts == 1
        [conflict] = sync.conflicts(a)
        assert (conflict.kept, conflict.other, conflict.client_name) == (
            "Hull",
            "Leeds",
            "Anna Webber",
        )
        sync.keep_other(a, conflict.id)
        assert clients.get_client(a, cid).city == "Leeds"
        assert sync.open_conflict_count(a) == 0
    with machine(b_path, "B") as b:  # B merging A's merged file: Leeds, chosen later, wins
        sync.merge(b, a_path)
        assert clients.get_client(b, cid).city == "Leeds"


def test_merging_is_idempotent_and_order_independent(pair, tmp_path: Path) -> None:
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        edit_client(a, cid, city="Leeds")
        add_client(a, given_name="Bob")
    with machine(b_path, "B") as b:
        edit_client(b, cid, city="Hull", street="2 High St")
        clients.delete_client(b, add_client(b, given_name="Cleo"))
    a2 = copy_to(a_path, tmp_path / "a2.crmdesk")
    with machine(a_path, "A") as a:
        sync.merge(a, b_path)
        once = content(a_path)
        again = sync.merge(a, b_path)
        assert not again.changed
        assert content(a_path) == once
    with machine(b_path, "B") as b:
        sync.merge(b, a2)
    assert content(b_path) == content(a_path)


def test_a_delete_against_a_later_edit_keeps_the_record_and_flags_it(pair) -> None:
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        clients.delete_client(a, cid)
    with machine(b_path, "B") as b:
        notes.add_note(b, cid, "Called about the order")  # after A deleted her
    with machine(a_path, "A") as a:
        summary = sync.merge(a, b_path)
        assert not clients.get_client(a, cid).deleted_at is not None
        [conflict] = sync.conflicts(a)
        assert conflict.kind == "delete"
        assert summary.conflicts == 1
        sync.keep_other(a, conflict.id)  # delete her after all
        assert clients.get_client(a, cid).deleted_at is not None


def test_a_client_kept_against_a_delete_is_the_same_row_on_both_copies(pair) -> None:
    """Deleted on one machine while the other added a note: both keep her, and after the
    copies have gone back and forth they hold the same row (its stamp too), as every
    later merge must see the same thing on both sides."""
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        clients.delete_client(a, cid)
    with machine(b_path, "B") as b:
        notes.add_note(b, cid, "Called about the order")
    for _ in range(2):
        with machine(a_path, "A") as a:
            sync.merge(a, b_path)
        with machine(b_path, "B") as b:
            sync.merge(b, a_path)
    assert content(a_path) == content(b_path)
    with machine(b_path, "B") as b:
        assert clients.get_client(b, cid).deleted_at is None


def test_a_copy_of_another_business_is_refused_untouched(db: Database, tmp_path: Path) -> None:
    other = tmp_path / "other.crmdesk"
    Database.open(other, create=True).close()
    before = other.read_bytes()
    with pytest.raises(ForeignDatabaseError, match="another business"):
        sync.merge(db, other)
    assert other.read_bytes() == before


def test_deleted_on_both_machines_is_deleted_without_a_conflict(pair) -> None:
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        clients.delete_client(a, cid)
    with machine(b_path, "B") as b:
        clients.delete_client(b, cid)
    with machine(a_path, "A") as a:
        summary = sync.merge(a, b_path)
        assert summary.conflicts == 0
        assert clients.get_client(a, cid).deleted_at is not None


def test_the_same_conflict_found_on_both_machines_is_one_entry(pair, tmp_path: Path) -> None:
    """Both machines merge the other's copy (crosswise) and each finds the same three
    conflicts; swapping again gives those three, never a conflict about the log itself."""
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        edit_client(a, cid, city="Leeds", street="1 Mill Lane", company="Webber & Co")
    with machine(b_path, "B") as b:
        edit_client(b, cid, city="Hull", street="2 Dock Road", company="Webber Ltd")
    a_before = copy_to(a_path, tmp_path / "a-before.crmdesk")
    with machine(a_path, "A") as a:
        assert sync.merge(a, b_path).conflicts == 3
    with machine(b_path, "B") as b:
        assert sync.merge(b, a_before).conflicts == 3  # found again, on its own
    with machine(a_path, "A") as a:
        again = sync.merge(a, b_path)
        assert again.conflicts == 0
        assert {c.column for c in sync.conflicts(a)} == {"city", "street", "company"}
    with machine(b_path, "B") as b:
        sync.merge(b, a_path)
        assert len(sync.conflicts(b)) == 3
    assert content(a_path) == content(b_path)
    with machine(a_path, "A") as a:
        last = sync.merge(a, b_path)
        assert not last.changed
        assert last.lines() == [
            "Nothing new: this database already held everything in the other copy."
        ]


def test_a_review_is_not_undone_when_the_other_machine_finds_the_conflict_later(
    pair, tmp_path: Path
) -> None:
    a_path, b_path, cid = pair
    with machine(a_path, "A") as a:
        edit_client(a, cid, city="Leeds")
    with machine(b_path, "B") as b:
        edit_client(b, cid, city="Hull")  # later: wins
    a_before = copy_to(a_path, tmp_path / "a-before.crmdesk")
    with machine(a_path, "A") as a:
        sync.merge(a, b_path)
        [conflict] = sync.conflicts(a)
        sync.keep_other(a, conflict.id)  # the owner chooses Leeds
    with machine(b_path, "B") as b:
        sync.merge(b, a_before)  # B finds the same conflict on its own, later
    with machine(a_path, "A") as a:
        sync.merge(a, b_path)
        assert sync.open_conflict_count(a) == 0  # not reopened
        [conflict] = sync.conflicts(a, include_reviewed=True)
        assert conflict.status == "restored"  # still the owner's choice
        assert clients.get_client(a, cid).city == "Leeds" == conflict.current
        sync.keep_merged(a, conflict.id)  # and turning it back puts the merged value back
        assert clients.get_client(a, cid).city == "Hull"
    with machine(b_path, "B") as b:
        sync.merge(b, a_path)
        assert clients.get_client(b, cid).city == "Hull"
        assert sync.conflicts(b, include_reviewed=True)[0].status == "reviewed"
    assert content(a_path) == content(b_path)


def test_a_conflict_the_field_moved_on_from_cannot_put_an_old_value_back(pair) -> None:
    """Two conflicts on one field, one after the other: the first is superseded. Keeping
    its other value would undo the later change, so it is refused; keeping the merged one
    only marks it reviewed and changes nothing."""
    a_path, b_path, cid = pair
    for mine, theirs in (("Leeds", "Hull"), ("York", "Ely")):
        with machine(a_path, "A") as a:
            edit_client(a, cid, city=mine)
        with machine(b_path, "B") as b:
            edit_client(b, cid, city=theirs)
        with machine(a_path, "A") as a:
            sync.merge(a, b_path)
        with machine(b_path, "B") as b:
            sync.merge(b, a_path)
    with machine(a_path, "A") as a:
        assert clients.get_client(a, cid).city == "Ely"
        old, new = sorted(sync.conflicts(a), key=lambda c: c.kept != "Hull")
        assert (old.kept, old.superseded, new.kept, new.superseded) == ("Hull", True, "Ely", False)
        with pytest.raises(CrmError, match="changed again since"):
            sync.keep_other(a, old.id)
        sync.keep_merged(a, old.id)
        assert clients.get_client(a, cid).city == "Ely"
        sync.keep_other(a, new.id)
        assert clients.get_client(a, cid).city == "York"


def test_a_birthday_without_its_year_travels_as_it_is(pair) -> None:
    """A birthday set without its year on one machine is still without one after the
    other machine merges the copy in, and a later full date from there replaces it whole."""
    from crmdesk.model.partial_date import PartialDate
    from crmdesk.services import birthdays

    a_path, b_path, cid = pair
    with machine(b_path, "B") as b:
        birthdays.set_birthday(b, cid, PartialDate(4, 15))
    with machine(a_path, "A") as a:
        edit_client(a, cid, city="Leeds")
        summary = sync.merge(a, b_path)
        assert summary.conflicts == 0
        assert birthdays.birthday_of(a, cid) == PartialDate(4, 15)
        assert a.query("SELECT birthday FROM clients WHERE id = ?", (cid,)) == [("XXXX-04-15",)]
    with machine(b_path, "B") as b:  # and back: both copies the same
        sync.merge(b, a_path)
        assert birthdays.birthday_of(b, cid) == PartialDate(4, 15)
        assert clients.get_client(b, cid).city == "Leeds"
    assert content(a_path, stamps=False) == content(b_path, stamps=False)
    with machine(a_path, "A") as a:
        birthdays.set_birthday(a, cid, PartialDate(4, 15, 1975))  # the year found out
    with machine(b_path, "B") as b:
        sync.merge(b, a_path)
        assert birthdays.birthday_of(b, cid) == PartialDate(4, 15, 1975)


def test_handwriting_kept_with_a_scanned_answer_travels_and_its_erasure_follows(
    pair, tmp_path: Path
) -> None:
    """The images of a scanned form's comment and referral go with the answer to the other
    copy, exactly; merging again changes nothing; erasing the client on that copy erases
    them on this one at the next merge."""
    from crmdesk.services import erase
    from crmdesk.services.scan_in.batch import read_files
    from crmdesk.services.scan_in.recording import record_pages
    from tests.letters_helpers import set_up_shop
    from tests.scan_set.degrade import Scan
    from tests.scan_set.forms import filled_form

    a_path, b_path, cid = pair
    with machine(b_path, "B") as b:
        set_up_shop(b)
        marks = [("cross", 9), ("write", "reason"), ("write", "referral")]
        scan, _ = filled_form(b, tmp_path, marks, Scan(dpi=200, skew=1.0, noise=4), client_id=cid)
        record_pages(b, read_files(b, [scan], keep_images=True))
        made = b.query("SELECT id, part, png FROM answer_images ORDER BY part")
    assert [part for _i, part, _p in made] == ["reason", "referral"]
    with machine(a_path, "A") as a:
        summary = sync.merge(a, b_path)
        assert summary.counts["answer_images"].added == 2
        assert a.query("SELECT id, part, png FROM answer_images ORDER BY part") == made
        assert not sync.merge(a, b_path).changed
    here, there = content(a_path), content(b_path)
    for table in ("survey_answers", "history", "answer_images"):  # every column, stamps too
        assert here[table] == there[table], table
    with machine(a_path, "A") as a:
        erase.erase_client(a, cid)
    with machine(b_path, "B") as b:
        sync.merge(b, a_path)
        rows = b.query("SELECT png, deleted_at FROM answer_images")
        assert len(rows) == 2 and all(png == b"" and deleted for png, deleted in rows)
