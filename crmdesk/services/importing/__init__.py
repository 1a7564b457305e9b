"""Reading the files a shop already has into contact records, without writing anything.

    source = open_import(path, locale="de_DE")   # sniffs the format and encoding
    source.kind                                  # FileKind.VCARD / CSV / ICALENDAR
    source.mapping                               # CSV: the columns' guessed fields
    source.mapping = source.mapping.with_target(3, ColumnTarget(Field.PHONE, "mobile"))
    for contact in source.contacts():            # streams; source.progress goes 0 → 1
        contact.name, contact.phones, contact.birthday, contact.problems
    source.problems                              # what belongs to no contact

Nothing here touches the database or Qt: the preview, matching and writing build on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from crmdesk.services.importing.columns import (
    ColumnMapping,
    ColumnTarget,
    Field,
    guess_column,
    guess_mapping,
)
from crmdesk.services.importing.csv_files import (
    Row,
    TableFile,
    contact_from_row,
    read_rows,
)
from crmdesk.services.importing.detect import FileKind, TextEncoding, open_text, sniff
from crmdesk.services.importing.ical import read_calendar
from crmdesk.services.importing.records import (
    ImportedContact,
    ImportFileError,
    Labelled,
    Origin,
    PartialDate,
    Photo,
    PostalAddress,
    Problem,
    RememberedDate,
)
from crmdesk.services.importing.vcard import read_vcards

__all__ = [
    "ColumnMapping",
    "ColumnTarget",
    "Field",
    "FileKind",
    "ImportFileError",
    "ImportSource",
    "ImportedContact",
    "Labelled",
    "Origin",
    "PartialDate",
    "Photo",
    "PostalAddress",
    "Problem",
    "RememberedDate",
    "Row",
    "contact_from_row",
    "guess_column",
    "guess_mapping",
    "open_import",
    "read_rows",
]


class ImportSource:
    """One file opened for import: its kind and encoding (and for a table its delimiter,
    headers and column mapping) are known at once; its contacts are read as they are
    iterated, as often as asked (the preview reads them, the import reads them again)."""

    def __init__(
        self, path: Path, kind: FileKind, encoding: TextEncoding, head: str, locale: str
    ) -> None:
        self.path = path
        self.kind = kind
        self.encoding = encoding
        self.locale = locale
        self.problems: list[Problem] = []
        self.table = TableFile(path, encoding, head) if kind is FileKind.CSV else None
        self.mapping: ColumnMapping | None = self.table.guess_mapping() if self.table else None
        self._size = max(path.stat().st_size, 1)
        self._stream: IO[bytes] | None = None

    @property
    def name(self) -> str:
        """The file's name as problems give it."""
        return self.path.name

    @property
    def progress(self) -> float:
        """How far the current reading has got into the file, from 0 to 1."""
        if self.table is not None:
            return self.table.progress
        stream = self._stream
        if stream is None or stream.closed:
            return 0.0 if stream is None else 1.0
        return min(stream.tell() / self._size, 1.0)

    def set_has_header(self, has_header: bool) -> None:
        """Whether the table's first row names its columns (the preview's check box); the
        mapping is guessed again."""
        assert self.table is not None, "only a table has a header row"
        self.table.has_header = has_header
        self.mapping = self.table.guess_mapping()

    def contacts(self) -> Iterator[ImportedContact]:
        """The contacts in the file, in order. Problems that belong to no contact (text
        outside any card, events that are not birthdays) are in `problems` afterwards."""
        self.problems = []
        if self.table is not None:
            assert self.mapping is not None
            yield from read_rows(self.table.rows(), self.mapping, self.name, locale=self.locale)
            return
        if self.kind is FileKind.VCARD:
            with self.path.open("rb") as raw:
                self._stream = raw
                yield from read_vcards(
                    raw, self.encoding, self.name, locale=self.locale, problems=self.problems
                )
            return
        with open_text(self.path, self.encoding) as stream:
            self._stream = stream.buffer  # type: ignore[attr-defined]
            yield from read_calendar(stream, self.name, problems=self.problems)


def open_import(path: Path, *, locale: str = "en_US", legacy: str = "cp1252") -> ImportSource:
    """The file at `path`, opened for import. `locale` reads dates that are neither ISO nor
    plainly day-first (04/05/1975); `legacy` is the 8-bit code page the shop's Windows
    programs write (Windows-1252 in Western Europe and the Americas). Raises ImportFileError
    for a file that is empty, unreadable or not text."""
    found = sniff(path, legacy=legacy)
    return ImportSource(path, found.kind, found.encoding, found.head, locale)
