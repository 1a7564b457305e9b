"""Property tests: random edit histories on two to four copies, merged in random order.

Whatever happens, no concurrent change is silently lost (every value written is current
or in the conflict log, unless the copy that overwrote it had seen it); merging all pairs
in random orders reaches a fixed point within a few rounds, where every copy holds the same
(the conflict log too) and one more round of all pairwise merges changes nothing; deletes
and erasures reach every copy. Histories include crosswise merges, where two machines each
merge the other's copy as it was, so both find the same conflicts; and duplicates merged on
one machine (either client into the other: with other machines' merges, chains, loops and
splits) while another still adds notes to the merged-away client and edits it: at the
fixed point every note is on a client that was not merged away (blank if its person was
erased), and every edit the merging machine had not seen is on the client kept (or in the
kept client's conflict log), with deletes, restores and erasures of either client on any
copy. Each machine has a data folder of its own (the erasures it remembers) and a clock
that ticks a millisecond a step, a little ahead of or behind the others': the same history
stamps the same way on every run, so a failure found is a failure replayed.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import sqlite3
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmdesk import paths
from crmdesk.errors import CrmError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import client_merge, clients, erase, notes, sync
from crmdesk.services.clients import ClientForm
from crmdesk.store.clock import HybridClock, parse_hlc
from crmdesk.store.database import Database
from tests.sync_helpers import SITES, content

# a birthday travels whole: with its year, or without one ("15 April")
FIELDS = ("city", "street", "company", "birthday")
CLIENTS = 3

edit = st.tuples(
    st.just("edit"), st.integers(0, 3), st.integers(0, CLIENTS - 1), st.sampled_from(FIELDS)
)
delete = st.tuples(st.just("delete"), st.integers(0, 3), st.integers(0, CLIENTS - 1))
restore = st.tuples(st.just("restore"), st.integers(0, 3), st.integers(0, CLIENTS - 1))
merge = st.tuples(st.just("merge"), st.integers(0, 3), st.integers(0, 3))
# two machines swap copies and each merges the other's as it was before either merged
crosswise = st.tuples(st.just("crosswise"), st.integers(0, 3), st.integers(0, 3))
# the owner reviews the k-th open conflict: keeps the other value, or the merged one
review = st.tuples(st.just("review"), st.integers(0, 3), st.integers(0, 5), st.booleans())
# the order in which the pairs merge while converging
order_seed = st.integers(0, 2**32 - 1)
MAX_ROUNDS = 4  # a round: every copy merges every other once, in a random order
erase_op = st.tuples(st.just("erase"), st.integers(0, 3), st.integers(0, CLIENTS - 1))
# one machine merges two duplicates (either into the other: with other machines' merges,
# chains, loops and splits); another adds a note to a client (perhaps one merged away elsewhere)
dupmerge = st.tuples(
    st.just("dupmerge"), st.integers(0, 3), st.integers(0, CLIENTS - 1), st.integers(0, CLIENTS - 1)
)
note_op = st.tuples(st.just("note"), st.integers(0, 3), st.integers(0, CLIENTS - 1))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from crmdesk import paths

    folder = tmp_path_factory.mktemp("base")
    paths.override(folder / "home")
    try:
        with Database.open(folder / "base.crmdesk", create=True, site=SITES["A"]) as db:
            ids = [
                clients.create_client(db, ClientForm(given_name=f"Client{i}")).created_id
                for i in range(CLIENTS)
            ]
    finally:
        paths.override(None)
    return folder / "base.crmdesk", [str(i) for i in ids]


@dataclass
class Write:
    number: int
    client: int
    column: str
    value: Any  # text, or a birthday (a PartialDate)
    copy: int

    @property
    def stored(self) -> Any:
        """The value as the file (and the conflict log) holds it."""
        return self.value.stored() if isinstance(self.value, PartialDate) else self.value


@dataclass
class Merge:
    kept: int
    gone: int
    seen: set[int]  # the writes the merging copy had seen


@dataclass
class World:
    dbs: list[Database]
    ids: list[str]
    writes: list[Write] = field(default_factory=list)
    seen: list[set[int]] = field(default_factory=list)  # write numbers each copy has seen
    seen_at: dict[int, set[int]] = field(default_factory=dict)  # what a write's copy had seen
    counter: itertools.count = field(default_factory=itertools.count)
    merges: list[Merge] = field(default_factory=list)
    # every note added: id -> (its text, the client it was added to)
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)
    millis: int = 0  # the machines' shared wall clock: one millisecond a step
    homes: list[Path] = field(default_factory=list)  # each machine's own data folder

    def run(self, op: tuple) -> bool:
        """Play one step; for a merge, True if it changed this copy."""
        self.millis += 1
        kind, i = op[0], op[1] % len(self.dbs)
        db = self.dbs[i]
        paths.override(self.homes[i])  # (its backups, and the erasures it remembers)
        if kind == "merge":
            j = op[2] % len(self.dbs)
            if i == j:
                return False
            before, seen_before = content(db.path), content(db.path, stamps=False)
            summary = sync.merge(db, self.dbs[j].path)
            self.seen[i] |= self.seen[j]
            nothing_new = summary.lines()[0].startswith("Nothing new")
            assert nothing_new != summary.changed, f"the summary says {summary.lines()}"
            seen_changed = content(db.path, stamps=False) != seen_before
            assert summary.changed == seen_changed, "the summary is wrong about what changed"
            return content(db.path) != before  # a stamp alone counts: not yet a fixed point
        if kind == "crosswise":
            j = op[2] % len(self.dbs)
            if i != j:
                self._crosswise(i, j)
            return False
        if kind == "review":
            found = sorted(sync.conflicts(db), key=lambda c: c.id)
            if found:
                chosen = found[op[2] % len(found)]
                with suppress(CrmError):  # refused: changed again since, or deleted since
                    (sync.keep_other if op[3] else sync.keep_merged)(db, chosen.id)
            return False
        if kind == "dupmerge":
            kept, gone = op[2], op[3]
            live = [clients.get_client(db, self.ids[k]).deleted_at is None for k in (kept, gone)]
            if kept != gone and all(live):
                client_merge.merge_clients(db, self.ids[kept], self.ids[gone])
                self.merges.append(Merge(kept, gone, set(self.seen[i])))
            return False
        cid = self.ids[op[2]]
        record = clients.get_client(db, cid)
        if record.erased_at is not None:
            return
        if kind == "edit":
            if record.deleted_at is not None:
                return
            n = next(self.counter)
            value: Any = f"v{n}"
            if op[3] == "birthday":  # each write its own day; every other one without a year
                value = PartialDate(1 + n % 12, 1 + n // 12 % 28, None if n % 2 else 1950 + n % 70)
            form = record.to_form()
            setattr(form, op[3], value)
            clients.update_client(db, cid, form)
            self.writes.append(Write(n, op[2], op[3], value, i))
            self.seen_at[n] = set(self.seen[i])
            self.seen[i].add(n)
        elif kind == "delete" and record.deleted_at is None:
            clients.delete_client(db, cid)
        elif kind == "restore" and record.deleted_at is not None:
            with suppress(CrmError):  # not a client merged into another
                clients.restore_client(db, cid)
        elif kind == "note" and record.deleted_at is None:
            text = f"note {next(self.counter)}"
            made = notes.add_note(db, cid, text).created_id
            assert made
            self.notes[made] = (text, cid)
        elif kind == "erase":
            erase.erase_client(db, cid)

        return False

    def _crosswise(self, i: int, j: int) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            was_i = shutil.copyfile(self.dbs[i].path, Path(tmp) / "i.crmdesk")
            was_j = shutil.copyfile(self.dbs[j].path, Path(tmp) / "j.crmdesk")
            sync.merge(self.dbs[i], was_j)
            paths.override(self.homes[j])
            sync.merge(self.dbs[j], was_i)
        self.seen[i], self.seen[j] = self.seen[i] | self.seen[j], self.seen[j] | self.seen[i]

    def converge(self, seed: int) -> int:
        """Every copy merges every other, in a random order, round after round until a
        round changes nothing; return how many rounds changed something."""
        pairs = list(itertools.permutations(range(len(self.dbs)), 2))
        rng = random.Random(seed)
        for rounds in range(MAX_ROUNDS + 1):
            rng.shuffle(pairs)
            changed = [self.run(("merge", i, j)) for i, j in pairs]
            if not any(changed):
                return rounds
        raise AssertionError(f"no fixed point after {MAX_ROUNDS} rounds of merges")


def _world(base: tuple[Path, list[str]], folder: Path, copies: int, seed: int) -> World:
    """`copies` machines whose clocks tick one millisecond a step, each a millisecond or
    two ahead of or behind the others (from `seed`): the same history stamps the same way
    on every run, and a later change on a machine behind can carry the earlier stamp."""
    dbs = []
    for n, site in zip(range(copies), SITES.values(), strict=False):
        path = Path(shutil.copyfile(base[0], folder / f"copy{n}.crmdesk"))
        dbs.append(Database.open(path, site=site))
    world = World(dbs, base[1], seen=[set() for _ in dbs])
    world.homes = [folder / f"home{n}" for n in range(copies)]
    [(last,)] = dbs[0].query("SELECT value FROM meta WHERE key = 'clock'")
    world.millis = parse_hlc(last)[0] + 1000
    skews = random.Random(seed).choices((-2, -1, 0, 0, 1, 2), k=copies)
    for db, skew in zip(dbs, skews, strict=True):
        db.clock = HybridClock(last, wall=lambda skew=skew: (world.millis + skew) / 1000)
    return world


def _conflict_values(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT row_id, column_name, kept_value, other_value FROM conflicts"
            " WHERE deleted_at IS NULL"
        )
        return {
            (row_id, column, json.loads(v))
            for row_id, column, kept, other in rows
            for v in (kept, other)
            if v != "null"
        }
    finally:
        conn.close()


def _check(world: World, seed: int) -> None:
    ROUNDS.append(world.converge(seed))
    first = content(world.dbs[0].path)
    for db in world.dbs[1:]:
        assert content(db.path) == first, "copies differ at the fixed point"
    stamps = [_stamps(db.path) for db in world.dbs]
    assert all(s == stamps[0] for s in stamps), "copies hold different change stamps"
    logs = [_log(db.path) for db in world.dbs]
    assert all(log == logs[0] for log in logs), "the conflict logs differ"
    assert not any(row[0] == "conflicts" for row in logs[0]), "a conflict about the log"
    assert len(logs[0]) == len(set(logs[0])), "the same conflict logged twice"
    logged = _conflict_values(world.dbs[0].path)
    _check_merged_clients(world, logged)
    for w in world.writes:
        cid = world.ids[w.client]
        if _kept_client(world.dbs[0].path, cid) != cid:
            continue  # merged away: its values go to the client kept (below)
        current = clients.get_client(world.dbs[0], cid)
        if current.erased_at is not None:
            assert getattr(current, w.column) in ("", None)
            assert not any(row == cid for row, _c, _v in logged), "erased data in the log"
            continue
        superseded = any(
            o.number > w.number
            and o.client == w.client
            and o.column == w.column
            and w.number in world.seen_at[o.number]
            for o in world.writes
        )
        if superseded or _chosen(world, w):
            continue
        assert getattr(current, w.column) == w.value or (cid, w.column, w.stored) in logged, (
            f"{w} was lost"
        )


def _chosen(world: World, w: Write) -> bool:
    """The write was in view when the user merged its client with another and chose, field
    by field, which values to keep."""
    return any(w.client in (m.kept, m.gone) and w.number in m.seen for m in world.merges)


def _kept_client(path: Path, client_id: str) -> str:
    """Where a client's records are: the end of its "merged into" chain."""
    conn = sqlite3.connect(path)
    try:
        for _ in range(10):
            (into,) = conn.execute(
                "SELECT merged_into_id FROM clients WHERE id = ?", (client_id,)
            ).fetchone()
            if into is None:
                return client_id
            client_id = into
        raise AssertionError("a loop of merged clients")
    finally:
        conn.close()


def _check_merged_clients(world: World, logged: set[tuple[str, str, str]]) -> None:
    """Every note is there, on a client not merged away; an edit of a client merged away
    that the merging machine had not seen is on the client kept (or in its conflict log),
    unless a later edit that had seen it replaced it."""
    path = world.dbs[0].path
    conn = sqlite3.connect(path)
    try:
        placed = {i: (t, c) for i, t, c in conn.execute("SELECT id, text, client_id FROM notes")}
        erased = {i for (i,) in conn.execute("SELECT id FROM clients WHERE erased_at IS NOT NULL")}
    finally:
        conn.close()
    assert sorted(placed) == sorted(world.notes), "a note was lost"
    for note_id, (text, client_id) in placed.items():
        # an erased person's notes are blanked: wherever they are, or (when a copy that
        # had not seen the erasure moved it onto the client kept first) where they were
        written, added_to = world.notes[note_id]
        wanted = {""} if client_id in erased else {written, ""} if added_to in erased else {written}
        assert text in wanted, f"{written} reads {text!r}"
        assert _kept_client(path, client_id) == client_id, f"{text} is on a merged-away client"
    index = {cid: k for k, cid in enumerate(world.ids)}
    for w in world.writes:
        kept = _kept_client(path, world.ids[w.client])
        if kept == world.ids[w.client]:
            continue
        chosen = _chosen(world, w)
        clients_now = (w.client, index[kept])
        superseded = any(
            o.number > w.number
            and o.client in clients_now
            and o.column == w.column
            and w.number in world.seen_at[o.number]
            for o in world.writes
        )
        current = clients.get_client(world.dbs[0], kept)
        if chosen or superseded or current.erased_at is not None:
            continue
        # (the conflict log holds a birthday as the file does: "1950-01-01", "XXXX-02-01").
        # A value that lost to a concurrent edit of the same client, before or after that
        # client was merged away, is logged under the client kept, where the owner sees it
        in_log = (kept, w.column, w.stored) in logged
        assert getattr(current, w.column) == w.value or in_log, (
            f"{w} on a merged-away client did not reach the client kept"
        )


def _log(path: Path) -> list[tuple[str, str, str, str, str, str]]:
    """The conflict log as the user reads it: what, which, whose change lost when, status."""
    conn = sqlite3.connect(path)
    try:
        return sorted(
            conn.execute(
                "SELECT table_name, row_id, column_name, other_hlc, other_site, status"
                " FROM conflicts"
                " WHERE deleted_at IS NULL"
            ).fetchall()
        )
    finally:
        conn.close()


def _stamps(path: Path) -> list[tuple[str, str, str, str, str]]:
    """Every field's last-change stamp (what the next merge decides on), but the conflict
    log's, which keep the stamp of whichever finding a copy holds, and a delete's: a record
    kept because it was changed after it was deleted carries the stamp of that change as
    its un-delete, which the copy that made the change never needs (its value is the same)."""
    conn = sqlite3.connect(path)
    try:
        return sorted(
            conn.execute(
                "SELECT table_name, row_id, column_name, hlc, site_id FROM field_changes"
                " WHERE table_name != 'conflicts' AND column_name != 'deleted_at'"
            ).fetchall()
        )
    finally:
        conn.close()


ROUNDS: list[int] = []  # rounds to the fixed point, per example (printed with -s)


def _play(base: tuple[Path, list[str]], copies: int, ops: list[tuple], seed: int) -> None:
    home = paths.data_dir().parent  # the test's own; each machine of a history has its own
    with tempfile.TemporaryDirectory() as tmp:
        world = _world(base, Path(tmp), copies, seed)
        try:
            for op in ops:
                world.run(op)
            _check(world, seed)
        finally:
            for db in world.dbs:
                db.close()
            paths.override(home)


# `make soak` runs many more (CRMDESK_PROPERTY_EXAMPLES)
SETTINGS = settings(
    max_examples=int(os.environ.get("CRMDESK_PROPERTY_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


steps = st.one_of(edit, edit, merge, crosswise, review, delete, restore)
# with duplicates merged on one machine while others add, edit, delete, restore and erase
merging_steps = st.one_of(
    edit, edit, merge, crosswise, dupmerge, note_op, review, delete, restore, erase_op
)


@SETTINGS
@given(st.lists(steps, min_size=4, max_size=14), order_seed)
def test_two_copies_lose_nothing_and_converge(base, ops, seed) -> None:
    _play(base, 2, ops, seed)


@SETTINGS
@given(st.lists(steps, min_size=4, max_size=16), order_seed)
def test_three_copies_lose_nothing_and_converge(base, ops, seed) -> None:
    _play(base, 3, ops, seed)


@SETTINGS
@given(
    st.lists(st.one_of(edit, edit, merge, crosswise, review), min_size=6, max_size=18), order_seed
)
def test_four_copies_reach_a_fixed_point(base, ops, seed) -> None:
    _play(base, 4, ops, seed)


@SETTINGS
@given(st.lists(st.one_of(edit, merge, crosswise, delete, erase_op), min_size=4, max_size=12))
def test_erasures_reach_every_copy(base, ops) -> None:
    _play(base, 2, ops, seed=0)


@SETTINGS
@given(st.lists(merging_steps, min_size=4, max_size=16), order_seed)
def test_merged_duplicates_take_what_other_copies_added_and_converge(base, ops, seed) -> None:
    _play(base, 2, ops, seed)


@SETTINGS
@given(st.lists(merging_steps, min_size=6, max_size=18), order_seed)
def test_merged_duplicates_on_three_copies_converge(base, ops, seed) -> None:
    _play(base, 3, ops, seed)


@SETTINGS
@given(st.lists(merging_steps, min_size=8, max_size=20), order_seed)
def test_merged_duplicates_on_four_copies_converge(base, ops, seed) -> None:
    _play(base, 4, ops, seed)


@SETTINGS
@given(
    st.lists(st.one_of(edit, edit, merge, crosswise, dupmerge, dupmerge, note_op), min_size=6,
             max_size=18),
    order_seed,
)  # fmt: skip
def test_chains_loops_and_splits_of_merged_duplicates_converge(base, ops, seed) -> None:
    """Mostly merges of duplicates, on three machines: the same client merged into two
    others (a split), two merged each into the other (a loop), or both at once."""
    _play(base, 3, ops, seed)


def test_a_note_and_an_edit_on_a_client_merged_elsewhere_reach_the_kept_client(base) -> None:
    """The history from the issue: machine 0 merges client 1 into client 0 while machine
    1, not knowing, adds a note to client 1 and changes their town; then the copies merge."""
    ops: list[tuple] = [("dupmerge", 0, 0, 1), ("note", 1, 1), ("edit", 1, 1, "city")]
    ops += [("merge", 0, 1), ("merge", 1, 0)]
    _play(base, 2, ops, seed=2)


def test_both_machines_find_the_same_conflicts_and_a_ring_converges(base) -> None:
    """The history from the report: everyone edits the same fields, pairs swap copies
    crosswise (both find the same conflicts), then three machines merge in a ring."""
    ops: list[tuple] = [("edit", c, k, f) for c in range(3) for k in range(CLIENTS) for f in FIELDS]
    ops += [("crosswise", 0, 1), ("crosswise", 1, 2), ("crosswise", 2, 0)]
    ops += [("edit", 1, 0, "city"), ("edit", 2, 0, "city")]
    ops += [("merge", (i + 1) % 3, i) for i in range(3)] * 2
    _play(base, 3, ops, seed=1)


def teardown_module() -> None:
    if ROUNDS:
        print(f"\nrounds to the fixed point: max {max(ROUNDS)}, over {len(ROUNDS)} histories")
