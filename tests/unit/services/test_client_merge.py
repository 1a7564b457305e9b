"""Merging two clients who are the same person: fields chosen, every record kind moved,
a tombstone left, one Undo; and a copy that still had the other client, merged in later."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crmdesk import model
from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.services import (
    client_merge,
    clients,
    complaints,
    facts,
    history,
    notes,
    retention,
    search,
    sync,
    trash,
    undo,
)
from crmdesk.services.clients import Labelled
from crmdesk.services.complaints import ComplaintForm
from crmdesk.services.history import ContactForm
from crmdesk.store.database import Database
from tests.sync_helpers import add_client, copy_to, edit_client, machine


def _pair(db: Database) -> tuple[str, str]:
    kept = add_client(
        db, given_name="Łukasz", family_name="Kowalczyk", city="Leeds", tags=["regular"],
        emails=[Labelled("home", "lukasz@example.org")],
    )  # fmt: skip
    other = add_client(
        db, given_name="Lukasz", family_name="Kowalczyk", city="Leeds", postcode="LS6 2AB",
        tags=["wine"], phones=[Labelled("mobile", "+44 7911 123456")],
        emails=[Labelled("work", "l.kowalczyk@example.com")],
    )  # fmt: skip
    return kept, other


def _count(db: Database, table: str, client_id: str) -> int:
    [(n,)] = db.query(f"SELECT count(*) FROM {table} WHERE client_id = ?", (client_id,))
    return int(n)


def test_the_chooser_offers_the_filled_in_and_newer_values(db: Database) -> None:
    kept, other = _pair(db)
    plan = client_merge.plan(db, kept, other)
    rows = {r.key: r for r in plan.fields}
    assert (plan.kept_name, plan.other_name) == ("Łukasz Kowalczyk", "Lukasz Kowalczyk")
    assert rows["given_name"].kept_text == "Łukasz" and rows["given_name"].other_text == "Lukasz"
    assert rows["given_name"].default == "other"  # both filled in: the newer (added later)
    assert rows["postcode"].default == "other"  # only the other has one
    assert rows["city"].default == "kept"  # the same
    assert rows["emails"].default == "both" and rows["emails"].is_list
    assert "07911 123456" in rows["phones"].other_text
    edit_client(db, kept, given_name="Łukasz Jan")  # now the kept client's is newer
    assert client_merge.plan(db, kept, other).defaults()["given_name"] == "kept"


def test_merging_keeps_the_chosen_fields_and_both_lists_and_tags(db: Database) -> None:
    kept, other = _pair(db)
    changes = client_merge.merge_clients(db, kept, other, {"given_name": "kept"})
    assert changes.label == "Merge Lukasz Kowalczyk into Łukasz Kowalczyk"
    record = clients.get_client(db, kept)
    assert record.given_name == "Łukasz" and record.postcode == "LS6 2AB"
    assert [e.address for e in record.emails] == ["lukasz@example.org", "l.kowalczyk@example.com"]
    assert [p.number for p in record.phones] == ["+447911123456"]
    assert record.tags == ("regular", "wine")
    gone = clients.get_client(db, other)
    assert gone.deleted_at is not None
    [(into,)] = db.query("SELECT merged_into_id FROM clients WHERE id = ?", (other,))
    assert into == kept  # a tombstone that says where the records went


def test_every_kind_of_record_moves_to_the_kept_client(db: Database) -> None:
    kept, other = _pair(db)
    follow_up = date(2031, 5, 1)
    history.log_contact(db, other, ContactForm(subject="Called about the order",
                                               follow_up_on=follow_up))  # fmt: skip
    notes.add_note(db, other, "Prefers mornings — 午前中")
    facts.add_fact(db, other, "Dog", "Biscuit")
    retention.record_purchase(db, other, "12.50", "Red wine", confirmed=True)
    complaints.open_complaint(db, other, ComplaintForm(description="Broken cork"))
    referred = add_client(db, given_name="Σοφία", family_name="Παπαδοπούλου",
                          referred_by_id=other)  # fmt: skip
    referrer = add_client(db, given_name="Ольга", family_name="Иванова")
    edit_client(db, other, referred_by_id=referrer)
    with db.write() as w:
        survey = w.session.scalars(__import__("sqlalchemy").select(model.Survey)).first()
        if survey is None:
            survey = model.Survey(name="Visit", definition="{}")
            w.session.add(survey)
            w.session.flush()
        form = model.SurveyForm(code="K7Q2M9PA", survey_id=survey.id, client_id=other)
        w.session.add(form)
        w.session.flush()
        w.session.add(model.SurveyAnswer(survey_id=survey.id, form_id=form.id,
                                         client_id=other, score=9))  # fmt: skip
    client_merge.merge_clients(db, kept, other, {"referred_by_id": "other"})
    for table in ("history", "notes", "facts", "purchases", "complaints", "survey_forms",
                  "survey_answers"):  # fmt: skip
        assert _count(db, table, kept) == 1, table
        assert _count(db, table, other) == 0, table
    [entry] = history.timeline(db, kept)
    assert entry.follow_up_on == follow_up  # the follow-up goes with its entry
    assert clients.get_client(db, referred).referred_by_id == kept  # whom they referred
    assert clients.get_client(db, kept).referred_by_id == referrer  # who referred them
    hits = search.search(db, "午前中")
    assert [h.client_id for h in hits] == [kept]  # the moved note is found under them
    assert clients.get_client(db, kept).last_contact_at is not None


def test_one_undo_takes_the_whole_merge_back(db: Database) -> None:
    kept, other = _pair(db)
    notes.add_note(db, other, "Ask about the wedding")
    before = clients.get_client(db, kept)
    changes = client_merge.merge_clients(db, kept, other)
    assert changes.undo is not None
    undo.apply(db, changes.undo)
    assert clients.get_client(db, kept) == before
    restored = clients.get_client(db, other)
    assert restored.deleted_at is None
    assert _count(db, "notes", other) == 1 and _count(db, "notes", kept) == 0
    [(into,)] = db.query("SELECT merged_into_id FROM clients WHERE id = ?", (other,))
    assert into is None
    assert [h.client_id for h in search.search(db, "wedding")] == [other]


def test_a_merged_client_is_not_in_the_trash_and_cannot_be_restored(db: Database) -> None:
    kept, other = _pair(db)
    client_merge.merge_clients(db, kept, other)
    assert other not in {i.row_id for i in trash.trash_items(db)}
    with pytest.raises(NotFoundError, match="merged into another client"):
        clients.restore_client(db, other)
    with pytest.raises(NotFoundError):  # and cannot be merged again
        client_merge.merge_clients(db, kept, other)


def test_a_client_is_not_merged_with_themselves_nor_with_a_bad_choice(db: Database) -> None:
    kept, other = _pair(db)
    with pytest.raises(ValidationError):
        client_merge.plan(db, kept, kept)
    with pytest.raises(ValidationError):
        client_merge.merge_clients(db, kept, other, {"city": "neither"})
    assert clients.get_client(db, other).deleted_at is None  # nothing was written


def test_a_referral_between_the_two_does_not_become_a_self_referral(db: Database) -> None:
    kept = add_client(db, given_name="محمد", family_name="الأحمد")
    other = add_client(db, given_name="محمد", family_name="الاحمد", referred_by_id=kept)
    client_merge.merge_clients(db, kept, other, {"referred_by_id": "other"})
    assert clients.get_client(db, kept).referred_by_id is None


# ------------------------------------------------------------------- carried copies


def test_what_another_copy_added_to_the_merged_client_lands_on_the_kept_one(
    db_path: Path, tmp_path: Path
) -> None:
    """The front desk merges two duplicates; the laptop, with an older copy, logs a call,
    a note and a purchase on the merged-away client and changes their town. After the
    copies are merged (both ways) the call, note and purchase are the kept client's, and
    so is the new town."""
    with machine(db_path, "A") as desk:
        kept, other = _pair(desk)
    laptop_path = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(db_path, "A") as desk:
        client_merge.merge_clients(desk, kept, other)
    with machine(laptop_path, "B") as laptop:
        history.log_contact(laptop, other, ContactForm(subject="Rang from the laptop"))
        notes.add_note(laptop, other, "Written on the laptop: אוהב יין אדום")
        retention.record_purchase(laptop, other, "30", "Gift box", confirmed=True)
        edit_client(laptop, other, city="Ilkley")
    for here, there, site in ((db_path, laptop_path, "A"), (laptop_path, db_path, "B")):
        with machine(here, site) as db:
            sync.merge(db, there)
    for path, site in ((db_path, "A"), (laptop_path, "B")):
        with machine(path, site) as db:
            assert [e.subject for e in history.timeline(db, kept)] == ["Rang from the laptop"]
            assert _count(db, "notes", kept) == 1 and _count(db, "notes", other) == 0
            assert _count(db, "purchases", kept) == 1
            record = clients.get_client(db, kept)
            assert record.city == "Ilkley"
            assert clients.get_client(db, other).deleted_at is not None  # still merged away
            assert [h.client_id for h in search.search(db, "אוהב")] == [kept]


def test_an_older_edit_of_the_merged_client_is_kept_in_the_conflict_log(
    db_path: Path, tmp_path: Path
) -> None:
    """The laptop changed the merged-away client's town before the desk chose the other
    town in the merge: the desk's choice stands, the laptop's town can be restored."""
    with machine(db_path, "A") as desk:
        kept, other = _pair(desk)
        edit_client(desk, kept, city="York")
    laptop_path = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(laptop_path, "B") as laptop:
        edit_client(laptop, other, city="Otley")
    with machine(db_path, "A") as desk:
        client_merge.merge_clients(desk, kept, other, {"city": "kept"})
        edit_client(desk, kept, city="Harrogate")  # later than the laptop's edit
        sync.merge(desk, laptop_path)
        assert clients.get_client(desk, kept).city == "Harrogate"
        logged = [c for c in sync.conflicts(desk) if c.client_id == kept]
        assert any(c.column == "city" and c.other == "Otley" for c in logged), logged


def test_a_town_that_lost_to_another_edit_of_the_merged_client_is_logged_on_the_kept_one(
    db_path: Path, tmp_path: Path
) -> None:
    """Desk and laptop both change the town of a client; the desk then merges that client
    into their duplicate, keeping the desk's town. The laptop's town, which lost to the
    desk's later one, is in the conflict log under the client kept (whose record the owner
    sees), not the merged-away one, and Keep the other value puts it on the client kept."""
    with machine(db_path, "A") as desk:
        kept, other = _pair(desk)
    laptop_path = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(laptop_path, "B") as laptop:
        edit_client(laptop, other, city="Αθήνα")
    with machine(db_path, "A") as desk:
        edit_client(desk, other, city="Москва")  # later: wins over the laptop's
        client_merge.merge_clients(desk, kept, other, {"city": "other"})
    for here, there, site in ((db_path, laptop_path, "A"), (laptop_path, db_path, "B")):
        with machine(here, site) as db:
            sync.merge(db, there)
    for path, site in ((db_path, "A"), (laptop_path, "B")):
        with machine(path, site) as db:
            assert clients.get_client(db, kept).city == "Москва"
            [conflict] = [c for c in sync.conflicts(db) if c.other == "Αθήνα"]
            assert (conflict.row_id, conflict.client_id) == (kept, kept)
            assert (conflict.kept, conflict.now) == ("Москва", "Москва")
    with machine(db_path, "A") as desk:
        sync.keep_other(desk, conflict.id)
        assert clients.get_client(desk, kept).city == "Αθήνα"


def test_a_duplicate_merged_into_a_person_erased_on_another_copy_is_erased_too(
    db_path: Path, tmp_path: Path
) -> None:
    """The laptop erases a person on request while the desk, not knowing, merges their
    duplicate into them: once the copies are merged, the duplicate is erased too (nothing
    carried onto the erased record), on both machines and on a third that only ever sees
    the desk's copy after the laptop's."""
    with machine(db_path, "A") as desk:
        kept, other = _pair(desk)
    laptop_path = copy_to(db_path, tmp_path / "laptop.crmdesk")
    third_path = copy_to(db_path, tmp_path / "third.crmdesk")
    from crmdesk import paths
    from crmdesk.services import erase

    desk_home = paths.data_dir().parent
    paths.override(tmp_path / "laptop-home")  # (the laptop remembers its erasures)
    try:
        with machine(laptop_path, "B") as laptop:
            erase.erase_client(laptop, kept)
    finally:
        paths.override(desk_home)
    with machine(db_path, "A") as desk:
        client_merge.merge_clients(desk, kept, other, {"given_name": "other"})
        sync.merge(desk, laptop_path)
    paths.override(tmp_path / "third-home")
    try:
        with machine(third_path, "C") as third:
            sync.merge(third, laptop_path)
            sync.merge(third, db_path)
    finally:
        paths.override(desk_home)
    for path, site in ((db_path, "A"), (third_path, "C")):
        with machine(path, site) as db:
            for client_id in (kept, other):
                [(given, phones, erased)] = db.query(
                    "SELECT given_name, phones, erased_at FROM clients WHERE id = ?",
                    (client_id,),
                )
                assert (given, phones) == ("", "[]") and erased is not None, (site, client_id)


def test_erasing_a_person_erases_the_duplicate_merged_into_them(db: Database) -> None:
    from crmdesk.services import erase

    kept, other = _pair(db)
    client_merge.merge_clients(db, kept, other, {"given_name": "kept"})
    erase.erase_client(db, kept)
    for client_id in (kept, other):
        [(given, emails, erased)] = db.query(
            "SELECT given_name, emails, erased_at FROM clients WHERE id = ?", (client_id,)
        )
        assert (given, emails) == ("", "[]") and erased is not None, client_id


def test_two_machines_merging_each_into_the_other_leave_one_client(
    db_path: Path, tmp_path: Path
) -> None:
    """The desk merges B into A while the laptop merges A into B, each adding a note: after
    the copies are merged (both ways) one of the two is a client again, on both machines,
    with both notes; the other is merged into them."""
    with machine(db_path, "A") as desk:
        a, b = _pair(desk)
    laptop_path = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(db_path, "A") as desk:
        client_merge.merge_clients(desk, a, b)
        notes.add_note(desk, a, "From the desk")
    with machine(laptop_path, "B") as laptop:
        client_merge.merge_clients(laptop, b, a)
        notes.add_note(laptop, b, "From the laptop")
    for here, there, site in ((db_path, laptop_path, "A"), (laptop_path, db_path, "B")):
        with machine(here, site) as db:
            sync.merge(db, there)
    live = set()
    for path, site in ((db_path, "A"), (laptop_path, "B")):
        with machine(path, site) as db:
            rows = db.query("SELECT id FROM clients WHERE id IN (?, ?) AND deleted_at IS NULL",
                            (a, b))  # fmt: skip
            [(survivor,)] = rows
            live.add(survivor)
            texts = sorted(n.text for n in notes.notes_of(db, survivor))
            assert texts == ["From the desk", "From the laptop"]
            assert any(c.kind == "delete" and c.row_id == survivor for c in sync.conflicts(db))
    assert len(live) == 1


def test_a_birthday_without_its_year_is_offered_and_kept_as_such(db: Database) -> None:
    from crmdesk.model.partial_date import PartialDate
    from crmdesk.services import birthdays

    kept, other = _pair(db)
    birthdays.set_birthday(db, other, PartialDate(4, 15))
    row = {r.key: r for r in client_merge.plan(db, kept, other).fields}["birthday"]
    assert (row.kept_text, row.other_text, row.default) == ("", "15 April", "other")
    client_merge.merge_clients(db, kept, other, {})
    assert birthdays.birthday_of(db, kept) == PartialDate(4, 15)  # no year made up
