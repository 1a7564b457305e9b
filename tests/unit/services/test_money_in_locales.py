"""Money and dates as the shop writes them: the currency from the country (or chosen), amounts
kept exactly in minor units and shown in the shop's locale — in letters, the report and its
PDF — and never a guessed currency sign."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from crmdesk.documents.report import write_report
from crmdesk.errors import ValidationError
from crmdesk.services import amounts, letters, reports, retention, settings, shop
from crmdesk.services.letters import TemplateRecord
from crmdesk.store.database import Database
from tests.retention_helpers import add_client

NBSP, NNBSP = "\xa0", "\u202f"


def _unescaped(markdown: str) -> str:
    """A filled-in value as the letter shows it (the Markdown escapes of "." and "\\" off)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _spaces(text: str) -> str:
    return text.replace(NNBSP, " ").replace(NBSP, " ")


def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "shown"),
    [
        (123450, "GBP", "en_GB", "£1,234.50"),
        (123450, "EUR", "de_DE", f"1.234,50{NBSP}€"),
        (123450, "EUR", "fr_FR", f"1{NNBSP}234,50{NBSP}€"),
        (1234, "JPY", "ja_JP", "￥1,234"),  # yen have no minor unit
        (12345600, "INR", "hi_IN", "₹1,23,456.00"),  # lakh grouping
        (123450, "EGP", "ar_EG", f"\u200f1,234.50{NBSP}ج.م.\u200f"),
        (1234567, "KWD", "ar_KW", f"\u200f1,234.567{NBSP}د.ك.\u200f"),  # fils: 3 decimals
        (123450, "CHF", "de_CH", f"CHF{NBSP}1’234.50"),
        (5, "GBP", "en_GB", "£0.05"),
        (0, "JPY", "ja_JP", "￥0"),
    ],
)
def test_amounts_are_shown_as_the_shop_writes_them(
    minor: int, currency: str, locale: str, shown: str
) -> None:
    assert amounts.show(minor, currency, locale) == shown


@pytest.mark.parametrize(
    ("typed", "currency", "locale", "minor"),
    [
        ("1,234.567", "KWD", "en_GB", 1234567),
        ("1.234", "JPY", "de_DE", 1234),  # a German thousands point: 1234 yen
        ("1 23 456,78", "EUR", "fr_FR", None),  # wrong grouping: refused, not guessed
        ("0.1", "GBP", "en_GB", 10),
        ("12.505", "GBP", "en_GB", None),  # a decimal more than pence: refused, not rounded
        ("12.5", "JPY", "ja_JP", None),
    ],
)
def test_what_is_typed_is_kept_exactly_or_refused(
    typed: str, currency: str, locale: str, minor: int | None
) -> None:
    if minor is None:
        with pytest.raises(ValueError):
            amounts.parse_amount(typed, currency, locale)
        return
    kept = amounts.parse_amount(typed, currency, locale)
    assert kept == minor
    # shown and typed back, it is the same amount: display never shifts it
    assert amounts.parse_amount(amounts.plain(kept, currency, locale), currency, locale) == kept


def test_the_currency_follows_the_country_unless_chosen(db: Database) -> None:
    for country, currency, locale in [("GB", "GBP", "en_GB"), ("DE", "EUR", "de_DE"),
                                      ("JP", "JPY", "ja_JP"), ("KW", "KWD", "ar_KW"),
                                      ("IN", "INR", "hi_IN"), ("EG", "EGP", "ar_EG")]:  # fmt: skip
        settings.set_phone_region(db, country)
        values = settings.read_all(db)
        assert (settings.currency(values), settings.shop_locale(values)) == (currency, locale)
    settings.write(db, {settings.CURRENCY.key: "EUR"})  # a shop in Egypt that takes euros
    assert settings.currency(settings.read_all(db)) == "EUR"
    with pytest.raises(Exception, match="not a currency crmdesk knows"):
        settings.write(db, {settings.CURRENCY.key: "XYZ"})


def test_a_file_without_country_or_currency_never_gets_a_guessed_sign(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older file that never said its country, on a machine whose locale names none
    (C.UTF-8, which Python's getlocale() calls en_US): no currency, amounts without a sign."""
    real = settings.system_locale.setlocale

    def machine(name: str) -> Callable[..., str]:
        return lambda category, locale=None: name if locale is None else real(category, locale)

    monkeypatch.setattr(settings.system_locale, "setlocale", machine("C.UTF-8"))
    values = settings.read_all(db)
    assert settings.currency(values) == ""
    assert settings.money(db)(123450) == "1,234.50"  # the number alone
    assert settings.phone_region(db) == "GB"  # (phone numbers still need a region)
    monkeypatch.setattr(settings.system_locale, "setlocale", machine("de_DE.UTF-8"))
    assert settings.money(db)(123450) == f"1.234,50{NBSP}€"  # the machine's country
    settings.set_phone_region(db, "JP")  # once the file says its country, that wins
    assert settings.money(db)(1234) == "￥1,234"


@pytest.mark.parametrize(
    ("country", "amount", "spent", "written"),
    [
        ("GB", "1234.50", "£1,234.50", "3 September 2026"),
        ("DE", "1234,50", f"1.234,50{NBSP}€", "3. September 2026"),
        ("FR", "1234,50", f"1{NNBSP}234,50{NBSP}€", "3 septembre 2026"),
        ("JP", "1234", "￥1,234", "2026年9月3日"),
        ("IN", "123456", "₹1,23,456.00", "3 सितंबर 2026"),
        ("KW", "1234.567", f"\u200f1,234.567{NBSP}د.ك.\u200f", "3 سبتمبر 2026"),
    ],
)
def test_letters_print_the_total_spent_and_dates_as_the_shop_writes_them(
    db: Database, tmp_path: Path, country: str, amount: str, spent: str, written: str
) -> None:
    settings.set_phone_region(db, country)
    shop.save_shop(db, shop.ShopProfile(name="Σοφία & Co"))
    cid = add_client(db, "Zoë")
    retention.record_purchase(db, cid, amount, "", datetime(2026, 9, 3, 11, 0), confirmed=True)
    template = TemplateRecord(
        "", "Spent", "{{ client.total_spent }}|{{ client.last_purchase }}|{{ today }}"
    )
    batch = letters.prepare(db, template, [cid], today=date(2026, 9, 3))
    assert not batch.problems
    letter = batch.letters[0][1]
    assert _unescaped(letter.body) == f"{spent}|{written}|{written}"  # (the letter's Markdown)
    out = tmp_path / "letter.pdf"
    letters.lay_out(out, [letter], letters.letterhead(shop.get_shop(db)))
    printed = _pdf_text(out)
    if country != "KW":  # (a reader extracts right-to-left text in its own order)
        assert _spaces(spent) in _spaces(printed), printed
    if country != "IN":  # (nor can it read back shaped Devanagari: ि comes out as U+E000)
        assert _spaces(written) in _spaces(printed) or country == "KW", printed


def test_a_client_who_never_bought_has_spent_nothing(db: Database) -> None:
    settings.set_phone_region(db, "GB")
    shop.save_shop(db, shop.ShopProfile(name="Shop"))
    cid = add_client(db, "Ольга")
    template = TemplateRecord("", "Spent", "{{ client.total_spent }}|{{ client.last_purchase }}")
    body = letters.prepare(db, template, [cid]).letters[0][1].body
    assert _unescaped(body) == "£0.00|"


def test_a_fixed_date_style_chosen_for_letters_is_kept(db: Database) -> None:
    settings.set_phone_region(db, "DE")
    saved = shop.save_shop(db, shop.ShopProfile(name="Laden", date_format="yyyy-mm-dd"))
    assert saved.format_date(date(2026, 11, 23)) == "2026-11-23"
    assert "locale" not in (db.meta(shop.SHOP_KEY) or "")  # (the locale is the settings')


def test_the_report_pdf_prints_yen_and_dinars_as_they_are_written(tmp_path: Path) -> None:
    for country, month, amount, printed in [("JP", "2026-08", "1234", "￥1,234"),
                                            ("KW", "2026-07", "1.5", "KWD1.500")]:  # fmt: skip
        with Database.open(tmp_path / f"{country}.crmdesk", create=True) as db:  # a shop each
            settings.set_phone_region(db, country)
            cid = add_client(db, f"Client {country}")
            bought = datetime.fromisoformat(f"{month}-10 11:00")
            retention.record_purchase(db, cid, amount, "", bought, confirmed=True)
            report = reports.report(db, reports.parse_period(month), today=date(2026, 9, 1))
        shown = report.money(report.revenue_cents)
        assert printed.removeprefix("KWD") in shown, shown
        out = tmp_path / f"report-{country}.pdf"
        write_report(out, report, "Σοφία & Co")
        text = _pdf_text(out)
        assert printed.removeprefix("KWD") in text, (country, text[:400])


def test_a_currency_with_other_decimal_places_is_refused_once_there_are_purchases(
    db: Database,
) -> None:
    """£12.50 is kept as 1250 pence: as yen it would read ￥1,250. The change is refused at
    the field that made it, and the purchase still reads £12.50."""
    settings.set_phone_region(db, "GB")
    settings.write(db, {settings.CURRENCY.key: "EUR"})  # same decimal places: allowed
    settings.write(db, {settings.CURRENCY.key: ""})  # back to the country's
    cid = add_client(db, "Zoë")
    retention.record_purchase(db, cid, "12.50", "", datetime(2026, 9, 3, 11, 0), confirmed=True)
    with pytest.raises(ValidationError) as refused:
        settings.write(db, {settings.CURRENCY.key: "JPY"})
    assert refused.value.problems[settings.CURRENCY.key].startswith(
        "The purchases recorded are in GBP with 2 decimal places; JPY has 0"
    )
    with pytest.raises(ValidationError) as refused:
        settings.write(db, {settings.COUNTRY.key: "KW"})  # its currency has 3 places
    assert "KWD has 3" in refused.value.problems[settings.COUNTRY.key]
    assert settings.money(db)(1250) == "£12.50"
