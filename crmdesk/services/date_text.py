"""How a day or a moment is written in lists and messages: one rule for every window.

This year's dates leave the year out ("24 Apr", "24 Apr 12:15"); a date in any other year
says it ("24 Apr 2025", "24 Apr 2025 12:15"), so last April is never read as this April.
(Dates typed into fields are read and shown by services.dates.)
"""

from __future__ import annotations

from datetime import date, datetime


def day_text(day: date, today: date | None = None) -> str:
    """ "24 Apr" this year, "24 Apr 2025" in any other."""
    today = today or date.today()
    return f"{day:%d %b}" if day.year == today.year else f"{day:%d %b %Y}"


def moment_text(at: datetime, today: date | None = None) -> str:
    """ "24 Apr 12:15" this year, "24 Apr 2025 12:15" in any other."""
    return f"{day_text(at.date(), today)} {at:%H:%M}"


def weekday_text(day: date, today: date | None = None) -> str:
    """ "Sat 28 Nov" this year, "Sat 28 Nov 2027" in any other."""
    return f"{day:%a} {day_text(day, today)}"
