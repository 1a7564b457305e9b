"""Surveys, the forms handed out, and the answers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _synced(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        *_synced("surveys"),
    )
    op.create_table(
        "survey_forms",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("survey_id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        *_synced("survey_forms"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"],
                                name="fk_survey_forms_survey_id_surveys"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name="fk_survey_forms_client_id_clients"),
    )  # fmt: skip
    op.create_index("ix_survey_forms_code", "survey_forms", ["code"], unique=True)
    op.create_index("ix_survey_forms_client_id", "survey_forms", ["client_id"])
    op.create_table(
        "survey_answers",
        sa.Column("survey_id", sa.String(36), nullable=False),
        sa.Column("form_id", sa.String(36), nullable=True),
        sa.Column("client_id", sa.String(36), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.Column("consent_contact", sa.Boolean(), nullable=False),
        sa.Column("consent_quote", sa.Boolean(), nullable=False),
        sa.Column("referral_name", sa.String(200), nullable=False),
        sa.Column("referral_phone", sa.String(60), nullable=False),
        *_synced("survey_answers"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"],
                                name="fk_survey_answers_survey_id_surveys"),
        sa.ForeignKeyConstraint(["form_id"], ["survey_forms.id"],
                                name="fk_survey_answers_form_id_survey_forms"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name="fk_survey_answers_client_id_clients"),
        sa.CheckConstraint("score BETWEEN 0 AND 10", name="ck_survey_answers_score"),
    )  # fmt: skip
    op.create_index("ix_survey_answers_answered_at", "survey_answers", ["answered_at"],
                    sqlite_where=sa.text("deleted_at IS NULL"))  # fmt: skip
    op.create_index("ix_survey_answers_client_id", "survey_answers", ["client_id"])
    op.create_index("ix_survey_answers_form_id", "survey_answers", ["form_id"])


def downgrade() -> None:
    op.drop_table("survey_answers")
    op.drop_table("survey_forms")
    op.drop_table("surveys")
