"""Reading the import fixtures (tests/fixtures/import) the way the preview will."""

from __future__ import annotations

from pathlib import Path

from crmdesk.services.importing import ImportedContact, ImportSource, open_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def read(name: str, **options: str) -> tuple[list[ImportedContact], ImportSource]:
    """Every contact in a fixture (generated/… or real/…) and the source they came from."""
    source = open_import(FIXTURES / name, **options)
    return list(source.contacts()), source


def by_name(contacts: list[ImportedContact]) -> dict[str, ImportedContact]:
    return {c.name: c for c in contacts}


def problems(contact: ImportedContact) -> list[tuple[int, str]]:
    return [(p.line, p.text) for p in contact.problems]
