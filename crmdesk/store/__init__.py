"""The database file: open/gate/lock, pragmas, migrations, search index, clock and site id."""
