"""The core (model, store, services, documents) never pulls in Qt."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import crmdesk


def test_core_imports_without_pyside6() -> None:
    core = [
        m.name
        for m in pkgutil.walk_packages(crmdesk.__path__, "crmdesk.")
        if m.name.split(".")[1] in {"model", "store", "services", "documents"}
        and ".migrations" not in m.name
    ]
    assert "crmdesk.services.clients" in core and "crmdesk.store.database" in core
    code = (
        "import importlib, sys\n"
        f"for name in {core!r} + ['crmdesk.cli']:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_window_starts_without_the_heavy_libraries() -> None:
    """Start-up (benchmark B1) loads the ORM, Alembic and the validators only on first use:
    together they took longer to import than Qt itself."""
    code = (
        "import sys, crmdesk.gui.main_window\n"
        "heavy = ('sqlalchemy', 'alembic', 'phonenumbers', 'email_validator')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == ""
