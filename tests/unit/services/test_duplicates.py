"""The duplicate scan: what it pairs and why, what it leaves out, progress and Cancel, and
"not the same person" remembered (also on another copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.services import client_merge, clients, duplicates, sync, undo
from crmdesk.services.clients import Labelled
from crmdesk.services.duplicates import MAX_SHARED, STEPS, ScanCancelled
from crmdesk.store.database import Database
from tests.sync_helpers import add_client, copy_to, machine


def _pairs(db: Database) -> dict[frozenset[str], duplicates.DuplicatePair]:
    return {frozenset((p.first_id, p.second_id)): p for p in duplicates.scan(db).pairs}


def test_the_same_email_in_another_letter_case_is_a_pair(db: Database) -> None:
    a = add_client(db, given_name="Ann", family_name="Webber",
                   emails=[Labelled("home", "Ann.Webber@Example.org")])  # fmt: skip
    b = add_client(db, given_name="Annie", family_name="Webber-Hall",
                   emails=[Labelled("work", "ann.webber@example.org")])  # fmt: skip
    add_client(db, given_name="Bob", emails=[Labelled("home", "bob@example.org")])
    [pair] = _pairs(db).values()
    assert {pair.first_id, pair.second_id} == {a, b}
    assert pair.reasons[0] == "Same email ann.webber@example.org"
    assert pair.score >= 90


def test_the_same_phone_typed_differently_is_a_pair(db: Database) -> None:
    a = add_client(db, given_name="Margaret", family_name="Webber",
                   phones=[Labelled("mobile", "+44 7911 123456")])  # fmt: skip
    b = add_client(db, given_name="Maggie", family_name="Webber",
                   phones=[Labelled("home", "+447911123456")])  # fmt: skip
    pair = _pairs(db)[frozenset((a, b))]
    assert pair.reasons[0] == "Same phone 07911 123456"  # as the client page shows it here


def test_a_similar_name_counts_only_in_the_same_postcode_or_town(db: Database) -> None:
    jon = add_client(db, given_name="Jon", family_name="Smith", postcode="LS6 2AB")
    john = add_client(db, given_name="John", family_name="Smith", postcode="ls6 2ab")
    away = add_client(db, given_name="John", family_name="Smith", postcode="YO1 7HH")
    swapped = add_client(db, given_name="Smith", family_name="John", city="Otley")
    otley = add_client(db, given_name="John", family_name="Smith", city="otley")
    found = _pairs(db)
    assert found[frozenset((jon, john))].reasons == ("Similar name (95%), same postcode LS6 2AB",)
    assert frozenset((jon, away)) not in found and frozenset((john, away)) not in found
    assert "same town Otley" in found[frozenset((swapped, otley))].reason


def test_a_family_name_alone_is_not_enough(db: Database) -> None:
    add_client(db, given_name="Zoë", family_name="Lefèvre", city="Ilkley")
    add_client(db, given_name="Noël", family_name="Lefèvre", city="Ilkley")
    assert _pairs(db) == {}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Σοφία", "Παπαδοπούλου"), ("Σοφια", "Παπαδοπουλου")),  # Greek, accents aside
        (("Ольга", "Иванова"), ("ольга", "Иванова")),  # Cyrillic, letter case aside
        (("محمد", "الأحمد"), ("محمد", "الأحمد")),  # Arabic
        (("דוד", "כהן"), ("דוד", "כהן")),  # Hebrew
        (("太郎", "山田"), ("太郎", "山田")),  # CJK
        (("สมชาย", "ใจดี"), ("สมชาย", "ใจดี")),  # Thai
        (("देव", "शर्मा"), ("देव", "शर्मा")),  # Devanagari
        (("Nguyễn", "Văn Hùng"), ("Nguyen", "Van Hung")),  # Vietnamese, marks aside
    ],
)
def test_names_in_every_script_are_compared(
    db: Database, one: tuple[str, str], other: tuple[str, str]
) -> None:
    a = add_client(db, given_name=one[0], family_name=one[1], city="Leeds")
    b = add_client(db, given_name=other[0], family_name=other[1], city="LEEDS")
    [pair] = _pairs(db).values()
    assert {pair.first_id, pair.second_id} == {a, b}
    assert pair.first_name in {clients.get_client(db, a).display_name,
                               clients.get_client(db, b).display_name}  # fmt: skip


def test_more_reasons_make_a_surer_pair(db: Database) -> None:
    a = add_client(db, given_name="Ann", family_name="Lee", city="York",
                   emails=[Labelled("home", "ann@example.org")])  # fmt: skip
    b = add_client(db, given_name="Ann", family_name="Lee", city="York",
                   emails=[Labelled("home", "ann@example.org")])  # fmt: skip
    c = add_client(db, given_name="Ann", family_name="Lee", city="York")
    found = _pairs(db)
    assert found[frozenset((a, b))].score > found[frozenset((a, c))].score
    surest = duplicates.scan(db).pairs[0]
    assert {surest.first_id, surest.second_id} == {a, b}


def test_a_number_shared_under_other_names_is_less_sure(db: Database) -> None:
    a = add_client(db, given_name="Oliver", family_name="Twist",
                   phones=[Labelled("home", "+44 113 496 0000")])  # fmt: skip
    b = add_client(db, given_name="Fatima", family_name="Okafor",
                   phones=[Labelled("home", "+44 113 496 0000")])  # fmt: skip
    pair = _pairs(db)[frozenset((a, b))]
    assert "different names" in pair.reasons and pair.score < 75


def test_an_address_shared_by_many_is_left_out_and_said_so(db: Database) -> None:
    for n in range(MAX_SHARED + 1):
        add_client(db, given_name=f"Member{n}", emails=[Labelled("", "office@example.org")])
    result = duplicates.scan(db)
    assert result.pairs == []
    assert result.shared_emails == 1
    assert result.left_out.startswith("Left out: 1 email addresses shared by more than")


def test_deleted_and_merged_clients_are_not_paired(db: Database) -> None:
    a = add_client(db, given_name="Ann", family_name="Lee", city="York")
    b = add_client(db, given_name="Ann", family_name="Lee", city="York")
    c = add_client(db, given_name="Ann", family_name="Lee", city="York")
    clients.delete_client(db, c)
    client_merge.merge_clients(db, a, b)
    assert _pairs(db) == {}


def test_progress_goes_to_the_end_and_cancel_stops_the_scan(db: Database) -> None:
    add_client(db, given_name="Ann", family_name="Lee", city="York")
    seen: list[tuple[int, int]] = []
    duplicates.scan(db, lambda n, total: seen.append((n, total)) or True)
    assert seen[0] == (0, STEPS) and seen[-1] == (STEPS, STEPS)
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)
    calls: list[int] = []
    with pytest.raises(ScanCancelled):
        duplicates.scan(db, lambda n, _total: calls.append(n) or n < 30)
    assert max(calls) < STEPS


def test_not_the_same_person_is_remembered_and_undone(db: Database) -> None:
    a = add_client(db, given_name="Ann", family_name="Lee", city="York")
    b = add_client(db, given_name="Ann", family_name="Lee", city="York")
    changes = duplicates.not_the_same(db, [(b, a)])
    assert changes.client_ids == {a, b}  # the views follow those two
    assert _pairs(db) == {}
    assert changes.undo is not None
    undo.apply(db, changes.undo)
    assert frozenset((a, b)) in _pairs(db)
    duplicates.not_the_same(db, [(a, b)])  # dismissed again: the same record, back
    assert _pairs(db) == {}
    [(n,)] = db.query("SELECT count(*) FROM not_duplicates")
    assert n == 1


def test_not_the_same_person_travels_with_a_copy(db_path: Path, tmp_path: Path) -> None:
    with machine(db_path, "A") as desk:
        a = add_client(desk, given_name="Ann", family_name="Lee", city="York")
        b = add_client(desk, given_name="Ann", family_name="Lee", city="York")
    laptop_path = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(laptop_path, "B") as laptop:
        duplicates.not_the_same(laptop, [(a, b)])
    with machine(db_path, "A") as desk:
        assert _pairs(desk) != {}
        sync.merge(desk, laptop_path)
        assert _pairs(desk) == {}
