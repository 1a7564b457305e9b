"""Clients, facts, notes, history; field changes and meta for syncing.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _synced(table: str) -> list[sa.schema.SchemaItem]:
    """The columns every syncable table carries (model.base.Synced)."""
    return [
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def _owned_by_client(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=f"fk_{table}_client_id_clients"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("given_name", sa.String(200, collation="NOCASE"), nullable=False),
        sa.Column("family_name", sa.String(200, collation="NOCASE"), nullable=False),
        sa.Column("salutation", sa.String(60), nullable=False),
        sa.Column("preferred_name", sa.String(200), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("street", sa.Text(), nullable=False),
        sa.Column("postcode", sa.String(40), nullable=False),
        sa.Column("city", sa.String(200, collation="NOCASE"), nullable=False),
        sa.Column("country", sa.String(200), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("preferred_contact", sa.String(20), nullable=False),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("found_via", sa.String(200), nullable=False),
        sa.Column("referred_by_id", sa.String(36), nullable=True),
        sa.Column("last_contact_at", sa.DateTime(), nullable=True),
        sa.Column("sort_name", sa.String(400), nullable=False),
        *_synced("clients"),
        sa.ForeignKeyConstraint(
            ["referred_by_id"], ["clients.id"], name="fk_clients_referred_by_id_clients"
        ),
    )
    # Each list sort (see services.client_list) has an index covering its whole ORDER BY,
    # holding only the clients not in the Trash: a page at OFFSET n steps through the index
    # alone, and counting the list reads the smallest of them.
    live = sa.text("deleted_at IS NULL")
    op.create_index("ix_clients_sort_name", "clients", ["sort_name", "id"], sqlite_where=live)
    op.create_index("ix_clients_city", "clients", ["city", "sort_name", "id"], sqlite_where=live)
    op.create_index(
        "ix_clients_last_contact_at", "clients", ["last_contact_at", "id"], sqlite_where=live
    )
    op.create_index("ix_clients_created_at", "clients", ["created_at", "id"], sqlite_where=live)
    # The narrowest index of live clients: counting the list reads a few bytes per client.
    op.create_index("ix_clients_live", "clients", ["deleted_at"], sqlite_where=live)
    op.create_index("ix_clients_referred_by_id", "clients", ["referred_by_id"])

    op.create_table(
        "facts",
        *_owned_by_client("facts"),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        *_synced("facts"),
    )
    op.create_index("ix_facts_client_id", "facts", ["client_id"])

    op.create_table(
        "notes",
        *_owned_by_client("notes"),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        *_synced("notes"),
    )
    op.create_index("ix_notes_client_id", "notes", ["client_id"])

    op.create_table(
        "history",
        *_owned_by_client("history"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(300), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        *_synced("history"),
    )
    op.create_index("ix_history_client_id_occurred_at", "history", ["client_id", "occurred_at"])
    op.create_index("ix_history_follow_up_on", "history", ["follow_up_on"])

    op.create_table(
        "field_changes",
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False),
        sa.Column("column_name", sa.String(60), nullable=False),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", "column_name", name="pk_field_changes"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )

    # clients.last_contact_at follows the newest live history entry, for sorting the list.
    newest = "(SELECT max(occurred_at) FROM history WHERE client_id = {who} AND deleted_at IS NULL)"
    op.execute(
        "CREATE TRIGGER history_last_contact_ai AFTER INSERT ON history"
        " WHEN NEW.deleted_at IS NULL BEGIN"
        " UPDATE clients SET last_contact_at = NEW.occurred_at WHERE id = NEW.client_id"
        " AND (last_contact_at IS NULL OR last_contact_at < NEW.occurred_at); END"
    )
    op.execute(
        "CREATE TRIGGER history_last_contact_au"
        " AFTER UPDATE OF occurred_at, deleted_at, client_id ON history BEGIN"
        f" UPDATE clients SET last_contact_at = {newest.format(who='NEW.client_id')}"
        " WHERE id = NEW.client_id;"
        f" UPDATE clients SET last_contact_at = {newest.format(who='OLD.client_id')}"
        " WHERE id = OLD.client_id AND OLD.client_id <> NEW.client_id; END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER history_last_contact_au")
    op.execute("DROP TRIGGER history_last_contact_ai")
    for table in ("meta", "field_changes", "history", "notes", "facts", "clients"):
        op.drop_table(table)
