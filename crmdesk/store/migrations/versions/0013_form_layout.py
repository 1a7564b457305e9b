"""Every issued survey form keeps the paper and the layout it was printed with.

A scanned form is read by where its boxes were printed; editing a survey's extra questions
after printing, or a later change of the form's layout, would otherwise move the boxes of
forms already handed out. `paper` is "A4" or "Letter"; `layout` is the form's spec as JSON
(crmdesk.documents.form_geometry.FormSpec: layout version, the extra questions' kinds and
number of options, the consents and referral asked). Forms printed before this revision
keep NULL in both: the reader takes them as layout version 1 with the survey as it is.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs: no table copy, the forms' indexes stay
    op.add_column("survey_forms", sa.Column("paper", sa.String(10), nullable=True))
    op.add_column("survey_forms", sa.Column("layout", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_forms") as batch:
        batch.drop_column("layout")
        batch.drop_column("paper")
