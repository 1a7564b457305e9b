"""B2–B6: the calls the GUI makes, against the least raw-sqlite3 work giving the same answer."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

from crmdesk.model.base import new_id
from crmdesk.services import client_list, clients, facts, history, notes, search
from crmdesk.services.client_list import SortKey
from crmdesk.services.history import ContactForm
from crmdesk.services.search import fts_query
from crmdesk.store import search_index
from crmdesk.store.database import Database
from tests.benchmarks.data import HEAVY_NAME
from tests.benchmarks.harness import Row, interleaved, median, p95, ratio_row

QUERIES = [
    # names and parts of names
    "Webber", "ebb", "Kowalczyk", "owal", "Ørsted", "Jørg", "Παπαδ", "Шевч", "Müller",
    "Margaret", "Siobhán", "Raghunathan", "Chatterjee Priya",
    # contact details
    "07911 234", "example.org",
    # words from notes and history
    "hospital", "neighbour", "workshop", "late delivery", "gift boxes",
]  # fmt: skip


# ------------------------------------------------------------------------------- B2 / B3

_RAW_SEARCH = """
SELECT d.client_id FROM {t} JOIN search_docs AS d ON d.docid = {t}.rowid
WHERE {t} MATCH ? ORDER BY {t}.rowid DESC LIMIT ?
"""


def raw_search(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[str]:
    match = fts_query(query)
    found: dict[str, None] = {}
    for table, scan in (("search_people", limit * 3), ("search_text", limit * 6)):
        for (client_id,) in conn.execute(_RAW_SEARCH.format(t=table), (match, scan)):
            found.setdefault(client_id)
            if len(found) == limit:
                return list(found)
    return list(found)


def search_p95(db: Database, conn: sqlite3.Connection, repeat: int) -> tuple[float, float]:
    """p95 over the queries of each query's median time: (crmdesk, raw)."""
    ours, base = [], []
    for query in QUERIES:
        expected = raw_search(conn, query)
        got = [h.client_id for h in search.search(db, query)]
        assert got == expected, f"search {query!r} differs from the raw query"
        a, b = interleaved(
            lambda q=query: search.search(db, q), lambda q=query: raw_search(conn, q), repeat
        )
        ours.append(median(a))
        base.append(median(b))
    return p95(ours), p95(base)


def b2_b3(big: Path, small: Path, repeat: int) -> list[Row]:
    with Database.open(big) as db, Database.open(small) as small_db:
        conn = sqlite3.connect(big)
        small_conn = sqlite3.connect(small)
        ours, base = search_p95(db, conn, repeat)
        small_ours, _ = search_p95(small_db, small_conn, repeat)
        conn.close()
        small_conn.close()
    big_count, small_count = _count(big, "history"), _count(small, "history")
    return [
        ratio_row("B2", f"search as you type, {len(QUERIES)} queries, p95", ours, base, 1.5),
        ratio_row(
            "B3",
            f"search p95 at {big_count:,} vs {small_count:,} history entries",
            ours, small_ours, 2.0,
            note="baseline column: crmdesk on the small database",
        ),
    ]  # fmt: skip


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


# ------------------------------------------------------------------------------- B4

_ORDER = {  # (index read in order, ORDER BY)
    SortKey.NAME: ("ix_clients_sort_name", "sort_name {d}, id {d}"),
    SortKey.CITY: ("ix_clients_city", "city {d}, sort_name {d}, id {d}"),
    SortKey.LAST_CONTACT: ("ix_clients_last_contact_at", "last_contact_at {d}, id {d}"),
    SortKey.CREATED: ("ix_clients_created_at", "created_at {d}, id {d}"),
}
# What the list shows: name parts, the first phone and email, city, last contact.
_RAW_PAGE = """
SELECT id, given_name, family_name, company,
       coalesce(json_extract(phones, '$[0].display'), json_extract(phones, '$[0].number'), ''),
       coalesce(json_extract(emails, '$[0].address'), ''), city, last_contact_at
FROM clients INDEXED BY {index} WHERE deleted_at IS NULL ORDER BY {order} LIMIT 100 OFFSET ?
"""


def b4(big: Path, repeat: int) -> list[Row]:
    ours, base = [], []
    with Database.open(big) as db:
        total = client_list.count_clients(db)
        conn = sqlite3.connect(big)
        for key in SortKey:
            for descending in (False, True):
                index, order = _ORDER[key]
                sql = _RAW_PAGE.format(
                    index=index, order=order.format(d="DESC" if descending else "ASC")
                )
                for offset in (0, total // 4, total // 2, total - 100):
                    page = client_list.client_page(db, key, descending, offset, 100)
                    raw = conn.execute(sql, (offset,)).fetchall()
                    assert [r.id for r in page] == [r[0] for r in raw]
                    a, b = interleaved(
                        lambda k=key, d=descending, o=offset: client_list.client_page(
                            db, k, d, o, 100
                        ),
                        lambda s=sql, o=offset: conn.execute(s, (o,)).fetchall(),
                        repeat,
                    )
                    ours.append(median(a))
                    base.append(median(b))
        conn.close()
    worst = max(a / b for a, b in zip(ours, base, strict=True))
    return [
        ratio_row(
            "B4", "a page of 100 clients, 4 sorts × 2 directions × 4 offsets",
            median(ours), median(base), 1.5, note=f"worst single page {worst:.2f}×",
        )
    ]  # fmt: skip


# ------------------------------------------------------------------------------- B5


def open_client(db: Database, client_id: str) -> object:
    """What the client page loads when a client is chosen."""
    return (
        clients.get_client(db, client_id),
        facts.facts_of(db, client_id),
        notes.notes_of(db, client_id),
        history.count_entries(db, client_id),
        history.timeline(db, client_id, None, 0, 200),
    )


def raw_open_client(conn: sqlite3.Connection, client_id: str) -> object:
    return (
        conn.execute("SELECT * FROM clients WHERE id = ?", (client_id,)).fetchone(),
        conn.execute(
            "SELECT id, label, value, on_date FROM facts WHERE client_id = ? AND deleted_at IS NULL"
            " ORDER BY created_at, id", (client_id,),
        ).fetchall(),
        conn.execute(
            "SELECT id, written_at, text, pinned FROM notes WHERE client_id = ?"
            " AND deleted_at IS NULL ORDER BY pinned DESC, written_at DESC, id", (client_id,),
        ).fetchall(),
        conn.execute(
            "SELECT count(*) FROM history WHERE client_id = ? AND deleted_at IS NULL", (client_id,)
        ).fetchone(),
        conn.execute(
            "SELECT id, kind, direction, occurred_at, subject, body, outcome, follow_up_on"
            " FROM history WHERE client_id = ? AND deleted_at IS NULL"
            " ORDER BY occurred_at DESC, id DESC LIMIT 200", (client_id,),
        ).fetchall(),
    )  # fmt: skip


def heavy_client(conn: sqlite3.Connection) -> str:
    given, family = HEAVY_NAME
    row = conn.execute(
        "SELECT id FROM clients WHERE given_name = ? AND family_name = ?", (given, family)
    ).fetchone()
    return str(row[0])


def b5(big: Path, repeat: int) -> list[Row]:
    conn = sqlite3.connect(big)
    client_id = heavy_client(conn)
    with Database.open(big) as db:
        page = open_client(db, client_id)
        assert page[3] == 2000 and len(page[4]) == 200  # type: ignore[index]
        a, b = interleaved(
            lambda: open_client(db, client_id), lambda: raw_open_client(conn, client_id), repeat
        )
    conn.close()
    return [ratio_row("B5", "open a client with 2,000 history entries", median(a), median(b), 2.0)]


# ------------------------------------------------------------------------------- B6


def b6(big: Path, repeat: int) -> list[Row]:
    """On a copy: logging writes to the file."""
    with tempfile.TemporaryDirectory(dir=big.parent) as folder:
        copy = Path(shutil.copy(big, Path(folder) / "copy.crmdesk"))
        conn = sqlite3.connect(copy, isolation_level=None)
        search_index.register(conn)  # the search index's triggers fold the text
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        client_id = heavy_client(conn)
        site = "bench-site"

        def raw_log() -> None:
            row_id, when = new_id(), datetime.now().isoformat(sep=" ")
            conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO history (id, hlc, site_id, created_at, deleted_at, client_id, kind,"
                " direction, occurred_at, subject, body, outcome, follow_up_on)"
                " VALUES (?, ?, ?, ?, NULL, ?, 'call', 'out', ?, ?, ?, '', NULL)",
                (row_id, "1", site, when, client_id, when, "Order ready", "Rang about the order."),
            )
            conn.execute(
                "INSERT OR REPLACE INTO field_changes VALUES ('history', ?, '*', '1', ?)",
                (row_id, site),
            )
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('clock', '1')")
            conn.execute("COMMIT")

        form = ContactForm(subject="Order ready", body="Rang about the order.")
        with Database.open(copy) as db:
            a, b = interleaved(lambda: history.log_contact(db, client_id, form), raw_log, repeat)
        conn.close()
    return [ratio_row("B6", "log one communication (commit included)", median(a), median(b), 3.0)]
