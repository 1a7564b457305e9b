"""Tables: CSV and tab-separated text from Google Contacts, Outlook, Thunderbird, Excel and
any spreadsheet, read as they stream (memory stays flat on a file of 100,000 rows).

`open_table` finds the encoding (detect), the delimiter (sniffed among , ; TAB and |, or
Excel's "sep=;" first line) and the header row; `TableFile.rows` yields the rows with the
line each starts on (a quoted cell may hold commas, quotes and new lines). `read_rows` turns
rows into contacts through a `ColumnMapping`: Google's " ::: " cells become several values,
dates are read as the files write them, and a column that maps to nothing is kept as a fact.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from crmdesk.services.importing.columns import (
    guess_from_values,
    guess_mapping,
    looks_like_data,
)
from crmdesk.services.importing.detect import TextEncoding, open_text, sniff
from crmdesk.services.importing.file_dates import read_date
from crmdesk.services.importing.mapping import ADDRESS_FIELDS, ColumnMapping, ColumnTarget, Field
from crmdesk.services.importing.records import (
    ContactDraft,
    ImportedContact,
    ImportFileError,
    Labelled,
    Origin,
    PartialDate,
    PostalAddress,
    RememberedDate,
)
from crmdesk.services.spreadsheet_cells import restored

DELIMITERS = (",", ";", "\t", "|")
MULTI = " ::: "  # Google Contacts joins several values of one cell with it
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a note may be long; a photo even longer


@dataclass(frozen=True)
class Row:
    line: int  # the line the row starts on (1-based, as an editor shows it)
    number: int  # its number among the data rows (1-based)
    cells: tuple[str, ...]


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's lines into the same number of cells, most
    often and into the most cells; a comma when nothing splits (a single column)."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut in the middle
    text = "".join(lines[:50])
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        same = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (same, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


class TableFile:
    """A CSV or tab-separated file, opened for reading: its encoding, delimiter and header
    row are known once it is opened; its rows are read as they are iterated.

    `has_header` is guessed (a first row that names no known field but holds an email
    address or a phone number is data); the preview can turn it off or on, which changes
    `headers` ("Column 1" … when there are none) and the mapping guessed."""

    def __init__(self, path: Path, encoding: TextEncoding, head: str) -> None:
        self.path = path
        self.encoding = encoding
        first = head.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
        self._sep_line = first.startswith("sep=") and len(first) == 5
        self.delimiter = first[4] if self._sep_line else sniff_delimiter(head.lstrip("\ufeff"))
        self._size = max(path.stat().st_size, 1)
        self._read = 0
        first_row = next(self._reader(), None)
        if first_row is None:
            raise ImportFileError(path, "holds no rows.")
        self._first = tuple(c.strip().lstrip("\ufeff") for c in first_row[1])
        self.has_header = not looks_like_data(self._first)

    @property
    def headers(self) -> tuple[str, ...]:
        if self.has_header:
            return self._first
        return tuple(f"Column {n}" for n in range(1, len(self._first) + 1))

    @property
    def progress(self) -> float:
        """How far the current iteration of rows has read into the file, 0 to 1."""
        return min(self._read / self._size, 1.0)

    def guess_mapping(self) -> ColumnMapping:
        if self.has_header:
            return guess_mapping(self.headers)
        sample = [row.cells for row in islice(self.rows(), 20)]
        return guess_from_values(self.headers, sample)

    def _reader(self) -> Iterator[tuple[int, list[str]]]:
        """(the line it starts on, cells) for each row that is not blank, after Excel's
        "sep=;" line."""
        with open_text(self.path, self.encoding) as stream:
            raw = getattr(stream, "buffer", None)
            reader = csv.reader(stream, delimiter=self.delimiter, strict=False)
            line = 0
            skip_sep = self._sep_line
            for cells in reader:
                start, line = line + 1, reader.line_num
                if raw is not None:
                    self._read = raw.tell()
                if not any(c.strip() for c in cells):
                    continue
                if skip_sep:
                    skip_sep = False
                    continue
                yield start, cells

    def rows(self) -> Iterator[Row]:
        """The data rows (after the header row, if any), with the line each starts on."""
        self._read = 0
        rows = self._reader()
        if self.has_header:
            next(rows, None)
        for number, (start, cells) in enumerate(rows, 1):
            yield Row(start, number, tuple(cells))
        self._read = self._size


def open_table(path: Path, *, legacy: str = "cp1252") -> TableFile:
    """A CSV or tab-separated file at `path`, with its encoding, delimiter and headers."""
    found = sniff(path, legacy=legacy)
    return TableFile(path, found.encoding, found.head)


def _values(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(MULTI) if v.strip()]


def _label(text: str) -> tuple[str, bool]:
    """Google's "* Home" is the preferred value labelled "home"."""
    preferred = text.startswith("*")
    word = text.lstrip("* ").strip()
    known = {"home", "work", "mobile", "other", "main", "pager", "home fax", "work fax",
             "anniversary"}  # fmt: skip
    return (word.lower() if word.lower() in known else word), preferred


def _date(draft: ContactDraft, text: str, row: Row, header: str, locale: str) -> PartialDate | None:
    try:
        return read_date(text, locale)
    except ValueError as error:
        draft.problem(f"{header}: {error}; kept as a fact", row.line)
        draft.extra(header, text)
        return None


@dataclass(frozen=True)
class _Plan:
    """A mapping as the rows use it: the columns that matter, in order."""

    labels: tuple[tuple[int, str], ...]  # (column, group) of the label columns
    columns: tuple[tuple[int, ColumnTarget, str], ...]  # (column, target, header) to take


@lru_cache(maxsize=16)
def _plan(mapping: ColumnMapping) -> _Plan:
    targets = list(enumerate(mapping.targets))
    return _Plan(
        labels=tuple((at, t.group) for at, t in targets if t.field is Field.LABEL),
        columns=tuple(
            (at, t, mapping.headers[at])
            for at, t in targets
            if t.field not in (Field.LABEL, Field.SKIP)
        ),
    )


_last_plan: tuple[ColumnMapping, _Plan] | None = None


def _plan_of(mapping: ColumnMapping) -> _Plan:
    """The plan of the mapping the rows before used, without hashing it again for each row
    (hashing a mapping of 90 columns took a third of reading an Outlook row)."""
    global _last_plan
    last = _last_plan
    if last is not None and last[0] is mapping:
        return last[1]
    plan = _plan(mapping)
    _last_plan = (mapping, plan)
    return plan


def contact_from_row(
    row: Row, mapping: ColumnMapping, file: str, *, locale: str = "en_US"
) -> ImportedContact:
    """One row as a contact, through `mapping`."""
    draft = ContactDraft(Origin(file, row.line, row.number))
    cells = row.cells
    plan = _plan_of(mapping)
    labels: dict[str, str] = {}
    for at, group in plan.labels:
        if at < len(cells) and cells[at].strip():
            labels[group] = cells[at].strip()
    addresses: dict[str, dict[str, str]] = {}
    birth: dict[Field, str] = {}
    for at, target, header in plan.columns:
        if at >= len(cells):
            break
        text = restored(cells[at]).strip()  # (a crmdesk export's formula guard taken off)
        if not text:
            continue
        if "\r\n" in text:  # a Windows new line inside a cell
            text = text.replace("\r\n", "\n")
        _take(draft, target, header, text, labels, addresses, birth, row, locale)
    for at in range(len(mapping.targets), len(cells)):
        text = cells[at].strip()
        if text:
            draft.problem(f"column {at + 1} has no header; its value “{text}” is kept as a fact")
            draft.extra(f"Column {at + 1}", text)
    for group, parts in addresses.items():
        label = labels.get(group, "")
        address = PostalAddress(
            label=_label(label)[0] if label else parts.pop("label", ""),
            **{k: v for k, v in parts.items() if k != "label"},
        )
        if not address.is_empty():
            draft.addresses.append(address)
    if birth:
        _birth_parts(draft, birth, row)
    return draft.freeze()


_ADDRESS_PART = {
    Field.STREET: "street", Field.EXTENDED: "extended", Field.PO_BOX: "po_box",
    Field.CITY: "city", Field.REGION: "region", Field.POSTCODE: "postcode",
    Field.COUNTRY: "country",
}  # fmt: skip
_NAME_PART = {
    Field.GIVEN_NAME: "given_name", Field.MIDDLE_NAME: "middle_name",
    Field.FAMILY_NAME: "family_name", Field.FULL_NAME: "display_name",
    Field.SALUTATION: "salutation", Field.SUFFIX: "suffix", Field.NICKNAME: "nickname",
    Field.COMPANY: "company", Field.DEPARTMENT: "department", Field.JOB_TITLE: "job_title",
}  # fmt: skip


def _take(
    draft: ContactDraft,
    target: ColumnTarget,
    header: str,
    text: str,
    labels: dict[str, str],
    addresses: dict[str, dict[str, str]],
    birth: dict[Field, str],
    row: Row,
    locale: str,
) -> None:
    field = target.field
    if field in _NAME_PART:
        setattr(draft, _NAME_PART[field], text)
    elif field in (Field.PHONE, Field.EMAIL):
        label, preferred = _label(labels.get(target.group, "") or target.label)
        kind = draft.phones if field is Field.PHONE else draft.emails
        kind.extend(Labelled(v, label, preferred) for v in _values(text))
    elif field in ADDRESS_FIELDS:
        parts = addresses.setdefault(target.group or target.label or "address", {})
        name = _ADDRESS_PART[field]
        parts[name] = f"{parts[name]}\n{text}" if parts.get(name) else text
        parts.setdefault("label", target.label)
    elif field is Field.BIRTHDAY:
        when = _date(draft, text, row, header, locale)
        draft.birthday = draft.birthday or when
    elif field in (Field.BIRTH_YEAR, Field.BIRTH_MONTH, Field.BIRTH_DAY):
        birth[field] = text
    elif field in (Field.ANNIVERSARY, Field.DATE):
        label = labels.get(target.group, "") or target.label or header
        for value in _values(text):
            when = _date(draft, value, row, header, locale)
            if when is not None:
                draft.dates.append(RememberedDate(_label(label)[0], when))
    elif field is Field.NOTES:
        draft.notes.append(text)
    elif field is Field.GROUPS:  # Google joins groups with " ::: ", Outlook with ";"
        for group in (g for value in _values(text) for g in value.split(";")):
            if group.strip("* ") != "myContacts":  # Google's own group for every contact
                draft.group(group.lstrip("* "))
    elif field is Field.EXTRA:
        draft.extra(labels.get(target.group, "") or target.label or header, text)
    elif field is Field.SKIP or field is Field.LABEL:
        return


def _birth_parts(draft: ContactDraft, birth: dict[Field, str], row: Row) -> None:
    """Thunderbird's Birth Year, Birth Month and Birth Day columns (the year may be empty)."""
    try:
        year_text = birth.get(Field.BIRTH_YEAR, "").strip()
        when = PartialDate(
            int(birth.get(Field.BIRTH_MONTH, "")),
            int(birth.get(Field.BIRTH_DAY, "")),
            int(year_text) if year_text else None,
        )
    except ValueError:
        shown = "-".join(
            birth.get(f, "") for f in (Field.BIRTH_YEAR, Field.BIRTH_MONTH, Field.BIRTH_DAY)
        )
        draft.problem(f"the birthday “{shown}” is not a date; kept as a fact", row.line)
        draft.extra("Birthday", shown)
        return
    draft.birthday = draft.birthday or when


def read_rows(
    rows: Iterable[Row], mapping: ColumnMapping, file: str, *, locale: str = "en_US"
) -> Iterator[ImportedContact]:
    """The rows as contacts, through `mapping`, one by one."""
    for row in rows:
        yield contact_from_row(row, mapping, file, locale=locale)
