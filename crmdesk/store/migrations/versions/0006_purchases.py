"""Purchases, and a loyalty stage set by hand on a client.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purchases",
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("bought_at", sa.DateTime(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_purchases"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name="fk_purchases_client_id_clients"),
    )  # fmt: skip
    where = sa.text("deleted_at IS NULL")
    op.create_index("ix_purchases_client_id_bought_at", "purchases", ["client_id", "bought_at"],
                    sqlite_where=where)  # fmt: skip
    op.create_index("ix_purchases_bought_at", "purchases", ["bought_at"], sqlite_where=where)
    op.add_column(
        "clients", sa.Column("stage_override", sa.String(20), nullable=False, server_default="")
    )
    op.add_column("clients", sa.Column("stage_override_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("clients", "stage_override_on")
    op.drop_column("clients", "stage_override")
    op.drop_table("purchases")
