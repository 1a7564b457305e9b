"""Property tests: random edit histories on two and three copies, merged in random order.

Whatever happens, no concurrent change is silently lost (every value written is current
or in the conflict log, unless the copy that overwrote it had seen it), all copies end up
the same whichever way round they were merged, merging again changes nothing, and deletes
and erasures reach every copy.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmdesk.services import clients, erase, sync
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database
from tests.sync_helpers import SITES, content

FIELDS = ("city", "street", "company")
CLIENTS = 3

edit = st.tuples(
    st.just("edit"), st.integers(0, 2), st.integers(0, CLIENTS - 1), st.sampled_from(FIELDS)
)
delete = st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, CLIENTS - 1))
restore = st.tuples(st.just("restore"), st.integers(0, 2), st.integers(0, CLIENTS - 1))
merge = st.tuples(st.just("merge"), st.integers(0, 2), st.integers(0, 2))
erase_op = st.tuples(st.just("erase"), st.integers(0, 2), st.integers(0, CLIENTS - 1))


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
    value: str
    copy: int


@dataclass
class World:
    dbs: list[Database]
    ids: list[str]
    writes: list[Write] = field(default_factory=list)
    seen: list[set[int]] = field(default_factory=list)  # write numbers each copy has seen
    seen_at: dict[int, set[int]] = field(default_factory=dict)  # what a write's copy had seen
    counter: itertools.count = field(default_factory=itertools.count)

    def run(self, op: tuple) -> None:
        kind, i = op[0], op[1] % len(self.dbs)
        db = self.dbs[i]
        if kind == "merge":
            j = op[2] % len(self.dbs)
            if i != j:
                sync.merge(db, self.dbs[j].path)
                self.seen[i] |= self.seen[j]
            return
        cid = self.ids[op[2]]
        record = clients.get_client(db, cid)
        if record.erased_at is not None:
            return
        if kind == "edit":
            if record.deleted_at is not None:
                return
            n = next(self.counter)
            value = f"v{n}"
            form = record.to_form()
            setattr(form, op[3], value)
            clients.update_client(db, cid, form)
            self.writes.append(Write(n, op[2], op[3], value, i))
            self.seen_at[n] = set(self.seen[i])
            self.seen[i].add(n)
        elif kind == "delete" and record.deleted_at is None:
            clients.delete_client(db, cid)
        elif kind == "restore" and record.deleted_at is not None:
            clients.restore_client(db, cid)
        elif kind == "erase":
            erase.erase_client(db, cid)

    def converge(self) -> None:
        """Everyone merges everyone, twice round: all copies then hold the same."""
        for _ in range(2):
            for i, j in itertools.permutations(range(len(self.dbs)), 2):
                self.run(("merge", i, j))


def _world(base: tuple[Path, list[str]], folder: Path, copies: int) -> World:
    dbs = []
    for n, site in zip(range(copies), SITES.values(), strict=False):
        path = Path(shutil.copyfile(base[0], folder / f"copy{n}.crmdesk"))
        dbs.append(Database.open(path, site=site))
    return World(dbs, base[1], seen=[set() for _ in dbs])


def _conflict_values(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT row_id, column_name, kept_value, other_value FROM conflicts")
        return {
            (row_id, column, json.loads(v))
            for row_id, column, kept, other in rows
            for v in (kept, other)
            if v != "null"
        }
    finally:
        conn.close()


def _check(world: World) -> None:
    world.converge()
    first = content(world.dbs[0].path)
    for db in world.dbs[1:]:
        assert content(db.path) == first, "copies differ after merging both ways"
    again = sync.merge(world.dbs[0], world.dbs[1].path)
    assert not again.changed and content(world.dbs[0].path) == first, "merge not idempotent"
    logged = _conflict_values(world.dbs[0].path)
    for w in world.writes:
        cid = world.ids[w.client]
        current = clients.get_client(world.dbs[0], cid)
        if current.erased_at is not None:
            assert getattr(current, w.column) == ""
            assert not any(row == cid for row, _c, _v in logged), "erased data in the log"
            continue
        superseded = any(
            o.number > w.number
            and o.client == w.client
            and o.column == w.column
            and w.number in world.seen_at[o.number]
            for o in world.writes
        )
        if superseded:
            continue
        assert getattr(current, w.column) == w.value or (cid, w.column, w.value) in logged, (
            f"{w} was lost"
        )


def _play(base: tuple[Path, list[str]], copies: int, ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = _world(base, Path(tmp), copies)
        try:
            for op in ops:
                world.run(op)
            _check(world)
        finally:
            for db in world.dbs:
                db.close()


# `make soak` runs many more (CRMDESK_PROPERTY_EXAMPLES)
SETTINGS = settings(
    max_examples=int(os.environ.get("CRMDESK_PROPERTY_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(st.lists(st.one_of(edit, edit, merge, delete, restore), min_size=4, max_size=14))
def test_two_copies_lose_nothing_and_converge(base, ops) -> None:
    _play(base, 2, ops)


@SETTINGS
@given(st.lists(st.one_of(edit, edit, merge, delete, restore), min_size=4, max_size=16))
def test_three_copies_lose_nothing_and_converge(base, ops) -> None:
    _play(base, 3, ops)


@SETTINGS
@given(st.lists(st.one_of(edit, merge, delete, erase_op), min_size=4, max_size=12))
def test_erasures_reach_every_copy(base, ops) -> None:
    _play(base, 2, ops)
