"""Histories the random-history checks (test_sync_properties) found once loops and splits of
merged duplicates were played: three machines each merge clients as duplicates, some into
the client another machine merged away, then every copy merges every other until a round
changes nothing. At that point every copy holds the same (profile values, stamps and the
conflict log), and no value is lost. Each is replayed exactly (the machines' clocks tick
the same on every run)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.services.test_sync_properties import _play
from tests.unit.services.test_sync_properties import base as base  # (the fixture)


def test_a_loop_and_a_split_leave_the_same_town_on_every_copy(
    base: tuple[Path, list[str]],
) -> None:
    """The history from the README's known limit. Machine 2 changes client 0's town, then
    merges client 1 into client 0; machine 0 merges client 0 into client 1 (a loop with
    machine 2's) and machine 1 merges client 0 into client 2 (a split), then changes client
    1's town. Machine 1's town, carried onto client 2 where one copy found client 1 in a
    chain into client 2, once stayed on that copy only: the others, having seen the edit
    already, never took it."""
    ops: list[tuple] = [("edit", 2, 0, "city"), ("dupmerge", 0, 1, 0), ("dupmerge", 1, 2, 0)]
    ops += [("dupmerge", 2, 0, 1), ("edit", 1, 1, "city")]
    _play(base, 3, ops, seed=5)


def test_a_chain_of_two_merges_on_two_machines_stamps_the_kept_client_alike(
    base: tuple[Path, list[str]],
) -> None:
    """Shrunk by hypothesis: machine 1 merges client 1 into client 0, machine 0 merges
    client 0 into client 2. Two changes of client 2 stamped in the same millisecond by two
    machines once left the row's own stamp naming a different machine on one copy."""
    _play(base, 3, [("dupmerge", 1, 0, 1), ("dupmerge", 0, 2, 0)], seed=7747)


def test_a_conflict_about_a_person_erased_here_is_not_counted_as_news(
    base: tuple[Path, list[str]],
) -> None:
    """Shrunk by hypothesis: a town edited on machine 1, client 0 merged into client 2 on
    machine 0, the copies swapped crosswise, then machine 0 erases client 2. The conflict
    machine 1 logged about the town, blanked here by the erasure, once made the next
    merge say the conflict log was updated when nothing a user sees had changed."""
    ops: list[tuple] = [("edit", 1, 0, "city"), ("dupmerge", 0, 2, 0), ("crosswise", 0, 1)]
    ops += [("erase", 0, 2)]
    _play(base, 3, ops, seed=39)


def test_a_conflict_moved_off_a_client_merged_away_is_gone_from_every_copy(
    base: tuple[Path, list[str]],
) -> None:
    """Shrunk by hypothesis: machine 0 merges client 0 into client 1 and machine 1 client
    1 into client 0 (a loop); machine 2 merges client 1 into client 2 (a split). The
    conflicts about where client 1 went, moved off them when a copy followed them to the
    client kept, were deleted on two copies and still open on the third."""
    ops: list[tuple] = [("dupmerge", 0, 1, 0), ("dupmerge", 1, 0, 1), ("dupmerge", 2, 2, 1)]
    ops += [("merge", 0, 1), ("edit", 1, 0, "company")]
    _play(base, 3, ops, seed=20)


def test_a_loop_broken_on_one_copy_is_broken_on_every_copy(
    base: tuple[Path, list[str]],
) -> None:
    """Machine 0 merges client 0 into client 1, machine 2 client 1 into client 0 (a loop),
    machine 1 client 0 into client 2 (later: a split) and machine 2 changes another
    client. Machine 1 finds a chain (1 into 0 into 2), machine 0 the loop, which it breaks
    by bringing client 1 back. Stamped from the loop's own stamps, that un-merge never
    reached machine 1, which had seen machine 2's later change: client 1 stayed merged
    away there and a client on machine 0."""
    ops: list[tuple] = [("dupmerge", 0, 1, 0), ("dupmerge", 2, 0, 1), ("dupmerge", 1, 2, 0)]
    ops += [("edit", 2, 2, "street"), ("merge", 1, 2), ("merge", 1, 0), ("merge", 0, 2)]
    ops += [("merge", 1, 0)]
    _play(base, 3, ops, seed=1)


def test_a_duplicate_erased_with_a_person_on_one_copy_is_erased_on_every_copy(
    base: tuple[Path, list[str]],
) -> None:
    """Machine 0 merges client 0 into client 1, machine 1 (later) into client 2, machine 2
    erases client 1 on request. Machine 0, learning of the erasure before machine 1's
    merge, erases client 0 with them; machine 1 finds client 0 leading to client 2 and
    never did, and the erasure, stamped from the merge's own stamps, never reached it."""
    ops: list[tuple] = [("dupmerge", 0, 1, 0), ("dupmerge", 1, 2, 0), ("erase", 2, 1)]
    ops += [("edit", 0, 2, "street"), ("merge", 1, 0), ("merge", 0, 2), ("merge", 1, 0)]
    _play(base, 3, ops, seed=2)


def test_a_note_added_to_a_person_erased_elsewhere_reads_the_same_on_every_copy(
    base: tuple[Path, list[str]],
) -> None:
    """Shrunk by hypothesis: machine 0 erases client 2 on request, machine 2 merges client
    2 into client 0, machine 1 adds a note to client 2. A copy that found the note still on
    client 2 when the erasure reached it blanked it, with the erasure's stamp, which never
    reached the copies that had moved the note to client 0 first: the note read "note 1"
    on some copies and nothing on others."""
    ops: list[tuple] = [("edit", 0, 0, "city"), ("merge", 0, 0), ("merge", 0, 0)]
    ops += [("erase", 0, 2), ("dupmerge", 2, 0, 2), ("note", 1, 2)]
    _play(base, 3, ops, seed=255539758)


def test_the_same_erasure_of_a_duplicate_from_two_copies_is_not_news(
    base: tuple[Path, list[str]],
) -> None:
    """Shrunk by hypothesis: machine 0 merges client 0 into client 2, machine 2 erases
    client 2. Two copies each erase client 0 with them (each its own change); merging one
    of those into the other once said a client was updated when nothing had changed."""
    ops: list[tuple] = [("merge", 0, 0)] * 4 + [("dupmerge", 0, 2, 0), ("erase", 2, 2)]
    _play(base, 3, ops, seed=2)


def test_a_duplicate_of_a_person_erased_on_four_copies_is_not_news_twice(
    base: tuple[Path, list[str]],
) -> None:
    """Shrunk by hypothesis on four copies: machine 0 erases client 0 while machine 2
    merges client 1 into them; the copies that erase client 1 with them agree, and no merge
    of two such copies says a client was updated."""
    ops: list[tuple] = [("merge", 0, 0)] * 5 + [("erase", 0, 0), ("dupmerge", 2, 0, 1)]
    _play(base, 4, [*ops, ("merge", 0, 0)], seed=1)
