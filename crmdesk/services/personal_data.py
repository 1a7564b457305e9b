"""What the file holds about one person (GDPR access and portability): their profile (every
field, their loyalty stage and referral code), things to remember, notes, every history
entry, the letters sent to them with the text kept when each was printed, purchases
(amounts exactly as stored, in the shop's currency), complaints, survey answers and the
forms printed for them, referrals, follow-ups, and values of theirs that a merge of two
copies did not keep (the conflict log) — as one JSON document of plain dicts and lists.

Records in the Trash are still held in the file, so they are in it too, each with the
moment it was deleted; a client in the Trash is collected like any other. Only a person
whose data was erased is not: nothing that says who is left.

Other clients appear only by name, and only where the relation is this person's: who
referred them, and whom they referred (with the reward this person was given for it). What
the referrer of this client was given as a reward is the referrer's, and is left out.
Bookkeeping of the copies (clocks, which machine changed which field) and the search index
(made from the same text) are not listed.

The document is described in the README ("A person's data on request"); its keys do not
change within a `format_version`. services.person_export writes it into files.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any

from crmdesk.errors import CrmError, NotFoundError
from crmdesk.model.kinds import kind_names
from crmdesk.model.names import display_name
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import amounts, clients, retention, settings, surveys
from crmdesk.services.answer_images import PARTS
from crmdesk.services.shop import get_shop
from crmdesk.services.survey_questions import read_extra
from crmdesk.store.database import Database

FORMAT = "crmdesk personal data"
FORMAT_VERSION = 2  # 2: survey answers carry the handwriting kept from their forms


def _when(value: str | None) -> str | None:
    """A stored date or moment in ISO 8601 ("2026-05-01T09:30:00"), or None."""
    if not value:
        return None
    return datetime.fromisoformat(value).isoformat()


def _day(value: str | None) -> str | None:
    return date.fromisoformat(value[:10]).isoformat() if value else None


def _birthday(stored: str | None) -> str | None:
    """ "1984-02-29", or "--04-15" (ISO 8601's day of every year) when the year is not known:
    no year is made up."""
    when = PartialDate.from_stored(stored)
    if when is None:
        return None
    return when.stored() if when.year_known else f"--{when.month:02d}-{when.day:02d}"


def _json_value(stored: str) -> Any:
    try:
        return json.loads(stored)
    except ValueError:
        return stored


def collect(db: Database, client_id: str, at: datetime | None = None) -> dict[str, Any]:
    """The person's data as the JSON document (plain dicts and lists, in a fixed key order),
    read in one snapshot of the file. NotFoundError for an unknown id; CrmError for a person
    whose data was erased."""
    with db.snapshot():
        profile = _profile(db, client_id)
        currency = settings.currency(settings.read_all(db))
        held_by = get_shop(db)
        data: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": (at or datetime.now()).isoformat(timespec="seconds"),
            "held_by": {
                "name": held_by.name,
                "address": "\n".join(held_by.address_lines),
                "phone": held_by.phone,
                "email": held_by.email,
                "website": held_by.website,
            },
            "currency": currency,
            "client_id": client_id,
            "profile": profile,
            "things_to_remember": _facts(db, client_id),
            "notes": _notes(db, client_id),
            "history": _history(db, client_id),
        }
        data["letters_sent"] = _letters(data["history"])
        data["purchases"] = _purchases(db, client_id, currency)
        data["complaints"] = _complaints(db, client_id, data["history"])
        data["survey_answers"] = _answers(db, client_id)
        _add_handwriting(db, client_id, data["survey_answers"])
        data["survey_forms"] = _forms(db, client_id)
        data["referrals"] = _referrals(db, client_id, profile["referred_by_name"])
        data["follow_ups"] = _follow_ups(db, client_id, data["history"])
        data["conflict_log"] = _conflicts(db, client_id)
    del profile["referred_by_name"]  # (said under referrals)
    return data


_PROFILE = """
SELECT c.id, c.given_name, c.family_name, c.salutation, c.preferred_name, c.company,
       c.phones, c.emails, c.street, c.postcode, c.city, c.country, c.birthday,
       c.preferred_contact, c.marketing_consent, c.consent_at, c.tags, c.found_via,
       c.stage_override, c.stage_override_on, c.touch_every_days, c.created_at,
       c.last_contact_at, c.deleted_at, c.erased_at,
       r.given_name AS r_given, r.family_name AS r_family, r.company AS r_company, r.id AS r_id
FROM clients AS c LEFT JOIN clients AS r ON r.id = c.referred_by_id
WHERE c.id = ?
"""


def _profile(db: Database, client_id: str) -> dict[str, Any]:
    rows = db.query(_PROFILE, (client_id.strip(),))
    if not rows:
        raise NotFoundError(f"No client with id {client_id.strip()}.")
    (
        cid,
        given,
        family,
        salutation,
        preferred,
        company,
        phones,
        emails,
        street,
        postcode,
        city,
        country,
        birthday,
        contact,
        consent,
        consent_at,
        tags,
        found_via,
        override,
        override_on,
        touch_every,
        created,
        last_contact,
        deleted,
        erased,
        r_given,
        r_family,
        r_company,
        r_id,
    ) = rows[0]
    if erased:
        raise CrmError(
            f"The personal data of client {cid} was erased on {erased[:10]}: only an "
            "anonymous tombstone is left, so there is nothing about them to export."
        )
    stage = retention.client_stage(db, cid)
    return {
        "id": cid,
        "given_name": given,
        "family_name": family,
        "salutation": salutation,
        "preferred_name": preferred,
        "company": company,
        "phones": [
            {
                "label": p.get("label", ""),
                "number": p.get("number", ""),
                "display": p.get("display", ""),
            }
            for p in json.loads(phones or "[]")
        ],
        "emails": [
            {"label": e.get("label", ""), "address": e.get("address", "")}
            for e in json.loads(emails or "[]")
        ],
        "street": street,
        "postcode": postcode,
        "city": city,
        "country": country,
        "birthday": _birthday(birthday),
        "preferred_contact": contact,
        "marketing_consent": bool(consent),
        "consent_at": _when(consent_at),
        "tags": list(json.loads(tags or "[]")),
        "found_via": found_via,
        "referral_code": clients.referral_code(cid),
        "loyalty_stage": {
            "stage": stage.stage,
            "set_by_hand": stage.by_hand,
            "set_by_hand_on": _day(override_on) if override else None,
            "reached": {name: day.isoformat() for name, day in stage.reached.items()},
        },
        "touch_every_days": touch_every,
        "created_at": _when(created),
        "last_contact_at": _when(last_contact),
        "deleted_at": _when(deleted),
        "referred_by_name": display_name(r_given, r_family, r_company) if r_id else None,
    }


def _facts(db: Database, client_id: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT id, label, value, on_date, created_at, deleted_at FROM facts"
        " WHERE client_id = ? ORDER BY created_at, id",
        (client_id,),
    )
    return [
        {
            "id": fid,
            "label": label,
            "value": value,
            "on_date": _day(on),
            "created_at": _when(created),
            "deleted_at": _when(deleted),
        }
        for fid, label, value, on, created, deleted in rows
    ]


def _notes(db: Database, client_id: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT id, written_at, text, pinned, created_at, deleted_at FROM notes"
        " WHERE client_id = ? ORDER BY written_at, id",
        (client_id,),
    )
    return [
        {
            "id": nid,
            "written_at": _when(written),
            "text": text,
            "pinned": bool(pinned),
            "created_at": _when(created),
            "deleted_at": _when(deleted),
        }
        for nid, written, text, pinned, created, deleted in rows
    ]


_HISTORY = ("id", "occurred_at", "kind", "direction", "subject", "body", "outcome",
            "follow_up_on", "complaint_id", "personal", "created_at", "deleted_at")  # fmt: skip


def _history(db: Database, client_id: str) -> list[dict[str, Any]]:
    rows = db.query(
        f"SELECT {', '.join(_HISTORY)} FROM history WHERE client_id = ? ORDER BY occurred_at, id",
        (client_id,),
    )
    out = []
    for row in rows:
        h = dict(zip(_HISTORY, row, strict=True))
        for key in ("occurred_at", "created_at", "deleted_at"):
            h[key] = _when(h[key])
        h["follow_up_on"] = _day(h["follow_up_on"])
        h["personal"] = bool(h["personal"])
        out.append(h)
    return out


def _letters(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The letters (and survey forms) sent to them, with the text kept: for a letter crmdesk
    printed, its text as filled in for them (plain text; the letterhead, address block and
    date are not kept); for one logged by hand, what was typed."""
    return [
        {
            "history_id": h["id"],
            "sent_at": h["occurred_at"],
            "subject": h["subject"],
            "text": h["body"],
            "outcome": h["outcome"],
            "deleted_at": h["deleted_at"],
        }
        for h in history
        if h["kind"] == "letter" and h["direction"] == "out"
    ]


def _purchases(db: Database, client_id: str, currency: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT id, bought_at, amount_cents, what, created_at, deleted_at FROM purchases"
        " WHERE client_id = ? ORDER BY bought_at, id",
        (client_id,),
    )
    return [
        {
            "id": pid,
            "bought_at": _when(bought),
            "amount": str(amounts.to_decimal(int(minor), currency)),
            "currency": currency,
            "amount_minor_units": str(minor),
            "what": what,
            "created_at": _when(created),
            "deleted_at": _when(deleted),
        }
        for pid, bought, minor, what, created, deleted in rows
    ]


_COMPLAINT = ("id", "opened_at", "channel", "category", "description", "severity", "status",
              "resolution", "resolved_at", "created_at", "deleted_at")  # fmt: skip


def _complaints(
    db: Database, client_id: str, history: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = db.query(
        f"SELECT {', '.join(_COMPLAINT)} FROM complaints WHERE client_id = ?"
        " ORDER BY opened_at, id",
        (client_id,),
    )
    out = []
    for row in rows:
        k = dict(zip(_COMPLAINT, row, strict=True))
        for key in ("opened_at", "resolved_at", "created_at", "deleted_at"):
            k[key] = _when(k[key])
        k["history_ids"] = [h["id"] for h in history if h["complaint_id"] == k["id"]]
        k["created_at"], k["deleted_at"] = k.pop("created_at"), k.pop("deleted_at")  # (last)
        out.append(k)
    return out


def _answers(db: Database, client_id: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT a.id, s.name, a.answered_at, a.channel, f.code, a.score, a.reason, a.extra,"
        " a.consent_contact, a.consent_quote, a.referral_name, a.referral_phone,"
        " a.created_at, a.deleted_at"
        " FROM survey_answers AS a LEFT JOIN surveys AS s ON s.id = a.survey_id"
        " LEFT JOIN survey_forms AS f ON f.id = a.form_id"
        " WHERE a.client_id = ? ORDER BY a.answered_at, a.id",
        (client_id,),
    )
    out = []
    for (
        aid,
        survey,
        answered,
        channel,
        code,
        score,
        reason,
        extra,
        contact,
        quote,
        ref_name,
        ref_phone,
        created,
        deleted,
    ) in rows:
        stored = _json_value(extra or "{}")
        extra_answers = [
            {
                "number": a.number,
                "question": a.question,
                "answer": stored[str(a.number)].get("answer")
                if isinstance(stored, dict)
                else a.answer,
            }
            for a in read_extra(extra or "{}")
        ]
        out.append(
            {
                "id": aid,
                "survey": survey or "",
                "answered_at": _when(answered),
                "channel": channel,
                "form_code": code,
                "score": score,
                "group": surveys.group_of(score),
                "reason": reason,
                "extra_answers": extra_answers,
                "consent_contact": bool(contact),
                "consent_quote": bool(quote),
                "referral_name": ref_name,
                "referral_phone": ref_phone,
                "created_at": _when(created),
                "deleted_at": _when(deleted),
            }
        )
    return out


def _add_handwriting(db: Database, client_id: str, answers: list[dict[str, Any]]) -> None:
    """Each answer's `handwriting`: what was written on its form (the reason, who else
    would enjoy us), kept as images, each a PNG in base64 with its part, size and dates."""
    rows = db.query(
        "SELECT i.answer_id, i.id, i.part, i.png, i.width, i.height, i.created_at, i.deleted_at"
        " FROM answer_images AS i JOIN survey_answers AS a ON a.id = i.answer_id"
        " WHERE a.client_id = ? ORDER BY i.answer_id, CASE i.part WHEN 'reason' THEN 0 ELSE 1 END",
        (client_id,),
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for answer_id, iid, part, png, width, height, created, deleted in rows:
        found.setdefault(answer_id, []).append({
            "id": iid, "part": part, "label": PARTS.get(part, part), "media_type": "image/png",
            "width": width, "height": height, "png_base64": base64.b64encode(png).decode("ascii"),
            "created_at": _when(created), "deleted_at": _when(deleted),
        })  # fmt: skip
    for answer in answers:
        answer["handwriting"] = found.get(answer["id"], [])


def _forms(db: Database, client_id: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT f.id, f.code, s.name, f.issued_at, f.created_at, f.deleted_at,"
        " EXISTS (SELECT 1 FROM survey_answers AS a WHERE a.form_id = f.id"
        "         AND a.deleted_at IS NULL)"
        " FROM survey_forms AS f LEFT JOIN surveys AS s ON s.id = f.survey_id"
        " WHERE f.client_id = ? ORDER BY f.issued_at, f.id",
        (client_id,),
    )
    return [
        {
            "id": fid,
            "code": code,
            "survey": survey or "",
            "issued_at": _when(issued),
            "answered": bool(answered),
            "created_at": _when(created),
            "deleted_at": _when(deleted),
        }
        for fid, code, survey, issued, created, deleted, answered in rows
    ]


def _referrals(db: Database, client_id: str, referred_by: str | None) -> dict[str, Any]:
    """Who referred them (a name), and whom they referred: each person's name, the day they
    were added, and the reward this client was given for it (or whether one is owed) —
    nothing else of the other person's."""
    rows = db.query(
        "SELECT r.given_name, r.family_name, r.company, r.created_at, r.referral_reward,"
        " r.reward_given_on, EXISTS (SELECT 1 FROM purchases AS p WHERE p.client_id = r.id"
        "  AND p.deleted_at IS NULL)"
        " FROM clients AS r WHERE r.referred_by_id = ? AND r.erased_at IS NULL"
        " ORDER BY r.created_at, r.id",
        (client_id,),
    )
    referred = [
        {
            "name": display_name(given, family, company),
            "added_on": _day(created),
            "reward_given": reward,
            "reward_given_on": _day(given_on),
            "reward_owed": bool(bought) and not given_on,
        }
        for given, family, company, created, reward, given_on, bought in rows
    ]
    return {"referred_by": {"name": referred_by} if referred_by else None, "referred": referred}


def _follow_ups(
    db: Database, client_id: str, history: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Follow-up dates set on their history entries (open until a later contact the owner
    made is logged, as Today has it), and survey answers still to be followed up."""
    [(last,)] = db.query("SELECT last_contact_at FROM clients WHERE id = ?", (client_id,))
    last_contact = datetime.fromisoformat(last) if last else None
    out: list[dict[str, Any]] = []
    for h in history:
        if not h["follow_up_on"]:
            continue
        occurred = datetime.fromisoformat(h["occurred_at"])
        done = h["deleted_at"] is not None or (last_contact is not None and last_contact > occurred)
        out.append(
            {
                "kind": "contact",
                "history_id": h["id"],
                "what": h["subject"] or h["body"],
                "due": h["follow_up_on"],
                "open": not done,
                "deleted_at": h["deleted_at"],
            }
        )
    for f in surveys.follow_ups(db, [client_id]):
        out.append(
            {
                "kind": "survey answer",
                "survey_answer_id": f.answer_id,
                "what": f"{f.action} (answered {f.score}/10)",
                "due": f.due_at.isoformat(),
                "open": True,
                "deleted_at": None,
            }
        )
    return out


def _conflicts(db: Database, client_id: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT id, kind, table_name, row_id, column_name, kept_value, other_value, status,"
        " created_at, deleted_at FROM conflicts WHERE client_id = ? ORDER BY created_at, id",
        (client_id,),
    )
    names = kind_names()
    return [
        {
            "id": cid,
            "kind": kind,
            "record": names.get(table, table),
            "record_id": row_id,
            "field": column,
            "kept_value": _json_value(kept),
            "other_value": _json_value(other),
            "status": status,
            "created_at": _when(created),
            "deleted_at": _when(deleted),
        }
        for cid, kind, table, row_id, column, kept, other, status, created, deleted in rows
    ]
