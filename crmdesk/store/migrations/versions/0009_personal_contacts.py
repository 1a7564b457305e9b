"""Which history entries are a contact the owner made with that one client.

A letter printed for many clients at once, a printed survey form and an answer that came
back on a form are in the client's history but are not a contact the owner made: they no
longer close a follow-up or a call-back, nor count as the last contact for staying in
touch. Existing entries are sorted out from what they say (a letter printed in the same
second under the same subject for more than one client; the "Survey form" entries; the
answers typed in from a form), and every client's last contact is worked out again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_NEWEST = (
    "(SELECT max(occurred_at) FROM history WHERE client_id = {who} AND deleted_at IS NULL{only})"
)


def _triggers(only: str) -> None:
    """clients.last_contact_at follows the newest live entry (`only`: of those counted)."""
    op.execute("DROP TRIGGER history_last_contact_au")
    op.execute("DROP TRIGGER history_last_contact_ai")
    when = " AND NEW.personal" if only else ""
    op.execute(
        "CREATE TRIGGER history_last_contact_ai AFTER INSERT ON history"
        f" WHEN NEW.deleted_at IS NULL{when} BEGIN"
        " UPDATE clients SET last_contact_at = NEW.occurred_at WHERE id = NEW.client_id"
        " AND (last_contact_at IS NULL OR last_contact_at < NEW.occurred_at); END"
    )
    columns = "occurred_at, deleted_at, client_id" + (", personal" if only else "")
    op.execute(
        f"CREATE TRIGGER history_last_contact_au AFTER UPDATE OF {columns} ON history BEGIN"
        f" UPDATE clients SET last_contact_at = {_NEWEST.format(who='NEW.client_id', only=only)}"
        " WHERE id = NEW.client_id;"
        f" UPDATE clients SET last_contact_at = {_NEWEST.format(who='OLD.client_id', only=only)}"
        " WHERE id = OLD.client_id AND OLD.client_id <> NEW.client_id; END"
    )
    op.execute(
        f"UPDATE clients SET last_contact_at = {_NEWEST.format(who='clients.id', only=only)}"
    )


def upgrade() -> None:
    # a plain ADD COLUMN (no table copy): history keeps its triggers and its search index
    op.add_column(
        "history", sa.Column("personal", sa.Boolean(), nullable=False, server_default="1")
    )
    op.execute(
        "UPDATE history SET personal = 0 WHERE kind = 'letter' AND (subject = 'Survey form'"
        " OR (occurred_at, subject) IN (SELECT occurred_at, subject FROM history"
        "  WHERE kind = 'letter' GROUP BY occurred_at, subject"
        "  HAVING count(DISTINCT client_id) > 1))"
    )
    op.execute(
        "UPDATE history SET personal = 0 WHERE kind = 'other' AND subject LIKE 'Survey answer:%'"
        " AND EXISTS (SELECT 1 FROM survey_answers AS a WHERE a.client_id = history.client_id"
        "  AND a.answered_at = history.occurred_at AND a.channel = 'form')"
    )
    _triggers(" AND personal")


def downgrade() -> None:
    _triggers("")
    op.drop_column("history", "personal")
