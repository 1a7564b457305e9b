"""B13: merging two 100,000-client copies, 5% of the clients edited on each side (and a
tenth of the front desk's share also on the laptop: conflicts), against a raw ATTACH that
copies the changed rows (row-level "newer stamp wins", in one transaction, the same search
triggers firing).

crmdesk's figure is the whole user-facing merge: checking the other copy, the verified
backup written first, the field-by-field merge and the conflict log.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import select

from crmdesk import paths
from crmdesk.model import Client, Note
from crmdesk.services import sync
from crmdesk.store import search_index
from crmdesk.store.database import Database
from crmdesk.store.merge import SYNCED_TABLES
from tests.benchmarks.harness import Row, median, ratio_row, timed
from tests.sync_helpers import SITES

SHARE = 20  # every 20th client: 5%


def _edit(path: Path, site: str, start: int, column: str, value: str, step: int = SHARE) -> int:
    with Database.open(path, site=site) as db:
        ids = [r[0] for r in db.query("SELECT id FROM clients ORDER BY id")][start::step]
        for first in range(0, len(ids), 500):
            chunk = ids[first : first + 500]
            with db.write() as w:
                for client in w.session.scalars(select(Client).where(Client.id.in_(chunk))):
                    setattr(client, column, f"{value} {client.id[:4]}")
        with db.bulk() as bulk:
            bulk.insert(
                Note.__table__,
                [{"client_id": cid, "text": f"{value}: asked about the order"} for cid in ids[::2]],
            )
    return len(ids)


def _raw_merge(local: Path, other: Path) -> None:
    conn = sqlite3.connect(local, isolation_level=None)
    search_index.register(conn)  # the search index's triggers fold what is merged in
    try:
        conn.execute("ATTACH DATABASE ? AS other", (str(other),))
        conn.execute("BEGIN IMMEDIATE")
        for table in SYNCED_TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
            sets = ", ".join(f'"{c}" = o."{c}"' for c in columns if c != "id")
            conn.execute(
                f"UPDATE main.{table} SET {sets} FROM other.{table} AS o"
                f" WHERE o.id = main.{table}.id AND o.hlc > main.{table}.hlc"
            )
            names = ", ".join(f'"{c}"' for c in columns)
            conn.execute(
                f"INSERT INTO main.{table}({names}) SELECT {names} FROM other.{table}"
                f" WHERE id NOT IN (SELECT id FROM main.{table})"
            )
        conn.execute(
            "INSERT OR REPLACE INTO main.field_changes SELECT o.* FROM other.field_changes AS o"
            " LEFT JOIN main.field_changes AS m USING (table_name, row_id, column_name)"
            " WHERE m.hlc IS NULL OR o.hlc > m.hlc"
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE other")
    finally:
        conn.close()


def b13(big: Path, repeat: int) -> list[Row]:
    with tempfile.TemporaryDirectory(dir=big.parent) as tmp:
        folder = Path(tmp)
        paths.override(folder / "home")
        local = Path(shutil.copyfile(big, folder / "front-desk.crmdesk"))
        other = Path(shutil.copyfile(big, folder / "laptop.crmdesk"))
        edited = _edit(local, SITES["A"], 0, "city", "Leeds")
        # the laptop's share overlaps the front desk's by a tenth: both changed the city
        _edit(other, SITES["B"], 10, "street", "Mill Lane")
        _edit(other, SITES["B"], 0, "city", "Hull", step=10 * SHARE)
        ours, base = [], []
        summary = None
        for _ in range(repeat):
            work = Path(shutil.copyfile(local, folder / "work.crmdesk"))
            with Database.open(work, site=SITES["A"]) as db:
                took, summary = timed(lambda db=db: sync.merge(db, other))
                ours.append(took)
            shutil.rmtree(folder / "home" / "data" / "backups", ignore_errors=True)
            work = Path(shutil.copyfile(local, folder / "work.crmdesk"))
            base.append(timed(lambda work=work: _raw_merge(work, other))[0])
        paths.override(None)
    assert summary is not None and summary.counts["clients"].updated >= edited
    conflicts = summary.counts["clients"].conflicts
    assert conflicts > 0
    return [
        ratio_row(
            "B13", "Merge two 100,000-client copies (5% edited on each)", median(ours),
            median(base), 5.0,
            note=f"{summary.counts['clients'].updated:,} clients updated, "
            f"{summary.counts['notes'].added:,} notes added, {conflicts:,} conflicts; "
            "includes the backup written first and the other copy's check",
        )
    ]  # fmt: skip
