"""The shop itself: what its letterhead says, its paper and how it writes dates.

Kept in the database (meta), so both machines print the same letterhead.
"""

from __future__ import annotations

import base64
import io
import json
import locale
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from crmdesk.errors import ValidationError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import amounts, settings
from crmdesk.services.validation import normalise_email
from crmdesk.store.database import Database

SHOP_KEY = "shop"
LOGO_KEY = "shop_logo"
MAX_LOGO_BYTES = 2_000_000

PAPERS = ("A4", "Letter")

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# key -> (label, how 23 November 2026 looks)
DATE_FORMATS = {
    "locale": "As in the shop's country (23 November 2026, 23. November 2026)",
    "day-month-year": "23 November 2026",
    "month-day-year": "November 23, 2026",
    "dd.mm.yyyy": "23.11.2026",
    "dd/mm/yyyy": "23/11/2026",
    "mm/dd/yyyy": "11/23/2026",
    "yyyy-mm-dd": "2026-11-23",
}


def format_date(day: date, style: str, locale: str = "en_GB") -> str:
    """`day` as a letter writes it: in the shop's locale ("locale": Babel's long date, "23.
    November 2026" in German, "2026年11月23日" in Japanese), or in one of the fixed styles."""
    if style == "locale":
        from crmdesk.services.locales import date_in

        return date_in(day, "long", locale or "en_GB")
    d, m, y, month = day.day, day.month, day.year, MONTHS[day.month - 1]
    return {
        "day-month-year": f"{d} {month} {y}",
        "month-day-year": f"{month} {d}, {y}",
        "dd.mm.yyyy": f"{d:02}.{m:02}.{y}",
        "dd/mm/yyyy": f"{d:02}/{m:02}/{y}",
        "mm/dd/yyyy": f"{m:02}/{d:02}/{y}",
        "yyyy-mm-dd": day.isoformat(),
    }.get(style) or f"{d} {month} {y}"


def format_day_of_year(month: int, day: int, style: str, locale: str = "en_GB") -> str:
    """A day and month without a year, as a letter in `style` writes it: in the shop's
    locale ("locale": "15. April" in German), else in words, month first where the style
    puts it first ("April 15"), else day first ("15 April")."""
    if style == "locale":
        from crmdesk.services.dates import show_day_of_year

        return show_day_of_year(month, day, locale or "en_GB")
    name = MONTHS[month - 1]
    return f"{name} {day}" if style in {"month-day-year", "mm/dd/yyyy"} else f"{day} {name}"


def _letter_country() -> bool:
    """US Letter is the paper in North America (and a few others); A4 everywhere else."""
    country = (locale.getlocale()[0] or "").partition("_")[2].upper()
    return country in {"US", "CA", "MX", "PH", "CL", "CO", "VE"}


@dataclass(frozen=True)
class ShopProfile:
    name: str = ""
    address: str = ""  # one line per line of the letterhead
    phone: str = ""
    email: str = ""
    website: str = ""
    signature_name: str = ""
    signature_title: str = ""
    paper: str = "A4"
    date_format: str = "locale"
    logo: bytes | None = None  # PNG or JPEG
    # from the settings (not saved with the profile): how its dates and amounts are written
    locale: str = "en_GB"
    currency: str = ""  # "" when none is known (settings.currency)

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    def format_date(self, day: date) -> str:
        return format_date(day, self.date_format, self.locale)

    def money(self, minor: int) -> str:
        """An amount in the shop's currency and locale: "£1,234.50", "1.234,50 €"."""
        return amounts.show(minor, self.currency, self.locale)

    def format_birthday(self, when: PartialDate) -> str:
        """A birthday in a letter: its date, or "15 April" when its year is not known."""
        full = when.to_date()
        if full is None:
            return format_day_of_year(when.month, when.day, self.date_format, self.locale)
        return self.format_date(full)

    def fields(self) -> dict[str, str]:
        """What templates see as `shop`."""
        return {
            "name": self.name,
            "address": "\n".join(self.address_lines),
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
            "signature_name": self.signature_name,
            "signature_title": self.signature_title,
        }


def default_shop() -> ShopProfile:
    return ShopProfile(paper="Letter" if _letter_country() else "A4")


_SAVED = {f.name for f in fields(ShopProfile)} - {"logo", "locale", "currency"}


def get_shop(db: Database) -> ShopProfile:
    raw = db.meta(SHOP_KEY)
    shop = default_shop()
    if raw:
        saved = json.loads(raw)
        shop = replace(shop, **{k: v for k, v in saved.items() if k in _SAVED})
    values = settings.read_all(db)
    shop = replace(shop, locale=settings.shop_locale(values), currency=settings.currency(values))
    logo = db.meta(LOGO_KEY)
    return replace(shop, logo=base64.b64decode(logo)) if logo else shop


def save_shop(db: Database, shop: ShopProfile) -> ShopProfile:
    """Check every field, then save them all (or nothing: raises ValidationError)."""
    clean = check_shop(shop)
    logo = clean.pop("logo")
    clean = {k: v for k, v in clean.items() if k in _SAVED}
    with db.write() as w:
        from crmdesk.model import Meta

        w.session.merge(Meta(key=SHOP_KEY, value=json.dumps(clean, ensure_ascii=False)))
        w.session.merge(Meta(key=LOGO_KEY, value=base64.b64encode(logo).decode() if logo else ""))
    return get_shop(db)


def check_shop(shop: ShopProfile) -> dict[str, Any]:
    """The profile's fields as they are saved, or ValidationError (field → what to type)."""
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {
        k: v.strip() if isinstance(v, str) else v for k, v in asdict(shop).items()
    }
    if not clean["name"]:
        problems["name"] = "The shop's name is printed at the top of every letter; fill it in."
    if clean["email"]:
        try:
            clean["email"] = normalise_email(clean["email"])
        except ValueError as exc:
            problems["email"] = str(exc)
    if clean["paper"] not in PAPERS:
        problems["paper"] = f"Choose A4 or Letter, not “{clean['paper']}”."
    if clean["date_format"] not in DATE_FORMATS:
        problems["date_format"] = "Choose one of the date formats offered."
    if clean["logo"] is not None:
        message = logo_problem(clean["logo"])
        if message:
            problems["logo"] = message
    if problems:
        raise ValidationError(problems)
    clean["address"] = shop.address.strip()
    return clean


def logo_problem(data: bytes) -> str:
    """What is wrong with a logo image, or "" if it can be printed."""
    if len(data) > MAX_LOGO_BYTES:
        return (
            f"The logo is {len(data) // 1000:,} kB; use an image under "
            f"{MAX_LOGO_BYTES // 1_000_000} MB (a 600 pixel wide PNG is plenty)."
        )
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return "The logo is not an image crmdesk can read; choose a PNG or JPEG file."
    if kind not in {"PNG", "JPEG"}:
        return f"The logo is a {kind} image; choose a PNG or JPEG file."
    return ""
