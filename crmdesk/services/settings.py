"""Settings of the business, kept in the database so both machines agree."""

from __future__ import annotations

import locale

from crmdesk.errors import ValidationError
from crmdesk.services.validation import is_region
from crmdesk.store.database import Database

PHONE_REGION = "phone_region"


def default_region() -> str:
    lang = locale.getlocale()[0] or ""
    country = lang.partition("_")[2].upper()
    return country if is_region(country) else "GB"


def phone_region(db: Database) -> str:
    return db.meta(PHONE_REGION) or default_region()


def set_phone_region(db: Database, code: str) -> None:
    code = code.strip().upper()
    if not is_region(code):
        raise ValidationError(
            {"phone_region": f"“{code}” is not a country code; use two letters such as GB, DE, US."}
        )
    db.set_meta(PHONE_REGION, code)
