"""Duplicates: a merged-away client's tombstone, pairs that are not the same person, and a
note, fact or history entry moved to another client found under that client.

- clients.merged_into_id / merged_seen: a client merged into another is a tombstone naming
  the client kept, and what the merging copy had seen of each site then; a copy merged in
  later moves what it added to the tombstone onto the kept client.
- not_duplicates: a synced table (UUID key, clock, site, tombstone) of the pairs the user
  said are not the same person.
- The search index's update triggers of facts, notes and history also fire when a row's
  client changes, so a moved note is found under the client it moved to. They are rewritten
  from the triggers the file holds (whatever shape an earlier migration gave them).

Self-contained: it reads and writes only what it names, so it can follow any revision
that leaves those tables as 0010 left them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_MOVABLE = ("facts", "notes", "history")  # the indexed rows of a client
_OLD_END = " deleted_at ON {table}"
_NEW_END = " deleted_at, client_id ON {table}"


def _retrigger(old_end: str, new_end: str) -> None:
    conn = op.get_bind()
    for table in _MOVABLE:
        name = f"search_{table}_au"
        row = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
            {"n": name},
        ).fetchone()
        if row is None:
            continue
        sql = str(row[0])
        old, new = old_end.format(table=table), new_end.format(table=table)
        if old not in sql:
            continue
        op.execute(f"DROP TRIGGER {name}")
        op.execute(sql.replace(old, new, 1))


def upgrade() -> None:
    # plain ADD COLUMNs (no table copy): clients keeps its triggers and search index
    op.add_column("clients", sa.Column("merged_into_id", sa.String(36), nullable=True))
    op.add_column("clients", sa.Column("merged_seen", sa.Text(), nullable=True))
    op.create_index(
        "ix_clients_merged_into_id",
        "clients",
        ["merged_into_id"],
        sqlite_where=sa.text("merged_into_id IS NOT NULL"),
    )
    op.create_table(
        "not_duplicates",
        sa.Column("first_id", sa.String(36), nullable=False),
        sa.Column("second_id", sa.String(36), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_not_duplicates"),
    )
    op.create_index(
        "ix_not_duplicates_first_id_second_id", "not_duplicates", ["first_id", "second_id"]
    )
    _retrigger(_OLD_END, _NEW_END)


def downgrade() -> None:
    _retrigger(_NEW_END, _OLD_END)
    op.drop_index("ix_not_duplicates_first_id_second_id", "not_duplicates")
    op.drop_table("not_duplicates")
    op.drop_index("ix_clients_merged_into_id", "clients")
    op.drop_column("clients", "merged_seen")
    op.drop_column("clients", "merged_into_id")
