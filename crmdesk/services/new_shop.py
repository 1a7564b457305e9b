"""A new shop, started from the welcome page: its database made, named and set up in one go.

What is asked (the shop's name, address, country, currency and who signs its letters) is
checked first, every field at once; only then is the file made. Everything asked here can
be changed later: Edit ▸ Shop details and Edit ▸ Settings edit the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from crmdesk.errors import TargetExistsError, ValidationError
from crmdesk.services import settings
from crmdesk.services.shop import ShopProfile, check_shop, default_shop, save_shop
from crmdesk.store.database import Database

FIELDS = ("name", "address", "country", "currency", "signature_name", "signature_title")


@dataclass(frozen=True)
class NewShop:
    name: str
    address: str = ""
    country: str = ""  # two letters: GB, DE, JP
    currency: str = ""  # "" = the country's own
    signature_name: str = ""  # who signs the letters
    signature_title: str = ""

    def profile(self) -> ShopProfile:
        return replace(
            default_shop(),
            name=self.name,
            address=self.address,
            signature_name=self.signature_name,
            signature_title=self.signature_title,
        )

    def settings(self) -> dict[str, str]:
        return {settings.COUNTRY.key: self.country, settings.CURRENCY.key: self.currency}


def check(new: NewShop) -> None:
    """Raises ValidationError (field of NewShop → what to type) if anything asked is wrong."""
    problems: dict[str, str] = {}
    try:
        check_shop(new.profile())
    except ValidationError as exc:
        problems.update(exc.problems)
    if not new.country.strip():
        problems["country"] = (
            "Choose the shop's country: phone numbers, dates and the currency follow from it."
        )
    else:
        try:
            settings.check({}, new.settings())
        except ValidationError as exc:
            names = {settings.COUNTRY.key: "country", settings.CURRENCY.key: "currency"}
            problems.update({names[key]: text for key, text in exc.problems.items()})
    if problems:
        raise ValidationError(problems)


def start_shop(path: Path, new: NewShop) -> Path:
    """Make the shop's database at `path` (which must not exist yet), with its country,
    currency and letterhead; returns `path`. Raises ValidationError and makes nothing if
    something asked is wrong, TargetExistsError if `path` is there already."""
    check(new)
    if path.exists():
        raise TargetExistsError(
            path, "is there already.", "Open it (File ▸ Open…), or start the shop in another file."
        )
    with Database.open(path, create=True) as db:
        settings.write(db, new.settings(), label="New shop")
        save_shop(db, new.profile())
    return path
