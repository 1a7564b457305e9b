"""Dates as contact files write them; a missing year stays missing."""

from __future__ import annotations

import pytest

from crmdesk.services.importing import PartialDate
from crmdesk.services.importing.file_dates import read_date


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("19800322", "en_US", PartialDate(3, 22, 1980)),
        ("1980-03-22", "en_US", PartialDate(3, 22, 1980)),
        ("1980-03-22T00:00:00Z", "en_US", PartialDate(3, 22, 1980)),
        ("--0322", "en_US", PartialDate(3, 22)),
        ("--03-22", "en_US", PartialDate(3, 22)),
        ("1604-03-22", "en_US", PartialDate(3, 22)),  # Apple's "no year"
        ("15.04.1975", "en_US", PartialDate(4, 15, 1975)),  # a dot says day first
        ("15.04.75", "de_DE", PartialDate(4, 15, 1975)),
        ("4/15/1975", "en_US", PartialDate(4, 15, 1975)),
        ("4/15/1975", "de_DE", PartialDate(4, 15, 1975)),  # 15 cannot be a month
        ("04/05/1975", "en_US", PartialDate(4, 5, 1975)),
        ("04/05/1975", "en_GB", PartialDate(5, 4, 1975)),
        ("3/22/1980 12:00:00 AM", "en_US", PartialDate(3, 22, 1980)),
        ("22 March 1980", "en_GB", PartialDate(3, 22, 1980)),
        ("0.0.00", "de_DE", None),  # Outlook's empty date
        ("0/0/00", "en_US", None),
        ("", "en_US", None),
    ],
)
def test_dates(text: str, locale: str, expected: PartialDate | None) -> None:
    assert read_date(text, locale) == expected


def test_apple_omit_year() -> None:
    assert read_date("1604-03-22", omit_year=1604) == PartialDate(3, 22)
    assert read_date("2000-03-22", omit_year=2000) == PartialDate(3, 22)


def test_feb_29_without_a_year_is_a_day() -> None:
    assert read_date("--0229") == PartialDate(2, 29)
    assert str(PartialDate(2, 29)) == "29 February"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.1980", "“31.02.1980” is not a date (February has no day 31)"),
        ("next week", "“next week” is not a date"),
        ("1980-13-01", "“1980-13-01” is not a date (there is no month 13)"),
    ],
)
def test_what_is_not_a_date_says_so(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_date(text)
