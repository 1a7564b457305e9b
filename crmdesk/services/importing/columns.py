"""Which field of a contact each column of a table holds, guessed from the headers.

The guess knows the headers Google Contacts (old and current layouts), Outlook (in English,
German, French, Spanish, Dutch and Italian), Thunderbird and people's own spreadsheets use.
It is a `ColumnMapping` the preview shows and the user can change column by column; a
mapping's `layout` identifies the headers, so a changed mapping can be remembered for the
next file of the same layout.
"""

from __future__ import annotations

import re

import crmdesk.services.importing.header_words as known
from crmdesk.services.importing.mapping import (
    ADDRESS_FIELDS,
    ColumnMapping,
    ColumnTarget,
    Field,
    fold,
)


def _place(words: set[str]) -> str:
    if words & known.HOME:
        return "home"
    if words & known.WORK:
        return "work"
    if words & known.OTHER:
        return "other"
    return ""


def _google(found: re.Match[str], header: str) -> ColumnTarget:
    """Google's numbered columns: "Phone 1 - Type" (old) or "- Label" (current) names the
    label of "Phone 1 - Value"; "Address 1 - Street" … are the parts of one address."""
    kind, part = found["kind"], found["part"]
    group = f"{kind} {found['n']}"
    if part in ("type", "label"):
        return ColumnTarget(Field.LABEL, group=group)
    if kind in ("e mail", "phone") and part == "value":
        return ColumnTarget(Field.EMAIL if kind == "e mail" else Field.PHONE, group=group)
    if kind == "address":
        parts = {
            "street": Field.STREET, "city": Field.CITY, "po box": Field.PO_BOX,
            "region": Field.REGION, "postal code": Field.POSTCODE, "country": Field.COUNTRY,
            "extended address": Field.EXTENDED,
        }  # fmt: skip
        if part in parts:
            return ColumnTarget(parts[part], group=group)
        return ColumnTarget(Field.SKIP, group=group)  # "Formatted": the same address again
    if kind == "event" and part == "value":
        return ColumnTarget(Field.DATE, group=group)
    if kind == "organization":
        named = {"name": Field.COMPANY, "title": Field.JOB_TITLE, "department": Field.DEPARTMENT}
        if part in named:
            return ColumnTarget(named[part])
    return ColumnTarget(Field.EXTRA, header, group=group)


def guess_column(header: str) -> ColumnTarget:
    """Where a column with this header goes; a header nobody knows is kept as a fact."""
    folded = fold(header)
    if not folded:
        return ColumnTarget(Field.SKIP)
    if folded in known.EXACT:
        return known.EXACT[folded]
    found = known.GOOGLE.fullmatch(folded)
    if found:
        return _google(found, header)
    words = set(folded.split())
    place = _place(words)
    group = place or "address"
    if any(p in folded for p in known.PO_BOX):
        return ColumnTarget(Field.PO_BOX, place, group)
    if words & known.EMAIL:
        return ColumnTarget(Field.EMAIL, place)
    if words & known.FAX:
        return ColumnTarget(Field.PHONE, f"{place} fax".strip())
    if words & known.MOBILE:
        return ColumnTarget(Field.PHONE, "mobile")
    if words & known.PHONE:
        label = place or ("main" if "main" in words or "haupttelefon" in words else "")
        return ColumnTarget(Field.PHONE, label)
    for part, field in (
        (known.POSTCODE, Field.POSTCODE),
        (known.CITY, Field.CITY),
        (known.COUNTRY, Field.COUNTRY),  # before the region: "Country/Region" is the country
        (known.REGION, Field.REGION),
    ):
        if words & part or (part is known.POSTCODE and "code postal" in folded):
            return ColumnTarget(field, place, group)
    if words & known.STREET:
        second = bool(words & {"2", "3"})
        return ColumnTarget(Field.EXTENDED if second else Field.STREET, place, group)
    return ColumnTarget(Field.EXTRA, header.strip())


def guess_mapping(headers: list[str] | tuple[str, ...]) -> ColumnMapping:
    """The mapping guessed from a table's header row."""
    targets = [guess_column(h) for h in headers]
    # a second column for the same single field (two "Notes") is kept as a fact
    seen: set[Field] = set()
    for at, target in enumerate(targets):
        single = target.field not in {
            Field.PHONE, Field.EMAIL, Field.LABEL, Field.EXTRA, Field.SKIP, Field.NOTES,
            Field.DATE, Field.GROUPS, *ADDRESS_FIELDS,
        }  # fmt: skip
        if single and target.field in seen:
            targets[at] = ColumnTarget(Field.EXTRA, headers[at].strip())
        seen.add(target.field)
    # a bare "Ort" or "Location" beside the labelled parts of addresses is Outlook's
    # location field, not a third address
    placed = {t.group for t in targets if t.field in ADDRESS_FIELDS and t.group != "address"}
    for at, target in enumerate(targets):
        if placed and target.field in ADDRESS_FIELDS and target.group == "address":
            targets[at] = ColumnTarget(Field.EXTRA, headers[at].strip())
    fields = [t.field for t in targets]
    if Field.GIVEN_NAME in fields and Field.FAMILY_NAME not in fields:
        # a German or French spreadsheet's "Name" / "Nom" beside "Vorname" is the family name
        for at, target in enumerate(targets):
            if target.field is Field.FULL_NAME and fold(headers[at]) in known.FAMILY_IF_GIVEN:
                targets[at] = ColumnTarget(Field.FAMILY_NAME)
                break
    return ColumnMapping(tuple(headers), tuple(targets))


_PHONE_LIKE = re.compile(r"[+(]?\d[\d\s()./-]{5,}")


def looks_like_data(cells: tuple[str, ...] | list[str]) -> bool:
    """Whether a first row is data rather than headers: it names no field we know, and
    holds an email address or a phone number."""
    if any(guess_column(c).field not in (Field.EXTRA, Field.SKIP) for c in cells):
        return False
    return any("@" in c or _PHONE_LIKE.fullmatch(c.strip()) for c in cells)


def guess_from_values(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> ColumnMapping:
    """The mapping of a table without a header row, from what its first rows hold: email
    addresses and phone numbers are recognised; every other column is kept as a fact under
    its column's name until the user says what it is."""
    targets = []
    for at, header in enumerate(headers):
        values = [r[at].strip() for r in rows if at < len(r) and r[at].strip()]
        if values and all("@" in v and " " not in v for v in values):
            targets.append(ColumnTarget(Field.EMAIL))
        elif values and all(_PHONE_LIKE.fullmatch(v) for v in values):
            targets.append(ColumnTarget(Field.PHONE))
        else:
            targets.append(ColumnTarget(Field.EXTRA, header))
    return ColumnMapping(headers, tuple(targets))
