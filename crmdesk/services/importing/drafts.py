"""A contact as it will become a client: the client's own fields, the things to remember and
notes that keep what has no field of its own, and what could not be taken in as it stood.

Nothing is dropped here: a phone or email that is not valid is kept as typed in a thing to
remember ("Imported phone") and listed as a problem; a birthday without a year is kept
without one ("15 April": no year is made up); a value longer
than its field allows goes to a note; a second address, a job title, a column kept as a fact
all become things to remember. `fingerprint` identifies the contact's content (not where it
stood in the file): it is how an import recognises a row it has already brought in.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from crmdesk.services import birthdays, limits
from crmdesk.services.importing.home_phones import quick_phone
from crmdesk.services.importing.records import (
    ImportedContact,
    Labelled,
    PartialDate,
    PostalAddress,
    Problem,
    RememberedDate,
)
from crmdesk.services.validation import normalise_email

# what a client's own fields are called in notes and problems
FIELD_NAMES = {
    "given_name": "Given name", "family_name": "Family name", "salutation": "Salutation",
    "preferred_name": "Preferred name", "company": "Company", "street": "Street",
    "postcode": "Postcode", "city": "City", "country": "Country", "birthday": "Birthday",
}  # fmt: skip
TEXT_FIELDS = (
    "given_name", "family_name", "salutation", "preferred_name", "company", "street",
    "postcode", "city", "country",
)  # fmt: skip


@dataclass(frozen=True)
class FactDraft:
    label: str
    value: str
    on_date: date | None = None


@dataclass
class ClientDraft:
    """The values a new client gets from one contact (client columns, as stored)."""

    values: dict[str, Any]
    facts: list[FactDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def name(self) -> str:
        v = self.values
        name = " ".join(p for p in (v["given_name"], v["family_name"]) if p)
        return name or v["company"] or "(no name)"

    def phone_numbers(self) -> list[str]:
        return [p["number"] for p in self.values["phones"]]

    def email_addresses(self) -> list[str]:
        return [e["address"] for e in self.values["emails"]]


@lru_cache(maxsize=4)
def _phone_tools(region: str) -> tuple[Any, int]:
    import phonenumbers

    return phonenumbers, phonenumbers.country_code_for_region(region)


def phone(text: str, region: str) -> tuple[str, str] | None:
    """(E.164, as shown) for a number written in `region`, or None when it is not a whole
    number. (validation.normalise_phone says what is wrong, for a form; an import only
    needs to know, 10,000 times: the shop's own numbers written plainly take the quick
    way, the others are read by phonenumbers.)"""
    return quick_phone(text, region) or phonenumbers_phone(text, region)


def phonenumbers_phone(text: str, region: str) -> tuple[str, str] | None:
    """phone(), all of it read by phonenumbers."""
    tools, own = _phone_tools(region)
    try:
        number = tools.parse(text, region)
    except tools.NumberParseException:
        return None
    # a number of the shop's own country is checked against its rules alone (a third of
    # the work of finding which of the regions sharing its code it belongs to)
    domestic = number.country_code == own and tools.is_valid_number_for_region(number, region)
    if not domestic and not tools.is_valid_number(number):
        return None
    style = (
        tools.PhoneNumberFormat.NATIONAL
        if number.country_code == own
        else tools.PhoneNumberFormat.INTERNATIONAL
    )
    e164 = tools.format_number(number, tools.PhoneNumberFormat.E164)
    return e164, tools.format_number(number, style)


# the plain ASCII addresses nearly every file holds: their normal form is the domain in
# lower case (what email_validator makes of them); anything else is left to it
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)


@lru_cache(maxsize=1)
def _special_domains() -> frozenset[str]:
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    return frozenset(SPECIAL_USE_DOMAIN_NAMES)


def email(text: str) -> str | None:
    """The address in normal form, or None when it is not one."""
    typed = text.strip()
    plain = _PLAIN_EMAIL.fullmatch(typed)
    if plain is not None and len(typed) <= 254 and typed.index("@") <= 64:
        domain = plain[1].lower()
        labels = domain.split(".")
        if not any(".".join(labels[at:]) in _special_domains() for at in range(len(labels))):
            return typed[: typed.index("@") + 1] + domain
    try:
        return normalise_email(text)
    except ValueError:
        return None


# a contact's parts that are dataclasses, and their repr() without dataclasses' guard
# against a value holding itself (none does): the same text, for a fraction of the cost
_PLAIN_REPR: dict[type, Any] = {
    kind: getattr(kind.__repr__, "__wrapped__", kind.__repr__)
    for kind in (Labelled, PostalAddress, PartialDate, RememberedDate)
}


def _written(value: Any) -> str:
    """repr(value), for the values of a contact."""
    if type(value) is tuple and value:
        shown = _PLAIN_REPR.get(type(value[0]), repr)
        inner = ", ".join(shown(v) if type(v) is type(value[0]) else repr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return _PLAIN_REPR.get(type(value), repr)(value)


def fingerprint(contact: ImportedContact) -> str:
    """The same for the same person written the same way, wherever in a file they stand."""
    parts = [
        # (a text or an empty value, most of a contact's, is its repr(): said at once)
        repr(value) if type(value) is str or not value else _written(value)
        for key, value in contact.__dict__.items()
        if key not in ("origin", "problems")
    ]
    digest = hashlib.sha1("\x1e".join(parts).encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest[:8]).decode()[:11]  # 64 bits, in 11 letters


def _split_full_name(name: str) -> tuple[str, str]:
    """ "Ann Marie Webber" → ("Ann Marie", "Webber"); a name without spaces (山田太郎, or
    one word) is kept whole as the family name: a name is never cut where it has no gap."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return " ".join(words[:-1]), words[-1]


def _address_text(address: PostalAddress) -> str:
    place = " ".join(p for p in (address.postcode, address.city) if p)
    lines = [address.street, address.extended, address.po_box, place, address.region,
             address.country]  # fmt: skip
    return ", ".join(line.replace("\n", ", ") for line in lines if line)


def _chosen_address(addresses: tuple[PostalAddress, ...]) -> int:
    """Which of a contact's addresses becomes the client's: home first, then the first."""
    for at, address in enumerate(addresses):
        if address.label == "home":
            return at
    return 0


class _Builder:
    def __init__(self, contact: ImportedContact, region: str) -> None:
        self.contact = contact
        self.region = region
        self.draft = ClientDraft(
            values={name: "" for name in TEXT_FIELDS}
            | {"phones": [], "emails": [], "tags": [], "birthday": None},
            problems=list(contact.problems),
            fingerprint=fingerprint(contact),
        )

    def problem(self, text: str) -> None:
        origin = self.contact.origin
        self.draft.problems.append(Problem(text, origin.file, origin.line))

    def fact(self, label: str, value: str, on_date: date | None = None) -> None:
        """A thing to remember; one too long for one is kept whole as a note instead."""
        label, value = label.strip()[:60].strip() or "Imported", value.strip()
        if not value:
            return
        if limits.check({"label": label, "value": value}, limits.FACT):
            self.draft.notes.append(f"{label}: {value}")
        else:
            self.draft.facts.append(FactDraft(label, value, on_date))

    def text(self, name: str, value: str) -> None:
        value = value.strip()
        if not value:
            return
        limit = limits.CLIENT[name]
        if len(value) > limit.chars:
            self.draft.notes.append(f"{FIELD_NAMES[name]}: {value}")
            self.problem(f"{limit.label} is longer than {limit.chars} characters; kept in a note")
        else:
            self.draft.values[name] = value

    def build(self) -> ClientDraft:
        c = self.contact
        given = " ".join(p for p in (c.given_name, c.middle_name) if p)
        family = c.family_name
        if not (given or family) and c.display_name and c.display_name != c.company:
            given, family = _split_full_name(c.display_name)
        elif c.display_name and c.display_name not in (
            " ".join(p for p in (c.given_name, c.middle_name, c.family_name) if p),
            c.company,
        ):  # N and FN that disagree: the parts are the name, the FN is kept
            self.fact("Name as written", c.display_name)
        self.text("given_name", given)
        self.text("family_name", family)
        self.text("salutation", c.salutation)
        self.text("preferred_name", c.nickname)
        self.text("company", c.company)
        for label, value in (("Suffix", c.suffix), ("Department", c.department),
                             ("Job title", c.job_title)):  # fmt: skip
            self.fact(label, value)
        self._phones()
        self._emails()
        self._addresses()
        self._dates()
        for note in c.notes:
            self.draft.notes.append(note)
        tags: list[str] = []
        for group in c.groups:
            if len(group) > limits.TAG.chars:
                self.fact("Group", group)
            elif group.casefold() not in {t.casefold() for t in tags}:
                tags.append(group)
        self.draft.values["tags"] = sorted(tags, key=str.casefold)
        for label, value in c.extras:
            self.fact(label, value)
        if c.photo is not None:
            self.problem("the photo was not imported (crmdesk keeps no pictures of clients)")
        return self.draft

    def _phones(self) -> None:
        kept: list[dict[str, str]] = []
        seen: set[str] = set()
        for typed in self.contact.phones:
            found = phone(typed.value, self.region)
            if found is None:
                label = f"Imported phone ({typed.label})" if typed.label else "Imported phone"
                self.fact(label, typed.value)
                self.problem(f"“{typed.value}” is not a phone number; kept as a thing to remember")
            elif found[0] not in seen and len(kept) < limits.MAX_LINES:
                seen.add(found[0])
                label = typed.label[: limits.LABEL.chars]
                kept.append({"label": label, "number": found[0], "display": found[1]})
        self.draft.values["phones"] = kept

    def _emails(self) -> None:
        kept: list[dict[str, str]] = []
        seen: set[str] = set()
        for typed in self.contact.emails:
            found = email(typed.value)
            if found is None:
                label = f"Imported email ({typed.label})" if typed.label else "Imported email"
                self.fact(label, typed.value)
                self.problem(
                    f"“{typed.value}” is not an email address; kept as a thing to remember"
                )
            elif found.casefold() not in seen and len(kept) < limits.MAX_LINES:
                seen.add(found.casefold())
                kept.append({"label": typed.label[: limits.LABEL.chars], "address": found})
        self.draft.values["emails"] = kept

    def _addresses(self) -> None:
        addresses = self.contact.addresses
        if not addresses:
            return
        chosen = _chosen_address(addresses)
        first = addresses[chosen]
        street = "\n".join(p for p in (first.street, first.extended, first.po_box) if p)
        city = ", ".join(p for p in (first.city, first.region) if p)  # "Mountain View, CA"
        self.text("street", street)
        self.text("postcode", first.postcode)
        self.text("city", city)
        self.text("country", first.country)
        for at, address in enumerate(addresses):
            if at != chosen:
                label = f"{address.label.capitalize()} address" if address.label else "Address"
                self.fact(label, _address_text(address))

    def _dates(self) -> None:
        birthday = self.contact.birthday
        if birthday is not None:
            if birthdays.problem(birthday):  # a full date in the future
                self.fact("Birthday", birthday.iso())
                self.problem(f"the birthday {birthday.iso()} is in the future; kept as a "
                             "thing to remember")  # fmt: skip
            else:  # with its year, or without one ("15 April"): as the file gave it
                self.draft.values["birthday"] = birthday
        for remembered in self.contact.dates:
            label = remembered.label.capitalize() or "Date"
            when: PartialDate = remembered.when
            full = when.to_date()
            if full is None:
                self.fact(label, f"{when} (year unknown)")
            else:
                self.fact(label, full.isoformat(), full)


def draft_of(contact: ImportedContact, region: str) -> ClientDraft:
    """What `contact` becomes as a client of a shop in `region` (phone numbers without a
    country code are from there)."""
    return _Builder(contact, region).build()
