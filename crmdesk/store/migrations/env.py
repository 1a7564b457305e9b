"""Alembic environment: always run on a connection crmdesk opened (never from alembic.ini)."""

from __future__ import annotations

from alembic import context

from crmdesk.model import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` on the command line would do this
    raise RuntimeError("crmdesk migrations run from crmdesk.store.migrate, on an open connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
