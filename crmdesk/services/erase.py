"""Erase a person on request: their personal data blanked, a tombstone kept.

The client row keeps only its id and dates (so a merge can carry the erasure to every other
copy, where it wins over any edit); their notes, things to remember, history and complaints
are blanked and deleted; purchases keep amount and date and survey answers their score,
with nothing left that says who. Freed bytes are zeroed (secure_delete) and the search
index is rewritten, so the old text is gone from the file itself. It cannot be undone.

Backups are full copies, so the person is erased from every kept backup of the business
too, and the erasure is remembered outside the database (store.erasure): a backup restored
or a copy merged later has it applied again, so nobody comes back. An erasure that arrives
by a merge is remembered and purged from this machine's backups the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from crmdesk import paths
from crmdesk.errors import CrmError, NotFoundError
from crmdesk.model import kinds
from crmdesk.services.changes import Changes
from crmdesk.store import disk_errors, erasure, scratch
from crmdesk.store.backup import backup_folder, list_backups
from crmdesk.store.database import Database
from crmdesk.store.erasure import Erasure
from crmdesk.store.tracking import save_clock


def erase_client(db: Database, client_id: str) -> Changes:
    """Blank everything personal about the client, for good."""
    with db.write() as w:
        conn = w.session.connection()
        raw = conn.connection.driver_connection
        assert raw is not None
        found = raw.execute("SELECT erased_at FROM clients WHERE id = ?", (client_id,)).fetchall()
        if not found:
            raise NotFoundError(f"No client with id {client_id}.")
        [(erased_at,)] = found
        if erased_at is not None:
            raise NotFoundError("This person's data was erased already.")
        stamp = (db.clock.now(), db.site_id)
        when = datetime.now().isoformat(sep=" ", timespec="microseconds")
        # the same person's duplicates merged into them keep their old profile: erased too
        people = [client_id, *_merged_into(raw, client_id)]
        for person in people:
            erasure.blank_client(raw, person, stamp, when)
            erasure.sweep(raw, person, stamp, when)
        save_clock(conn, stamp[0], db.site_id)
    # the erasure stands from here on; what follows is reported, not raised
    scratch.sweep(paths.data_dir())  # a plain working copy a killed merge left behind
    done = [Erasure(person, *stamp, when) for person in people]
    warnings = _remember(db.lineage_id, done)
    try:
        db.compact_search_index()  # the erased text out of the old segments
    except CrmError as exc:
        warnings.append(
            f"The search index could not be rewritten ({exc}): pieces of the old text may "
            "stay in the file's free space until the next erasure or merge."
        )
    warnings += erase_from_backups(db.lineage_id, done)
    tables = frozenset({"clients", *kinds.client_tables()})
    return Changes("Erase personal data", tables, frozenset(people), None, warnings=tuple(warnings))


def _merged_into(raw: Any, client_id: str) -> list[str]:
    """The not yet erased clients merged into this one (and into those, and so on)."""
    found: list[str] = []
    todo = [client_id]
    while todo:
        rows = raw.execute(
            "SELECT id FROM clients WHERE merged_into_id = ? AND erased_at IS NULL", (todo.pop(),)
        ).fetchall()
        for (cid,) in rows:
            if cid not in found and cid != client_id:
                found.append(cid)
                todo.append(cid)
    return found


def after_merge(db: Database, client_ids: Iterable[str]) -> list[str]:
    """After a merge (which stands whatever happens here): remember the erasures it brought
    and erase those people from this machine's backups, and erase again anyone it brought
    back whom this machine knows to be erased. Returns what could not be done."""
    arrived = db.erasures_among(client_ids)
    warnings = _remember(db.lineage_id, arrived)
    try:
        db.reapply_erasures()
    except CrmError as exc:
        warnings.append(f"The people erased earlier could not be erased again here: {exc}")
    if arrived:
        warnings += erase_from_backups(db.lineage_id, arrived)
    return warnings


def erase_from_backups(
    lineage_id: str,
    erasures: list[Erasure],
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Erase the people of `erasures` from every kept backup of the business (each is
    rewritten in one transaction, so a crash leaves it as it was or erased, and whole).
    Returns what could not be done, a line per backup; the others are erased all the same."""
    problems = []
    kept = list_backups(backup_folder(lineage_id))
    for n, backup in enumerate(kept):
        if progress:
            progress(n, len(kept))
        try:
            with disk_errors.about(backup.path):
                erasure.apply_to_file(backup.path, erasures)
        except CrmError as exc:
            problems.append(f"The backup {backup.path.name} still holds them: {exc}")
    return problems


def _remember(lineage_id: str, erasures: list[Erasure]) -> list[str]:
    try:
        erasure.remember(lineage_id, erasures)
    except (CrmError, OSError) as exc:
        return [
            f"This machine could not note the erasure for later ({exc}): a backup made "
            "before it, restored by hand, would still hold the person."
        ]
    return []
