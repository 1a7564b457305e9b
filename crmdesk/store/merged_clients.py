"""Clients merged into another, when copies of the file are merged (store.merge).

A client merged into another on one machine (services.client_merge) is a tombstone naming
the client kept, and what that machine had seen of each site then. Another copy may still
have added to it, or edited it, before it learnt of the merge. When the copies are merged,
for each such client the merge touched:

- its rows (history, notes, things to remember, purchases, complaints, survey answers and
  forms) move to the client kept, and so do the clients it referred;
- each profile field changed where the merging machine had not seen it goes to the client
  kept, if it is later than the kept client's value there (as a change made by this
  merge, the value replaced logged as a conflict on the kept client); otherwise it is
  logged as a conflict on the kept client (tags are added, never lost);
- a value of theirs that lost to another change of the same field (a conflict logged on
  the client merged away, here or on another copy) is logged on the client kept instead;
- if the client kept was erased, the client merged into them is erased too.

What a merge does here depends on where a merged-away client leads when this copy merges
(two machines may have merged them into different clients, or one of those back into
them: a split, a loop), and copies learn of those merges in different orders. So every
change made here (a row moved, a field carried, a conflict entry moved, the client of a
loop brought back, the duplicate of an erased person erased) is stamped as this machine's
own change: it reaches every copy, where the later one stands, and a value it replaced is
in the conflict log under the client kept. (A change stamped from the copies' stamps, the
edit's own say, reached only the copies that had not seen them: a copy that had, but found
the client leading elsewhere when it merged, kept another value for good.) A conflict
entry's id comes from the losing change, so copies that log the same loss make one entry.
Merging again finds nothing new. A chain (merged into a client merged in turn) is followed
to its end. A loop (two machines each merged one of two clients into the other) is broken
by bringing back the client merged away last, logged as a delete undone.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from crmdesk.model import kinds
from crmdesk.model.names import client_sort_name
from crmdesk.store import erasure
from crmdesk.store.clock import stamp_time
from crmdesk.store.stamps import Stamp, effective

if TYPE_CHECKING:
    from crmdesk.store.merge import _Merge

# clients' columns that are the tombstone's own, or not a profile field
NOT_CARRIED = frozenset(
    {"id", "hlc", "site_id", "created_at", "deleted_at", "erased_at", "merged_into_id",
     "merged_seen", "last_contact_at", "sort_name"}
)  # fmt: skip
_MAX_CHAIN = 50
_NAMES = ("given_name", "family_name", "company")  # what the list sorts a client by


def redirect(merge: _Merge) -> None:
    conn = merge.conn
    merged = {
        cid: (into, seen)
        for cid, into, seen in conn.execute(
            "SELECT id, merged_into_id, merged_seen FROM main.clients"
            " WHERE merged_into_id IS NOT NULL AND erased_at IS NULL"
        )
    }
    todo = {c for c in merge.touched_clients if c in merged} | _into_erased(merge, merged)
    # (a conflict found here on a client merged away, even if nothing of theirs changed)
    todo |= {c["row_id"] for c in merge.new_conflicts if c["table_name"] == "clients"} & set(merged)
    for cid in sorted(todo):
        if cid not in merged:
            continue  # brought back by a loop broken here
        target = _end_of_chain(cid, merged)
        if target is None:  # each merged into the other, on two machines: one comes back
            _break_loop(merge, cid, merged)
            target = _end_of_chain(cid, merged) if cid in merged else None
        if target is None:
            continue
        moved = _move_rows(merge, cid, target)
        if _erase_with(merge, cid, target):
            carried = []
        else:
            carried = _carry_fields(merge, cid, target, json.loads(merged[cid][1] or "{}"))
            carried += _move_conflicts(merge, cid, target)
        if moved or carried:
            merge.result.client_ids.add(target)
            newest = max(moved + carried)
            if newest > merge.touched_clients.get(target, ("", "")):
                merge.touched_clients[target] = newest


def _into_erased(merge: _Merge, merged: dict[str, tuple[str, Any]]) -> set[str]:
    """The clients merged (perhaps through others) into one this merge touched who is
    erased: erased with them, even if nothing of theirs changed here."""
    touched = [c for c in merge.touched_clients if c not in merged]
    erased: set[str] = set()
    for start in range(0, len(touched), 500):
        chunk = touched[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        erased.update(
            cid
            for (cid,) in merge.conn.execute(
                f"SELECT id FROM main.clients WHERE erased_at IS NOT NULL AND id IN ({marks})",
                chunk,
            )
        )
    if not erased:
        return set()
    return {cid for cid in merged if _end_of_chain(cid, merged) in erased}


def _erase_with(merge: _Merge, cid: str, target: str) -> bool:
    """A client merged into one whose data was erased is erased too (as erasing a person
    erases the duplicates merged into them): nothing is carried onto the erased record.
    True if `target` is erased. The erasure is this machine's own change (as a moved
    row): a copy that learnt first of a later merge of the same client into another
    never finds them leading to `target`, and takes the erasure from here."""
    [(erased_at,)] = merge.conn.execute(
        "SELECT erased_at FROM main.clients WHERE id = ?", (target,)
    ).fetchall()
    if erased_at is None:
        return False
    stamp = _own_stamp(merge)
    erasure.blank_client(merge.conn, cid, stamp, erased_at)
    _observe(merge, stamp)
    merge.result.counts["clients"].erased += 1
    merge.result.client_ids.add(cid)
    merge.touched_clients[target] = max(stamp, merge.touched_clients.get(target, ("", "")))
    return True


def _end_of_chain(cid: str, merged: dict[str, tuple[str, Any]]) -> str | None:
    seen = {cid}
    target = merged[cid][0]
    while target in merged:
        if target in seen or len(seen) > _MAX_CHAIN:
            return None  # a loop: two machines merged each into the other
        seen.add(target)
        target = merged[target][0]
    return str(target)


def _break_loop(merge: _Merge, cid: str, merged: dict[str, tuple[str, Any]]) -> None:
    """Bring back the client of the loop merged away last (the later merge gives way), as a
    client again, and log it like a delete undone by a later change (as this machine's
    own change, like a moved row)."""
    loop = [cid]
    while merged.get(loop[-1], (None,))[0] not in loop and len(loop) <= _MAX_CHAIN:
        loop.append(merged[loop[-1]][0])
    if merged.get(loop[-1], (None,))[0] not in loop:
        return  # (a chain too long to follow: left alone)
    start = loop.index(merged[loop[-1]][0])
    members = loop[start:]
    back = max(members, key=lambda m: merge._stamp_of("clients", m, "merged_into_id"))
    deleted = merge._stamp_of("clients", back, "deleted_at")
    # a change of this machine's own: a copy that learns of a third merge of one of them
    # first finds a chain, not a loop, and never comes to this itself
    stamp = _own_stamp(merge)
    [(deleted_at,)] = merge.conn.execute(
        "SELECT deleted_at FROM main.clients WHERE id = ?", (back,)
    ).fetchall()
    values = {"merged_into_id": None, "merged_seen": None, "deleted_at": None}
    _write(merge, "clients", back, values, stamp)
    merge._conflict("clients", back, "deleted_at", {"id": back}, None, stamp, deleted_at,
                    deleted, "delete")  # fmt: skip
    merge.result.counts["clients"].updated += 1
    merge.result.client_ids.add(back)
    merge.touched_clients[back] = max(stamp, merge.touched_clients.get(back, ("", "")))
    del merged[back]


def _own_stamp(merge: _Merge) -> Stamp:
    """A change this merge makes as this machine's own (a row moved to the client kept).
    Two copies can come to different moves (one knew of a second merge of the same client
    into another, the other not yet); as a change of their own, each travels to the
    other, and the later one stands on both."""
    merge.wrote_own = True
    return merge.clock.now(), merge.site


def _move_rows(merge: _Merge, cid: str, target: str) -> list[Stamp]:
    """Move the rows still on `cid` to `target`; the stamps written."""
    conn = merge.conn
    written: list[Stamp] = []
    for table in kinds.moved_tables():
        ids = [
            i for (i,) in conn.execute(f"SELECT id FROM main.{table} WHERE client_id = ?", (cid,))
        ]
        for row_id in ids:
            stamp = _own_stamp(merge)
            _write(merge, table, row_id, {"client_id": target}, stamp)
            written.append(stamp)
        if ids:
            merge.result.counts[table].updated += len(ids)
    for (row_id,) in conn.execute(
        "SELECT id FROM main.clients WHERE referred_by_id = ?", (cid,)
    ).fetchall():
        stamp = _own_stamp(merge)
        _write(
            merge,
            "clients",
            row_id,
            {"referred_by_id": target if row_id != target else None},
            stamp,
        )
        merge.result.counts["clients"].updated += 1
        written.append(stamp)
    return written


def _carry_fields(merge: _Merge, cid: str, target: str, seen: dict[str, str]) -> list[Stamp]:
    """The profile edits of `cid` the merging machine had not seen, onto `target`."""
    columns = [c for c in merge.columns["clients"] if c not in NOT_CARRIED]
    rows = merge._rows("main", "clients", ["id", "hlc", "site_id", *columns], [cid, target])
    if target not in rows:
        return []
    gone, kept = rows[cid], rows[target]
    stamps = merge._stamps("main", "clients", [cid, target])
    written: list[Stamp] = []
    for col in columns:
        edit = effective(stamps.get(cid, {}), gone, col)
        if edit[0] <= seen.get(edit[1], "") or gone[col] == kept[col]:
            continue  # the merging machine chose with this value before it
        if col == "referred_by_id" and gone[col] in (cid, target):
            continue
        here = effective(stamps.get(target, {}), kept, col)
        if col == "tags":
            both = list(dict.fromkeys([*json.loads(kept[col]), *json.loads(gone[col])]))
            value = json.dumps(both, ensure_ascii=False)
            if both != json.loads(kept[col]):
                stamp = _own_stamp(merge)
                _write(merge, "clients", target, {col: value}, stamp)
                written.append(stamp)
            continue
        me = {"id": target}
        if edit > here:
            stamp = _own_stamp(merge)
            _write(merge, "clients", target, {col: gone[col]}, stamp)
            merge._conflict("clients", target, col, me, gone[col], stamp, kept[col], here)
            written.append(stamp)
        else:
            merge._conflict("clients", target, col, me, kept[col], here, gone[col], edit)
    if written:
        merge.result.counts["clients"].updated += 1
    return written


def _move_conflicts(merge: _Merge, cid: str, target: str) -> list[Stamp]:
    """A value of `cid`'s profile that lost to another change of the same field (found
    here, or logged on another copy) is logged on `target`, against its value there, where
    the owner sees it and can put it back; the entry under `cid` is deleted (a change of
    this machine's own, as a moved row). The new entry's id comes from `target` and the
    losing change, so every copy makes the same one.
    Returns the stamps written."""
    columns = [c for c in merge.columns["clients"] if c not in NOT_CARRIED]
    pending = [
        c
        for c in merge.new_conflicts
        if (c["table_name"], c["row_id"], c["kind"]) == ("clients", cid, "field")
        and c["column_name"] in columns
    ]
    logged = merge.conn.execute(
        "SELECT id, column_name, other_value, other_hlc, other_site FROM main.conflicts"
        " WHERE table_name = 'clients' AND row_id = ? AND kind = 'field'"
        " AND status = 'open' AND deleted_at IS NULL",
        (cid,),
    ).fetchall()
    found = [
        (c["column_name"], c["other_value"], (c["other_hlc"], c["other_site"])) for c in pending
    ]
    found += [(col, value, (hlc, site)) for _i, col, value, hlc, site in logged if col in columns]
    if not found:
        return []
    merge.new_conflicts = [c for c in merge.new_conflicts if not any(c is p for p in pending)]
    [kept] = merge._rows("main", "clients", ["id", "hlc", "site_id", *columns], [target]).values()
    stamps = merge._stamps("main", "clients", [target]).get(target, {})
    for col, value, lost in found:
        lost_value = json.loads(value)
        if lost_value != kept[col]:
            here = effective(stamps, kept, col)
            merge._conflict("clients", target, col, {"id": target}, kept[col], here,
                            lost_value, lost)  # fmt: skip
    written = []
    for entry_id, *_rest in logged:
        stamp = _own_stamp(merge)  # (as a row moved: where it went depends on the chain)
        _write(merge, "conflicts", entry_id, {"deleted_at": stamp_time(stamp[0])}, stamp)
        written.append(stamp)
    if written:
        merge.result.counts["conflicts"].updated += len(written)
    return written


def _write(merge: _Merge, table: str, row_id: str, values: dict[str, Any], stamp: Stamp) -> None:
    stamps = {c: stamp for c in values}
    if table == "clients" and set(_NAMES) & set(values):
        [row] = merge._rows("main", "clients", ["id", *_NAMES], [row_id]).values()
        row.update(values)
        values = {**values, "sort_name": client_sort_name(
            row["given_name"], row["family_name"], row["company"], merge.sort_locale
        )}  # fmt: skip
    sets = ", ".join(f'"{c}" = ?' for c in values)
    # the row's stamp is the later of its own and this one, ties broken by site as stamps are
    merge.conn.execute(
        f"UPDATE main.{table} SET {sets},"
        " hlc = CASE WHEN (hlc, site_id) < (?, ?) THEN ? ELSE hlc END,"
        " site_id = CASE WHEN (hlc, site_id) < (?, ?) THEN ? ELSE site_id END WHERE id = ?",
        (*values.values(), *stamp, stamp[0], *stamp, stamp[1], row_id),
    )
    merge._write_stamps(table, row_id, stamps)
    _observe(merge, stamp)


def _observe(merge: _Merge, stamp: Stamp) -> None:
    """Keep this copy's clock past a stamp written here."""
    merge.clock.observe(stamp[0])
    merge.conn.execute(
        "INSERT INTO main.meta(key, value) VALUES ('clock', ?) ON CONFLICT(key)"
        " DO UPDATE SET value = max(value, excluded.value)",
        (stamp[0],),
    )
