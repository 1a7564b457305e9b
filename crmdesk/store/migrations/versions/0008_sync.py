"""Merging copies: what each copy has seen of every site, the conflict log, erasures.

site_clocks holds, per site (installation), the newest change of that site this copy holds:
a merge reads only the other copy's changes this copy has not seen, and tells a concurrent
edit (a conflict) from a later one. Existing files start from their field_changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_clocks",
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.PrimaryKeyConstraint("site_id", name="pk_site_clocks"),
    )
    op.execute(
        "INSERT INTO site_clocks(site_id, hlc)"
        " SELECT site_id, max(hlc) FROM field_changes GROUP BY site_id"
    )
    op.create_table(
        "conflicts",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False),
        sa.Column("column_name", sa.String(60), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=True),
        sa.Column("kept_value", sa.Text(), nullable=False),
        sa.Column("other_value", sa.Text(), nullable=False),
        sa.Column("kept_hlc", sa.String(24), nullable=False),
        sa.Column("other_hlc", sa.String(24), nullable=False),
        sa.Column("other_site", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_conflicts"),
    )
    op.create_index(
        "ix_conflicts_status", "conflicts", ["status"], sqlite_where=sa.text("deleted_at IS NULL")
    )
    op.create_index("ix_conflicts_client_id", "conflicts", ["client_id"])
    # when the person's data was erased (only a tombstone is left; it wins every merge)
    op.add_column("clients", sa.Column("erased_at", sa.DateTime(), nullable=True))
