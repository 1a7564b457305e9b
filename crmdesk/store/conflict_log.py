"""The conflict log when copies are merged (store.merge): its entries merge as a set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crmdesk.model.erasure import BLANK
from crmdesk.store.stamps import Stamp, effective

if TYPE_CHECKING:
    from crmdesk.store.merge import _Merge

# the conflict log's columns a user changes by reviewing an entry
_REVIEWED = frozenset({"status", "deleted_at"})


def merge_entry(
    merge: _Merge,
    merged: list[str],
    here: dict[str, Any],
    there: dict[str, Any],
    our: dict[str, Stamp],
    their: dict[str, Stamp],
) -> None:
    """The conflict log merges as a set and never conflicts with itself. Both copies
    hold this entry: the same conflict (its id comes from the losing change), found on
    each. The findings can differ only if a third value came in between: in what had won
    (the later winner is kept) and so in when the conflict arose (the earlier is kept);
    what the user did about it (reviewed, restored, deleted) goes by the later stamp of
    such an action; a finding's own stamp (when it was found) never undoes a review.
    Each rule is a maximum or a minimum, so any order of merges ends in the same entry.
    An entry about a person erased here keeps its blanks (the erasure wins: the values
    the other copy still holds are not taken, only to be blanked again).
    A value taken keeps the stamp of the finding it came from (not the newer of the
    two): a copy that has seen that finding holds it already, one that has not will
    take it from here."""
    taken: dict[str, Any] = {}
    stamps: dict[str, Stamp] = {}

    def take(col: str) -> None:  # with the stamp it has there, so it travels on as such
        taken[col] = there[col]
        stamps[col] = effective(their, there, col)

    if (there["kept_hlc"], there["kept_value"]) > (here["kept_hlc"], here["kept_value"]):
        take("kept_hlc")
        take("kept_value")
    if str(there["created_at"]) < str(here["created_at"]):
        take("created_at")
    for col in merged:
        if col in ("kept_hlc", "kept_value", "created_at") or here[col] == there[col]:
            continue
        if col in _REVIEWED:  # what the user did: only a stamp of their own action counts
            mine, other = our.get(col), their.get(col)
            if other is not None and (mine is None or other > mine):
                taken[col], stamps[col] = there[col], other
            continue
        if effective(their, there, col) > effective(our, here, col):
            take(col)
    if taken.keys() & BLANK["conflicts"] and _erased(merge, here["client_id"]):
        taken = {c: v for c, v in taken.items() if c not in BLANK["conflicts"]}
    if not taken:
        return
    stamps = {c: stamps[c] for c in taken}
    newest = max(max(s.values()) for s in (our, their) if s)
    merge._update("conflicts", here["id"], taken, stamps, newest, here, there)
    merge.result.counts["conflicts"].updated += 1
    merge._touch("conflicts", here, max(stamps.values()))


def _erased(merge: _Merge, client_id: str | None) -> bool:
    if client_id is None:
        return False
    row = merge.conn.execute(
        "SELECT erased_at FROM main.clients WHERE id = ?", (client_id,)
    ).fetchone()
    return row is not None and row[0] is not None
