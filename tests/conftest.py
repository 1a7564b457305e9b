"""Shared fixtures: real .crmdesk files in temporary folders, never a mock database.

A migrated empty database and a demo database are made once per session and copied for
each test (Anki's test collection idea), so every test starts from a fresh real file.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk import paths
from crmdesk.services import demo
from crmdesk.store.database import Database


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """Each test has its own data/config/backups folders and site id."""
    folder = tmp_path / "home"
    paths.override(folder)
    yield folder
    paths.override(None)


@pytest.fixture(autouse=True)
def _no_keyring() -> Iterator[None]:
    """No test reads or writes the keyring of the machine it runs on: each starts with
    keyring's fail backend (what a machine without a keyring has); tests of remembering
    passphrases put a keyring of their own in place."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _fail_on_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """An error logged during a test is something a user would see: fail on it."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, f"errors were logged: {[r.getMessage() for r in errors]}"


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    paths.override(folder / "home")
    try:
        empty = folder / "empty.crmdesk"
        Database.open(empty, create=True).close()
        sample = demo.create_demo(folder / "demo.crmdesk", clients=60, seed=7)
    finally:
        paths.override(None)
    return {"empty": empty, "demo": sample}


@pytest.fixture
def db_path(_templates: dict[str, Path], tmp_path: Path) -> Path:
    """A fresh copy of a migrated, empty database."""
    return Path(shutil.copy(_templates["empty"], tmp_path / "clients.crmdesk"))


@pytest.fixture
def demo_path(_templates: dict[str, Path], tmp_path: Path) -> Path:
    """A fresh copy of the 60-client demo database."""
    return Path(shutil.copy(_templates["demo"], tmp_path / "demo.crmdesk"))


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path)
    yield database
    database.close()


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    database = Database.open(demo_path)
    yield database
    database.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
