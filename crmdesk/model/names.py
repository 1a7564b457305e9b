"""How names are shown and sorted. Plain functions: no SQLAlchemy, cheap to import."""

from __future__ import annotations

import unicodedata

_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ł": "l", "ß": "ss", "đ": "d", "ı": "i", "œ": "oe"})


def sort_key(*parts: str) -> str:
    """Case- and accent-folded text that sorts the way people expect a name list to:
    Ó Briain with the Os, Ørsted with the Os, Łukasz with the Ls."""
    text = " ".join(p for p in parts if p).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def client_sort_name(given: str, family: str, company: str) -> str:
    """What the client list sorts "Name" by: family name (or company), then given name."""
    return sort_key(family or company, given)


def display_name(given: str, family: str, company: str = "") -> str:
    name = " ".join(part for part in (given, family) if part)
    return name or company or "(no name)"
