"""Settings of the business, declared once, as data, and kept in the database (meta) so both
machines agree: a write stamps each key like a field, and merging carries it across.

Each `Setting` says its key, label, kind, default, how it is stored and what is allowed. This
module alone reads and writes them; the Settings dialog is built from `SETTINGS`, and the
services (retention, reminders, referrals, purchases) read their values through `get`.
A default may follow from other settings: the locale and the currency from the country.
"""

from __future__ import annotations

import json
import locale as system_locale
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from crmdesk.errors import ValidationError
from crmdesk.services import amounts
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.validation import is_region
from crmdesk.store.database import Database

Values = Mapping[str, Any]  # key → value, for defaults and checks that follow other settings


@dataclass(frozen=True)
class Setting:
    key: str  # the meta key; never renamed (older files and other machines use it)
    label: str
    kind: str  # "choice", "number", "text", "lines", "amount": how the dialog edits it
    default: Callable[[Values], Any]
    hint: str = ""
    load: Callable[[str], Any] = str  # stored text → value
    dump: Callable[[Any], str] = str  # value → stored text
    clean: Callable[[Any, Values], Any] = lambda raw, _values: raw  # raises ValueError
    choices: Callable[[Values], list[tuple[str, str]]] | None = None  # (value, label)
    minimum: int = 0
    maximum: int = 0
    suffix: str = ""
    section: str = "Shop"
    show: Callable[[Any, Values], str] = field(default=lambda value, _values: str(value))


# --------------------------------------------------------------------- country and locale


def _machine_country() -> str:
    """The country this machine's locale names ("" if it names none: C, POSIX, plain "en").
    The locale's own name is read: Python's getlocale() calls C.UTF-8 "en_US"."""
    name = system_locale.setlocale(system_locale.LC_CTYPE)  # (asks; changes nothing)
    country = name.partition(".")[0].partition("@")[0].partition("_")[2].upper()
    return country if is_region(country) else ""


def _system_country() -> str:
    """The machine's country, or GB where it names none (for reading phone numbers)."""
    return _machine_country() or "GB"


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    """(code, "United Kingdom (+44)") for every country phone numbers know, by name."""
    import phonenumbers
    from babel import Locale

    names = Locale.parse("en").territories
    out = [
        (code, f"{names.get(code, code)} (+{phonenumbers.country_code_for_region(code)})")
        for code in phonenumbers.SUPPORTED_REGIONS
    ]
    return sorted(out, key=lambda item: item[1].casefold())


def _clean_country(raw: Any, _values: Values) -> str:
    code = str(raw).strip().upper()
    if not is_region(code):
        raise ValueError(f"“{code}” is not a country code; use two letters such as GB, DE, US.")
    return code


@lru_cache(maxsize=32)
def locale_of_country(country: str) -> str:
    """The usual locale of a country: GB → en_GB, CH → de_CH, JP → ja_JP."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(f"und_{country}"))
    except (UnknownLocaleError, ValueError):
        return "en_GB"


@lru_cache(maxsize=1)
def _locale_labels() -> dict[str, str]:
    from babel import Locale
    from babel.localedata import locale_identifiers

    out = {}
    for ident in locale_identifiers():
        loc = Locale.parse(ident)
        if loc.territory and not loc.script and not loc.variant:
            out[ident] = loc.get_display_name("en") or ident
    return out


def _locale_choices(values: Values) -> list[tuple[str, str]]:
    usual = locale_of_country(values.get(COUNTRY.key) or _system_country())
    labels = _locale_labels()
    first = [("", f"As usual in the country ({labels.get(usual, usual)})")]
    return first + sorted(labels.items(), key=lambda item: item[1].casefold())


def _clean_locale(raw: Any, _values: Values) -> str:
    text = str(raw or "").strip()
    if text and text not in _locale_labels():
        raise ValueError(f"“{text}” is not a locale crmdesk knows; choose one from the list.")
    return text


@lru_cache(maxsize=32)
def currency_of_country(country: str) -> str:
    """The currency a country pays in today (Babel's territory currencies, legal tender
    first): GB → GBP, DE → EUR, JP → JPY; "" for no known country (never a guess)."""
    from babel.numbers import get_territory_currencies

    found = get_territory_currencies(country, tender=True) if country else []
    return found[0] if found else ""


def _currency_choices(values: Values) -> list[tuple[str, str]]:
    usual = currency_of_country(values.get(COUNTRY.key) or "")
    labels = dict(amounts.currency_choices())
    first = (f"The country's ({labels.get(usual, usual)})" if usual
             else "None yet: choose the shop's country or a currency")  # fmt: skip
    return [("", first), *labels.items()]


def _clean_currency(raw: Any, _values: Values) -> str:
    code = str(raw or "").strip().upper()
    if code and code not in dict(amounts.currency_choices()):
        raise ValueError(f"“{code}” is not a currency crmdesk knows; choose one from the list.")
    return code


# --------------------------------------------------------------------- numbers and words


def _number(low: int, high: int, message: str) -> Callable[[Any, Values], int]:
    def clean(raw: Any, _values: Values) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(message) from None
        if not low <= value <= high:
            raise ValueError(message)
        return value

    return clean


def _clean_reward(raw: Any, _values: Values) -> str:
    text = " ".join(str(raw).split())
    if not text:
        raise ValueError("Say what a referrer receives, e.g. “£10 voucher”.")
    if len(text) > 120:
        raise ValueError(f"Keep it under 120 characters (this is {len(text)}).")
    return text


def _clean_touch(raw: Any, _values: Values) -> dict[str, int]:
    """{"VIP": 30} as it is, or typed lines "VIP: 30" → {"VIP": 30}."""
    if isinstance(raw, Mapping):
        items = [(str(k), str(v)) for k, v in raw.items()]
    else:
        items = []
        for line in str(raw).splitlines():
            if not line.strip():
                continue
            tag, colon, days = line.rpartition(":")
            if not colon:
                raise ValueError(f"“{line.strip()}”: write the tag, a colon and the days, "
                                 "like “VIP: 30”.")  # fmt: skip
            items.append((tag, days))
    rules: dict[str, int] = {}
    for tag, days in items:
        if not tag.strip():
            raise ValueError("A rule needs a tag, like “VIP: 30”.")
        try:
            every = int(str(days).strip())
        except ValueError:
            raise ValueError(f"“{tag.strip()}: {days.strip()}”: the days are a whole number, "
                             "like “VIP: 30”.") from None  # fmt: skip
        if not 1 <= every <= 3650:
            raise ValueError(f"“{tag.strip()}”: stay in touch every 1 to 3650 days.")
        rules[tag.strip()] = every
    return rules


def _show_touch(rules: Any, _values: Values) -> str:
    return "\n".join(f"{tag}: {days}" for tag, days in sorted(rules.items()))


def _clean_ask_above(raw: Any, values: Values) -> int:
    if isinstance(raw, int):
        return raw
    minor = amounts.parse_amount(str(raw), currency(values), shop_locale(values))
    if minor <= 0:
        raise ValueError("Type an amount above zero, like 500.")
    return minor


def _show_ask_above(minor: Any, values: Values) -> str:
    return amounts.plain(int(minor), currency(values), shop_locale(values))


# --------------------------------------------------------------------- the declarations

COUNTRY = Setting(
    "phone_region", "&Country of the shop:", "choice", lambda _v: _machine_country(),
    hint="Phone numbers without a country code are from here; it also gives the usual "
    "language, dates and currency.",
    clean=_clean_country, choices=lambda _v: country_choices(),
)  # fmt: skip
LOCALE = Setting(
    "locale", "&Dates and numbers as in:", "choice", lambda _v: "",
    hint="How dates and amounts are typed and shown (12/05/1990 is 12 May or December 5).",
    clean=_clean_locale, choices=_locale_choices,
)  # fmt: skip
CURRENCY = Setting(
    "currency", "C&urrency:", "choice", lambda _v: "",
    hint="Amounts already recorded are not converted.",
    clean=_clean_currency, choices=_currency_choices,
)  # fmt: skip
REGULAR_PURCHASES = Setting(
    "regular_purchases", "A &regular makes at least:", "number", lambda _v: 4,
    load=int, minimum=2, maximum=100, suffix=" purchases", section="Loyalty",
    clean=_number(2, 100, "A regular client makes 2 to 100 purchases."),
)  # fmt: skip
REGULAR_MONTHS = Setting(
    "regular_months", "…&within the last:", "number", lambda _v: 12,
    load=int, minimum=1, maximum=60, suffix=" months", section="Loyalty",
    clean=_number(1, 60, "Count a regular's purchases within 1 to 60 months."),
)  # fmt: skip
TOUCH_BY_TAG = Setting(
    "touch_by_tag", "Stay in &touch by tag:", "lines", lambda _v: {},
    hint="One tag a line with the days between contacts, like “VIP: 30”.",
    load=lambda raw: {str(k): int(v) for k, v in json.loads(raw).items()},
    dump=lambda rules: json.dumps(rules, ensure_ascii=False, sort_keys=True),
    clean=_clean_touch, show=_show_touch, section="Loyalty",
)  # fmt: skip
REFERRAL_REWARD = Setting(
    "referral_reward", "Referral re&ward:", "text", lambda _v: "a thank-you gift",
    hint="What a client receives for bringing a new client who buys, e.g. “£10 voucher”.",
    clean=_clean_reward, section="Loyalty",
)  # fmt: skip
ASK_ABOVE = Setting(
    "ask_above_minor", "Ask before recording a first purchase over:", "amount",
    lambda values: 1000 * 10 ** amounts.precision(currency(values)),
    hint="For a client with purchases already, crmdesk asks above 10× their usual.",
    load=int, clean=_clean_ask_above, show=_show_ask_above, section="Loyalty",
)  # fmt: skip

SETTINGS: tuple[Setting, ...] = (
    COUNTRY,
    LOCALE,
    CURRENCY,
    REGULAR_PURCHASES,
    REGULAR_MONTHS,
    TOUCH_BY_TAG,
    REFERRAL_REWARD,
    ASK_ABOVE,
)  # fmt: skip  (in this order: a later default may follow an earlier value)
BY_KEY = {s.key: s for s in SETTINGS}


# --------------------------------------------------------------------- reading and writing


def read_all(db: Database) -> dict[str, Any]:
    """Every setting's value (the stored one, or its default), by key."""
    marks = ", ".join("?" * len(SETTINGS))
    stored = dict(db.query(f"SELECT key, value FROM meta WHERE key IN ({marks})",
                           tuple(BY_KEY)))  # fmt: skip
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = stored.get(s.key)
        values[s.key] = s.load(raw) if raw not in (None, "") else s.default(values)
    return values


def get(db: Database, setting: Setting) -> Any:
    return read_all(db)[setting.key]


def check(values: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The `new` values as they are saved, given the settings now (`values`, read_all); or
    ValidationError (key → what to type) if any is wrong."""
    unknown = set(new) - set(BY_KEY)
    if unknown:
        raise KeyError(f"not settings: {sorted(unknown)}")
    merged, problems = dict(values), {}
    for s in SETTINGS:
        if s.key not in new:
            continue
        try:
            merged[s.key] = s.clean(new[s.key], merged)
        except ValueError as exc:
            problems[s.key] = str(exc)
    if problems:
        raise ValidationError(problems)
    return {key: merged[key] for key in new}


def write(
    db: Database, new: Mapping[str, Any], label: str = "Settings", resort: bool = True
) -> Changes:
    """Check every given value (raw text or value), then save the ones that changed, in one
    write; raises ValidationError (key → what to type) and saves nothing if any is wrong.
    A new country or locale sorts the clients again (`resort`; the window does that in the
    background instead, with keep_sort_order)."""
    values = read_all(db)
    before = dict(values)
    values.update(check(values, new))
    _keep_amounts_as_meant(db, before, values, new)
    from crmdesk.model import Meta

    with db.write() as w:
        for s in SETTINGS:
            if s.key in new and values[s.key] != before[s.key]:
                w.session.merge(Meta(key=s.key, value=s.dump(values[s.key])))
    changes = from_write(label, w)
    if resort and keep_sort_order(db):
        changes = replace(changes, tables=changes.tables | {"clients"})
    return changes


def _keep_amounts_as_meant(
    db: Database, before: Values, after: Values, new: Mapping[str, Any]
) -> None:
    """Amounts are kept in the currency's minor units (pence, yen, fils): a new currency
    with other decimal places (GBP → JPY, EUR → KWD) would make every purchase recorded a
    hundred times more or ten times less. Refused while there are purchases, at the field
    that changed it (the currency, or the country it follows)."""
    was, becomes = currency(before), currency(after)
    places_before = amounts.precision(was)
    places_after = amounts.precision(becomes)
    if places_before == places_after or not db.query("SELECT 1 FROM purchases LIMIT 1"):
        return
    field = CURRENCY.key if CURRENCY.key in new else COUNTRY.key
    raise ValidationError(
        {
            field: f"The purchases recorded are in {was or 'amounts'} with {places_before} "
            f"decimal places; {becomes} has {places_after}, so every amount would change. "
            f"Choose a currency with {places_before} decimal places."
        }
    )


def keep_sort_order(db: Database) -> bool:
    """Sort the clients in the shop's alphabet if they are not yet (the country or locale
    was changed here, came in with a merge, or this machine's default differs); True if
    the sort names were made again. Costs one read of the settings when nothing changed."""
    wanted = locale_for(db)
    if db.sort_locale == wanted:
        return False
    db.resort(wanted)
    return True


# --------------------------------------------------------------------- what others read


def country(values: Values) -> str:
    return str(values.get(COUNTRY.key) or _system_country())


def shop_locale(values: Values) -> str:
    """The locale dates and amounts are read and shown in: chosen, or the country's."""
    return str(values.get(LOCALE.key) or locale_of_country(country(values)))


def locale_for(db: Database) -> str:
    return shop_locale(read_all(db))


def money(db: Database) -> Callable[[int], str]:
    """How amounts (in minor units) are shown in this shop: 1250 → "£12.50"."""
    values = read_all(db)
    cur, loc = currency(values), shop_locale(values)
    return lambda minor: amounts.show(minor, cur, loc)


def warm_up() -> None:
    """Load what showing a date and an amount needs in this machine's locale (Babel's data
    for it, and its dates module with the time zones: 30–40 ms the first time), so that the
    first client shown does not wait for it."""
    from babel.dates import format_date

    values: Values = {COUNTRY.key: _system_country()}
    amounts.show(1250, currency(values), shop_locale(values))
    format_date(date(2026, 1, 1), format="medium", locale=shop_locale(values))


def currency(values: Values) -> str:
    """The shop's currency: chosen, or the country's. A file that says neither, opened on a
    machine whose locale names no country, has none ("": amounts show without a sign, and
    Settings asks for the country) rather than a currency guessed from nowhere."""
    chosen = values.get(CURRENCY.key) or currency_of_country(values.get(COUNTRY.key) or "")
    return str(chosen)


def phone_region(db: Database) -> str:
    return country(read_all(db))


def set_phone_region(db: Database, code: str) -> Changes:
    return write(db, {COUNTRY.key: code})


def default_region() -> str:
    return _system_country()


def machine_region() -> str:
    """The country this machine's locale names, or "" (C, POSIX): never a guess."""
    return _machine_country()
