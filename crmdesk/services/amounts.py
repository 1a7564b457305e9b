"""Amounts of money as people type them, in the shop's currency and locale, kept exactly.

An amount is stored as an integer number of the currency's minor units (pence, cents; yen
have none), never as a float. What is typed is read with Babel's strict parser in the
shop's locale: "1,234.50", "£12", "12 GBP" in a British shop, "1.234,50 €" in a German one.
Anything that is not plainly such an amount is refused with what to type instead; nothing
is stripped, rounded or guessed.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_name,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_territory_currencies,
    list_currencies,
    parse_decimal,
)

from crmdesk.services.locales import babel_locale

MAX_UNITS = Decimal(99_999_999)  # above this, a purchase in a small shop is a typing slip
_SPACES = "\u0020\u00a0\u202f\u2009"
_APOSTROPHES = "'\u2019"


def precision(currency: str) -> int:
    """Decimal places of the currency's minor unit: 2 for GBP, 0 for JPY, 3 for BHD (2 when
    no currency is known)."""
    return int(get_currency_precision(currency)) if currency else 2


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-precision(currency))


def show(minor: int, currency: str, locale: str) -> str:
    """1234550 pence → "£12,345.50" (en_GB), "12.345,50 £" (de_DE); the minor units of yen
    (none) and dinars (fils, 3) as those currencies have them: "￥1,234", "KWD 1,234.500".
    With no currency known ("": a file that never said its country or currency, opened on a
    machine that says none either), the number alone, never a guessed sign: "12,345.50"."""
    if not currency:
        return plain(minor, currency, locale)
    return format_currency(to_decimal(minor, currency), currency, locale=babel_locale(locale))


def plain(minor: int, currency: str, locale: str) -> str:
    """The amount as it would be typed back: "12,345.50" (no symbol)."""
    places = precision(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(to_decimal(minor, currency), pattern, locale=babel_locale(locale))


def example(currency: str, locale: str) -> str:
    """What to type: "45.50 or £1,234.50"."""
    places = precision(currency)
    small = plain(4550 if places else 45, currency, locale)
    if not currency:
        return small
    big = show(123450 * 10 ** max(0, places - 2) if places else 1234, currency, locale)
    return f"{small} or {big}"


def currency_words(currency: str, locale: str) -> str:
    """ "pounds (£)", "euros (€)": how a refusal names the shop's currency."""
    if not currency:
        return "the shop's currency (not set yet: Edit ▸ Settings)"
    name = get_currency_name(currency, count=2, locale="en")
    return f"{name} ({get_currency_symbol(currency, locale)})"


def _our_marks(currency: str, locale: str) -> list[str]:
    """The ways the shop's own currency may be written around an amount, longest first."""
    marks = {currency} | {get_currency_symbol(currency, loc) for loc in (locale, "en", "en_GB")}
    loc = Locale.parse(locale)
    narrow = loc.currency_symbols.get(currency)
    if narrow:
        marks.add(narrow)
    return sorted((m for m in marks if m), key=len, reverse=True)


def _other_currency(text: str, currency: str) -> str | None:
    """A symbol or code of another currency in `text` ("$", "USD"), if there is one."""
    for ch in text:
        if unicodedata.category(ch) == "Sc":
            return ch
    words = "".join(ch if ch.isalpha() else " " for ch in text).split()
    codes = set(list_currencies())
    return next((w for w in words if w.upper() in codes and w.upper() != currency), None)


def parse_amount(text: str, currency: str, locale: str) -> int:
    """The amount typed, in minor units of `currency`. Raises ValueError saying what to type."""
    typed = text.strip()
    how = f"type it like {example(currency, locale)}"
    if not typed:
        raise ValueError(f"Type the amount, like {example(currency, locale)}.")
    rest = typed
    for mark in _our_marks(currency, locale):
        if rest.upper().startswith(mark.upper()):
            rest = rest[len(mark) :].strip()
            break
        if rest.upper().endswith(mark.upper()):
            rest = rest[: -len(mark)].strip()
            break
    other = _other_currency(rest, currency)
    if other is not None:
        raise ValueError(
            f"“{typed}” is not in {currency_words(currency, locale)}, the shop's currency; {how}."
        )
    if rest.startswith(("-", "−", "(")):
        raise ValueError("An amount cannot be negative; record a refund as a note.")
    decimal_mark = get_decimal_symbol(locale)
    group = get_group_symbol(locale)
    if group in _SPACES:  # "1 234,50" typed with an ordinary space
        rest = "".join(group if ch in _SPACES else ch for ch in rest)
    elif group in _APOSTROPHES:
        rest = "".join(group if ch in _APOSTROPHES else ch for ch in rest)
    if not rest or any(not (ch.isdigit() and ch.isascii()) and ch not in (decimal_mark, group)
                       for ch in rest):  # fmt: skip
        raise ValueError(f"“{typed}” is not an amount; {how}.")
    try:
        value = parse_decimal(rest, locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        raise ValueError(
            f"“{typed}” is not an amount as written here (the decimal mark is "
            f"“{decimal_mark}”); {how}."
        ) from None
    places = precision(currency)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places:
        cents = "no decimals" if places == 0 else f"{places} decimals at most"
        raise ValueError(
            f"“{typed}” has more decimals than {currency_words(currency, locale)} have "
            f"({cents}); {how}."
        )
    if value > MAX_UNITS:
        raise ValueError(
            f"“{typed}” is more than {plain(int(MAX_UNITS.scaleb(places)), currency, locale)}; "
            "type the amount of one purchase."
        )
    return int(value.scaleb(places))


def currency_choices() -> list[tuple[str, str]]:
    """(code, "British Pound (GBP, £)") for every currency some country uses today, by name."""
    en = Locale.parse("en")
    in_use = {c for t in en.territories for c in get_territory_currencies(str(t), tender=True)}
    out = []
    for code in sorted(in_use):
        name = en.currencies.get(code)
        if not name:
            continue
        symbol = get_currency_symbol(code, "en")
        label = f"{name} ({code})" if symbol == code else f"{name} ({code}, {symbol})"
        out.append((code, label))
    return sorted(out, key=lambda item: item[1].casefold())
