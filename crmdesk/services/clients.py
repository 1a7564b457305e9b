"""Client profiles: create, read, edit, delete (to the Trash) and restore."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crmdesk import model
from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model import ContactPreference
from crmdesk.model.ids import now
from crmdesk.model.names import display_name
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import birthdays, limits, settings
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.trash import live, soft_delete
from crmdesk.services.validation import email_address, normalise_email, normalise_phone
from crmdesk.store.database import Database
from crmdesk.wording import count

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Labelled:
    label: str
    value: str


# "mobile: 07911 123456": a label of words before a colon (not a number's own "+44:")
_COLON_LABEL = re.compile(r"^\s*([^:@+\d(][^:@]{0,40}?)\s*:\s*(.+)$")
# "home 01423 555012": the words before the number's first digit, "+" or "("
_WORDS_BEFORE_NUMBER = re.compile(r"^\s*([^\W\d_][^\d+(]{0,40}?)[\s.:–—-]*([+(\d].*)$")
# "01423 555012 (home)": a label without digits in brackets after the number
_LABEL_AFTER_NUMBER = re.compile(r"^(.*\d.*?)\s*\(([^\d()]{1,40})\)\s*$")


def parse_phones(text: str, default_label: str = "phone") -> list[Labelled]:
    """What was typed in the phones box, a number per line, each with its label:
    "mobile: 07911 123456", "home 01423 555012" and "01423 555012 (home)" are all kept with
    their labels; a line without one gets `default_label`. A line that is no number at all
    ("call me") is kept whole, for the check to say so."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        m = (
            _COLON_LABEL.match(line)
            or _WORDS_BEFORE_NUMBER.match(line)
            or _LABEL_AFTER_NUMBER.match(line)
        )
        if m is None:
            out.append(Labelled(default_label, line.strip()))
        elif m.re is _LABEL_AFTER_NUMBER:
            out.append(Labelled(m[2].strip(), m[1].strip()))
        else:
            out.append(Labelled(m[1].strip(), m[2].strip()))
    return out


def parse_emails(text: str, default_label: str = "email") -> list[Labelled]:
    """What was typed in the emails box, an address per line: "home: ann@example.org" and
    "work ann@example.org" keep their labels; a pasted "Jane <jane@example.org>" (or
    "mailto:…") keeps the address — the name in front of it is not a label."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        label, value = default_label, line
        m = _COLON_LABEL.match(line)
        if m and m[1].strip().lower() != "mailto":
            label, value = m[1].strip(), m[2].strip()
        elif "<" not in line and "(" not in line:
            words = line.split()
            if len(words) > 1 and "@" in words[-1] and "@" not in " ".join(words[:-1]):
                label, value = " ".join(words[:-1]).rstrip(":–—- "), words[-1]
        out.append(Labelled(label, value))
    return out


def format_lines(items: Sequence[Labelled]) -> str:
    """The phones or emails box's text for `items`: "mobile: 07911 123456" per line."""
    return "\n".join(f"{i.label}: {i.value}" if i.label else i.value for i in items)


@dataclass
class ClientForm:
    """What the user typed into the client form, before it is checked."""

    given_name: str = ""
    family_name: str = ""
    salutation: str = ""
    preferred_name: str = ""
    company: str = ""
    phones: list[Labelled] = field(default_factory=list)
    emails: list[Labelled] = field(default_factory=list)
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    birthday: PartialDate | None = None  # its year None when not known ("15 April")
    preferred_contact: str = ContactPreference.ANY.value
    marketing_consent: bool = False
    tags: list[str] = field(default_factory=list)
    found_via: str = ""
    referred_by_id: str | None = None


@dataclass(frozen=True)
class Phone:
    label: str
    number: str  # E.164
    display: str


@dataclass(frozen=True)
class Email:
    label: str
    address: str


@dataclass(frozen=True)
class ClientRecord:
    id: str
    given_name: str
    family_name: str
    salutation: str
    preferred_name: str
    company: str
    phones: tuple[Phone, ...]
    emails: tuple[Email, ...]
    street: str
    postcode: str
    city: str
    country: str
    birthday: PartialDate | None
    preferred_contact: str
    marketing_consent: bool
    consent_at: datetime | None
    tags: tuple[str, ...]
    found_via: str
    referred_by_id: str | None
    referred_by_name: str
    created_at: datetime
    last_contact_at: datetime | None
    deleted_at: datetime | None
    erased_at: datetime | None = None  # their data was erased on request: a tombstone

    @property
    def display_name(self) -> str:
        return display_name(self.given_name, self.family_name, self.company)

    @property
    def address_name(self) -> str:
        """How to address them: "Mrs Webber", or their preferred name."""
        if self.preferred_name:
            return self.preferred_name
        if self.salutation and self.family_name:
            return f"{self.salutation} {self.family_name}"
        return self.display_name

    def to_form(self) -> ClientForm:
        form = ClientForm()
        for f in fields(ClientForm):
            value: Any = getattr(self, f.name)
            setattr(form, f.name, value)
        form.phones = [Labelled(p.label, p.display) for p in self.phones]
        form.emails = [Labelled(e.label, e.address) for e in self.emails]
        form.tags = list(self.tags)
        return form


_PROFILE = """
SELECT c.id, c.given_name, c.family_name, c.salutation, c.preferred_name, c.company,
       c.phones, c.emails, c.street, c.postcode, c.city, c.country, c.birthday,
       c.preferred_contact, c.marketing_consent, c.consent_at, c.tags, c.found_via,
       c.referred_by_id, r.given_name, r.family_name, r.company,
       c.created_at, c.last_contact_at, c.deleted_at, c.erased_at
FROM clients AS c LEFT JOIN clients AS r ON r.id = c.referred_by_id
"""


def get_client(db: Database, client_id: str) -> ClientRecord:
    rows = db.query(_PROFILE + " WHERE c.id = ?", (client_id,))
    if not rows:
        raise NotFoundError(f"No client with id {client_id}.")
    return _record(rows[0])


def get_clients(db: Database, client_ids: Sequence[str]) -> dict[str, ClientRecord]:
    """Many clients at once (letters for a selection), by id; missing ids are left out."""
    rows = db.query_ids(_PROFILE + " WHERE c.id IN ({ids})", client_ids)
    return {record.id: record for record in map(_record, rows)}


def known_clients(db: Database, client_ids: Sequence[str]) -> list[str]:
    """`client_ids` as given (each once), once each is known to be a client here; an id
    with no client, or one in the Trash, is an error naming it."""
    ids = list(dict.fromkeys(i.strip() for i in client_ids))
    found = {cid: deleted for cid, deleted in db.query_ids(
        "SELECT id, deleted_at FROM clients WHERE id IN ({ids})", ids)}  # fmt: skip
    missing = [i for i in ids if i not in found]
    trashed = [i for i in ids if found.get(i)]
    problems = [f"No client with id {i}." for i in missing[:5]]
    problems += [f"The client with id {i} is in the Trash." for i in trashed[:5]]
    if problems:
        more = len(missing) + len(trashed) - len(problems)
        raise NotFoundError(" ".join(problems) + (f" (And {more} more.)" if more else ""))
    return ids


def referral_code(client_id: str) -> str:
    """The client's personal referral code: "R-" and 8 letters and digits made from their
    id (40 bits: unique among millions of clients), so it never changes and needs no
    storage. Crockford's alphabet: no I, L, O or U to misread."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    bits = int(client_id.replace("-", "")[:10], 16)
    return "R-" + "".join(alphabet[(bits >> shift) & 31] for shift in range(35, -1, -5))


_CODE = re.compile(r"R-?([0-9A-HJKMNP-TV-Z]{8})")


def looks_like_referral_code(typed: str) -> bool:
    return bool(_CODE.fullmatch(typed.strip().upper().translate(str.maketrans("OIL", "011"))))


def client_with_referral_code(db: Database, typed: str) -> tuple[str, str] | None:
    """(id, name) of the live client whose referral code was typed ("R-7K3M9Q2A", in any
    case, with or without the dash; O read as 0 and I or L as 1, as Crockford's code
    allows), or None if it is not one. The code is the id's first 40 bits, so the lookup
    is a range on the primary key."""
    text = typed.strip().upper().translate(str.maketrans("OIL", "011"))
    match = _CODE.fullmatch(text)
    if match is None:
        return None
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    bits = 0
    for ch in match[1]:
        bits = bits * 32 + alphabet.index(ch)
    digits = f"{bits:010x}"
    prefix = f"{digits[:8]}-{digits[8:]}"
    rows = db.query(
        "SELECT id, given_name, family_name, company FROM clients"
        " WHERE id >= ? AND id < ? AND deleted_at IS NULL",
        (prefix, prefix + "~"),
    )
    code = f"R-{match[1]}"
    found = [
        (cid, display_name(given, family, company))
        for cid, given, family, company in rows
        if referral_code(cid) == code
    ]
    return found[0] if len(found) == 1 else None


def _record(row: Sequence[Any]) -> ClientRecord:
    (cid, given, family, salutation, preferred, company, phones, emails, street, postcode,
     city, country, birthday, contact, consent, consent_at, tags, found_via, referred_by,
     r_given, r_family, r_company, created, last, deleted, erased) = row  # fmt: skip
    return ClientRecord(
        id=cid,
        given_name=given,
        family_name=family,
        salutation=salutation,
        preferred_name=preferred,
        company=company,
        phones=tuple(
            Phone(p["label"], p["number"], p.get("display", "")) for p in json.loads(phones)
        ),
        emails=tuple(Email(e["label"], e["address"]) for e in json.loads(emails)),
        street=street,
        postcode=postcode,
        city=city,
        country=country,
        birthday=PartialDate.from_stored(birthday),
        preferred_contact=contact,
        marketing_consent=bool(consent),
        consent_at=_when(consent_at),
        tags=tuple(json.loads(tags)),
        found_via=found_via,
        referred_by_id=referred_by,
        referred_by_name=display_name(r_given, r_family, r_company) if referred_by else "",
        created_at=datetime.fromisoformat(created),
        last_contact_at=_when(last),
        deleted_at=_when(deleted),
        erased_at=_when(erased),
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _check(db: Database, form: ClientForm, editing: str | None) -> dict[str, Any]:
    """Validate every field; return the column values or raise ValidationError (all problems)."""
    problems: dict[str, str] = {}
    strip = {
        name: getattr(form, name).strip()
        for name in (
            "given_name", "family_name", "salutation", "preferred_name", "company",
            "street", "postcode", "city", "country", "found_via",
        )
    }  # fmt: skip
    if not (strip["given_name"] or strip["family_name"] or strip["company"]):
        problems["given_name"] = "Enter a given or family name (or a company)."
    problems.update(limits.check(strip, limits.CLIENT))
    region = settings.phone_region(db)
    phones = []
    for entry in form.phones:
        if not entry.value.strip():
            continue
        said = _too_long_line(entry, limits.PHONE)
        try:
            if said:
                raise ValueError(said)
            e164, shown = normalise_phone(entry.value, region)
            phones.append({"label": entry.label.strip(), "number": e164, "display": shown})
        except ValueError as exc:
            problems.setdefault("phones", str(exc))
    emails = []
    for entry in form.emails:
        if not entry.value.strip():
            continue
        said = _too_long_line(entry, limits.EMAIL, email_address(entry.value))
        try:
            if said:
                raise ValueError(said)
            emails.append({"label": entry.label.strip(), "address": normalise_email(entry.value)})
        except ValueError as exc:
            problems.setdefault("emails", str(exc))
    for name, kept in (("phones", phones), ("emails", emails)):
        if len(kept) > limits.MAX_LINES:
            problems.setdefault(name, f"At most {limits.MAX_LINES} {name} per client.")
    tags = sorted({t.strip() for t in form.tags if t.strip()}, key=str.casefold)
    for tag in tags:
        said = limits.too_long(limits.TAG, tag)
        if said:
            problems.setdefault("tags", f"“{tag[:20]}…”: {said}")
    if said := birthdays.problem(form.birthday):
        problems["birthday"] = said
    if form.preferred_contact not in {p.value for p in ContactPreference}:
        problems["preferred_contact"] = f"“{form.preferred_contact}” is not a way of contacting."
    if form.referred_by_id:
        if form.referred_by_id == editing:
            problems["referred_by_id"] = "A client cannot have referred themselves."
        else:
            ref = db.query(
                "SELECT 1 FROM clients WHERE id = ? AND deleted_at IS NULL", (form.referred_by_id,)
            )
            if not ref:
                problems["referred_by_id"] = "The referring client no longer exists; pick another."
    if problems:
        raise ValidationError(problems)
    return {
        **strip,
        "phones": phones,
        "emails": emails,
        "birthday": form.birthday,
        "preferred_contact": form.preferred_contact,
        "marketing_consent": form.marketing_consent,
        "tags": tags,
        "referred_by_id": form.referred_by_id or None,
    }


def _too_long_line(entry: Labelled, limit: limits.Limit, value: str | None = None) -> str | None:
    """A phone's or email's line: its label and its number (or address) each fit."""
    return limits.too_long(limits.LABEL, entry.label.strip()) or limits.too_long(
        limit, (entry.value if value is None else value).strip()
    )


def create_client(db: Database, form: ClientForm) -> Changes:
    values = _check(db, form, editing=None)
    with db.write() as w:
        client = model.Client(**values)
        client.consent_at = now() if form.marketing_consent else None
        w.session.add(client)
        w.session.flush()
        new_id, name = client.id, client.display_name
    return from_write(f"New client {name}", w, created_id=new_id)


def update_client(db: Database, client_id: str, form: ClientForm) -> Changes:
    values = _check(db, form, editing=client_id)
    with db.write() as w:
        client = _live(w.session.get(model.Client, client_id), client_id)
        if form.marketing_consent and not client.marketing_consent:
            client.consent_at = now()
        elif not form.marketing_consent:
            client.consent_at = None
        for key, value in values.items():
            if getattr(client, key) != value:
                setattr(client, key, value)
        name = client.display_name
    return from_write(f"Edit {name}", w)


def delete_client(db: Database, client_id: str) -> Changes:
    """Move a client to the Trash (a tombstone; their notes and history stay with them)."""
    return delete_clients(db, [client_id])


def delete_clients(db: Database, client_ids: Sequence[str]) -> Changes:
    """Move clients to the Trash in one write: one step for Undo brings them all back."""
    ids = list(dict.fromkeys(client_ids))
    with db.write() as w:
        when = now()
        names = []
        for client_id in ids:
            client = _live(w.session.get(model.Client, client_id), client_id)
            names.append(soft_delete(client, when).display_name)
    label = f"Delete {names[0]}" if len(names) == 1 else f"Delete {count(len(names), 'client')}"
    return from_write(label, w)


def restore_client(db: Database, client_id: str) -> Changes:
    with db.write() as w:
        client = w.session.get(model.Client, client_id)
        if client is None:
            raise NotFoundError(f"No client with id {client_id}.")
        client.deleted_at = None
        name = client.display_name
    return from_write(f"Restore {name}", w)


def find_by_name(db: Database, text: str, limit: int = 20) -> list[tuple[str, str]]:
    """(id, name) of live clients whose name starts with `text`, for pickers."""
    pattern = text.strip().replace("%", "").replace("_", "") + "%"
    rows = db.query(
        "SELECT id, given_name, family_name, company FROM clients WHERE deleted_at IS NULL"
        " AND (family_name LIKE :p OR given_name LIKE :p OR company LIKE :p)"
        " ORDER BY sort_name LIMIT :limit",
        {"p": pattern, "limit": limit},
    )
    return [(cid, display_name(given, family, company)) for cid, given, family, company in rows]


@dataclass(frozen=True)
class NameMatch:
    id: str
    name: str
    city: str

    @property
    def label(self) -> str:
        """How a picker lists them: "Margaret Webber — Leeds" (the town tells two of the same
        name apart)."""
        return f"{self.name} — {self.city}" if self.city else self.name


def name_matches(db: Database, text: str, limit: int = 20) -> list[NameMatch]:
    """Live clients whose given or family name or company starts with `text` (accents and
    case aside), with their town, for a picker that must name one client. Found through
    the people index (a scan of the names took 50–130 ms at 100,000 clients, on every key);
    a text of one or two letters only still reads the names."""
    from crmdesk.model.folding import fold
    from crmdesk.services import search

    typed = text.strip()
    if not typed:
        return []
    ids = search.profiles(db, typed)
    if ids is None:  # only words of one or two letters: their start, read from the names
        ids = [h.client_id for h in search.search(db, typed, limit)]
    if not ids:
        return []
    rows = db.query_ids(
        "SELECT id, given_name, family_name, company, city, sort_name FROM clients"
        " WHERE id IN ({ids}) AND +deleted_at IS NULL",  # (by id: the index holds the live)
        ids,
    )
    wanted = fold(typed)

    def named(given: str, family: str, company: str) -> bool:
        names = (family, given, company, f"{given} {family}")
        return any(fold(name or "").startswith(wanted) for name in names)

    found = [
        (sort_name or "", NameMatch(cid, display_name(given, family, company), city))
        for cid, given, family, company, city, sort_name in rows
        if named(given, family, company)
    ]
    found.sort(key=lambda keyed: keyed[0])  # by the list's name order alone (stable)
    return [match for _key, match in found[:limit]]


def live_client(session: Session, client_id: str) -> model.Client:
    """The client, for a write; says so if they are gone (deleted meanwhile, or undone)."""
    return _live(session.get(model.Client, client_id), client_id)


def _live(client: model.Client | None, client_id: str) -> model.Client:
    return live(client, f"The client {client_id} is not there any more (deleted?).")
