"""Clients as vCards (3.0 or 4.0, RFC 2426 / RFC 6350), for a phone, Apple, Google or
Outlook contacts, or another crmdesk.

UTF-8, CRLF line ends, lines folded at 75 octets (never inside a character), text escaped
(\\\\ \\, \\; \\n). A card holds the names (N, FN), company (ORG), phones (E.164 numbers; 4.0
as tel: URIs), emails, the postal address (ADR), the birthday, the dated things to remember
(Apple's X-ABDATE with their label), the notes (a NOTE each), the tags (CATEGORIES) and the
client's id (UID). A label crmdesk has no vCard type for ("Shop") goes on a grouped
X-ABLabel, as Apple and Google write it.

A birthday without its year is written without one: in 4.0 as `--MMDD` (RFC 6350's date
without a year); in 3.0, whose dates must have a year, as Apple writes it:
`BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15` — the year 1604 there is Apple's marker for "no
year", named as such by the parameter (Apple Contacts, iCloud and crmdesk read it so).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from crmdesk.services.exporting.people import ExportedClient

VERSIONS = ("3.0", "4.0")
APPLE_NO_YEAR = 1604  # X-APPLE-OMIT-YEAR's own value (vCard 3.0 only; see above)

# crmdesk's phone labels → vCard TYPE values (3.0 upper case, 4.0 lower case)
_PHONE_TYPES = {
    "mobile": ("CELL",), "cell": ("CELL",), "home": ("HOME", "VOICE"),
    "work": ("WORK", "VOICE"), "fax": ("FAX",), "home fax": ("HOME", "FAX"),
    "work fax": ("WORK", "FAX"), "pager": ("PAGER",), "main": ("MAIN",), "other": ("OTHER",),
}  # fmt: skip
_EMAIL_TYPES = {"home": ("HOME",), "work": ("WORK",), "other": ("OTHER",)}


def escape(text: str) -> str:
    """A text value as vCard writes it."""
    return (
        text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
        .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    )  # fmt: skip


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 6350 3.2), between characters, CRLF-ended."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # a continuation line starts with a space
    return "\r\n ".join(parts) + "\r\n"


class _Card:
    def __init__(self, version: str) -> None:
        self.version = version
        self.lines: list[str] = []
        self.groups = 0

    def add(self, name: str, value: str, params: str = "", group: str = "") -> None:
        prefix = f"{group}." if group else ""
        self.lines.append(f"{prefix}{name}{params}:{value}")

    def types(self, types: Iterable[str]) -> str:
        listed = [t if self.version == "3.0" else t.lower() for t in types]
        return f";TYPE={','.join(listed)}" if listed else ""

    def group(self) -> str:
        self.groups += 1
        return f"item{self.groups}"


def card(person: ExportedClient, version: str) -> str:
    """One client's vCard (its lines folded, CRLF-ended)."""
    r = person.record
    c = _Card(version)
    c.add("BEGIN", "VCARD")
    c.add("VERSION", version)
    c.add("PRODID", "-//crmdesk//crmdesk export//EN")
    c.add("UID", f"urn:uuid:{r.id}")
    names = (r.family_name, r.given_name, "", r.salutation, "")
    c.add("N", ";".join(escape(n) for n in names))
    c.add("FN", escape(r.display_name))
    if r.company:
        c.add("ORG", escape(r.company))
        if not (r.given_name or r.family_name) and version == "4.0":
            c.add("KIND", "org")
    if r.preferred_name:
        c.add("NICKNAME", escape(r.preferred_name))
    for n, phone in enumerate(r.phones):
        _phone(c, phone.label, phone.number, preferred=n == 0)
    for n, email in enumerate(r.emails):
        _email(c, email.label, email.address, preferred=n == 0)
    if r.street or r.postcode or r.city or r.country:
        parts = ("", "", r.street, r.city, "", r.postcode, r.country)
        c.add("ADR", ";".join(escape(p) for p in parts), c.types(["HOME"]))
    if r.birthday is not None:
        born = r.birthday
        if born.year is not None and version == "4.0":
            c.add("BDAY", f"{born.year:04d}{born.month:02d}{born.day:02d}")
        elif born.year is not None:
            c.add("BDAY", f"{born.year:04d}-{born.month:02d}-{born.day:02d}")
        elif version == "4.0":
            c.add("BDAY", f"--{born.month:02d}{born.day:02d}")
        else:
            when = f"{APPLE_NO_YEAR}-{born.month:02d}-{born.day:02d}"
            c.add("BDAY", when, f";X-APPLE-OMIT-YEAR={APPLE_NO_YEAR}")
    for fact in person.dates:
        group = c.group()
        c.add("X-ABDATE", fact.on.isoformat(), group=group)
        c.add("X-ABLabel", escape(fact.label), group=group)
    for note in person.notes:
        c.add("NOTE", escape(note))
    if r.tags:
        c.add("CATEGORIES", ",".join(escape(t) for t in r.tags))
    c.add("END", "VCARD")
    return "".join(fold(line) for line in c.lines)


def _phone(c: _Card, label: str, number: str, *, preferred: bool) -> None:
    known = _PHONE_TYPES.get(label.casefold())
    types = list(known or ("VOICE",))
    if preferred and c.version == "3.0":
        types.append("PREF")
    params = c.types(types) + (";PREF=1" if preferred and c.version == "4.0" else "")
    value = number
    if c.version == "4.0":
        params += ";VALUE=uri"
        value = f"tel:{number}"
    group = "" if known or not label else c.group()
    c.add("TEL", value, params, group)
    if group:
        c.add("X-ABLabel", escape(label), group=group)


def _email(c: _Card, label: str, address: str, *, preferred: bool) -> None:
    known = _EMAIL_TYPES.get(label.casefold())
    types = (["INTERNET"] if c.version == "3.0" else []) + list(known or ())
    if preferred and c.version == "3.0":
        types.append("PREF")
    params = c.types(types) + (";PREF=1" if preferred and c.version == "4.0" else "")
    group = "" if known or not label else c.group()
    c.add("EMAIL", escape(address), params, group)
    if group:
        c.add("X-ABLabel", escape(label), group=group)


def write_vcards(out: IO[str], people: Iterable[ExportedClient], version: str) -> Iterator[int]:
    """Write a card per client to `out` (opened with newline=""), yielding after each."""
    for n, person in enumerate(people, 1):
        out.write(card(person, version))
        yield n
