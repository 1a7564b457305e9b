"""An import's history entry ("Imported from <file>", body "Line N [mark]") is not searched.

Every imported client gets one. Their words matched what the owner types for other
clients: "line" (Caroline), "port" (Portsmouth), "from", "csv" each listed every imported
client, newest first, above the client wanted; and indexing them was a quarter of the time
an import takes. The entry is still shown in the client's history and still marks the row
as imported (services.importing.plan.imported_marks reads the table, not the index).

An entry counts as the import's only as the import wrote it: kind other, the subject
starting "Imported from ", the body "Line <number> [<mark>]" and no outcome. An entry the
owner has since written more into (its body or its outcome) is indexed again.

The history triggers and the client's un-delete trigger are written again with that
condition, and the entries already indexed are taken out (1.3 s for 50,000 imported
clients; FTS5 merges what it deleted as the index is next written). Self-contained: the triggers'
SQL is spelt out here as 0010 and 0012 left it (downgrade() puts that back).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_COLUMNS = "subject, body, outcome, kind, deleted_at, client_id"  # (0012 added client_id)


def imported(row: str) -> str:
    """SQL: `row` of history is an import's entry, exactly as the import wrote it: the body
    "Line " + the line's number + " [" + the row's 11-character mark + "]", no outcome."""
    return (
        f"({row}.kind = 'other' AND substr({row}.subject, 1, 14) = 'Imported from '"
        f" AND {row}.outcome = '' AND {row}.body GLOB 'Line [0-9]* [[]???????????]'"
        f" AND ltrim(substr({row}.body, 6, length({row}.body) - 19), '0123456789') = '')"
    )


def _text(row: str) -> str:
    return (
        f"{row}.subject || ' ' || CASE WHEN {row}.kind = 'letter' AND {row}.outcome = 'Printed'"
        f" THEN '' ELSE {row}.body || ' ' END || {row}.outcome"
    )


def _searched(row: str, skip_imports: bool) -> str:
    """SQL: `row` of history belongs in the index."""
    live = (
        f"{row}.deleted_at IS NULL"
        f" AND (SELECT deleted_at FROM clients WHERE id = {row}.client_id) IS NULL"
    )
    return f"{live} AND NOT {imported(row)}" if skip_imports else live


def _add(skip_imports: bool) -> str:
    where = _searched("NEW", skip_imports)
    return (
        f"INSERT INTO search_docs(source, row_id, client_id)"
        f" SELECT 'history', NEW.id, NEW.client_id WHERE {where};"
        f" INSERT INTO search_text(rowid, body, shown) SELECT rid, crm_fold(txt), txt FROM"
        f" (SELECT last_insert_rowid() AS rid, {_text('NEW')} AS txt WHERE {where});"
    )


def _show_children(skip_imports: bool) -> str:
    """The un-delete of a client: its facts, notes and history back in the index."""
    parts = []
    for table, fts, text in (
        ("facts", "search_people", "t.label || ': ' || t.value"),
        ("notes", "search_text", "t.text"),
        ("history", "search_text", _text("t")),
    ):
        where = "t.client_id = NEW.id AND t.deleted_at IS NULL"
        if table == "history" and skip_imports:
            where += f" AND NOT {imported('t')}"
        parts.append(
            f"INSERT OR IGNORE INTO search_docs(source, row_id, client_id)"
            f" SELECT '{table}', t.id, t.client_id FROM {table} AS t WHERE {where};"
            f" INSERT INTO {fts}(rowid, body, shown) SELECT rid, crm_fold(txt), txt FROM"
            f" (SELECT d.docid AS rid, {text} AS txt FROM {table} AS t"
            f" JOIN search_docs AS d ON d.row_id = t.id WHERE {where});"
        )
    return " ".join(parts)


def _triggers(skip_imports: bool) -> None:
    for name in ("search_history_ai", "search_history_au", "search_clients_show"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    add = _add(skip_imports)
    op.execute(f"CREATE TRIGGER search_history_ai AFTER INSERT ON history BEGIN {add} END")
    op.execute(
        f"CREATE TRIGGER search_history_au AFTER UPDATE OF {_COLUMNS} ON history BEGIN"
        " DELETE FROM search_text WHERE rowid ="
        " (SELECT docid FROM search_docs WHERE row_id = OLD.id);"
        f" DELETE FROM search_docs WHERE row_id = OLD.id; {add} END"
    )
    op.execute(
        "CREATE TRIGGER search_clients_show AFTER UPDATE OF deleted_at ON clients"
        " WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL"
        f" BEGIN {_show_children(skip_imports)} END"
    )


def upgrade() -> None:
    _triggers(skip_imports=True)
    indexed = (
        "SELECT d.docid FROM search_docs AS d JOIN history AS h ON h.id = d.row_id"
        f" WHERE d.source = 'history' AND {imported('h')}"
    )
    op.execute(f"DELETE FROM search_text WHERE rowid IN ({indexed})")
    op.execute(
        "DELETE FROM search_docs WHERE source = 'history' AND row_id IN"
        f" (SELECT h.id FROM history AS h WHERE {imported('h')})"
    )


def downgrade() -> None:
    _triggers(skip_imports=False)
    where = f"{_searched('h', skip_imports=False)} AND {imported('h')}"
    op.execute(
        "INSERT OR IGNORE INTO search_docs(source, row_id, client_id)"
        f" SELECT 'history', h.id, h.client_id FROM history AS h WHERE {where}"
    )
    op.execute(
        "INSERT INTO search_text(rowid, body, shown) SELECT rid, crm_fold(txt), txt FROM"
        f" (SELECT d.docid AS rid, {_text('h')} AS txt FROM history AS h"
        f" JOIN search_docs AS d ON d.row_id = h.id WHERE {where})"
    )
