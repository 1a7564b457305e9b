"""Which field of a contact each column of a table holds: the mapping the preview shows
and the user changes column by column (columns.py guesses it from the headers)."""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace


class Field(enum.StrEnum):
    GIVEN_NAME = "given name"
    MIDDLE_NAME = "middle name"
    FAMILY_NAME = "family name"
    FULL_NAME = "full name"
    SALUTATION = "salutation"
    SUFFIX = "suffix"
    NICKNAME = "nickname"
    COMPANY = "company"
    DEPARTMENT = "department"
    JOB_TITLE = "job title"
    PHONE = "phone"
    EMAIL = "email"
    STREET = "street"
    EXTENDED = "address line 2"
    PO_BOX = "PO box"
    CITY = "city"
    REGION = "region"
    POSTCODE = "postcode"
    COUNTRY = "country"
    BIRTHDAY = "birthday"
    BIRTH_YEAR = "year of birth"
    BIRTH_MONTH = "month of birth"
    BIRTH_DAY = "day of birth"
    ANNIVERSARY = "anniversary"
    DATE = "other date"
    NOTES = "notes"
    GROUPS = "groups"
    LABEL = "label"  # the label of the phone, email or address of its group ("Phone 1 - Type")
    EXTRA = "keep as a fact"
    SKIP = "do not import"


ADDRESS_FIELDS = frozenset(
    {Field.STREET, Field.EXTENDED, Field.PO_BOX, Field.CITY, Field.REGION, Field.POSTCODE,
     Field.COUNTRY}
)  # fmt: skip


@dataclass(frozen=True)
class ColumnTarget:
    """Where one column goes. `label`: the phone's, email's or address's label ("mobile",
    "home") or a fact's; `group`: columns that make one thing together (the parts of the
    home address, "Phone 1 - Type" with "Phone 1 - Value")."""

    field: Field
    label: str = ""
    group: str = ""

    def __str__(self) -> str:
        return f"{self.field} ({self.label})" if self.label else str(self.field)


@dataclass(frozen=True)
class ColumnMapping:
    headers: tuple[str, ...]
    targets: tuple[ColumnTarget, ...]

    @property
    def layout(self) -> str:
        """The same for every file with these headers (case, spaces and accents aside)."""
        key = "\x1f".join(fold(h) for h in self.headers)
        return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()

    def with_target(self, column: int, target: ColumnTarget) -> ColumnMapping:
        """The mapping with one column changed (what the preview's column menu does)."""
        targets = list(self.targets)
        targets[column] = target
        return replace(self, targets=tuple(targets))

    def not_imported(self) -> list[str]:
        """The headers of the columns that will not be imported."""
        return [h for h, t in zip(self.headers, self.targets, strict=True) if t.field is Field.SKIP]


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "E-Mail-Adresse" → "e mail adresse"."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())
