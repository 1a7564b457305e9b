"""How long each typed field may be, declared once: the services refuse longer text (a
ValidationError naming the field and its limit) and the dialogs say so at the field as soon
as it is exceeded.

The limits are generous for what a field holds (the longest real names, street lines and
company names fit several times over) and small enough that a pasted page of text, or a
name pasted twice by mistake, is noticed at once instead of being printed on every letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    label: str  # how the message names the field: "The given name"
    chars: int


CLIENT: dict[str, Limit] = {
    "given_name": Limit("The given name", 100),
    "family_name": Limit("The family name", 100),
    "salutation": Limit("The salutation", 30),
    "preferred_name": Limit("The name they prefer", 100),
    "company": Limit("The company", 150),
    "street": Limit("The street", 200),
    "postcode": Limit("The postcode", 20),
    "city": Limit("The city or town", 100),
    "country": Limit("The country", 60),
    "found_via": Limit("How they found us", 100),
}
PHONE = Limit("A phone number", 40)  # "+44 (0)1423 555012 ext. 1234" is 28
EMAIL = Limit("An email address", 254)  # the most an address may be (RFC 5321)
LABEL = Limit("A label", 30)  # "mobile", "work (reception)"
TAG = Limit("A tag", 40)
MAX_LINES = 20  # phones or emails of one client

CONTACT: dict[str, Limit] = {
    "subject": Limit("The subject", 200),
    "body": Limit("What was said", 20_000),
    "outcome": Limit("The outcome", 200),
}
NOTE = Limit("A note", 20_000)
FACT: dict[str, Limit] = {
    "label": Limit("What it is about", 60),
    "value": Limit("What to remember", 500),
}
PURCHASE_WHAT = Limit("What was bought", 200)
COMPLAINT: dict[str, Limit] = {
    "description": Limit("What happened", 10_000),
    "category": Limit("The category", 60),
    "resolution": Limit("The resolution", 10_000),
}
ANSWER: dict[str, Limit] = {
    "reason": Limit("The main reason", 1_000),
    "referral_name": Limit("The referral's name", 100),
    "referral_phone": Limit("The referral's phone", 40),
}


def too_long(limit: Limit, text: str) -> str | None:
    """What to say when `text` is longer than `limit` allows (None when it fits)."""
    if len(text) <= limit.chars:
        return None
    return (
        f"{limit.label} can be at most {limit.chars:,} characters long; "
        f"this is {len(text):,}. Shorten it."
    )


def check(values: Mapping[str, str], limits: Mapping[str, Limit]) -> dict[str, str]:
    """{field: message} for every value in `values` longer than its limit."""
    problems = {}
    for name, limit in limits.items():
        said = too_long(limit, values.get(name, ""))
        if said:
            problems[name] = said
    return problems
