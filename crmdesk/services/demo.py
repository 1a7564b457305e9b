"""A demo database: realistic clients of a small shop, made deterministically from a seed.

The names, facts, notes and history texts come from resources/demo/people.json; the same
seed and size always give the same clients.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from crmdesk import paths
from crmdesk.errors import CrmError
from crmdesk.model import Client, Complaint, Fact, HistoryEntry, Note, Purchase, new_id
from crmdesk.model.names import client_sort_name
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import referrals, reminders, settings
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


@dataclass(frozen=True)
class Shape:
    """How much there is per client: (fewest, most) of each, and how far back history goes."""

    history: tuple[int, int] = (2, 25)
    facts: tuple[int, int] = (1, 4)
    notes: tuple[int, int] = (1, 3)
    span_days: int = 365
    surveys: bool = True  # a third of the clients answered the survey
    complaints: float = 0.08  # the share of clients who complained in the last year


DEMO = Shape()
# 100,000 clients → about 1,000,000 history entries and 200,000 facts and notes, over 5 years.
# (The scale benchmarks' mix; survey answers at scale are measured on their own, B10.)
LARGE = Shape(
    history=(0, 20), facts=(0, 2), notes=(0, 2), span_days=5 * 365, surveys=False, complaints=0.02
)

CHUNK = 2000  # clients per transaction


def populate(
    db: Database,
    clients: int = 60,
    seed: int = 7,
    today: date | None = None,
    shape: Shape = DEMO,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add `clients` sample clients with facts, notes and history; return how many."""
    rng = random.Random(seed)
    samples = load_samples()
    today = today or date.today()
    settings.set_phone_region(db, "GB")  # the demo shop is in Yorkshire
    _demo_shop(db)
    names = _names(rng, samples, clients)
    made: list[str] = []
    shopping = random.Random(seed + 2)  # its own stream: the clients stay as they were
    for start in range(0, clients, CHUNK):
        people, facts, notes, entries, bought, cases = [], [], [], [], [], []
        for n in range(start, min(start + CHUNK, clients)):
            person = _client(rng, samples, names[n], today, made, db.sort_locale)
            made.append(person["id"])
            people.append(person)
            facts += _facts(rng, samples, person["id"], today, shape)
            notes += _notes(rng, samples, person["id"], today, shape)
            entries += _history(rng, samples, person["id"], today, shape)
            bought += _purchases(shopping, person, today)
            case, said = _complaints(shopping, person["id"], today, shape)
            cases += case
            entries += said
        first: dict[str, datetime] = {}
        last_week = today - timedelta(days=7)
        for p in reversed(bought):  # (each client's purchases are in order)
            first[p["client_id"]] = p["bought_at"]
        for person in people:  # most referrers whose friend bought have had their gift
            person["referral_reward"], person["reward_given_on"] = "", None
            bought_on = first.get(person["id"])
            given = shopping.random() < 0.85
            if person["referred_by_id"] and given and bought_on and bought_on.date() < last_week:
                person["referral_reward"] = "a bunch of seasonal flowers"
                person["reward_given_on"] = bought_on.date() + timedelta(days=7)
        with db.bulk() as bulk:
            bulk.insert(Client.__table__, people)
            bulk.insert(Fact.__table__, facts)
            bulk.insert(Note.__table__, notes)
            bulk.insert(HistoryEntry.__table__, entries)
            bulk.insert(Purchase.__table__, bought)
            bulk.insert(Complaint.__table__, cases)
        if progress is not None:
            progress(len(made))
    if shape.surveys:
        _survey_answers(db, made, random.Random(seed + 1), today, shape)
    # Each chunk above left its own segments in the search index (migration 0010 optimizes
    # only the rows a file already had, none in a new file): merge them once, at the end.
    db.compact_search_index()
    reminders.set_touch_rules(db, {"vip": 30, "wholesale": 60})
    referrals.set_default_reward(db, "a bunch of seasonal flowers")
    return len(made)


BOUGHT = ["Seasonal bouquet", "Dozen roses", "Wedding flowers", "Pot plant", "Funeral wreath",
          "Table arrangement", "Gift hamper", "Orchid", "Weekly office flowers"]  # fmt: skip


def _purchases(rng: random.Random, person: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """A mix: some never bought, many once, some now and then, a few regulars (every 10 to
    45 days, some of whom stopped coming)."""
    since = max(person["created_at"].date(), today - timedelta(days=730))
    span = (today - since).days
    kind = rng.random()
    if kind < 0.15 or span < 1:
        days: list[date] = []
    elif kind < 0.45:
        days = [since + timedelta(days=rng.randrange(span))]
    elif kind < 0.88:
        days = [since + timedelta(days=rng.randrange(span)) for _ in range(rng.randint(2, 5))]
    else:
        every, days = rng.randint(10, 45), []
        stop = today - timedelta(days=rng.randrange(0, 120) if rng.random() < 0.3 else 0)
        day = since + timedelta(days=rng.randrange(min(span, 30)))
        while day <= stop:
            days.append(day)
            day += timedelta(days=max(3, every + rng.randint(-4, 4)))
    return [
        {"client_id": person["id"], "what": rng.choice(BOUGHT),
         "bought_at": datetime.combine(d, time(rng.randrange(9, 18), rng.choice([0, 20, 40]))),
         "amount_cents": round(rng.lognormvariate(3.6, 0.6) * 100)}
        for d in sorted(days)
    ]  # fmt: skip


COMPLAINTS = [("delivery", "Delivery was two hours late"),
              ("product", "The roses wilted in two days"),
              ("service", "Nobody answered the phone"),
              ("product", "The card had the wrong message"),
              ("price or bill", "Charged twice for one bouquet")]  # fmt: skip


CAME_IN = {"in person": "visit", "phone": "call", "email": "email"}


def _complaints(
    rng: random.Random, client_id: str, today: date, shape: Shape
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Now and then a complaint in the last year: most resolved within a few days, a few
    still open (some of them recent). Each is also in the client's history, as it came
    in (and, once resolved, the contact that put it right), linked to the case: what the
    timeline says is a complaint is one on the Complaints tab."""
    if rng.random() >= shape.complaints:
        return [], []
    category, text = rng.choice(COMPLAINTS)
    opened = datetime.combine(today, time(9)) - timedelta(hours=rng.randrange(2, 24 * 330))
    solved_at = opened + timedelta(hours=rng.choice([3, 6, 20, 30, 50, 96, 200]))
    resolved = solved_at < datetime.combine(today, time(9)) - timedelta(days=3)
    case: dict[str, Any]
    case = {"id": new_id(), "client_id": client_id, "opened_at": opened, "category": category,
            "channel": rng.choice(["in person", "phone", "email"]), "description": text,
            "severity": rng.choice(["low", "medium", "medium", "high"]),
            "status": "resolved" if resolved else rng.choice(["open", "in progress"]),
            "resolution": "Replaced free of charge and apologised" if resolved else "",
            "resolved_at": solved_at if resolved else None}  # fmt: skip
    came_in = CAME_IN[str(case["channel"])]
    entries = [{"client_id": client_id, "kind": came_in, "direction": "in",
                "occurred_at": opened, "subject": f"Complaint: {text}", "body": text,
                "outcome": "Complaint recorded", "follow_up_on": None,
                "complaint_id": case["id"]}]  # fmt: skip
    if resolved:
        entries.append({"client_id": client_id, "kind": "call", "direction": "out",
                        "occurred_at": solved_at, "subject": "Putting the complaint right",
                        "body": f"{text}: {str(case['resolution']).lower()}.",
                        "outcome": "Resolved", "follow_up_on": None,
                        "complaint_id": case["id"]})  # fmt: skip
    return [case], entries


REASONS = {
    "promoter": ["They always remember what I like", "The flowers lasted two weeks",
                 "Beautiful wedding bouquet", "Friendly, quick and kind", "Best shop in town"],
    "passive": ["Good, a little pricey", "Fine, but parking is hard", "Nice, I waited a while"],
    "detractor": ["Delivery was two hours late", "The roses wilted in two days",
                  "Nobody answered the phone", "The card had the wrong message"],
}  # fmt: skip


def _survey_answers(
    db: Database, clients: list[str], rng: random.Random, today: date, shape: Shape
) -> None:
    """About a third of the clients answered the built-in survey in the last year (mostly
    happy, some not), each answer also in their history, as the app records it."""
    from crmdesk.model import SurveyAnswer
    from crmdesk.services import surveys
    from crmdesk.services.survey_questions import describe

    builtin = surveys.builtin_survey(db)
    survey_id, [service] = builtin.id, builtin.definition.extra
    weights = [2, 1, 1, 1, 2, 3, 4, 9, 12, 14, 12]
    for start in range(0, len(clients), CHUNK):
        answers, entries = [], []
        for client_id in clients[start : start + CHUNK]:
            if rng.random() > 0.35:
                continue
            score = rng.choices(range(11), weights)[0]
            group = surveys.group_of(score)
            when = datetime.combine(
                today - timedelta(days=rng.randrange(0, min(335, shape.span_days))),
                time(rng.randrange(9, 18), rng.choice([0, 15, 30, 45])),
            )
            reason = rng.choice(REASONS[group])
            channel = rng.choice(["form", "phone", "in person"])
            # the service rating (1–5) goes with the score (no draw: the rest stays the same)
            rating = {"question": service.text, "answer": max(1, min(5, (score + 2) // 2))}
            extra = json.dumps({"1": rating}, ensure_ascii=False)
            contact, quote = rng.random() < 0.6, score >= 9 and rng.random() < 0.5
            answers.append({"survey_id": survey_id, "client_id": client_id, "answered_at": when,
                            "channel": channel, "score": score, "reason": reason,
                            "extra": extra, "consent_contact": contact, "consent_quote": quote,
                            "referral_name": "", "referral_phone": ""})  # fmt: skip
            said = "\n".join([reason, *describe(extra, contact, quote, "", "")])
            entries.append({"client_id": client_id, "kind": "other", "direction": "in",
                            "occurred_at": when, "subject": f"Survey answer: {score}/10",
                            "body": said, "outcome": group.capitalize(),
                            "follow_up_on": None, "personal": channel != "form"})  # fmt: skip
        with db.bulk() as bulk:
            bulk.insert(SurveyAnswer.__table__, answers)
            bulk.insert(HistoryEntry.__table__, entries)


def _demo_shop(db: Database) -> None:
    from crmdesk.services import shop

    if not shop.get_shop(db).name:
        shop.save_shop(db, shop.ShopProfile(
            name="Webber & Daughters, Florists", address="12 Market Street\nHarrogate HG1 2RS",
            phone="01423 555 012", email="hello@webber-florists.example",
            website="webber-florists.example", signature_name="Anna Webber",
            signature_title="Owner",
        ))  # fmt: skip


def family_form(family: str | dict[str, str], gender: str) -> str:
    """The family name as this person carries it: Paweł Dąbrowski, Zofia Dąbrowska,
    Ciarán Ó Briain, Siobhán Ní Bhriain (a name with one form is the same for all)."""
    return family if isinstance(family, str) else family[gender]


def _names(rng: random.Random, samples: dict[str, Any], count: int) -> list[tuple[Any, ...]]:
    """`count` (culture, given, salutation, family) picks, cycling through the cultures and
    repeating a full name only when a culture's names are used up. The family name takes
    the form that agrees with the given name's gender (and so does the salutation)."""
    pools = []
    for culture in samples["cultures"]:
        pairs = [
            (culture, given, culture["salutations"][i],
             family_form(family, culture["genders"][i]))
            for i, given in enumerate(culture["given"])
            for family in culture["family"]
        ]  # fmt: skip
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
    made: list[str],
    locale: str,
) -> dict[str, Any]:
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
    company = rng.choice(samples["companies"])
    return {
        "id": new_id(),
        "given_name": given,
        "family_name": family,
        "salutation": salutation,
        "preferred_name": samples["preferred_names"].get(given, ""),
        "company": company,
        "phones": phones,
        "emails": emails if rng.random() < 0.9 else [],
        "street": rng.choice(place["streets"]),
        "postcode": place["postcode"],
        "city": place["city"],
        "country": "United Kingdom",
        # some are known without their year ("15 April"): two days in 28 of the month
        "birthday": _birthday(born) if rng.random() < 0.8 else None,
        "preferred_contact": rng.choice(["any", "phone", "email", "sms", "letter", "in_person"]),
        "marketing_consent": consent,
        "consent_at": since if consent else None,
        "tags": sorted(set(rng.sample(samples["tags"], rng.randrange(0, 3)))),
        "found_via": "Referral" if referrer else found,
        "referred_by_id": referrer,
        "created_at": since,
        "sort_name": client_sort_name(given, family, company, locale),
    }


def _birthday(born: date) -> PartialDate:
    return PartialDate(born.month, born.day, None if born.day in (7, 19) else born.year)


def _facts(
    rng: random.Random, samples: dict[str, Any], client_id: str, today: date, shape: Shape
) -> list[dict[str, Any]]:
    count = rng.randint(*shape.facts)
    rows = [
        {"client_id": client_id, "label": label, "value": rng.choice(values), "on_date": None}
        for label, values in rng.sample(samples["facts"], min(count, len(samples["facts"])))
    ]
    if count and rng.random() < 0.3:
        label, years = rng.choice(samples["dated_facts"])
        on = today.replace(year=today.year + years, day=1) + timedelta(days=rng.randrange(27))
        rows.append({"client_id": client_id, "label": label, "value": "", "on_date": on})
    return rows


def _notes(
    rng: random.Random, samples: dict[str, Any], client_id: str, today: date, shape: Shape
) -> list[dict[str, Any]]:
    rows = []
    for k in range(rng.randint(*shape.notes)):
        days = rng.randrange(1, shape.span_days)
        rows.append(
            {
                "client_id": client_id,
                "text": rng.choice(samples["notes"]),
                "pinned": k == 0 and rng.random() < 0.3,
                "written_at": datetime.combine(today - timedelta(days=days), time(9 + k % 8, 15)),
            }
        )
    return rows


def _history(
    rng: random.Random, samples: dict[str, Any], client_id: str, today: date, shape: Shape
) -> list[dict[str, Any]]:
    rows = []
    for _ in range(rng.randint(*shape.history)):
        template = rng.choice(samples["history"])
        subject, body, outcome = rng.choice(template["entries"])
        when = datetime.combine(
            today - timedelta(days=rng.randrange(0, shape.span_days)),
            time(rng.randrange(9, 18), rng.choice([0, 10, 20, 30, 40, 50])),
        )
        follow = when.date() + timedelta(days=rng.randrange(2, 21)) if rng.random() < 0.15 else None
        rows.append(
            {
                "client_id": client_id,
                "kind": template["kind"],
                "direction": template["direction"],
                "occurred_at": when,
                "subject": subject,
                "body": body,
                "outcome": outcome,
                "follow_up_on": follow,
                "complaint_id": None,
            }
        )
    return rows


def create_demo(
    path: Path,
    clients: int = 60,
    seed: int = 7,
    shape: Shape | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write a new demo database at `path` (which must not exist yet). Large databases get
    the LARGE shape (about 10 history entries per client over five years) unless told."""
    if path.exists():
        raise CrmError(f"{path} already exists; choose another name or delete it first.")
    chosen = shape or (DEMO if clients <= 1000 else LARGE)
    with Database.open(path, create=True) as db:
        populate(db, clients=clients, seed=seed, shape=chosen, progress=progress)
    return path
