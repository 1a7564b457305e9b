"""Amounts typed in the shop's currency and locale, kept exactly; the rest refused."""

from __future__ import annotations

import pytest

from crmdesk.services import amounts


@pytest.mark.parametrize(
    ("currency", "locale", "typed", "minor"),
    [
        ("GBP", "en_GB", "12.50", 1250), ("GBP", "en_GB", "12", 1200),
        ("GBP", "en_GB", "£12", 1200), ("GBP", "en_GB", "£ 1,234.50", 123450),
        ("GBP", "en_GB", "1234.5", 123450), ("GBP", "en_GB", "12 GBP", 1200),
        ("GBP", "en_GB", "0.5", 50), ("GBP", "en_GB", "0", 0),
        ("EUR", "de_DE", "12,50", 1250), ("EUR", "de_DE", "1.234,50 €", 123450),
        ("EUR", "fr_FR", "1 234,50 €", 123450), ("EUR", "fr_FR", "1\u202f234,50", 123450),
        ("CHF", "de_CH", "1'234.50", 123450), ("USD", "en_US", "$20", 2000),
        ("JPY", "ja_JP", "￥1,234", 1234), ("JPY", "ja_JP", "1234", 1234),
        ("BHD", "ar_BH", "1.250", 1250),
    ],
)  # fmt: skip
def test_plainly_an_amount(currency: str, locale: str, typed: str, minor: int) -> None:
    assert amounts.parse_amount(typed, currency, locale) == minor


@pytest.mark.parametrize(
    ("currency", "locale", "typed", "says"),
    [
        ("GBP", "en_GB", "1e9", "“1e9” is not an amount; type it like 45.50 or £1,234.50"),
        ("GBP", "en_GB", "2 for 10", "“2 for 10” is not an amount; type it like 45.50"),
        ("GBP", "en_GB", "10p", "“10p” is not an amount; type it like 45.50"),
        ("GBP", "en_GB", "twelve", "is not an amount; type it like 45.50"),
        ("GBP", "en_GB", "12.505", "more decimals than British pounds (£) have (2 decimals "
                                   "at most); type it like 45.50"),
        ("JPY", "ja_JP", "12.5", "(no decimals); type it like 45 or ￥1,234"),
        ("GBP", "en_GB", "999999999999", "is more than 99,999,999.00; type the amount of one "
                                         "purchase"),
        ("GBP", "en_GB", "$20", "“$20” is not in British pounds (£), the shop's currency; "
                                "type it like 45.50"),
        ("GBP", "en_GB", "20 USD", "is not in British pounds (£)"),
        ("GBP", "en_GB", "€20", "is not in British pounds (£)"),
        ("EUR", "de_DE", "£20", "is not in euros (€)"),
        ("GBP", "en_GB", "12,50", "the decimal mark is “.”); type it like 45.50"),
        ("EUR", "de_DE", "12.50", "the decimal mark is “,”); type it like 45,50 or 1.234,50\xa0€"),
        ("GBP", "en_GB", "-5", "cannot be negative; record a refund as a note"),
        ("GBP", "en_GB", "", "Type the amount, like 45.50"),
        ("GBP", "en_GB", "£", "is not an amount"),
    ],
)  # fmt: skip
def test_refused_saying_what_to_type(currency: str, locale: str, typed: str, says: str) -> None:
    with pytest.raises(ValueError) as refused:
        amounts.parse_amount(typed, currency, locale)
    assert says in str(refused.value)
    assert "type" in str(refused.value).lower() or "record" in str(refused.value)


def test_shown_in_the_shops_currency() -> None:
    assert amounts.show(123450, "GBP", "en_GB") == "£1,234.50"
    assert amounts.show(123450, "EUR", "de_DE") == "1.234,50\xa0€"
    assert amounts.show(1234, "JPY", "ja_JP") == "￥1,234"
    assert amounts.plain(1250, "GBP", "en_GB") == "12.50"
