"""What erasing a person leaves behind: the blank value of every field that holds their
personal data, table by table. Plain data, no SQLAlchemy. (Which tables hold a client's
rows is said by their mapped classes: model.kinds.client_tables.)

The client row stays as a tombstone (id, created_at, deleted_at, erased_at). Their notes,
facts, history, complaints and the handwriting kept from their forms are blanked and
tombstoned. Purchases keep amount and date, survey answers keep the score: the shop's
revenue and NPS stay right, with nothing left that says who.
"""

from __future__ import annotations

from typing import Any

BLANK: dict[str, dict[str, Any]] = {
    "clients": {
        "given_name": "",
        "family_name": "",
        "salutation": "",
        "preferred_name": "",
        "company": "",
        "phones": "[]",
        "emails": "[]",
        "street": "",
        "postcode": "",
        "city": "",
        "country": "",
        "birthday": None,
        "preferred_contact": "any",
        "marketing_consent": 0,
        "consent_at": None,
        "tags": "[]",
        "found_via": "",
        "referred_by_id": None,
        "stage_override": "",
        "stage_override_on": None,
        "touch_every_days": None,
        "referral_reward": "",
        "reward_given_on": None,
        "sort_name": "",
    },
    "facts": {"label": "", "value": "", "on_date": None},
    "notes": {"text": ""},
    "history": {"subject": "", "body": "", "outcome": ""},
    "purchases": {"what": ""},
    "complaints": {"category": "", "description": "", "resolution": ""},
    "survey_answers": {"reason": "", "extra": "{}", "referral_name": "", "referral_phone": ""},
    "conflicts": {"kept_value": "null", "other_value": "null"},
    "answer_images": {"png": b"", "width": 0, "height": 0},  # the handwriting, gone
}

# the person's rows that are tombstoned as well as blanked
TOMBSTONED = frozenset({"facts", "notes", "history", "complaints", "conflicts", "answer_images"})
