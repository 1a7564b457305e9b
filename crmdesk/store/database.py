"""Open, create, migrate and close one .crmdesk file.

Opening goes: gate (refuse foreign, damaged or newer files untouched) → lock → back up and
migrate if the file is older → connect with our pragmas. `Database.write()` is the only way
services change data; it commits everything or nothing and reports what it changed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from crmdesk import paths
from crmdesk.errors import DatabaseFileError, NewerSchemaError
from crmdesk.model import Meta, new_id
from crmdesk.store import migrate, tracking
from crmdesk.store.backup import write_verified_backup
from crmdesk.store.bulk import BulkWriter, bulk_writer
from crmdesk.store.clock import HybridClock, site_id
from crmdesk.store.gate import APPLICATION_ID, inspect_file
from crmdesk.store.lock import FileLock

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 5000",
)


@dataclass
class Write:
    """One write transaction; after it commits, `reverts`, `tables` and `client_ids` say
    what it changed."""

    session: Session
    reverts: list[tracking.RowRevert] = field(default_factory=list)
    tables: frozenset[str] = frozenset()
    client_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OpenReport:
    created: bool = False
    migrated_from: str | None = None
    backup: Path | None = None


class Database:
    def __init__(self, path: Path, engine: Engine, lock: FileLock, report: OpenReport) -> None:
        self.path = path
        self.engine = engine
        self.report = report
        self._lock = lock
        self._readers: dict[int, sqlite3.Connection] = {}
        self._readers_lock = threading.Lock()
        self.site_id = site_id()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        tracking.install(self._sessions)
        with self.read() as s:
            meta = {key: value for key, value in s.execute(select(Meta.key, Meta.value))}
        self.lineage_id = meta.get("lineage_id", "")
        self.clock = HybridClock(meta.get("clock") or None)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path | str, *, create: bool = False) -> Database:
        """Open `path`; with `create`, make a new database there if no file exists.

        Raises a DatabaseFileError (file untouched) or DatabaseLockedError.
        """
        path = Path(path).expanduser().absolute()
        state = inspect_file(path)
        if not state.exists and not create:
            raise DatabaseFileError(
                path, "does not exist.", "Check the name, or make a new database with File ▸ New."
            )
        if state.revision is not None and not migrate.is_known(state.revision):
            raise NewerSchemaError(
                path,
                f"was written by a newer version of crmdesk (schema {state.revision}).",
                "It was not opened or changed. Update crmdesk to open it.",
            )
        lock = FileLock.acquire(path)
        try:
            report = OpenReport()
            if not state.exists:
                path.parent.mkdir(parents=True, exist_ok=True)
                _create_file(path)
                report = OpenReport(created=True)
            elif state.revision != migrate.head():
                backup = write_verified_backup(
                    path, paths.backups_dir(), f"before-upgrade-from-{state.revision or 'empty'}"
                )
                report = OpenReport(migrated_from=state.revision, backup=backup)
            engine = _engine(path)
            if report.created or report.migrated_from is not None or state.revision is None:
                with engine.begin() as conn:
                    migrate.upgrade(conn)
            db = cls(path, engine, lock, report)
            if not db.lineage_id:
                db._init_meta()
            return db
        except BaseException:
            lock.release()
            raise

    def _init_meta(self) -> None:
        with self.write() as w:
            self.lineage_id = new_id()
            w.session.add(Meta(key="lineage_id", value=self.lineage_id))
            w.session.add(
                Meta(key="created_at", value=datetime.now().isoformat(timespec="seconds"))
            )

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._readers.values():
                conn.close()
            self._readers.clear()
        self.engine.dispose()
        self._lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ fast reads

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:
        """Rows of a read-only SQL statement, on this thread's own plain sqlite3 connection.

        The hot read paths (the list, search, a client's page) use this: it costs what the
        SQL costs, without a Session, a pool checkout or result processing.
        """
        return self._reader().execute(sql, params).fetchall()

    def _reader(self) -> sqlite3.Connection:
        key = threading.get_ident()
        conn = self._readers.get(key)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            for pragma in PRAGMAS:
                conn.execute(pragma)
            conn.execute("PRAGMA query_only = ON")
            with self._readers_lock:
                self._readers[key] = conn
        return conn

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed (closing ends its transaction)."""
        with self._sessions() as s:
            yield s

    @contextmanager
    def write(self) -> Iterator[Write]:
        """A write transaction: committed whole when the block ends, rolled back on error."""
        with self._sessions() as s:
            s.info["clock"] = self.clock
            s.info["site_id"] = self.site_id
            w = Write(session=s)
            with s.begin():
                yield w
            log = tracking.write_log(s)
            w.reverts = list(log.reverts)
            w.tables = frozenset(log.tables)
            w.client_ids = frozenset(log.client_ids)

    @contextmanager
    def bulk(self) -> Iterator[BulkWriter]:
        """Insert many new rows in one transaction (committed whole, or not at all)."""
        with self.engine.begin() as conn, bulk_writer(conn, self.clock, self.site_id) as writer:
            yield writer

    def meta(self, key: str, default: str = "") -> str:
        with self.read() as s:
            value = s.get(Meta, key)
            return value.value if value is not None else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as w:
            w.session.merge(Meta(key=key, value=value))


def _create_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.commit()
    finally:
        conn.close()


def _engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
        for pragma in PRAGMAS:
            dbapi_conn.execute(pragma)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine
