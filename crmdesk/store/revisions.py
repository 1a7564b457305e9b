"""The schema revisions this version of crmdesk knows, oldest first.

Checked against the Alembic scripts by tests/unit/store/test_migrations.py, so opening a file
can tell "current", "older" and "newer" without loading Alembic (which only loads to migrate).
"""

KNOWN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011",
         "0012", "0013", "0014", "0015")  # fmt: skip
HEAD = KNOWN[-1]
