"""The pages of a person's data export: the JSON document of services.person_export put
into words — a section per kind of record, each record a heading (when, what) and its
fields — for documents.person_data to lay out. Dates are written as the shop writes them,
amounts in the shop's currency, exactly."""

from __future__ import annotations

import base64
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crmdesk.documents.person_data import Entry, PersonDocument, Section
from crmdesk.model.enums import ContactPreference, Direction, HistoryKind
from crmdesk.model.names import display_name
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import amounts, settings
from crmdesk.services.shop import ShopProfile, get_shop
from crmdesk.store.database import Database
from crmdesk.wording import count


class _Words:
    """How dates, moments and amounts are written for this shop."""

    def __init__(self, shop: ShopProfile, currency: str, locale: str) -> None:
        self.shop, self.currency, self.locale = shop, currency, locale

    def day(self, iso: str | None) -> str:
        return self.shop.format_date(date.fromisoformat(iso[:10])) if iso else ""

    def birthday(self, written: str | None) -> str:
        """The export's "1984-02-29" or "--04-15" as the shop writes it ("15 April")."""
        if not written:
            return ""
        return self.shop.format_birthday(PartialDate.parse(written))

    def moment(self, iso: str | None) -> str:
        if not iso:
            return ""
        at = datetime.fromisoformat(iso)
        return f"{self.shop.format_date(at.date())} {at:%H:%M}"

    def money(self, amount: str) -> str:
        minor = int(Decimal(amount).scaleb(amounts.precision(self.currency)))
        return amounts.show(minor, self.currency, self.locale)

    def deleted(self, record: dict[str, Any]) -> str:
        when = record.get("deleted_at")
        if not when:
            return ""
        return f"Deleted on {self.moment(when)} — in the Trash, still held in the file."


def _embedded(name: str) -> str:
    """A name to write inside an English sentence: a right-to-left one is closed with a
    left-to-right mark, so what follows it ("· 6 December") stays after it."""
    rtl = any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in name)
    return name + "\u200e" if rtl else name


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _fields(*pairs: tuple[str, Any]) -> tuple[tuple[str, str], ...]:
    """The pairs whose value says something (an empty text or None is left out)."""
    return tuple((label, str(value)) for label, value in pairs if value not in ("", None))


def person_document(db: Database, data: dict[str, Any]) -> PersonDocument:
    values = settings.read_all(db)
    shop = get_shop(db)
    w = _Words(shop, data["currency"], settings.shop_locale(values))
    p = data["profile"]
    name = display_name(p["given_name"], p["family_name"], p["company"])
    holder = shop.name or "this shop"
    lines = (
        f"Held by {_embedded(holder)}"
        + (f", {', '.join(shop.address_lines)}" if shop.address_lines else ""),
        f"Exported on {w.moment(data['exported_at'])} · client id {data['client_id']}",
    )
    intro = [
        "This is everything the shop's client file holds about this person: their profile, "
        "things to remember, notes, every contact in their history, letters sent with their "
        "text, purchases, complaints, survey answers, referrals and follow-ups. Records that "
        "were deleted are still held in the file (in the Trash, from which they can be "
        "restored), so they are listed too, each marked in red.",
        "The JSON file saved beside this PDF holds the same data in a form other programs "
        "can read.",
    ]
    if p["deleted_at"]:
        intro.insert(
            0,
            f"This client was deleted on {w.moment(p['deleted_at'])}: they are in "
            "the Trash, and the file still holds all of this.",
        )
    sections = (
        _profile(w, p),
        Section(
            "Things to remember",
            tuple(
                Entry(
                    f["label"],
                    _fields(
                        ("Value", f["value"]),
                        ("Date", w.day(f["on_date"])),
                        ("Added", w.moment(f["created_at"])),
                    ),
                    w.deleted(f),
                )
                for f in data["things_to_remember"]
            ),
        ),
        Section(
            "Notes",
            tuple(
                Entry(
                    w.moment(n["written_at"]) + (" · pinned" if n["pinned"] else ""),
                    _fields(("Note", n["text"])),
                    w.deleted(n),
                )
                for n in data["notes"]
            ),
        ),
        _history(w, data["history"]),
        Section(
            "Letters sent",
            tuple(
                Entry(
                    f"{w.moment(letter['sent_at'])} · {letter['subject'] or 'Letter'}",
                    _fields(("Text", letter["text"]), ("Outcome", letter["outcome"])),
                    w.deleted(letter),
                )
                for letter in data["letters_sent"]
            ),
            intro="The text kept in the history when each letter was printed (the letter "
            "as filled in for them; the letterhead, address and date are not kept).",
        ),
        _purchases(w, data["purchases"]),
        _complaints(w, data["complaints"]),
        _answers(w, data["survey_answers"]),
        Section(
            "Survey forms printed for them",
            tuple(
                Entry(
                    f"{w.moment(f['issued_at'])} · form {f['code']}",
                    _fields(("Survey", f["survey"]), ("Answered", _yes(f["answered"]))),
                    w.deleted(f),
                )
                for f in data["survey_forms"]
            ),
        ),
        _referrals(w, data["referrals"]),
        _follow_ups(w, data["follow_ups"]),
        *_conflicts(data["conflict_log"]),
    )
    return PersonDocument(
        title=f"Personal data held about {name}",
        lines=lines,
        intro=tuple(intro),
        sections=sections,
        paper=shop.paper,
        author=holder,
        footer=f"Personal data of {_embedded(name)} · {w.day(data['exported_at'])}",
    )


def _profile(w: _Words, p: dict[str, Any]) -> Section:
    stage = p["loyalty_stage"]
    stage_text = stage["stage"] + (
        f" (set by hand on {w.day(stage['set_by_hand_on'])})" if stage["set_by_hand"] else ""
    )
    reached = ", ".join(f"{name} {w.day(day)}" for name, day in stage["reached"].items())
    try:
        contact = ContactPreference(p["preferred_contact"]).label
    except ValueError:
        contact = p["preferred_contact"]
    phones = "\n".join(
        f"{ph['label']}: {ph['display'] or ph['number']}" if ph["label"] else ph["number"]
        for ph in p["phones"]
    )
    emails = "\n".join(
        f"{e['label']}: {e['address']}" if e["label"] else e["address"] for e in p["emails"]
    )
    consent = _yes(p["marketing_consent"]) + (
        f", given on {w.moment(p['consent_at'])}" if p["consent_at"] else ""
    )
    every = p["touch_every_days"]
    fields = _fields(
        ("Given name", p["given_name"]),
        ("Family name", p["family_name"]),
        ("Salutation", p["salutation"]),
        ("Preferred name", p["preferred_name"]),
        ("Company", p["company"]),
        ("Phones", phones),
        ("Emails", emails),
        ("Street", p["street"]),
        ("Postcode", p["postcode"]),
        ("City", p["city"]),
        ("Country", p["country"]),
        ("Birthday", w.birthday(p["birthday"])),
        ("Best way to contact", contact),
        ("Marketing consent", consent),
        ("Tags", ", ".join(p["tags"])),
        ("Found us through", p["found_via"]),
        ("Referral code", p["referral_code"]),
        ("Loyalty stage", stage_text),
        ("Stages reached", reached),
        ("Stay in touch", f"every {every} days" if every else ""),
        ("Client since", w.moment(p["created_at"])),
        ("Last contact", w.moment(p["last_contact_at"])),
    )
    deleted = w.deleted(p)
    return Section(
        "Profile",
        (Entry(display_name(p["given_name"], p["family_name"], p["company"]), fields, deleted),),
    )


def _history(w: _Words, history: list[dict[str, Any]]) -> Section:
    entries = []
    for h in history:
        try:
            kind = HistoryKind(h["kind"]).label
        except ValueError:
            kind = h["kind"]
        way = Direction(h["direction"]).label.lower() if h["direction"] in ("in", "out") else ""
        letter = h["kind"] == "letter" and h["direction"] == "out"
        fields = _fields(
            ("Subject", h["subject"]),
            (
                "What was said",
                "(the text is under Letters sent)" if letter and h["body"] else h["body"],
            ),
            ("Outcome", h["outcome"]),
            ("Follow up on", w.day(h["follow_up_on"])),
            ("About complaint", "yes" if h["complaint_id"] else ""),
        )
        entries.append(Entry(f"{w.moment(h['occurred_at'])} · {kind}, {way}", fields, w.deleted(h)))
    return Section(
        "History",
        tuple(entries),
        intro="Every call, visit, email, letter, SMS, "
        "meeting and survey answer logged, oldest first.",
    )


def _purchases(w: _Words, purchases: list[dict[str, Any]]) -> Section:
    entries = tuple(
        Entry(
            f"{w.moment(b['bought_at'])} · {w.money(b['amount'])}",
            _fields(("What", b["what"])),
            w.deleted(b),
        )
        for b in purchases
    )
    live = [b for b in purchases if not b["deleted_at"]]
    total = sum((Decimal(b["amount"]) for b in live), Decimal(0))
    intro = (
        f"{count(len(live), 'purchase')}, {w.money(str(total))} in all (deleted ones aside)."
        if purchases
        else ""
    )
    return Section("Purchases", entries, intro=intro)


def _complaints(w: _Words, complaints: list[dict[str, Any]]) -> Section:
    return Section(
        "Complaints",
        tuple(
            Entry(
                f"{w.moment(k['opened_at'])} · {k['category'] or 'complaint'} ({k['severity']})",
                _fields(
                    ("What happened", k["description"]),
                    ("Reported by", k["channel"]),
                    ("Status", k["status"]),
                    ("Resolution", k["resolution"]),
                    ("Resolved", w.moment(k["resolved_at"])),
                    ("Contacts about it", str(len(k["history_ids"])) if k["history_ids"] else ""),
                ),
                w.deleted(k),
            )
            for k in complaints
        ),
    )


def _answers(w: _Words, answers: list[dict[str, Any]]) -> Section:
    entries = []
    for a in answers:
        how = (
            f"form {a['form_code']}"
            if a["form_code"]
            else {"form": "on a form", "phone": "by phone"}.get(a["channel"], a["channel"])
        )
        extra = "\n".join(
            f"{x['question']} — {x['answer']} of 5"
            if isinstance(x["answer"], int) and not isinstance(x["answer"], bool)
            else f"{x['question']} — {x['answer']}"
            for x in a["extra_answers"]
        )
        referral = ", ".join(v for v in (a["referral_name"], a["referral_phone"]) if v)
        fields = _fields(
            ("Survey", a["survey"]),
            ("Score", f"{a['score']}/10 ({a['group']})"),
            ("Main reason", a["reason"]),
            ("Other answers", extra),
            ("May contact about it", _yes(a["consent_contact"])),
            ("May quote", _yes(a["consent_quote"])),
            ("Who else would enjoy us", referral),
        )
        written = tuple(
            (f"{h['label']} (handwritten)", base64.b64decode(h["png_base64"]))
            for h in a.get("handwriting", ())
            if not h["deleted_at"] or a["deleted_at"]  # (an image taken back with its answer)
        )
        entries.append(
            Entry(f"{w.moment(a['answered_at'])} · {how}", fields, w.deleted(a), written)
        )
    return Section("Survey answers", tuple(entries))


def _referrals(w: _Words, referrals: dict[str, Any]) -> Section:
    entries = []
    if referrals["referred_by"]:
        entries.append(Entry("Referred by", _fields(("Name", referrals["referred_by"]["name"]))))
    for r in referrals["referred"]:
        reward = r["reward_given"] + (
            f", on {w.day(r['reward_given_on'])}" if r["reward_given_on"] else ""
        )
        if not reward and r["reward_owed"]:
            reward = "owed, not given yet"
        entries.append(
            Entry(
                f"Referred {_embedded(r['name'])}",
                _fields(("Added on", w.day(r["added_on"])), ("Reward given to them", reward)),
            )
        )
    return Section(
        "Referrals",
        tuple(entries),
        intro="Other clients are named only where the referral is this person's.",
    )


def _follow_ups(w: _Words, follow_ups: list[dict[str, Any]]) -> Section:
    entries = []
    for f in follow_ups:
        due = w.day(f["due"]) if f["kind"] == "contact" else w.moment(f["due"])
        state = "open" if f["open"] else "done"
        entries.append(Entry(f"Due {due} · {state}", _fields(("What", f["what"])), w.deleted(f)))
    return Section("Follow-ups", tuple(entries))


def _conflicts(conflicts: list[dict[str, Any]]) -> tuple[Section, ...]:
    if not conflicts:
        return ()

    def value(v: Any) -> str:
        return v if isinstance(v, str) else "" if v is None else str(v)

    return (
        Section(
            "Values not kept when two copies were merged",
            tuple(
                Entry(
                    f"{c['record']} · {c['field']} ({c['status']})",
                    _fields(
                        ("Kept", value(c["kept_value"])), ("Not kept", value(c["other_value"]))
                    ),
                )
                for c in conflicts
            ),
            intro="Both copies of the file had changed the same field; the later change was kept, "
            "the other is kept in the conflict log.",
        ),
    )
