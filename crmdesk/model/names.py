"""How names are shown and sorted. Plain functions: no SQLAlchemy, cheap to import."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=8)
def _collator(locale: str) -> Any:
    """ICU's collator for `locale` ("" → the root order, CLDR's default for every script)."""
    import icu  # pyicu-wheels: loaded on the first sort key, never before the first paint

    collator = icu.Collator.createInstance(icu.Locale(locale or "root"))
    return collator


def collation_key(locale: str, text: str) -> str:
    """Text whose plain (binary) order is the order of `text` in `locale`'s alphabet, so
    SQLite's own index sorts names as the shop's country does: a Danish shop puts Ø and Aa
    after Z, a German one Ö with the Os, a Swedish one Ö after Z. It is ICU's sort key
    (bytes, compared with memcmp) read as Latin-1: UTF-8 keeps the order of code points, so
    SQLite's BINARY comparison of the stored text is the comparison of the keys."""
    key: bytes = _collator(locale).getSortKey(text)
    return key.rstrip(b"\x00").decode("latin-1")


def client_sort_name(given: str, family: str, company: str, locale: str = "") -> str:
    """What the client list sorts "Name" by: family name (or company), then given name,
    in the alphabet of `locale`."""
    return collation_key(locale, " ".join(p for p in (family or company, given) if p))


def display_name(given: str, family: str, company: str = "") -> str:
    name = " ".join(part for part in (given, family) if part)
    return name or company or "(no name)"
