"""Every file location crmdesk uses, in one place.

Tests (and `--data-dir`) point everything at a temporary folder with `override()`; nothing
else computes a path of its own. Modelled on qutebrowser's utils/standarddir.py.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "crmdesk"
DB_SUFFIX = ".crmdesk"

_override: Path | None = None


def _platformdirs():  # type: ignore[no-untyped-def]
    """platformdirs, imported when a platform folder is first needed (after the window's
    first paint when a file is opened with --db: benchmark B1)."""
    import platformdirs

    return platformdirs


def override(folder: Path | None) -> None:
    """Put data, config and backups under `folder` (None restores the platform folders)."""
    global _override
    _override = Path(folder) if folder is not None else None


def data_dir() -> Path:
    if _override is not None:
        path = _override / "data"
    elif env := os.environ.get("CRMDESK_DATA_DIR"):
        path = Path(env) / "data"
    else:
        path = Path(_platformdirs().user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    if _override is not None:
        path = _override / "config"
    elif env := os.environ.get("CRMDESK_DATA_DIR"):
        path = Path(env) / "config"
    else:
        path = Path(_platformdirs().user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> Path:
    return data_dir() / f"clients{DB_SUFFIX}"


def demo_database() -> Path:
    return data_dir() / f"demo{DB_SUFFIX}"


def site_id_file() -> Path:
    return data_dir() / "site-id"


def recent_files_file() -> Path:
    return config_dir() / "recent.json"


def resources_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "resources"


def icons_dir() -> Path:
    """The application icon's PNGs (beside the source tree, and in the bundle)."""
    return Path(__file__).resolve().parent.parent / "packaging" / "linux" / "icons"


def erasures_file() -> Path:
    """The people erased from each business database (ids and stamps only), kept outside
    the database so that restoring an older backup cannot bring anyone back."""
    return data_dir() / "erased.json"


def own_work_file() -> Path:
    """This machine's newest change each business database holds in a backup (the lost-work
    guard's memory)."""
    return data_dir() / "own-work.json"


def log_file() -> Path:
    """Where problems are logged (opened at the first message)."""
    return data_dir() / "crmdesk.log"
