"""Dates typed as each country writes them; refusals say what to type."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date

from crmdesk.model.partial_date import PartialDate
from crmdesk.services import dates

TODAY = date(2026, 11, 23)
MAY_12 = date(1990, 5, 12)


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("en_GB", "12/05/1990"), ("en_GB", "12.5.1990"), ("en_GB", "12 May 1990"),
        ("en_GB", "1990-05-12"), ("en_GB", "12051990"), ("en_GB", "12th of May 1990"),
        ("en_GB", "12 may 90"), ("en_GB", "19900512"), ("en_GB", "  12-05-1990 "),
        ("en_US", "5/12/1990"), ("en_US", "May 12th, 1990"), ("en_US", "05121990"),
        ("en_US", "1990-05-12"),
        ("de_DE", "12.05.1990"), ("de_DE", "12. Mai 1990"), ("de_DE", "12.5.90"),
        ("fr_FR", "12/05/1990"), ("fr_FR", "12 mai 1990"), ("fr_FR", "12 MAI 1990"),
        ("es_ES", "12 de mayo de 1990"), ("pl_PL", "12 maja 1990"), ("ru_RU", "12 мая 1990 г."),
        ("ja_JP", "1990/05/12"), ("ja_JP", "1990年5月12日"), ("zh_CN", "1990年5月12日"),
        ("ko_KR", "1990. 5. 12."), ("hu_HU", "1990. 05. 12."), ("nl_NL", "12-05-1990"),
        ("da_DK", "12.05.1990"), ("en_GB", "１２/０５/１９９０"), ("ar_EG", "١٢/٠٥/١٩٩٠"),
    ],
)  # fmt: skip
def test_a_date_as_the_country_writes_it(locale: str, typed: str) -> None:
    assert dates.parse_date(typed, locale, today=TODAY, past=True) == MAY_12


@pytest.mark.parametrize(
    ("locale", "typed", "meant"),
    [("en_GB", "03/04/2026", date(2026, 4, 3)), ("en_US", "03/04/2026", date(2026, 3, 4)),
     ("de_DE", "03.04.2026", date(2026, 4, 3)), ("ja_JP", "2026/03/04", date(2026, 3, 4))],
)  # fmt: skip
def test_the_shops_locale_decides_day_or_month_first(locale: str, typed: str, meant: date) -> None:
    assert dates.parse_date(typed, locale, today=TODAY) == meant


@pytest.mark.parametrize(
    "locale",
    ["en_GB", "en_US", "de_DE", "fr_FR", "ja_JP", "es_ES", "it_IT", "pl_PL", "ru_RU", "el_GR",
     "tr_TR", "vi_VN", "ko_KR", "zh_CN", "th_TH", "hi_IN", "he_IL", "ar_EG", "hu_HU", "da_DK",
     "nl_NL", "pt_BR", "sv_SE", "fi_FI", "uk_UA"],
)  # fmt: skip
def test_what_is_shown_back_reads_back(locale: str) -> None:
    for day in (MAY_12, date(2026, 11, 3), date(2024, 2, 29)):
        for width in ("short", "medium", "long"):
            text = format_date(day, width, locale=locale)
            assert dates.parse_date(text, locale, today=TODAY) == day, text
        assert dates.parse_date(dates.show(day, locale), locale, today=TODAY) == day


def test_empty_is_no_date() -> None:
    assert dates.parse_date("", "en_GB") is None
    assert dates.parse_date("   ", "de_DE") is None


@pytest.mark.parametrize(
    ("locale", "typed", "says"),
    [
        ("en_GB", "31/02/1990", "February 1990 has 28 days, not 31; type a day from 1 to 28"),
        ("en_GB", "29 Feb 2023", "February 2023 has 28 days"),
        ("en_US", "2/30/2024", "February 2024 has 29 days"),
        ("en_GB", "12/13/1990", "there is no month 13; type it like 23/05/1990"),
        ("en_GB", "tomorrow", "is not a date; type it like 23/05/1990 or 23 May 1990 (day, "
                              "month, year)"),
        ("en_US", "soon", "type it like 5/23/1990 or May 23, 1990 (month, day, year)"),
        ("de_DE", "irgendwann", "type it like 23.05.1990 (day, month, year)"),
        ("ja_JP", "12/05/1990", "type it like 1990/05/23 (year, month, day)"),
        ("en_GB", "12 May", "is not a date"),
        ("en_GB", "12/05", "is not a date"),
        ("en_GB", "2 for 10", "is not a date"),
        ("en_GB", "12 May 1990 June", "is not a date"),
        ("en_GB", "12/05/199", "is not a date"),
        ("en_GB", "12/05/1066", "too long ago"),
    ],
)  # fmt: skip
def test_refusals_say_what_to_type(locale: str, typed: str, says: str) -> None:
    with pytest.raises(ValueError, match="type") as refused:
        dates.parse_date(typed, locale, today=TODAY)
    assert says in str(refused.value) and typed.strip() in str(refused.value)


def test_a_birthday_is_not_after_today_and_two_digit_years_go_back() -> None:
    assert dates.parse_date("12/05/90", "en_GB", today=TODAY, past=True) == MAY_12
    assert dates.parse_date("12/05/26", "en_GB", today=TODAY, past=True) == date(2026, 5, 12)
    assert dates.parse_date("12/05/27", "en_GB", today=TODAY, past=True) == date(1927, 5, 12)
    with pytest.raises(ValueError, match="is after today; type a day up to 23 Nov 2026"):
        dates.parse_date("24/11/2026", "en_GB", today=TODAY, past=True)
    # a follow-up may be ahead: "27" is the coming 2027
    assert dates.parse_date("12/05/27", "en_GB", today=TODAY) == date(2027, 5, 12)


def test_the_order_and_example_come_from_the_locale() -> None:
    assert [dates.order(x) for x in ("en_GB", "en_US", "ja_JP", "de_DE")] == [
        "dmy", "mdy", "ymd", "dmy"]  # fmt: skip
    assert dates.show(MAY_12, "en_GB") == "12 May 1990"
    assert dates.show(MAY_12, "en_US") == "May 12, 1990"
    assert dates.show(MAY_12, "de_DE") == "12.05.1990"


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("en_GB", "15 April"), ("en_GB", "15/4"), ("en_GB", "15.04."), ("en_GB", "15th of April"),
        ("en_US", "April 15"), ("en_US", "4/15"), ("de_DE", "15. April"), ("de_DE", "15.4."),
        ("fr_FR", "15 avril"), ("ru_RU", "15 апреля"), ("el_GR", "15 Απριλίου"),
        ("ja_JP", "4月15日"), ("pl_PL", "15 kwietnia"), ("en_GB", "--0415"),
        ("en_GB", "--04-15"),
    ],
)  # fmt: skip
def test_a_birthday_may_be_a_day_and_month_alone(locale: str, typed: str) -> None:
    assert dates.parse_birthday(typed, locale, today=TODAY) == PartialDate(4, 15)


def test_a_birthday_with_its_year_keeps_it_and_bad_ones_say_what_to_type() -> None:
    assert dates.parse_birthday("15/04/1975", "en_GB", today=TODAY) == PartialDate(4, 15, 1975)
    assert dates.parse_birthday("", "en_GB") is None
    assert dates.parse_birthday("29 Feb", "en_GB") == PartialDate(2, 29)
    with pytest.raises(ValueError, match="February has at most 29 days, not 30"):
        dates.parse_birthday("30 Feb", "en_GB")
    with pytest.raises(ValueError, match=r"or the day and month alone \(23 May\)"):
        dates.parse_birthday("April", "en_GB")
    with pytest.raises(ValueError, match="there is no month 13"):
        dates.parse_birthday("15/13", "en_GB")
    with pytest.raises(ValueError, match="February 1990 has 28 days"):
        dates.parse_birthday("29/02/1990", "en_GB")


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        ("en_GB", "15 April"), ("en_US", "April 15"), ("de_DE", "15. April"),
        ("ru_RU", "15 апреля"), ("ja_JP", "4月15日"), ("ko_KR", "4월 15일"),
        ("he_IL", "15 באפריל"), ("hu_HU", "április 15."), ("th_TH", "15 เมษายน"),
    ],
)  # fmt: skip
def test_a_day_and_month_are_shown_as_the_locale_writes_them(locale: str, shown: str) -> None:
    assert dates.show_birthday(PartialDate(4, 15), locale) == shown
    assert "1975" in dates.show_birthday(PartialDate(4, 15, 1975), locale)
