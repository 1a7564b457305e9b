"""Alembic migrations shipped in the package, run on a connection crmdesk opened."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "crmdesk.store:migrations")
    return cfg


def known() -> list[str]:
    """Every revision in the scripts, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def is_known(revision: str) -> bool:
    script = ScriptDirectory.from_config(_config())
    return any(rev.revision == revision for rev in script.walk_revisions())


def upgrade(connection: Connection, target: str = "head") -> None:
    cfg = _config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, target)


def downgrade(connection: Connection, target: str) -> None:
    """Back to `target` (crmdesk never does this to a shop's file: the tests check that each
    migration can be taken back, for a file to be handed to an older crmdesk by hand)."""
    cfg = _config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, target)
