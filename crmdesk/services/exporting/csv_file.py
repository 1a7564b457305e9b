"""Clients as a CSV file a spreadsheet opens right: UTF-8 with a byte order mark (so Excel
reads every script), a header row, the columns chosen, one client a row.

A cell that starts with = + - @, a tab or a carriage return would be taken by a spreadsheet
as a formula (CSV injection: a name typed as `=HYPERLINK(…)` runs when the file is opened),
so it gets a leading apostrophe: Excel, LibreOffice and Google Sheets take that as "this
cell is text" and do not show it, so a phone "+44 7700 900123" reads +44 7700 900123 (and
not a sum, or #NAME?). Read by a program instead, such a cell is the value after the
apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from crmdesk.errors import CrmError
from crmdesk.model.enums import ContactPreference
from crmdesk.services.exporting.people import ExportedClient
from crmdesk.services.spreadsheet_cells import neutralised


class ExportError(CrmError):
    """An export asked for something there is not (a column, a vCard version, clients);
    nothing was written."""


@dataclass(frozen=True)
class CsvColumn:
    key: str
    header: str
    value: Callable[[ExportedClient], str]


def _phones(c: ExportedClient) -> str:
    return " ::: ".join(p.display or p.number for p in c.record.phones)


def _labelled(pairs: Iterable[tuple[str, str]]) -> str:
    return " ::: ".join(f"{label}: {value}" if label else value for label, value in pairs)


def _birthday(c: ExportedClient) -> str:
    """ "1975-04-15", or "--04-15" when the year is not known (as Google's CSV writes it)."""
    born = c.record.birthday
    if born is None:
        return ""
    full = born.to_date()
    return full.isoformat() if full else f"--{born.month:02d}-{born.day:02d}"


def _when(value: object) -> str:
    return "" if value is None else str(value)[:16]


COLUMNS: tuple[CsvColumn, ...] = (
    CsvColumn("given_name", "Given name", lambda c: c.record.given_name),
    CsvColumn("family_name", "Family name", lambda c: c.record.family_name),
    CsvColumn("salutation", "Title", lambda c: c.record.salutation),
    CsvColumn("preferred_name", "Preferred name", lambda c: c.record.preferred_name),
    CsvColumn("company", "Company", lambda c: c.record.company),
    CsvColumn("phone", "Phone", lambda c: c.record.phones[0].display if c.record.phones else ""),
    CsvColumn(
        "phones", "All phones", lambda c: _labelled((p.label, p.display) for p in c.record.phones)
    ),
    CsvColumn("email", "Email", lambda c: c.record.emails[0].address if c.record.emails else ""),
    CsvColumn(
        "emails", "All emails", lambda c: _labelled((e.label, e.address) for e in c.record.emails)
    ),
    CsvColumn("street", "Street", lambda c: c.record.street),
    CsvColumn("postcode", "Postcode", lambda c: c.record.postcode),
    CsvColumn("city", "City", lambda c: c.record.city),
    CsvColumn("country", "Country", lambda c: c.record.country),
    CsvColumn("birthday", "Birthday", _birthday),
    CsvColumn("tags", "Tags", lambda c: ", ".join(c.record.tags)),
    CsvColumn(
        "preferred_contact",
        "Prefers",
        lambda c: ContactPreference(c.record.preferred_contact).label,
    ),
    CsvColumn(
        "marketing_consent", "Marketing", lambda c: "yes" if c.record.marketing_consent else "no"
    ),
    CsvColumn("found_via", "Found us via", lambda c: c.record.found_via),
    CsvColumn("referred_by", "Referred by", lambda c: c.record.referred_by_name),
    CsvColumn("client_since", "Client since", lambda c: _when(c.record.created_at)),
    CsvColumn("last_contact", "Last contact", lambda c: _when(c.record.last_contact_at)),
    CsvColumn("notes", "Notes", lambda c: "\n\n".join(c.notes)),
    CsvColumn("id", "crmdesk id", lambda c: c.record.id),
)
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = (
    "given_name", "family_name", "company", "phone", "email", "street", "postcode", "city",
    "country", "birthday", "tags",
)  # fmt: skip


def check_columns(keys: Sequence[str] | None) -> tuple[CsvColumn, ...]:
    """The columns of `keys` (the default ones for None); an unknown key is refused with
    the keys there are."""
    chosen = list(dict.fromkeys(keys)) if keys else list(DEFAULT_COLUMNS)
    unknown = [k for k in chosen if k not in BY_KEY]
    if unknown:
        raise ExportError(f"No column “{unknown[0]}”; choose from {', '.join(BY_KEY)}.")
    return tuple(BY_KEY[k] for k in chosen)


def write_csv(
    out: IO[str], people: Iterable[ExportedClient], columns: Sequence[CsvColumn]
) -> Iterable[int]:
    """Write the header and a row per client to `out` (opened with newline=""), yielding
    after each client (so the caller can count, and stop)."""
    writer = csv.writer(out)  # Excel's dialect: commas, "quoted" cells, CRLF
    writer.writerow([neutralised(c.header) for c in columns])
    for n, person in enumerate(people, 1):
        writer.writerow([neutralised(c.value(person)) for c in columns])
        yield n
