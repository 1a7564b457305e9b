"""Dates as people type them, read in the shop's locale, and shown back the same way.

"12/05/1990", "12.5.1990", "12 May 1990", "May 12th, 1990", "1990-05-12", "12051990" and
"1990年5月12日" are all read (a birthday may also be a day and month alone: "12 May"); the
shop's locale decides whether 12/05 is 12 May or December 5 (Babel's CLDR patterns and
month names, not a hand table). Anything that is not plainly a date is refused with a
message saying what to type; nothing is guessed.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel.dates import format_date, tokenize_pattern

from crmdesk.model.partial_date import PartialDate, most_days
from crmdesk.services.locales import babel_locale, date_in

EXAMPLE = date(1990, 5, 23)  # a day above 12, so the example shows which comes first
EARLIEST_YEAR = 1800
# words that may stand between the parts of a date in any shop (the locale adds its own,
# read from its patterns: the "de" of "12 de mayo de 1990", the "г." after a Russian year)
_FILLERS = frozenset({"st", "nd", "rd", "th", "of", "the"} | {"年", "月", "日", "년", "월", "일"})
_ORDER_WORDS = {"d": "day", "m": "month", "y": "year"}
Token = tuple[str, str]  # ("digits", "12") or ("word", "mai")


def _tokens(text: str) -> list[Token]:
    """Runs of digits (any script's, as ASCII) and of letters with their marks (case and
    accents folded); everything else separates them."""
    out: list[Token] = []
    kind, run = "", ""
    for ch in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold()):
        cat = unicodedata.category(ch)
        if cat == "Mn":  # an accent: "févr" and "fevr" are one word
            continue
        now = "digits" if cat == "Nd" else "word" if cat[0] in "LM" else ""
        if now != kind and run:
            out.append((kind, run))
            run = ""
        kind = now
        if now:
            run += str(unicodedata.decimal(ch)) if now == "digits" else ch
    if run:
        out.append((kind, run))
    return out


@dataclass(frozen=True)
class _Words:
    months: dict[tuple[str, ...], int]  # a month's name as words → 1..12
    fillers: frozenset[str]
    longest: int


def _read(tokens: list[Token], words: _Words) -> tuple[list[str], list[int], list[str]]:
    """The numbers, the months named and the words not understood, in order."""
    numbers: list[str] = []
    named: list[int] = []
    unknown: list[str] = []
    at = 0
    while at < len(tokens):
        kind, value = tokens[at]
        if kind == "digits":
            numbers.append(value)
            at += 1
            continue
        for size in range(min(words.longest, len(tokens) - at), 0, -1):
            key = tuple(v for k, v in tokens[at : at + size] if k == "word")
            if len(key) == size and key in words.months:
                named.append(words.months[key])
                at += size
                break
        else:
            if value not in words.fillers:
                unknown.append(value)
            at += 1
    return numbers, named, unknown


@lru_cache(maxsize=64)
def _words(locale: str) -> _Words:
    """How the locale (and English) names months, and the words its own patterns put
    around the numbers, learnt from Babel's CLDR data."""
    months: dict[tuple[str, ...], int] = {}
    clashes: set[tuple[str, ...]] = set()
    for loc in ("en", locale):
        for context in babel_locale(loc).months.values():
            for names in context.values():
                for number, name in names.items():
                    key = tuple(t for _k, t in _tokens(name))
                    if key and months.setdefault(key, number) != number:
                        clashes.add(key)
    for key in clashes:  # two months that fold to the same word: neither is guessed
        months.pop(key, None)
    months.setdefault(("sept",), 9)
    words = _Words(months, _FILLERS, max(len(k) for k in months))
    # the words every month's date has in a pattern are its literals ("de", "г."); words
    # that change with the month (an inflected month name) are not learnt as fillers
    learnt: set[str] = set()
    for width in ("short", "medium", "long", "full"):
        unknown = [
            set(_read(_tokens(format_date(date(1990, m, 23), width, locale=locale)), words)[2])
            for m in range(1, 13)
        ]
        learnt |= set.intersection(*unknown)
    # and the words a month's own dates have that no other month's do are that month's
    # name as the patterns inflect or join it ("maiatzaren", "במאי")
    for width in ("medium", "long"):
        for m in range(1, 13):
            text = format_date(date(1990, m, 23), width, locale=locale)
            for word in set(_read(_tokens(text), words)[2]) - learnt:
                if months.setdefault((word,), m) != m:
                    months.pop((word,))
    weekdays = {
        t for context in babel_locale(locale).days.values() for names in context.values()
        for name in names.values() for _k, t in _tokens(name)
    }  # fmt: skip
    return _Words(months, _FILLERS | learnt | weekdays, words.longest)


@lru_cache(maxsize=64)
def order(locale: str) -> str:
    """ "dmy", "mdy" or "ymd": the order of day, month and year in the locale's short dates."""
    pattern = babel_locale(locale).date_formats["short"].pattern
    first = {letter: pattern.find(letter) for letter in "dMy"}
    return "".join(k.lower() for k in sorted(first, key=lambda k: first[k]))


def _short_pattern(locale: str) -> str:
    """The locale's short date pattern with a four-digit year (5/23/1990, not 5/23/90)."""
    pattern = babel_locale(locale).date_formats["short"].pattern
    return re.sub(r"y+", "y", pattern)


def show(day: date, locale: str) -> str:
    """How a date is shown back in a field: "12 May 1990", "May 12, 1990", "12.05.1990"."""
    return date_in(day, "medium", locale)


def example(locale: str) -> str:
    """What to type, in this locale: "23/05/1990 or 23 May 1990 (day, month, year)"."""
    short = format_date(EXAMPLE, _short_pattern(locale), locale=locale)
    medium = show(EXAMPLE, locale)
    words = ", ".join(_ORDER_WORDS[c] for c in order(locale))
    both = short if short == medium else f"{short} or {medium}"
    return f"{both} ({words})"


def _year(text: str, today: date, past: bool) -> int:
    if len(text) == 4:
        return int(text)
    if len(text) != 2:
        raise _UnreadableError
    yy = int(text)
    if past:  # a birthday "90" is 1990, "05" is 2005 if that is not after this year
        year = today.year - (today.year - yy) % 100
        return year
    # otherwise the nearest such year from 80 years back to 19 ahead
    return today.year - 80 + (yy - (today.year - 80)) % 100


class _UnreadableError(Exception):
    pass


def _split_digits(digits: str, order_: str) -> dict[str, str]:
    """ "12051990" → day 12, month 05, year 1990 in this order (6 digits: a two-digit year)."""
    widths = {"d": 2, "m": 2, "y": len(digits) - 4}
    parts, at = {}, 0
    for part in order_:
        parts[part] = digits[at : at + widths[part]]
        at += widths[part]
    return parts


def _plausible(parts: dict[str, str]) -> bool:
    return (
        1 <= int(parts["d"]) <= 31
        and 1 <= int(parts["m"]) <= 12
        and EARLIEST_YEAR <= int(parts["y"]) <= 2200
    )


def _parts(text: str, locale: str) -> dict[str, str | int]:
    numbers, named, unknown = _read(_tokens(text), _words(locale))
    if unknown or len(named) > 1:
        raise _UnreadableError
    month = named[0] if named else None
    order_ = order(locale)
    if month is not None:
        if len(numbers) != 2:
            raise _UnreadableError
        a, b = numbers
        if len(a) == 4 or int(a) > 31:
            return {"y": a, "d": b, "m": month}
        if len(b) == 4 or int(b) > 31:
            return {"d": a, "y": b, "m": month}
        day_first = order_.index("d") < order_.index("y")
        return {"d": a, "y": b, "m": month} if day_first else {"y": a, "d": b, "m": month}
    if len(numbers) == 1 and len(numbers[0]) in (6, 8):
        digits = numbers[0]
        as_locale = _split_digits(digits, order_)
        if len(digits) == 8 and order_ != "ymd" and not _plausible(as_locale):
            as_iso = _split_digits(digits, "ymd")  # 19900512: plainly the year first
            if _plausible(as_iso):
                return dict(as_iso)
        return dict(as_locale)
    if len(numbers) != 3:
        raise _UnreadableError
    if len(numbers[0]) == 4:
        return dict(zip("ymd", numbers, strict=True))
    if order_ == "ymd" and len(numbers[2]) == 4:
        raise _UnreadableError  # 12/05/1990 in a year-first locale: which is the month?
    return dict(zip(order_, numbers, strict=True))


def parse_date(
    text: str, locale: str, *, today: date | None = None, past: bool = False
) -> date | None:
    """The date `text` means in `locale`; None for an empty field. Raises ValueError with
    a message saying what to type. `past`: a date that cannot be after today (a birthday),
    so a two-digit year is the latest one not in the future."""
    typed = text.strip()
    if not typed:
        return None
    today = today or date.today()
    how = f"type it like {example(locale)}"
    try:
        parts = _parts(typed, locale)
        year = _year(str(parts["y"]), today, past)
        month, day = int(parts["m"]), int(parts["d"])
    except _UnreadableError:
        raise ValueError(f"“{typed}” is not a date; {how}.") from None
    if not 1 <= month <= 12:
        raise ValueError(f"“{typed}”: there is no month {month}; {how}.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        month_name = calendar.month_name[month]
        raise ValueError(
            f"“{typed}”: {month_name} {year} has {last} days, not {day}; "
            f"type a day from 1 to {last}, like {show(date(year, month, min(last, 23)), locale)}."
        )
    if year < EARLIEST_YEAR:
        raise ValueError(f"“{typed}”: the year {year} is too long ago; {how}.")
    value = date(year, month, day)
    if past and value > today:
        raise ValueError(f"“{typed}” is after today; type a day up to {show(today, locale)}.")
    if value.year > today.year + 200:
        raise ValueError(f"“{typed}”: the year {year} is too far ahead; {how}.")
    return value


# ---------------------------------------------------------------- a day of every year


def show_day_of_year(month: int, day: int, locale: str) -> str:
    """A day and month without a year, as the locale writes one: "15 April", "April 15",
    "15. April", "4月15日" (CLDR's month-day pattern, filled in here: nothing is formatted
    through a date, so no year is ever made up for it)."""
    loc = babel_locale(locale)
    skeleton = loc.datetime_skeletons.get("MMMMd")
    pattern = skeleton.pattern if skeleton is not None else "d MMMM"
    out = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            out.append(str(value))
            continue
        letter, width = value  # type: ignore[str-unpack]  # (a field: letter, width)
        width = int(width)
        if letter == "d":
            out.append(f"{day:0{width}d}")
        elif letter in "ML" and width <= 2:
            out.append(f"{month:0{width}d}")
        elif letter in "ML":
            context = "format" if letter == "M" else "stand-alone"
            size = "wide" if width == 4 else "abbreviated"
            out.append(loc.months[context][size][month])
    return "".join(out)


def show_birthday(when: PartialDate, locale: str) -> str:
    """ "12 May 1990" (as `show` writes a date), or "12 May" when the year is not known."""
    full = when.to_date()
    return show(full, locale) if full else show_day_of_year(when.month, when.day, locale)


def birthday_example(locale: str) -> str:
    """What to type for a birthday: a date, or the day and month alone."""
    return f"type it like {example(locale)}, or the day and month alone " + (
        f"({show_day_of_year(EXAMPLE.month, EXAMPLE.day, locale)}) when the year is not known"
    )


def _day_and_month(typed: str, locale: str) -> tuple[int, int] | None:
    """(month, day) when `typed` is a day and a month and nothing else ("12 May", "May 12",
    "12/5" in the locale's order), else None."""
    numbers, named, unknown = _read(_tokens(typed), _words(locale))
    if unknown or len(named) > 1 or any(len(n) > 2 for n in numbers):
        return None
    if len(named) == 1 and len(numbers) == 1:
        return named[0], int(numbers[0])
    if not named and len(numbers) == 2:
        parts = dict(zip(order(locale).replace("y", ""), numbers, strict=True))
        return int(parts["m"]), int(parts["d"])
    return None


def parse_birthday(text: str, locale: str, *, today: date | None = None) -> PartialDate | None:
    """The birthday `text` means in `locale`: a full date (not after today), or a day and
    month without a year ("12 May", "12/5", "--0512"), kept without one. None for an empty
    field; raises ValueError saying what to type."""
    typed = text.strip()
    if not typed:
        return None
    if typed.startswith(("--", "XXXX")):
        try:
            return PartialDate.parse(typed)
        except ValueError:
            said = f"“{typed}” is not a day and month; {birthday_example(locale)}."
            raise ValueError(said) from None
    try:
        day_and_month = _day_and_month(typed, locale)
    except (KeyError, ValueError):
        day_and_month = None
    if day_and_month is None:
        try:
            full = parse_date(typed, locale, today=today, past=True)
        except ValueError as exc:
            said = str(exc)
            if said.endswith(f"type it like {example(locale)}."):  # not a date at all
                raise ValueError(f"“{typed}” is not a date; {birthday_example(locale)}.") from None
            raise
        return None if full is None else PartialDate.of(full)
    month, day = day_and_month
    if not 1 <= month <= 12:
        raise ValueError(f"“{typed}”: there is no month {month}; {birthday_example(locale)}.")
    try:
        return PartialDate(month, day)
    except ValueError:
        name = babel_locale(locale).months["stand-alone"]["wide"][month]
        most = most_days(month)
        at_most = "at most " if month == 2 else ""
        raise ValueError(
            f"“{typed}”: {name} has {at_most}{most} days, not {day}; type a day from 1 to "
            f"{most}, like {show_day_of_year(month, min(most, 23), locale)}."
        ) from None
