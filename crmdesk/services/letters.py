"""Letters from templates, for one client or a selection: the templates themselves, who gets
a letter, what each letter says, and the PDF (with labels) that is then written into every
client's history.

    batch = letters.prepare(db, template, client_ids)
    run = letters.produce(db, batch, Path("birthday.pdf"), labels=Path("labels.pdf"))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from crmdesk import paths
from crmdesk.documents.letters import (
    MAX_LAYOUT_SECONDS,
    MAX_LETTER_PAGES,
    Cancelled,
    Letter,
    Letterhead,
)
from crmdesk.documents.scripts import cannot_print, unprintable
from crmdesk.errors import CrmError, NotFoundError, ValidationError
from crmdesk.model.enums import HistoryKind
from crmdesk.model.ids import now
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import addresses, clients, templating
from crmdesk.services.changes import Changes, from_bulk, from_write
from crmdesk.services.clients import ClientRecord
from crmdesk.services.shop import ShopProfile, get_shop
from crmdesk.services.trash import live, soft_delete
from crmdesk.store.database import Database
from crmdesk.wording import count

__all__ = ["Cancelled", "LetterBatch", "TemplateRecord", "prepare", "produce"]

_MISSING = "That template is not there any more."


# ---------------------------------------------------------------------- templates


@dataclass(frozen=True)
class TemplateRecord:
    id: str  # "" for a built-in template as shipped
    name: str
    body: str
    builtin: str = ""  # the built-in it is (or replaces); "" for the shop's own

    @property
    def shipped(self) -> bool:
        return not self.id


@cache
def builtin_templates() -> tuple[TemplateRecord, ...]:
    """The templates shipped in resources/letters (front matter: `name:`)."""
    found = []
    for file in sorted((paths.resources_dir() / "letters").glob("*.md")):
        text = file.read_text(encoding="utf-8")
        _, head, body = text.split("---\n", 2)
        meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
        found.append(TemplateRecord("", meta["name"].strip(), body, builtin=file.stem))
    return tuple(found)


def list_templates(db: Database) -> list[TemplateRecord]:
    """Built-in templates (or the shop's edited versions of them) first, then the shop's."""
    saved = [
        TemplateRecord(*row)
        for row in db.query(
            "SELECT id, name, body, builtin FROM letter_templates"
            " WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE"
        )
    ]
    edited = {t.builtin: t for t in saved if t.builtin}
    shipped = [edited.get(t.builtin, t) for t in builtin_templates()]
    return shipped + [t for t in saved if not t.builtin]


def find_template(db: Database, name: str) -> TemplateRecord:
    templates = list_templates(db)
    for template in templates:
        if template.name.casefold() == name.strip().casefold():
            return template
    names = ", ".join(f"“{t.name}”" for t in templates)
    raise NotFoundError(f"There is no letter template called “{name}”. The templates are {names}.")


def save_template(db: Database, template: TemplateRecord | None, name: str, body: str) -> Changes:
    """Save a new template (template None), a changed copy of a built-in, or an edit.
    A template with mistakes can be saved (nothing is lost); it cannot be printed."""
    from crmdesk import model

    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the template a name (it is the letter's subject)."})
    for other in list_templates(db):
        same = template is not None and (
            (template.id and other.id == template.id)
            or (template.builtin and other.builtin == template.builtin)
        )
        if not same and other.name.casefold() == name.casefold():
            raise ValidationError({"name": f"There is already a template called “{other.name}”."})
    with db.write() as w:
        if template is not None and template.id:
            row = live(w.session.get(model.LetterTemplate, template.id), _MISSING)
            if row.name != name:
                row.name = name
            if row.body != body:
                row.body = body
            created = None
        else:
            builtin = template.builtin if template is not None else ""
            row = model.LetterTemplate(name=name, body=body, builtin=builtin)
            w.session.add(row)
            w.session.flush()
            created = row.id
    return from_write(f"Save template “{name}”", w, created_id=created)


def delete_template(db: Database, template_id: str) -> Changes:
    """Delete the shop's template (to the Trash); for an edited built-in, the shipped
    version comes back."""
    from crmdesk import model

    with db.write() as w:
        name = soft_delete(live(w.session.get(model.LetterTemplate, template_id), _MISSING)).name
    return from_write(f"Delete template “{name}”", w)


# ---------------------------------------------------------------------- who gets a letter


def clients_with_tag(db: Database, tag: str) -> list[str]:
    rows = db.query(
        "SELECT id FROM clients WHERE deleted_at IS NULL AND EXISTS"
        " (SELECT 1 FROM json_each(clients.tags) WHERE value = ? COLLATE NOCASE)"
        " ORDER BY sort_name",
        (tag.strip(),),
    )
    return [cid for (cid,) in rows]


def clients_tagged(db: Database, tag: str) -> list[str]:
    """The clients with `tag`; a tag no client has is an error naming it (and the tags
    there are), not an empty batch: the user mistyped it or asked the wrong database."""
    ids = clients_with_tag(db, tag)
    if not ids:
        tags = all_tags(db)
        known = f" The tags are: {', '.join(tags)}." if tags else " No client has a tag yet."
        raise NotFoundError(f"No client has the tag “{tag.strip()}”.{known}")
    return ids


def clients_found(db: Database, query: str) -> list[str]:
    """Every client the search finds (not only the first screenful)."""
    from crmdesk.services import search

    seen: dict[str, None] = {}
    for hit in search.search(db, query, limit=1_000_000):
        seen.setdefault(hit.client_id, None)
    return list(seen)


def clients_with_birthday_in(db: Database, month: int) -> list[str]:
    if not 1 <= month <= 12:
        raise ValidationError({"month": f"{month} is not a month; use 1 to 12."})
    rows = db.query(
        # (month and day at the same place with or without the year: "XXXX-05-14")
        "SELECT id FROM clients WHERE deleted_at IS NULL AND birthday IS NOT NULL"
        " AND substr(birthday, 6, 2) = ? ORDER BY substr(birthday, 9, 2), sort_name",
        (f"{month:02d}",),
    )
    return [cid for (cid,) in rows]


def all_tags(db: Database) -> list[str]:
    """Every tag a live client has, A to Z. Reading them takes a quarter of a second at
    100,000 clients (a walk through every client's list), so the answer is kept until the
    file changes; the window asks once in the background after opening."""

    def read() -> list[str]:
        rows = db.query(
            "SELECT DISTINCT j.value FROM clients, json_each(clients.tags) AS j"
            " WHERE clients.deleted_at IS NULL ORDER BY j.value COLLATE NOCASE"
        )
        return [tag for (tag,) in rows]

    return list(db.until_changed("all_tags", read))


def tags_if_known(db: Database) -> list[str] | None:
    """all_tags() if it is known and the file has not changed since; else None."""
    kept = db.kept("all_tags")
    return None if kept is None else list(kept)


def fact_labels(db: Database, limit: int = 40) -> list[str]:
    """The labels of things to remember, most used first (for the field picker)."""
    rows = db.query(
        "SELECT label FROM facts WHERE deleted_at IS NULL"
        " GROUP BY label COLLATE NOCASE ORDER BY count(*) DESC, label LIMIT ?",
        (limit,),
    )
    return [label for (label,) in rows]


# ---------------------------------------------------------------------- the letters


def has_postal_address(client: ClientRecord) -> bool:
    return bool(client.street.strip() and (client.postcode.strip() or client.city.strip()))


def address_lines(client: ClientRecord, home: str, *, with_name: bool = True) -> list[str]:
    """The address block as the client's country's post expects it (crmdesk.services.
    addresses), for a shop in `home` (an ISO code): no country line on domestic post."""
    name = " ".join(p for p in (client.salutation, client.given_name, client.family_name) if p)
    address = addresses.PostalAddress(
        name=name if with_name else "",
        company=client.company if client.company != name else "",
        street=client.street,
        postcode=client.postcode,
        city=client.city,
        country=client.country,
    )
    return addresses.postal_lines(address, home)


def client_fields(
    client: ClientRecord,
    shop: ShopProfile,
    facts: dict[str, str],
    last_visit: str | None,
    home: str,
) -> dict[str, Any]:
    """What a template sees as `client`: plain values, dates already written out."""

    def day(value: date | datetime | None) -> str:
        if value is None:
            return ""
        return shop.format_date(value.date() if isinstance(value, datetime) else value)

    full = " ".join(p for p in (client.given_name, client.family_name) if p)
    return {
        "greeting_name": client.address_name,
        "salutation": client.salutation,
        "first_name": client.given_name,
        "last_name": client.family_name,
        "full_name": full or client.company,
        "company": client.company,
        "address": "\n".join(address_lines(client, home, with_name=False)),
        "street": client.street,
        "postcode": client.postcode,
        "city": client.city,
        "country": client.country,
        "email": client.emails[0].address if client.emails else "",
        "phone": client.phones[0].display if client.phones else "",
        "birthday": shop.format_birthday(client.birthday) if client.birthday else "",
        "age": _age(client.birthday),
        "last_visit": day(datetime.fromisoformat(last_visit)) if last_visit else "",
        "last_contact": day(client.last_contact_at),
        "client_since": day(client.created_at),
        "referral_code": clients.referral_code(client.id),
        "facts": facts,
    }


def _age(birthday: PartialDate | None) -> str:
    """ "40", or "" when there is no birthday or its year is not known (never a guess)."""
    age = birthday.age_on(date.today()) if birthday is not None else None
    return "" if age is None else str(age)


def _sample_client() -> ClientRecord:
    return ClientRecord(
        id="00000000-0000-4000-8000-000000000000", given_name="Margaret", family_name="Webber",
        salutation="Mrs", preferred_name="", company="", phones=(), emails=(),
        street="15 Valley Drive", postcode="HG1 2RS", city="Harrogate", country="GB",
        birthday=PartialDate(5, 14, 1961), preferred_contact="any", marketing_consent=True,
        consent_at=None, tags=(), found_via="", referred_by_id=None, referred_by_name="",
        created_at=datetime(2022, 10, 3), last_contact_at=datetime(2026, 9, 1),
        deleted_at=None,
    )  # fmt: skip


def sample_client_fields(shop: ShopProfile, home: str) -> dict[str, Any]:
    """A made-up client (in Harrogate), for previews before any client is chosen."""
    return client_fields(_sample_client(), shop, {"Dog": "Biscuit"}, "2026-09-01T10:00:00", home)


def letterhead(shop: ShopProfile) -> Letterhead:
    contact = " · ".join(p for p in (shop.phone, shop.email, shop.website) if p)
    lines = [*shop.address_lines, *([contact] if contact else [])]
    return Letterhead(shop.name or "Your shop", tuple(lines), shop.logo, shop.paper)


@dataclass
class LetterBatch:
    template: TemplateRecord
    shop: ShopProfile
    letters: list[tuple[str, Letter]] = field(default_factory=list)  # (client id, letter)
    without_address: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (name, what is wrong)

    def chosen(self, include_without_address: bool) -> list[tuple[str, Letter]]:
        if include_without_address:
            return self.letters
        skip = {cid for cid, _ in self.without_address}
        return [(cid, letter) for cid, letter in self.letters if cid not in skip]


def prepare(
    db: Database,
    template: TemplateRecord,
    client_ids: Sequence[str],
    today: date | None = None,
) -> LetterBatch:
    """Fill in the template for every client. Raises TemplateError if the template itself
    is wrong, or asks more than a letter may take (TemplateLimitError, at the first letter);
    a client whose letter cannot be filled in (a missing thing to remember) or holds a
    character no shipped font can print (it would print as an empty box) is listed in
    `problems`, one without a postal address in `without_address`."""
    problems = templating.check(template.body)
    if problems:
        raise templating.TemplateError(problems)
    shop = get_shop(db)
    home = addresses.home_country(db)
    batch = LetterBatch(template, shop)
    found = clients.get_clients(db, list(client_ids))
    ids = [cid for cid in dict.fromkeys(client_ids) if cid in found and not found[cid].deleted_at]
    facts, visits = _facts(db, ids), _last_visits(db, ids)
    written = shop.format_date(today or date.today())
    context: dict[str, Any] = {"shop": shop.fields(), "today": written}
    for cid in ids:
        client = found[cid]
        context["client"] = client_fields(client, shop, facts.get(cid, {}), visits.get(cid), home)
        try:
            body = templating.render(template.body, context)
        except templating.TemplateLimitError:
            raise  # the template asks too much of every letter: stop at the first
        except templating.TemplateError as exc:
            batch.problems.append((client.display_name, str(exc)))
            continue
        letter = Letter(tuple(address_lines(client, home)), written, body, template.name)
        missing = unprintable("\n".join(letter.recipient) + "\n" + body)
        if missing:
            batch.problems.append((client.display_name, cannot_print(missing)))
            continue
        batch.letters.append((cid, letter))
        if not has_postal_address(client):
            batch.without_address.append((cid, client.display_name))
    return batch


def preview(
    db: Database,
    template_body: str,
    client_id: str | None,
    out: Any,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """One letter for `client_id` (or a made-up client) written to `out` (a path or a binary
    file); raises TemplateError (TemplateLimitError for a letter past MAX_LETTER_PAGES), or
    Cancelled once `cancelled()` is true (asked at every page). Nothing is logged. Returns
    the number of pages."""
    shop = get_shop(db)
    if client_id is not None:
        batch = prepare(db, TemplateRecord("", "Preview", template_body), [client_id])
        if batch.problems:
            raise CrmError(batch.problems[0][1])
        letters = [letter for _, letter in batch.letters]
    else:
        written = shop.format_date(date.today())
        home = addresses.home_country(db)
        context = {
            "shop": shop.fields(), "client": sample_client_fields(shop, home), "today": written
        }  # fmt: skip
        body = templating.render(template_body, context)
        sample = tuple(address_lines(_sample_client(), home))
        letters = [Letter(sample, written, body, "Preview")]
    return lay_out(out, letters, letterhead(shop), cancelled=cancelled)


def lay_out(
    out: Any,
    letters: Sequence[Letter],
    head: Letterhead,
    progress: Callable[[int], bool] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """`documents.letters.write_letters`, with a letter that runs past MAX_LETTER_PAGES
    or takes more than MAX_LAYOUT_SECONDS to lay out refused as the template's fault
    (TemplateLimitError), like one too long to fill in."""
    from crmdesk.documents.letters import LetterTooBig, write_letters

    try:
        return write_letters(out, letters, head, progress, cancelled)
    except LetterTooBig as exc:
        which = f"Letter {exc.letter + 1} of {len(letters)}" if len(letters) > 1 else "This letter"
        if exc.pages:
            what = f"runs past {MAX_LETTER_PAGES} pages, longer than a letter may be"
        else:
            what = (
                f"takes more than {MAX_LAYOUT_SECONDS:g} seconds to lay out on the page (a "
                "letter takes a few hundredths of a second)"
            )
        message = f"{which} {what}; shorten the text, repeat text less or loop over fewer things."
        raise templating.TemplateLimitError([templating.Problem(0, message)]) from exc


@dataclass(frozen=True)
class LetterRun:
    path: Path
    letters: int
    pages: int
    labels_path: Path | None
    changes: Changes


def produce(
    db: Database,
    batch: LetterBatch,
    out: Path,
    *,
    include_without_address: bool = False,
    labels: Path | None = None,
    labels_start_at: int = 1,
    progress: Callable[[int, int], bool] | None = None,
) -> LetterRun:
    """Write the letters into one PDF at `out` (and address labels at `labels`), then log
    each letter in its client's history. The file appears only when complete: a failure or
    a cancel (progress returning False raises Cancelled) leaves no file and logs nothing.
    The labels start at label `labels_start_at` of the first sheet (a sheet used before)."""
    from crmdesk.documents.labels import check_start, sheet_for, write_labels
    from crmdesk.documents.output import write_atomically

    chosen = batch.chosen(include_without_address)
    if not chosen:
        raise CrmError("There are no letters to write: no client in the selection can get one.")
    if labels is not None:
        check_start(sheet_for(batch.shop.paper), labels_start_at)  # before any letter is made
    total = len(chosen)
    letters = [letter for _, letter in chosen]
    report = (lambda n: progress(n, total)) if progress is not None else None
    head = letterhead(batch.shop)
    pages = write_atomically(out, lambda part: lay_out(part, letters, head, report))
    if labels is not None:
        try:
            addresses = [letter.recipient for letter in letters]
            sheet = sheet_for(batch.shop.paper)
            write_atomically(
                labels, lambda part: write_labels(part, addresses, sheet, labels_start_at)
            )
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    try:
        changes = log_letters(db, batch.template.name, chosen)
    except BaseException:  # letters that cannot be recorded are not handed out either
        out.unlink(missing_ok=True)
        if labels is not None:
            labels.unlink(missing_ok=True)
        raise
    return LetterRun(out, total, pages, labels, changes)


def log_letters(db: Database, subject: str, letters: list[tuple[str, Letter]]) -> Changes:
    """One history entry per letter, in one transaction (a bulk insert: a batch of 1,000
    letters is logged in a tenth of a second). Undo takes them all back. A letter to one
    client is a contact the owner made; one template printed for many at once is not (it
    closes no follow-up or call-back and does not count as staying in touch)."""
    from crmdesk import model
    from crmdesk.documents.markup import to_plain

    when = now()
    personal = len({cid for cid, _ in letters}) == 1
    rows = [
        {"client_id": cid, "kind": HistoryKind.LETTER.value, "direction": "out",
         "occurred_at": when, "subject": subject, "body": to_plain(letter.body),
         "outcome": "Printed", "created_at": datetime.now(), "deleted_at": None,
         "follow_up_on": None, "personal": personal}
        for cid, letter in letters
    ]  # fmt: skip
    with db.bulk() as bulk:
        ids = bulk.insert(model.HistoryEntry.__table__, rows)
    n = len(letters)
    label = f"Letter “{subject}” to {count(n, 'client')}"
    return from_bulk(label, {"history": ids}, (c for c, _ in letters))


def _facts(db: Database, ids: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    rows = db.query_ids(
        "SELECT client_id, label, value FROM facts WHERE deleted_at IS NULL"
        " AND client_id IN ({ids}) ORDER BY created_at",
        ids,
    )
    for cid, label, value in rows:
        found.setdefault(cid, {})[label] = value
    return found


def _last_visits(db: Database, ids: list[str]) -> dict[str, str]:
    rows = db.query_ids(
        "SELECT client_id, max(occurred_at) FROM history WHERE deleted_at IS NULL"
        " AND kind = 'visit' AND client_id IN ({ids}) GROUP BY client_id",
        ids,
    )
    return {cid: when for cid, when in rows}
