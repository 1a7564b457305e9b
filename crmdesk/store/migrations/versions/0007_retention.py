"""Complaints (and the history entries about them), stay-in-touch intervals, referral
rewards, and indexes for remembered dates coming up.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_complaints"),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_complaints_client_id_clients"
        ),
    )
    live = sa.text("deleted_at IS NULL")
    op.create_index("ix_complaints_client_id", "complaints", ["client_id"])
    op.create_index(
        "ix_complaints_status_opened_at", "complaints", ["status", "opened_at"], sqlite_where=live
    )
    # a plain ADD COLUMN (no foreign key): history keeps its triggers
    op.add_column("history", sa.Column("complaint_id", sa.String(36), nullable=True))
    op.create_index(
        "ix_history_complaint_id",
        "history",
        ["complaint_id"],
        sqlite_where=sa.text("complaint_id IS NOT NULL"),
    )
    op.add_column("clients", sa.Column("touch_every_days", sa.Integer(), nullable=True))
    op.add_column(
        "clients", sa.Column("referral_reward", sa.String(200), nullable=False, server_default="")
    )
    op.add_column("clients", sa.Column("reward_given_on", sa.Date(), nullable=True))
    # Birthdays and remembered dates coming up are found by month and day ("MM-DD" of an
    # ISO date), whatever the year.
    op.create_index(
        "ix_clients_birthday_md",
        "clients",
        [sa.text("substr(birthday, 6, 5)")],
        sqlite_where=sa.text("birthday IS NOT NULL AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_facts_on_date_md",
        "facts",
        [sa.text("substr(on_date, 6, 5)")],
        sqlite_where=sa.text("on_date IS NOT NULL AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_clients_touch_every_days",
        "clients",
        ["touch_every_days"],
        sqlite_where=sa.text("touch_every_days IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_clients_touch_every_days", "clients")
    op.drop_index("ix_facts_on_date_md", "facts")
    op.drop_index("ix_clients_birthday_md", "clients")
    op.drop_column("clients", "reward_given_on")
    op.drop_column("clients", "referral_reward")
    op.drop_column("clients", "touch_every_days")
    op.drop_index("ix_history_complaint_id", "history")
    op.drop_column("history", "complaint_id")
    op.drop_table("complaints")
