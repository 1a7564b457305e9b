"""Birthdays without a year: "15 April", kept as such, never given an invented year.

`clients.birthday` stays one DATE column holding text: "1980-04-15" when the year is known
(every existing row, unchanged) and "XXXX-04-15" when it is not (ISO 8601-2's unspecified
year). The month and day stay at characters 6-10, so the month-day index
`ix_clients_birthday_md` on `substr(birthday, 6, 5)` and the queries that find a day's or a
month's birthdays serve both kinds as they are; SQLite's date functions read the yearless
form as no date at all, so no age can be worked out from it. One column, not month/day
columns plus a year-known flag: a merge of two copies decides field by field, and a
birthday must travel whole (see crmdesk/model/partial_date.py).

So this revision changes no table and rewrites no row. It exists because a file that may
hold "XXXX-04-15" must not be opened by an older crmdesk (it would fail reading that as a
date): the revision marks the file as newer than those versions know, and they refuse it
without touching it. Downgrading gives yearless birthdays back as no birthday, which is the
only value an older version can read without a year being invented.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # nothing to change: see above


def downgrade() -> None:
    op.execute("UPDATE clients SET birthday = NULL WHERE birthday LIKE 'XXXX-%'")
