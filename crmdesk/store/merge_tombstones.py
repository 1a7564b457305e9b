"""Deleted and erased clients when copies are merged (store.merge).

- A record deleted on one side and changed later on the other is kept, and the delete
  logged as a conflict; for a client, a later change of a row of theirs counts too.
- An erased client wins everything: the erased side's blanks are taken and every row of
  theirs still found on them is blanked (store.erasure; as this machine's own change).
  Two copies that applied the same erasure hold the same values; each field keeps the
  later of the two stamps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crmdesk.model import kinds
from crmdesk.store import erasure
from crmdesk.store.stamps import NOT_MERGED, Stamp, effective
from crmdesk.store.tracking import ALL_FIELDS

if TYPE_CHECKING:
    from crmdesk.store.merge import _Merge


def merge_erased(
    merge: _Merge,
    here: dict[str, Any],
    there: dict[str, Any],
    our: dict[str, Stamp],
    their: dict[str, Stamp],
) -> None:
    """An erasure wins over any edit; between two erasures the later stamp wins. Two
    copies that applied the same erasure hold the same values, with each field's later
    stamp (one copy had seen a change of the row the other had not)."""
    mine, other = effective(our, here, "erased_at"), effective(their, there, "erased_at")
    if here["erased_at"] is not None and mine == other:
        _merge_erasure_stamps(merge, here, there, our, their)
        return
    take_theirs = there["erased_at"] is not None and (here["erased_at"] is None or other > mine)
    if take_theirs:
        columns = [c for c in merge.columns["clients"] if c not in ("id",)]
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        merge.conn.execute(
            f"UPDATE main.clients SET {sets} WHERE id = ?",
            (*(there[c] for c in columns), here["id"]),
        )
        merge.conn.execute(
            "DELETE FROM main.field_changes WHERE table_name = 'clients' AND row_id = ?",
            (here["id"],),
        )
        merge.conn.execute(
            "INSERT INTO main.field_changes SELECT * FROM other.field_changes"
            " WHERE table_name = 'clients' AND row_id = ?",
            (here["id"],),
        )
        if here["erased_at"] is None:
            merge.result.counts["clients"].erased += 1
        elif any(here[c] != there[c] for c in columns if c not in NOT_MERGED):
            merge.result.counts["clients"].updated += 1
        # (else the same erasure, applied on both with two stamps: nothing a user sees)
    merge._touch("clients", here, max(mine, other))


def _merge_erasure_stamps(
    merge: _Merge,
    here: dict[str, Any],
    there: dict[str, Any],
    our: dict[str, Stamp],
    their: dict[str, Stamp],
) -> None:
    later = {c: s for c, s in their.items() if c != ALL_FIELDS and s > our.get(c, ("", ""))}
    # (the values are the erasure's own: only a column the erasure leaves can differ)
    taken = {c: there[c] for c in later if c in here and here[c] != there[c]}
    taken = {c: v for c, v in taken.items() if c not in NOT_MERGED}
    row_stamp = max((here["hlc"], here["site_id"]), (there["hlc"], there["site_id"]))
    if later or row_stamp != (here["hlc"], here["site_id"]):
        merge._update("clients", here["id"], taken, later, row_stamp, here, there)


def revive(
    merge: _Merge,
    table: str,
    row_id: str,
    here: dict[str, Any],
    deleted_at: Any,
    deleted: Stamp,
    latest: Stamp,
) -> None:
    merge._conflict(table, row_id, "deleted_at", here, None, latest, deleted_at, deleted, "delete")


def revive_clients(merge: _Merge) -> None:
    """A client deleted on one side while the other added or changed rows of theirs
    later, or changed their profile later (an edit of a client merged into them, carried
    onto them: store.merged_clients), is kept (not for an erased client: sweep_erased)."""
    for client_id in list(merge.touched_clients):
        deleted_at, erased_at, merged_into = merge.conn.execute(
            "SELECT deleted_at, erased_at, merged_into_id FROM main.clients WHERE id = ?",
            (client_id,),
        ).fetchone() or (None, None, None)
        if deleted_at is None or erased_at is not None or merged_into is not None:
            continue
        deleted = merge._stamp_of("clients", client_id, "deleted_at")
        latest = max(
            [_newest_child_change(merge, client_id), _newest_profile_change(merge, client_id)],
            key=lambda s: s or ("", ""),
        )
        if latest is None or latest <= deleted:
            continue
        here = {"id": client_id, "client_id": client_id}
        revive(merge, "clients", client_id, here, deleted_at, deleted, latest)
        # a change of this copy's own: stamped with the other site's stamp (the child's),
        # it would look already seen there, and the copies would keep different rows
        revived = (merge.clock.now(), merge.site)
        merge.conn.execute(
            "UPDATE main.clients SET deleted_at = NULL, hlc = ?, site_id = ? WHERE id = ?",
            (*revived, client_id),
        )
        merge._write_stamps("clients", client_id, {"deleted_at": revived})
        counts = merge.result.counts["clients"]
        counts.updated += 1


def _newest_profile_change(merge: _Merge, client_id: str) -> Stamp | None:
    [(hlc, site)] = merge.conn.execute(
        "SELECT hlc, site_id FROM main.field_changes WHERE table_name = 'clients'"
        " AND row_id = ? AND column_name NOT IN"
        " ('deleted_at', 'erased_at', 'merged_into_id', 'merged_seen')"
        " ORDER BY hlc DESC, site_id DESC LIMIT 1",
        (client_id,),
    ).fetchall() or [(None, None)]
    return None if hlc is None else (hlc, site)


def _newest_child_change(merge: _Merge, client_id: str) -> Stamp | None:
    newest: Stamp | None = None
    for table in kinds.client_tables():
        if table == "conflicts":
            continue
        for hlc, site in merge.conn.execute(
            f"SELECT f.hlc, f.site_id FROM main.{table} AS t JOIN main.field_changes AS f"
            f" ON f.table_name = '{table}' AND f.row_id = t.id"
            " WHERE t.client_id = ? ORDER BY f.hlc DESC, f.site_id DESC LIMIT 1",
            (client_id,),
        ):
            if newest is None or (hlc, site) > newest:
                newest = (hlc, site)
    return newest


def sweep_erased(merge: _Merge) -> None:
    for client_id in merge.touched_clients:
        (erased_at,) = merge.conn.execute(
            "SELECT erased_at FROM main.clients WHERE id = ?", (client_id,)
        ).fetchone() or (None,)
        if erased_at is None:
            continue
        # a change of this machine's own: which rows the erasure finds on the client here
        # depends on the order this copy learnt of merges of duplicates (another copy may
        # have moved a row to the client kept first), so one stamped with the erasure's
        # stamp would never reach a copy that had seen the erasure
        own = (merge.clock.now(), merge.site)
        if erasure.sweep(merge.conn, client_id, own, erased_at):
            merge.wrote_own = True
        merge.new_conflicts = [c for c in merge.new_conflicts if c["client_id"] != client_id]
