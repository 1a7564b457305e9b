"""One person as read from a file, before anything is written.

Readers (vCard, CSV, iCalendar) turn what a file holds into `ImportedContact` values: the
names, phones and emails as they were typed, with their labels; nothing is normalised or
validated here (that is the preview's and the writer's job). What a reader could not take in
is listed as a `Problem` naming the file and line, on the contact it belongs to, or on the
source when it belongs to no contact: nothing vanishes silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from crmdesk.errors import CrmError
from crmdesk.model.partial_date import PartialDate  # (where readers and callers find it)


class ImportFileError(CrmError):
    """A file that cannot be read as contacts at all (unknown format, unreadable)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Problem:
    """Something in the file that was not taken in as it stood, and where."""

    text: str
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.text}"


@dataclass(frozen=True)
class Origin:
    """Where a contact came from: the file, the line its card or row starts on, and its
    number among the file's cards or rows (1-based; a CSV's header row is not counted)."""

    file: str
    line: int
    number: int

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}"


@dataclass(frozen=True)
class Labelled:
    """A phone number, email address or web address as typed, with its label: one of
    "mobile", "home", "work", "fax", "home fax", "work fax", "pager", "main", "other", or
    the file's own words for a label of the user's ("Shop", "Assistant")."""

    value: str
    label: str = ""
    preferred: bool = False


@dataclass(frozen=True)
class PostalAddress:
    """A postal address in parts, as written. `street` may hold several lines."""

    label: str = ""
    street: str = ""
    extended: str = ""  # a second address line: flat, building, c/o
    po_box: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def is_empty(self) -> bool:
        return not (
            self.street or self.extended or self.po_box or self.city or self.region
            or self.postcode or self.country
        )  # fmt: skip


@dataclass(frozen=True)
class RememberedDate:
    """A date to remember other than the birthday: "anniversary", or the file's label."""

    label: str
    when: PartialDate


@dataclass(frozen=True)
class Photo:
    data: bytes
    mime: str  # "image/jpeg", "image/png", … ("application/octet-stream" when unknown)


@dataclass(frozen=True)
class ImportedContact:
    """One person (or company) read from a file, as the file wrote them.

    `display_name` is the name as written (vCard's FN), even when it disagrees with the
    parts; `extras` are the fields that map to no field of a client, as (label, value) pairs
    to keep as facts or list as not imported; `groups` are the file's groups or labels
    ("VIP", "Newsletter"); `problems` are what could not be taken in, with file and line.
    """

    origin: Origin
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    salutation: str = ""
    suffix: str = ""
    display_name: str = ""
    nickname: str = ""
    company: str = ""
    department: str = ""
    job_title: str = ""
    phones: tuple[Labelled, ...] = ()
    emails: tuple[Labelled, ...] = ()
    addresses: tuple[PostalAddress, ...] = ()
    birthday: PartialDate | None = None
    dates: tuple[RememberedDate, ...] = ()
    notes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    extras: tuple[tuple[str, str], ...] = ()
    photo: Photo | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        """The name to show in a preview: as written, else from its parts, else the company."""
        parts = " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)
        return self.display_name or parts or self.company or self.nickname

    def has_data(self) -> bool:
        """Whether there is anything of a person in it (a name, a way to reach them …)."""
        return bool(self.name or self.phones or self.emails or self.addresses or self.birthday)


@dataclass
class ContactDraft:
    """A contact being read: readers fill it field by field, then `freeze` it."""

    origin: Origin
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    salutation: str = ""
    suffix: str = ""
    display_name: str = ""
    nickname: str = ""
    company: str = ""
    department: str = ""
    job_title: str = ""
    phones: list[Labelled] = field(default_factory=list)
    emails: list[Labelled] = field(default_factory=list)
    addresses: list[PostalAddress] = field(default_factory=list)
    birthday: PartialDate | None = None
    dates: list[RememberedDate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    extras: list[tuple[str, str]] = field(default_factory=list)
    photo: Photo | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, text: str, line: int | None = None) -> None:
        self.problems.append(Problem(text, self.origin.file, line or self.origin.line))

    def extra(self, label: str, value: str) -> None:
        if value.strip():
            self.extras.append((label, value.strip()))

    def group(self, name: str) -> None:
        name = name.strip()
        if name and name not in self.groups:
            self.groups.append(name)

    def freeze(self) -> ImportedContact:
        self.problems.sort(key=lambda p: p.line)
        values: dict[str, Any] = dict(self.__dict__)
        for name in _LIST_FIELDS:
            values[name] = tuple(values[name])
        # the same fields as ImportedContact(**values) sets, in one step rather than one
        # frozen-attribute set each (a file of 10,000 contacts freezes 10,000 of them)
        contact = object.__new__(ImportedContact)
        object.__setattr__(contact, "__dict__", values)
        return contact


_LIST_FIELDS = tuple(f.name for f in fields(ContactDraft) if f.default_factory is list)
