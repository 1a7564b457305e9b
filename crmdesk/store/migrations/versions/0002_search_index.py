"""Search index: FTS5 (trigram) over clients, facts, notes and history, kept by triggers.

Two FTS tables: search_people (client profiles and things to remember: one or two rows per
client) and search_text (notes and history: what grows for years). A search reads people
first and then the newest mentions in the text, each with a LIMIT, so its cost does not
grow with the size of the history.

search_docs maps one source row to one FTS row (docid = FTS rowid), so an update or a
tombstone finds the FTS row through an index instead of scanning. The triggers are plain
SQL: the index stays right whoever writes the file (crmdesk, a merge, the sqlite3 shell).
Existing rows are indexed by this migration.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json_values(column: str, key: str) -> str:
    return (
        f"(SELECT coalesce(group_concat(json_extract(value, '$.{key}'), ' '), '')"
        f" FROM json_each({column}))"
    )


def _client_body(row: str) -> str:
    parts = [
        f"{row}.salutation",
        f"{row}.given_name",
        f"{row}.family_name",
        f"{row}.preferred_name",
        f"{row}.company",
        _json_values(f"{row}.phones", "number"),
        _json_values(f"{row}.phones", "display"),
        _json_values(f"{row}.emails", "address"),
        f"{row}.street",
        f"{row}.postcode",
        f"{row}.city",
        f"(SELECT coalesce(group_concat(value, ' '), '') FROM json_each({row}.tags))",
    ]
    return " || ' ' || ".join(f"coalesce({p}, '')" for p in parts)


# source table -> the FTS table its rows go to
FTS_TABLE = {
    "clients": "search_people",
    "facts": "search_people",
    "notes": "search_text",
    "history": "search_text",
}

# source table -> (owning client id, indexed text, columns whose change re-indexes)
SOURCES: dict[str, tuple[str, str, str]] = {
    "clients": (
        "{row}.id",
        "",  # filled by _client_body
        "salutation, given_name, family_name, preferred_name, company, phones, emails,"
        " street, postcode, city, tags",
    ),
    "facts": ("{row}.client_id", "{row}.label || ': ' || {row}.value", "label, value"),
    "notes": ("{row}.client_id", "{row}.text", "text"),
    "history": (
        "{row}.client_id",
        "{row}.subject || ' ' || {row}.body || ' ' || {row}.outcome",
        "subject, body, outcome",
    ),
}


def _body(table: str, row: str) -> str:
    if table == "clients":
        return _client_body(row)
    return SOURCES[table][1].format(row=row)


def _add(table: str, row: str, where: str) -> str:
    client = SOURCES[table][0].format(row=row)
    return (
        f"INSERT INTO search_docs(source, row_id, client_id)"
        f" SELECT '{table}', {row}.id, {client} WHERE {where};"
        f" INSERT INTO {FTS_TABLE[table]}(rowid, body)"
        f" SELECT last_insert_rowid(), {_body(table, row)} WHERE {where};"
    )


def _live(table: str, row: str) -> str:
    """The row is indexed while it, and the client it belongs to, are not deleted: so a
    search never has to look up whether a hit's client was deleted."""
    if table == "clients":
        return f"{row}.deleted_at IS NULL"
    return (
        f"{row}.deleted_at IS NULL"
        f" AND (SELECT deleted_at FROM clients WHERE id = {row}.client_id) IS NULL"
    )


CHILDREN = ("facts", "notes", "history")


def _hide_children() -> str:
    """A client went to the Trash: their facts, notes and history leave the index."""
    return (
        " ".join(
            f"DELETE FROM {FTS_TABLE[t]} WHERE rowid IN"
            f" (SELECT docid FROM search_docs WHERE client_id = NEW.id AND source = '{t}');"
            for t in CHILDREN
        )
        + " DELETE FROM search_docs WHERE client_id = NEW.id AND source <> 'clients';"
    )


def _show_children() -> str:
    """A client came back from the Trash: their live facts, notes and history return."""
    return " ".join(
        f"INSERT OR IGNORE INTO search_docs(source, row_id, client_id)"
        f" SELECT '{t}', t.id, t.client_id FROM {t} AS t"
        f" WHERE t.client_id = NEW.id AND t.deleted_at IS NULL;"
        f" INSERT INTO {FTS_TABLE[t]}(rowid, body)"
        f" SELECT d.docid, {_body(t, 't')} FROM {t} AS t JOIN search_docs AS d ON d.row_id = t.id"
        f" WHERE t.client_id = NEW.id AND t.deleted_at IS NULL;"
        for t in CHILDREN
    )


def _remove(table: str, row: str) -> str:
    return (
        f"DELETE FROM {FTS_TABLE[table]} WHERE rowid ="
        f" (SELECT docid FROM search_docs WHERE row_id = {row}.id);"
        f" DELETE FROM search_docs WHERE row_id = {row}.id;"
    )


def upgrade() -> None:
    op.execute(
        "CREATE TABLE search_docs ("
        " docid INTEGER PRIMARY KEY,"
        " source TEXT NOT NULL,"
        " row_id TEXT NOT NULL CONSTRAINT uq_search_docs_row_id UNIQUE,"
        " client_id TEXT NOT NULL)"
    )
    op.execute("CREATE INDEX ix_search_docs_client_id ON search_docs(client_id)")
    for fts in sorted(set(FTS_TABLE.values())):
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(body, tokenize='trigram')")
    for table, (_client, _text, columns) in SOURCES.items():
        op.execute(
            f"CREATE TRIGGER search_{table}_ai AFTER INSERT ON {table} BEGIN"
            f" {_add(table, 'NEW', _live(table, 'NEW'))} END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_au AFTER UPDATE OF {columns}, deleted_at"
            f" ON {table} BEGIN {_remove(table, 'OLD')}"
            f" {_add(table, 'NEW', _live(table, 'NEW'))} END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_ad AFTER DELETE ON {table}"
            f" BEGIN {_remove(table, 'OLD')} END"
        )
        # Index what is already there.
        op.execute(
            f"INSERT INTO search_docs(source, row_id, client_id)"
            f" SELECT '{table}', t.id, {SOURCES[table][0].format(row='t')}"
            f" FROM {table} AS t WHERE {_live(table, 't')}"
        )
        op.execute(
            f"INSERT INTO {FTS_TABLE[table]}(rowid, body)"
            f" SELECT d.docid, {_body(table, 't')} FROM {table} AS t"
            f" JOIN search_docs AS d ON d.row_id = t.id AND d.source = '{table}'"
        )

    op.execute(
        "CREATE TRIGGER search_clients_hide AFTER UPDATE OF deleted_at ON clients"
        " WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL"
        f" BEGIN {_hide_children()} END"
    )
    op.execute(
        "CREATE TRIGGER search_clients_show AFTER UPDATE OF deleted_at ON clients"
        " WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL"
        f" BEGIN {_show_children()} END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER search_clients_show")
    op.execute("DROP TRIGGER search_clients_hide")
    for table in SOURCES:
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER search_{table}_{suffix}")
    for fts in sorted(set(FTS_TABLE.values())):
        op.execute(f"DROP TABLE {fts}")
    op.execute("DROP TABLE search_docs")
