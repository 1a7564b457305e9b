"""Open, create, migrate and close one .crmdesk file.

Opening goes: gate (refuse foreign, damaged or newer files untouched) → lock → back up and
migrate if the file is older. Reads use a plain sqlite3 connection per thread
(`Database.query`); `Database.write()` is the only way services change data: it commits
everything or nothing and reports what it changed. SQLAlchemy (and Alembic) load on the
first write or migration, not before the first page of clients is shown.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk.errors import DatabaseFileError, MissingDatabaseError, NewerSchemaError
from crmdesk.model.ids import new_id
from crmdesk.store import disk_errors, erasure, revisions, search_index, sorting
from crmdesk.store.backup import write_verified_backup
from crmdesk.store.clock import HybridClock, site_id
from crmdesk.store.gate import APPLICATION_ID, inspect_file
from crmdesk.store.lock import FileLock
from crmdesk.store.revert import RowRevert

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from crmdesk.store.bulk import BulkWriter

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 5000",
    # freed space is zeroed: an erased person's old text does not linger in the file
    "PRAGMA secure_delete = ON",
)


@dataclass
class Write:
    """One write transaction; after it commits, `reverts`, `tables` and `client_ids` say
    what it changed."""

    session: Session
    reverts: list[RowRevert] = field(default_factory=list)
    tables: frozenset[str] = frozenset()
    client_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OpenReport:
    created: bool = False
    migrated_from: str | None = None
    backup: Path | None = None
    erased_again: int = 0  # people erased earlier, erased again from this file on open


class Database:
    def __init__(self, path: Path, lock: FileLock, report: OpenReport) -> None:
        self.path = path
        self.report = report
        self._lock = lock
        self._readers: dict[int, sqlite3.Connection] = {}
        self._readers_lock = threading.Lock()
        self._kept: dict[str, tuple[tuple[int, int, str], Any]] = {}  # until_changed
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._site_id = ""
        meta = dict(self.query("SELECT key, value FROM meta"))
        self.lineage_id = meta.get("lineage_id", "")
        self.clock = HybridClock(meta.get("clock") or None)
        self.sort_locale = meta.get(sorting.SORT_LOCALE, "")

    @property
    def site_id(self) -> str:
        """This installation's id: read when the first write needs it."""
        if not self._site_id:
            self._site_id = site_id()
        return self._site_id

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path | str, *, create: bool = False, site: str = "") -> Database:
        """Open `path`; with `create`, make a new database there if no file exists.
        `site` stands in for this installation's site id (tests, tools).

        Raises a DatabaseFileError (file untouched) or DatabaseLockedError.
        """
        path = Path(path).expanduser().absolute()
        state = inspect_file(path)
        if not state.exists and not create:
            raise MissingDatabaseError(path, "does not exist.")
        if state.revision is not None and state.revision not in revisions.KNOWN:
            raise NewerSchemaError(
                path,
                f"was written by a newer version of crmdesk (schema {state.revision}).",
                "It was not opened or changed. Update crmdesk to open it.",
            )
        with disk_errors.about(path):
            lock = FileLock.acquire(path)
        try:
            report = OpenReport()
            if not state.exists:
                with disk_errors.about(path):
                    _create_file(path)
                report = OpenReport(created=True)
            elif state.revision != revisions.HEAD:
                backup = write_verified_backup(
                    path, f"before-upgrade-from-{state.revision or 'empty'}"
                )
                report = OpenReport(migrated_from=state.revision, backup=backup)
            if state.revision != revisions.HEAD:
                with disk_errors.about(path, os_errors=False):
                    _migrate(path)
            db = cls(path, lock, report)
            db._site_id = site
            if not db.lineage_id:
                db._init_meta()
            if erased := db.reapply_erasures():
                db.report = replace(db.report, erased_again=len(erased))
            return db
        except BaseException:
            lock.release()
            raise

    def erasures_among(self, client_ids: Iterable[str]) -> list[erasure.Erasure]:
        """The erasures the file holds of these clients (with their stamps)."""
        return erasure.erasures_in(self._reader(), client_ids)

    def reapply_erasures(self) -> list[str]:
        """Erase again anyone this machine knows to be erased whom the file still holds
        (it was restored from an older backup, or an older copy was merged in), with the
        erasure's own stamp; return their ids. Costs one indexed read when there is none."""
        known = erasure.remembered(self.lineage_id)
        if not known or not erasure.still_there(self._reader(), known):
            return []
        for e in known:
            self.clock.observe(e.hlc)
        with self.write() as w:
            raw = w.session.connection().connection.driver_connection
            assert raw is not None
            done = erasure.apply(raw, known)
        self.compact_search_index()
        return done

    def compact_search_index(self) -> None:
        """Merge the search index into one segment per table (FTS5 `optimize`), in its own
        transaction. After an erasure this drops the erased text from the old segments;
        after a bulk load (demo data, an import) a search reads one b-tree instead of
        dozens: at 1,000,000 history entries its p95 about halves. It rewrites the whole
        index (about 25 s at 100,000 clients), so it belongs after the load, not per chunk."""
        with disk_errors.about(self.path, os_errors=False), self.engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            erasure.compact_search_index(raw)

    def _init_meta(self) -> None:
        from crmdesk.model import Meta

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
        if self._engine is not None:
            self._engine.dispose()
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
        with disk_errors.about(self.path, os_errors=False):
            return self._reader().execute(sql, params).fetchall()

    def query_ids(self, sql: str, ids: Sequence[str]) -> list[Any]:
        """Run `sql` (with "{ids}" where the IN list goes) for `ids`, 500 at a time (SQLite
        limits the number of parameters); the rows of all the runs."""
        found: list[Any] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            found += self.query(sql.format(ids=", ".join("?" * len(chunk))), chunk)
        return found

    def query_each(
        self, sql: str, ids: Iterable[str], params: Mapping[str, Any] | None = None
    ) -> list[Any]:
        """Run `sql` once for each of `ids` (named `:id` in it, beside the named `params`);
        the rows of all the runs. For reads of a few records through their index: with one
        value SQLite reads that index, where an IN list of a few dozen may make it read the
        whole of another one instead (Today for 20 clients: 0.5 s through lists)."""
        found: list[Any] = []
        for value in dict.fromkeys(ids):
            found += self.query(sql, {**(params or {}), "id": value})
        return found

    @contextmanager
    def rows(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Iterator[Any]:
        """Like query(), but rows are read as the caller iterates, so it can stop early
        (a search that has found enough clients stops the index there)."""
        with disk_errors.about(self.path, os_errors=False):
            cursor = self._reader().execute(sql, params)
            try:
                yield cursor
            finally:
                cursor.close()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every query() of this thread inside it reads the file as it was at its first
        one (one read transaction): a write finished meanwhile is not half seen."""
        conn = self._reader()
        if conn.in_transaction:  # (already inside one)
            yield
            return
        with disk_errors.about(self.path, os_errors=False):
            conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")

    def _reader(self) -> sqlite3.Connection:
        key = threading.get_ident()
        conn = self._readers.get(key)
        if conn is None:
            conn = _connect(self.path)
            conn.execute("PRAGMA query_only = ON")
            with self._readers_lock:
                self._readers[key] = conn
        return conn

    # ------------------------------------------------------------------ sessions

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = _engine(self.path)
        return self._engine

    def _sessionmaker(self) -> sessionmaker[Session]:
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            from crmdesk.store import tracking

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
            tracking.install(self._sessions)
        return self._sessions

    def warm_up(self) -> None:
        """Load now what the first write needs — SQLAlchemy, every mapped class, the
        session factory and a pooled connection — so that the first save does not wait for
        them (about a second and a half on a slow machine). For a background thread, once
        the window is on screen."""
        import importlib

        from sqlalchemy.orm import configure_mappers

        from crmdesk import model

        for module in model.MODULES:
            importlib.import_module(module)
        configure_mappers()
        self._sessionmaker()
        with self.engine.connect():
            pass

    @contextmanager
    def write(self) -> Iterator[Write]:
        """A write transaction: committed whole when the block ends, rolled back on error.
        A full disk, a read-only file and the like raise a StorageError naming the file."""
        from crmdesk.store import tracking

        with disk_errors.about(self.path, os_errors=False), self._sessionmaker()() as s:
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
        from crmdesk.store.bulk import bulk_writer

        with (
            disk_errors.about(self.path, os_errors=False),
            self.engine.begin() as conn,
            bulk_writer(conn, self.clock, self.site_id) as writer,
        ):
            yield writer

    def resort(self, locale: str) -> int:
        """Make every client's sort name again in `locale` (the shop's alphabet changed);
        returns how many clients got a new one. One write transaction, the names read in
        it (about 2 s at 100,000 clients; a save made meanwhile waits for it, and every
        writer of a name reads the file's locale inside its own transaction). Not an
        undoable change: it only orders the list."""
        with disk_errors.about(self.path, os_errors=False), self.engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            (cache,) = raw.execute("PRAGMA cache_size").fetchone()
            # room for the whole change in memory: the file's exclusive lock (which stops
            # the window's reads) is then taken only for the commit, not when pages spill
            raw.execute("PRAGMA cache_size = -262144")
            try:
                updates = sorting.new_keys(raw.execute(sorting.ALL_NAMES).fetchall(), locale)
                sorting.store_keys(raw, updates, locale)
            finally:
                raw.execute(f"PRAGMA cache_size = {int(cache)}")
        self.sort_locale = locale
        return len(updates)

    def until_changed(self, key: str, read: Callable[[], Any]) -> Any:
        """`read()`, kept until the file changes: a commit from any connection or program
        changes its modification time or size, and every write of crmdesk's moves the
        clock in meta (the time alone is too coarse for two commits in a few ms). For
        answers that take a whole scan and rarely change, such as the list of tags."""
        version = self._version()
        with self._readers_lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        value = read()
        with self._readers_lock:
            self._kept[key] = (version, value)
        return value

    def kept(self, key: str) -> Any:
        """What until_changed(key, …) keeps, if the file has not changed since; else None."""
        with self._readers_lock:
            kept = self._kept.get(key)
        return kept[1] if kept is not None and kept[0] == self._version() else None

    def _version(self) -> tuple[int, int, str]:
        stat = self.path.stat()
        clock = self.query("SELECT value FROM meta WHERE key = 'clock'")
        return (stat.st_mtime_ns, stat.st_size, str(clock[0][0]) if clock else "")

    def meta(self, key: str, default: str = "") -> str:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else default

    def set_meta(self, key: str, value: str) -> None:
        from crmdesk.model import Meta

        with self.write() as w:
            w.session.merge(Meta(key=key, value=value))


def is_current(path: Path) -> bool:
    """True if `path` is a crmdesk database that opens without being made, backed up or
    upgraded (so opening it takes milliseconds). Problems are left for Database.open."""
    try:
        return inspect_file(path).revision == revisions.HEAD
    except DatabaseFileError:
        return False


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    search_index.register(conn)
    return conn


def _create_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.commit()
    finally:
        conn.close()


def _migrate(path: Path) -> None:
    from crmdesk.store import migrate

    engine = _engine(path)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn)
    finally:
        engine.dispose()


def _engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

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
        search_index.register(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE: a write takes the file's write lock first, so two writers (the window
        # and a background task) wait for each other (busy_timeout) rather than one failing
        # at once when it upgrades from reading (SQLite's deadlock rule for DEFERRED)
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
