"""Merging two clients who are the same person into one.

The user chooses, field by field, whose value the kept client has (for phones and emails:
either's, or both lists). Everything else moves to the kept client: history (follow-ups
with it), notes, things to remember, purchases, complaints, survey answers and forms, the
clients they referred; their tags are added to the kept client's, and the kept client is a
client since the earlier of the two dates. The other client is not deleted outright: it is
a tombstone that names the client kept ("merged into"), so a copy of the file that still
has the other client redirects what it adds to it when the copies are merged
(store.merged_clients). All of it is one write, so one Undo takes the whole merge back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model import kinds
from crmdesk.model.enums import ContactPreference
from crmdesk.model.names import display_name
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import dates, settings
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.trash import soft_delete
from crmdesk.store.database import Database

Side = Literal["kept", "other", "both"]


@dataclass(frozen=True)
class MergeField:
    key: str
    label: str
    # columns that go with the field's value (the date consent was given, with consent)
    with_it: tuple[str, ...] = ()
    is_list: bool = False  # phones, emails: both lists can be kept


PROFILE = (
    MergeField("given_name", "Given name"),
    MergeField("family_name", "Family name"),
    MergeField("salutation", "Salutation"),
    MergeField("preferred_name", "Preferred name"),
    MergeField("company", "Company"),
    MergeField("phones", "Phones", is_list=True),
    MergeField("emails", "Emails", is_list=True),
    MergeField("street", "Street"),
    MergeField("postcode", "Postcode"),
    MergeField("city", "City / town"),
    MergeField("country", "Country"),
    MergeField("birthday", "Birthday"),
    MergeField("preferred_contact", "Preferred contact"),
    MergeField("marketing_consent", "Marketing consent", ("consent_at",)),
    MergeField("found_via", "Found us via"),
    MergeField("referred_by_id", "Referred by", ("referral_reward", "reward_given_on")),
    MergeField("touch_every_days", "Stay in touch every"),
    MergeField("stage_override", "Loyalty stage (set by hand)", ("stage_override_on",)),
)
_BY_KEY = {f.key: f for f in PROFILE}
_COLUMNS = sorted({c for f in PROFILE for c in (f.key, *f.with_it)} | {"tags", "created_at"})


@dataclass(frozen=True)
class FieldRow:
    """One line of the chooser: both values as the user reads them, and the default."""

    key: str
    label: str
    kept_text: str
    other_text: str
    default: Side
    is_list: bool

    @property
    def differs(self) -> bool:
        return self.kept_text != self.other_text


@dataclass(frozen=True)
class MergePlan:
    kept_id: str
    other_id: str
    kept_name: str
    other_name: str
    fields: tuple[FieldRow, ...]
    moving: tuple[tuple[str, int], ...]  # (what the user calls them, how many) that move

    def defaults(self) -> dict[str, Side]:
        return {row.key: row.default for row in self.fields}


def plan(db: Database, kept_id: str, other_id: str) -> MergePlan:
    """What merging `other_id` into `kept_id` would do, for the chooser."""
    if kept_id == other_id:
        raise ValidationError({"client": "A client cannot be merged with themselves."})
    rows = _profiles(db, (kept_id, other_id))
    kept, other = rows[kept_id], rows[other_id]
    newer = _newer_fields(db, kept_id, other_id)
    locale = settings.locale_for(db)
    names = _referrer_names(db, {kept["referred_by_id"], other["referred_by_id"]})
    fields = []
    for f in PROFILE:
        a, b = kept[f.key], other[f.key]
        fields.append(
            FieldRow(
                f.key,
                f.label,
                _text(f.key, a, locale, names),
                _text(f.key, b, locale, names),
                _default(f, a, b, f.key in newer),
                f.is_list,
            )
        )
    return MergePlan(
        kept_id,
        other_id,
        display_name(kept["given_name"], kept["family_name"], kept["company"]),
        display_name(other["given_name"], other["family_name"], other["company"]),
        tuple(fields),
        _moving(db, other_id),
    )


def merge_clients(
    db: Database, kept_id: str, other_id: str, take: Mapping[str, Side] | None = None
) -> Changes:
    """Merge `other_id` into `kept_id`: each profile field from the side `take` names (the
    plan's defaults for a field not named), everything else moved; one step for Undo."""
    from sqlalchemy import select

    from crmdesk import model
    from crmdesk.services.clients import live_client

    planned = plan(db, kept_id, other_id)
    chosen = planned.defaults()
    for key, side in (take or {}).items():
        if key not in _BY_KEY or side not in ("kept", "other", "both"):
            raise ValidationError({key: f"“{side}” is not a choice for {key}."})
        chosen[key] = side
    with db.write() as w:
        s = w.session
        kept, other = live_client(s, kept_id), live_client(s, other_id)
        seen = dict(s.execute(select(model.SiteClock.site_id, model.SiteClock.hlc)).all())
        seen[db.site_id] = db.clock.now()
        # the tombstone first: the other's rows leave the search index with it, and come
        # back under the kept client as they move
        other.merged_into_id = kept_id
        other.merged_seen = json.dumps(seen, sort_keys=True)
        soft_delete(other)
        s.flush()
        for key, side in chosen.items():
            _take(kept, other, _BY_KEY[key], side)
        kept.tags = list(dict.fromkeys([*kept.tags, *other.tags]))
        kept.created_at = min(kept.created_at, other.created_at)
        for table in kinds.moved_tables():
            cls: Any = kinds.mapped_class(table)
            for row in s.scalars(select(cls).where(cls.client_id == other_id)):
                row.client_id = kept_id
        referred = select(model.Client).where(model.Client.referred_by_id == other_id)
        for client in s.scalars(referred):
            client.referred_by_id = kept_id if client.id != kept_id else None
        if kept.referred_by_id in (kept_id, other_id):  # they cannot have referred themselves
            kept.referred_by_id = None
    kept_name, other_name = planned.kept_name, planned.other_name
    label = (
        f"Merge {other_name} into {kept_name}" if other_name != kept_name else f"Merge {kept_name}"
    )
    return from_write(label, w)


# --------------------------------------------------------------------- the choices


def _take(kept: Any, other: Any, f: MergeField, side: Side) -> None:
    if side == "kept":
        return
    if side == "both" and f.is_list:
        merged = _both(f.key, getattr(kept, f.key), getattr(other, f.key))
        if merged != getattr(kept, f.key):
            setattr(kept, f.key, merged)
        return
    for column in (f.key, *f.with_it):
        value = getattr(other, column)
        if getattr(kept, column) != value:
            setattr(kept, column, value)


def _both(key: str, ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[Any]:
    """The kept client's list, then each of the other's entries it does not hold."""
    field = "number" if key == "phones" else "address"
    held = {str(entry.get(field, "")).casefold() for entry in ours}
    extra = [e for e in theirs if str(e.get(field, "")).casefold() not in held]
    return [*ours, *extra]


def _default(f: MergeField, kept: Any, other: Any, other_newer: bool) -> Side:
    """The non-empty value; of two different ones, the newer (lists: both)."""
    empty: tuple[Any, ...] = (None, "", "[]", [], 0, False)
    if other in empty or kept == other:
        return "kept"
    if kept in empty:
        return "other"
    if f.is_list:
        return "both"
    return "other" if other_newer else "kept"


def _newer_fields(db: Database, kept_id: str, other_id: str) -> set[str]:
    """The profile fields last changed on the other client later than on the kept one."""
    stamps: dict[tuple[str, str], str] = {}
    for row_id, column, hlc in db.query(
        "SELECT row_id, column_name, hlc FROM field_changes WHERE table_name = 'clients'"
        " AND row_id IN (?, ?)",
        (kept_id, other_id),
    ):
        stamps[(row_id, column)] = hlc

    def stamp(row_id: str, column: str) -> str:
        return stamps.get((row_id, column)) or stamps.get((row_id, "*"), "")

    return {f.key for f in PROFILE if stamp(other_id, f.key) > stamp(kept_id, f.key)}


def _profiles(db: Database, ids: tuple[str, str]) -> dict[str, dict[str, Any]]:
    names = ", ".join(_COLUMNS)
    found = {}
    for row in db.query(f"SELECT id, deleted_at, {names} FROM clients WHERE id IN (?, ?)", ids):
        values = dict(zip(("id", "deleted_at", *_COLUMNS), row, strict=True))
        for key in ("phones", "emails", "tags"):
            values[key] = json.loads(values[key] or "[]")
        found[values["id"]] = values
    for client_id in ids:
        if client_id not in found or found[client_id]["deleted_at"] is not None:
            raise NotFoundError(
                f"The client {client_id} is not there any more (merged or deleted?)."
            )
    return found


def _referrer_names(db: Database, ids: set[str | None]) -> dict[str, str]:
    wanted = [i for i in ids if i]
    rows = db.query_ids(
        "SELECT id, given_name, family_name, company FROM clients WHERE id IN ({ids})", wanted
    )
    return {cid: display_name(g, f, c) for cid, g, f, c in rows}


def _text(key: str, value: Any, locale: str, names: dict[str, str]) -> str:
    """A value as the chooser shows it."""
    if value in (None, "", []):
        return ""
    if key == "phones":
        return "\n".join(f"{p.get('label', '')}: {p.get('display') or p['number']}" for p in value)
    if key == "emails":
        return "\n".join(f"{e.get('label', '')}: {e['address']}" for e in value)
    if key == "birthday":  # "12 May 1990", or "12 May" when the year is not known
        when = value if isinstance(value, PartialDate) else PartialDate.from_stored(str(value))
        return dates.show_birthday(when, locale) if when is not None else ""
    if key == "marketing_consent":
        return "Yes" if value else "No"
    if key == "preferred_contact":
        try:
            return ContactPreference(value).label
        except ValueError:
            return str(value)
    if key == "referred_by_id":
        return names.get(value, "(a client no longer here)")
    if key == "touch_every_days":
        return f"{value} days"
    return str(value)


def _moving(db: Database, other_id: str) -> tuple[tuple[str, int], ...]:
    """What moves from the other client (live records), as the user calls them."""
    found = []
    for table in kinds.moved_tables():
        [(n,)] = db.query(
            f"SELECT count(*) FROM {table} WHERE client_id = ? AND deleted_at IS NULL", (other_id,)
        )
        if n:
            found.append((kinds.kind_names()[table], n))
    [(referred,)] = db.query(
        "SELECT count(*) FROM clients WHERE referred_by_id = ? AND deleted_at IS NULL",
        (other_id,),
    )
    if referred:
        found.append(("Clients they referred", referred))
    return tuple(found)
