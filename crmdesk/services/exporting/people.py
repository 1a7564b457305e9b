"""The clients to export, read in pages: each profile with its notes and its dated things
to remember, in the order asked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from crmdesk.services import clients
from crmdesk.services.clients import ClientRecord
from crmdesk.store.database import Database

PAGE = 500  # clients read at once (SQLite's limit on parameters, and memory stays flat)


@dataclass(frozen=True)
class DatedFact:
    """A thing to remember with a date: "Wedding anniversary" → "with Tom", 2019-11-29."""

    label: str
    value: str
    on: date


@dataclass(frozen=True)
class ExportedClient:
    record: ClientRecord
    notes: tuple[str, ...]  # pinned first, then oldest first
    dates: tuple[DatedFact, ...]

    @property
    def name(self) -> str:
        return self.record.display_name


def read_clients(db: Database, client_ids: Sequence[str]) -> Iterator[ExportedClient]:
    """The clients of `client_ids` (each once, in that order; one no longer there is left
    out), a page at a time."""
    ids = list(dict.fromkeys(client_ids))
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        records = clients.get_clients(db, chunk)
        notes: dict[str, list[str]] = defaultdict(list)
        for cid, text in db.query_ids(
            "SELECT client_id, text FROM notes WHERE client_id IN ({ids})"
            " AND deleted_at IS NULL ORDER BY pinned DESC, written_at, id",
            chunk,
        ):
            if text.strip():
                notes[cid].append(text)
        dates: dict[str, list[DatedFact]] = defaultdict(list)
        for cid, label, value, on in db.query_ids(
            "SELECT client_id, label, value, on_date FROM facts WHERE client_id IN ({ids})"
            " AND on_date IS NOT NULL AND deleted_at IS NULL ORDER BY on_date, label, id",
            chunk,
        ):
            dates[cid].append(DatedFact(label, value, date.fromisoformat(on)))
        for cid in chunk:
            record = records.get(cid)
            if record is not None and record.deleted_at is None and record.erased_at is None:
                yield ExportedClient(record, tuple(notes[cid]), tuple(dates[cid]))
