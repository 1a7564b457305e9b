"""Handwriting kept with a scanned answer: answer_images.

The comment ("main reason for your score") and the referral area ("who else would enjoy
us") of a scanned form, cut out upright as small grey PNGs, each row with its answer, the
answer's client and its history entry. A synced table like every other (UUID key, clock,
site, tombstone); erasing the client blanks and tombstones its rows.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_images",
        sa.Column("answer_id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=True),
        sa.Column("history_id", sa.String(36), nullable=True),
        sa.Column("part", sa.String(20), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_answer_images"),
        sa.ForeignKeyConstraint(["answer_id"], ["survey_answers.id"],
                                name="fk_answer_images_answer_id_survey_answers"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name="fk_answer_images_client_id_clients"),
        sa.ForeignKeyConstraint(["history_id"], ["history.id"],
                                name="fk_answer_images_history_id_history"),
    )  # fmt: skip
    op.create_index("ix_answer_images_answer_id", "answer_images", ["answer_id"])
    op.create_index("ix_answer_images_client_id", "answer_images", ["client_id"])
    op.create_index("ix_answer_images_history_id", "answer_images", ["history_id"])


def downgrade() -> None:
    op.drop_index("ix_answer_images_history_id", "answer_images")
    op.drop_index("ix_answer_images_client_id", "answer_images")
    op.drop_index("ix_answer_images_answer_id", "answer_images")
    op.drop_table("answer_images")
