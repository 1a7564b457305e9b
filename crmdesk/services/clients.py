"""Client profiles: create, read, edit, delete (to the Trash) and restore."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model import Client, ContactPreference
from crmdesk.model.base import now
from crmdesk.model.clients import display_name
from crmdesk.services import settings
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.validation import normalise_email, normalise_phone
from crmdesk.store.database import Database
from crmdesk.store.tracking import tombstone_time


@dataclass(frozen=True)
class Labelled:
    label: str
    value: str


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
    birthday: date | None = None
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
    birthday: date | None
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


def _record(client: Client, referrer: str = "") -> ClientRecord:
    return ClientRecord(
        id=client.id,
        given_name=client.given_name,
        family_name=client.family_name,
        salutation=client.salutation,
        preferred_name=client.preferred_name,
        company=client.company,
        phones=tuple(Phone(p["label"], p["number"], p.get("display", "")) for p in client.phones),
        emails=tuple(Email(e["label"], e["address"]) for e in client.emails),
        street=client.street,
        postcode=client.postcode,
        city=client.city,
        country=client.country,
        birthday=client.birthday,
        preferred_contact=client.preferred_contact,
        marketing_consent=client.marketing_consent,
        consent_at=client.consent_at,
        tags=tuple(client.tags),
        found_via=client.found_via,
        referred_by_id=client.referred_by_id,
        referred_by_name=referrer,
        created_at=client.created_at,
        last_contact_at=client.last_contact_at,
        deleted_at=client.deleted_at,
    )


def get_client(db: Database, client_id: str) -> ClientRecord:
    with db.read() as s:
        client = s.get(Client, client_id)
        if client is None:
            raise NotFoundError(f"No client with id {client_id}.")
        referrer = ""
        if client.referred_by_id:
            ref = s.get(Client, client.referred_by_id)
            referrer = ref.display_name if ref is not None else ""
        return _record(client, referrer)


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
    region = settings.phone_region(db)
    phones = []
    for entry in form.phones:
        if not entry.value.strip():
            continue
        try:
            e164, shown = normalise_phone(entry.value, region)
            phones.append({"label": entry.label.strip(), "number": e164, "display": shown})
        except ValueError as exc:
            problems.setdefault("phones", str(exc))
    emails = []
    for entry in form.emails:
        if not entry.value.strip():
            continue
        try:
            emails.append({"label": entry.label.strip(), "address": normalise_email(entry.value)})
        except ValueError as exc:
            problems.setdefault("emails", str(exc))
    if form.birthday is not None and form.birthday > date.today():
        problems["birthday"] = "The birthday is in the future; check the year."
    if form.preferred_contact not in {p.value for p in ContactPreference}:
        problems["preferred_contact"] = f"“{form.preferred_contact}” is not a way of contacting."
    if form.referred_by_id:
        if form.referred_by_id == editing:
            problems["referred_by_id"] = "A client cannot have referred themselves."
        else:
            with db.read() as s:
                ref = s.get(Client, form.referred_by_id)
                gone = ref is None or ref.deleted_at is not None
            if gone:
                problems["referred_by_id"] = "The referring client no longer exists; pick another."
    if problems:
        raise ValidationError(problems)
    tags = sorted({t.strip() for t in form.tags if t.strip()}, key=str.casefold)
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


def create_client(db: Database, form: ClientForm) -> Changes:
    values = _check(db, form, editing=None)
    with db.write() as w:
        client = Client(**values)
        client.consent_at = now() if form.marketing_consent else None
        w.session.add(client)
        w.session.flush()
        new_id, name = client.id, client.display_name
    return from_write(f"New client {name}", w, created_id=new_id)


def update_client(db: Database, client_id: str, form: ClientForm) -> Changes:
    values = _check(db, form, editing=client_id)
    with db.write() as w:
        client = _live(w.session.get(Client, client_id), client_id)
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
    with db.write() as w:
        client = _live(w.session.get(Client, client_id), client_id)
        client.deleted_at = tombstone_time()
        name = client.display_name
    return from_write(f"Delete {name}", w)


def restore_client(db: Database, client_id: str) -> Changes:
    with db.write() as w:
        client = w.session.get(Client, client_id)
        if client is None:
            raise NotFoundError(f"No client with id {client_id}.")
        client.deleted_at = None
        name = client.display_name
    return from_write(f"Restore {name}", w)


def find_by_name(db: Database, text: str, limit: int = 20) -> list[tuple[str, str]]:
    """(id, name) of live clients whose name starts with `text`, for pickers."""
    pattern = text.strip().replace("%", "").replace("_", "") + "%"
    with db.read() as s:
        rows = s.scalars(
            select(Client)
            .where(Client.deleted_at.is_(None))
            .where(
                Client.family_name.like(pattern)
                | Client.given_name.like(pattern)
                | Client.company.like(pattern)
            )
            .order_by(Client.sort_name)
            .limit(limit)
        ).all()
        return [(c.id, c.display_name) for c in rows]


def _live(client: Client | None, client_id: str) -> Client:
    if client is None or client.deleted_at is not None:
        raise NotFoundError(f"The client {client_id} is not there any more (deleted?).")
    return client
