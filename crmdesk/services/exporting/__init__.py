"""Taking clients out of crmdesk: a CSV file for a spreadsheet, vCards (3.0 or 4.0) for a
phone or another address book, an iCalendar file of birthdays and remembered dates.

    ids = exporting.choose_clients(db, tag="VIP")          # or search=, client_ids=, all
    done = exporting.export_clients(db, ids, Path("vip.vcf"), ExportFormat.VCARD,
                                    vcard_version="3.0", progress=report)
    done.clients, done.path

The file is written beside its final name and put in place when complete: a cancel (the
progress callback returning False raises Cancelled) or an error leaves no file, and an
existing file of that name is replaced only by a complete export. Nothing in the database
changes. Clients in the Trash and erased clients are never exported.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from crmdesk.documents.letters import Cancelled
from crmdesk.services import clients, letters
from crmdesk.services.exporting import calendar_file, csv_file, vcard_file
from crmdesk.services.exporting.csv_file import COLUMNS, DEFAULT_COLUMNS, CsvColumn, ExportError
from crmdesk.services.exporting.people import ExportedClient, read_clients
from crmdesk.store import disk_errors
from crmdesk.store.database import Database

__all__ = [
    "COLUMNS",
    "DEFAULT_COLUMNS",
    "Cancelled",
    "CsvColumn",
    "ExportError",
    "ExportFormat",
    "ExportResult",
    "ExportedClient",
    "choose_clients",
    "export_clients",
    "read_clients",
]

Progress = Callable[[int, int], bool]


class ExportFormat(StrEnum):
    CSV = "csv"
    VCARD = "vcard"
    ICS = "ics"

    @property
    def suffix(self) -> str:
        return {"csv": ".csv", "vcard": ".vcf", "ics": ".ics"}[self.value]

    @property
    def label(self) -> str:
        return {
            "csv": "CSV spreadsheet (.csv)",
            "vcard": "vCard contacts (.vcf)",
            "ics": "Calendar of birthdays and dates (.ics)",
        }[self.value]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    clients: int  # clients written (cards, rows; for a calendar: clients read)


def all_clients(db: Database) -> list[str]:
    """Every client not in the Trash, in the list's name order."""
    rows = db.query(
        "SELECT id FROM clients WHERE deleted_at IS NULL AND erased_at IS NULL"
        " ORDER BY sort_name, id"
    )
    return [cid for (cid,) in rows]


def choose_clients(
    db: Database,
    *,
    tag: str | None = None,
    search: str | None = None,
    client_ids: Sequence[str] | None = None,
) -> list[str]:
    """The clients to export: with a tag (a tag no client has is an error naming the tags
    there are), found by a search, the ids given (an unknown one is an error), or all."""
    if tag is not None:
        return letters.clients_tagged(db, tag)
    if search is not None:
        return letters.clients_found(db, search)
    if client_ids is not None:
        return clients.known_clients(db, client_ids)
    return all_clients(db)


def export_clients(
    db: Database,
    client_ids: Sequence[str],
    out: Path,
    fmt: ExportFormat,
    *,
    columns: Sequence[str] | None = None,
    vcard_version: str = "4.0",
    today: date | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the clients of `client_ids` to `out` in `fmt` (see the module's doc)."""
    chosen = csv_file.check_columns(columns) if fmt is ExportFormat.CSV else ()
    if fmt is ExportFormat.VCARD and vcard_version not in vcard_file.VERSIONS:
        raise ExportError(f"There is no vCard version {vcard_version}; choose 3.0 or 4.0.")
    if not client_ids:
        raise ExportError("There are no clients to export; nothing was written.")
    total = len(client_ids)
    people = read_clients(db, client_ids)
    encoding = "utf-8-sig" if fmt is ExportFormat.CSV else "utf-8"  # (Excel wants the BOM)
    with disk_errors.about(out):
        folder = out.resolve().parent
        handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=folder)
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
                steps: Iterable[int]
                if fmt is ExportFormat.CSV:
                    steps = csv_file.write_csv(stream, people, chosen)
                elif fmt is ExportFormat.VCARD:
                    steps = vcard_file.write_vcards(stream, people, vcard_version)
                else:
                    steps = calendar_file.write_calendar(
                        stream, people, today or date.today(), "Birthdays and dates"
                    )
                written = 0
                for written in steps:
                    if progress is not None and not progress(written, total):
                        raise Cancelled()
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o644)  # (mkstemp makes it 0600: readable by its owner alone)
            os.replace(temp, out)
        except BaseException:
            with suppress(OSError):
                temp.unlink()
            raise
    return ExportResult(out, written)
