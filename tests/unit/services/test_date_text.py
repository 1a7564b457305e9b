"""One rule for dates on screen: the year only when it is not this year's."""

from __future__ import annotations

from datetime import date, datetime

from crmdesk.services import reminders
from crmdesk.services.date_text import day_text, moment_text, weekday_text

TODAY = date(2026, 6, 10)


def test_this_years_dates_leave_the_year_out_other_years_say_it() -> None:
    assert day_text(date(2026, 4, 24), TODAY) == "24 Apr"
    assert day_text(date(2025, 4, 24), TODAY) == "24 Apr 2025"
    assert day_text(date(2027, 1, 3), TODAY) == "03 Jan 2027"
    assert moment_text(datetime(2026, 4, 24, 12, 15), TODAY) == "24 Apr 12:15"
    assert moment_text(datetime(2025, 4, 24, 12, 15), TODAY) == "24 Apr 2025 12:15"
    assert weekday_text(date(2026, 6, 13), TODAY) == "Sat 13 Jun"


def test_todays_days_follow_the_same_rule() -> None:
    assert reminders.describe_day(date(2026, 6, 13), TODAY) == "Sat 13 Jun"
    assert reminders.describe_day(date(2027, 6, 12), TODAY) == "Sat 12 Jun 2027"
    assert reminders.describe_day(date(2025, 12, 1), TODAY) == "01 Dec 2025"
    assert reminders.describe_day(date(2026, 6, 7), TODAY) == "3 days ago"
