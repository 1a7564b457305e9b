"""A demo database: realistic clients of a small shop, made deterministically from a seed.

The names, facts, notes and history texts come from resources/demo/people.json; the same
seed and size always give the same clients.
"""

from __future__ import annotations

import json
import random
import unicodedata
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from crmdesk import paths
from crmdesk.errors import CrmError
from crmdesk.model import Client, Fact, HistoryEntry, Note
from crmdesk.services import settings
from crmdesk.services.validation import normalise_phone
from crmdesk.store.database import Database

_PHONE_PATTERNS = {
    "gb": "07911 {a:06d}",
    "pl": "+48 512 {b:03d} {c:03d}",
    "dk": "+45 20 {d:02d} {e:02d} {f:02d}",
    "gr": "+30 691 {b:03d} {g:04d}",
    "ua": "+380 67 {b:03d} {g:04d}",
}


def load_samples() -> dict[str, Any]:
    path = paths.resources_dir() / "demo" / "people.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


_LETTERS = str.maketrans(
    {"æ": "ae", "ø": "o", "ł": "l", "ß": "ss", "ı": "i", "đ": "d"}
    | dict(zip("αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώ", "abgdezitiklmnxoprsstyfxpoaeiioyo", strict=True))
    | dict(
        zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя", "abvhgdeezzyiiiklmnoprstufhccss'uy", strict=True)
    )
)


def _ascii(text: str) -> str:
    text = text.lower().translate(_LETTERS)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum()) or "client"


def _phone(rng: random.Random, style: str) -> tuple[str, str]:
    """A valid number in the style of a country (tries again until phonenumbers agrees)."""
    while True:
        try:
            return normalise_phone(_phone_text(rng, style), "GB")
        except ValueError:
            continue


def _phone_text(rng: random.Random, style: str) -> str:
    return _PHONE_PATTERNS[style].format(
        a=rng.randrange(100000, 999999),
        b=rng.randrange(100, 999),
        c=rng.randrange(100, 999),
        d=rng.randrange(10, 99),
        e=rng.randrange(10, 99),
        f=rng.randrange(10, 99),
        g=rng.randrange(1000, 9999),
    )


def populate(db: Database, clients: int = 60, seed: int = 7, today: date | None = None) -> int:
    """Add `clients` sample clients with facts, notes and up to a year of history."""
    rng = random.Random(seed)
    samples = load_samples()
    today = today or date.today()
    settings.set_phone_region(db, "GB")  # the demo shop is in Yorkshire
    made: list[Client] = []
    names = _names(rng, samples, clients)
    with db.write() as w:
        for n in range(clients):
            client = _client(rng, samples, names[n], today, made)
            w.session.add(client)
            w.session.flush()
            made.append(client)
            _personal(rng, samples, client, today, w.session.add)
            _history(rng, samples, client, today, w.session.add)
    return len(made)


def _names(rng: random.Random, samples: dict[str, Any], count: int) -> list[tuple[Any, ...]]:
    """`count` (culture, given, salutation, family) picks, cycling through the cultures and
    repeating a full name only when a culture's names are used up."""
    pools = []
    for culture in samples["cultures"]:
        pairs = [
            (culture, given, culture["salutations"][i], family)
            for i, given in enumerate(culture["given"])
            for family in culture["family"]
        ]
        rng.shuffle(pairs)
        pools.append(pairs)
    return [
        pools[n % len(pools)][(n // len(pools)) % len(pools[n % len(pools)])] for n in range(count)
    ]


def _client(
    rng: random.Random,
    samples: dict[str, Any],
    name: tuple[Any, ...],
    today: date,
    made: list[Client],
) -> Client:
    culture, given, salutation, family = name
    place = rng.choice(samples["places"])
    numbers = [("mobile", _phone(rng, culture["phone"]))] if rng.random() < 0.9 else []
    if rng.random() < 0.3:
        numbers.append(("home", _phone(rng, "gb")))
    phones = [{"label": label, "number": p[0], "display": p[1]} for label, p in numbers]
    domain = rng.choice(["example.org", "example.com", "example.net"])
    emails = [{"label": "home", "address": f"{_ascii(given)}.{_ascii(family)}@{domain}"}]
    consent = rng.random() < 0.6
    found = rng.choice(samples["found_via"])
    referrer = rng.choice(made) if made and (found == "Referral" or rng.random() < 0.1) else None
    born = date(today.year - rng.randrange(19, 82), rng.randrange(1, 13), rng.randrange(1, 29))
    since = datetime.combine(today - timedelta(days=rng.randrange(30, 1500)), time(10, 0))
    return Client(
        given_name=given,
        family_name=family,
        salutation=salutation,
        preferred_name=samples["preferred_names"].get(given, ""),
        company=rng.choice(samples["companies"]),
        phones=phones,
        emails=emails if rng.random() < 0.9 else [],
        street=rng.choice(place["streets"]),
        postcode=place["postcode"],
        city=place["city"],
        country="United Kingdom",
        birthday=born if rng.random() < 0.8 else None,
        preferred_contact=rng.choice(["any", "phone", "email", "sms", "letter", "in_person"]),
        marketing_consent=consent,
        consent_at=since if consent else None,
        tags=sorted(set(rng.sample(samples["tags"], rng.randrange(0, 3)))),
        found_via="Referral" if referrer else found,
        referred_by_id=referrer.id if referrer else None,
        created_at=since,
    )


def _personal(
    rng: random.Random, samples: dict[str, Any], client: Client, today: date, add: Any
) -> None:
    for label, values in rng.sample(samples["facts"], rng.randrange(1, 5)):
        add(Fact(client_id=client.id, label=label, value=rng.choice(values)))
    if rng.random() < 0.3:
        label, years = rng.choice(samples["dated_facts"])
        on = today.replace(year=today.year + years, day=1) + timedelta(days=rng.randrange(27))
        add(Fact(client_id=client.id, label=label, value="", on_date=on))
    for k in range(rng.randrange(1, 4)):
        written = datetime.combine(today - timedelta(days=rng.randrange(1, 365)), time(9 + k, 15))
        add(
            Note(
                client_id=client.id,
                text=rng.choice(samples["notes"]),
                pinned=k == 0 and rng.random() < 0.3,
                written_at=written,
            )
        )


def _history(
    rng: random.Random, samples: dict[str, Any], client: Client, today: date, add: Any
) -> None:
    for _ in range(rng.randrange(2, 26)):
        template = rng.choice(samples["history"])
        subject, body, outcome = rng.choice(template["entries"])
        when = datetime.combine(
            today - timedelta(days=rng.randrange(0, 365)),
            time(rng.randrange(9, 18), rng.choice([0, 10, 20, 30, 40, 50])),
        )
        follow = when.date() + timedelta(days=rng.randrange(2, 21)) if rng.random() < 0.15 else None
        add(
            HistoryEntry(
                client_id=client.id,
                kind=template["kind"],
                direction=template["direction"],
                occurred_at=when,
                subject=subject,
                body=body,
                outcome=outcome,
                follow_up_on=follow,
            )
        )


def create_demo(path: Path, clients: int = 60, seed: int = 7) -> Path:
    """Write a new demo database at `path` (which must not exist yet)."""
    if path.exists():
        raise CrmError(f"{path} already exists; choose another name or delete it first.")
    with Database.open(path, create=True) as db:
        populate(db, clients=clients, seed=seed)
    return path
