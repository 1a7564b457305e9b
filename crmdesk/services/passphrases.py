"""The passphrase of a business's encrypted copies, remembered in the system keyring.

One passphrase per business database (its lineage id, the same on every machine that holds
a copy), kept by the operating system's keyring (Secret Service, macOS Keychain, Windows
Credential Locker) through `keyring`. Never in the database or any other file of ours: where
no keyring is usable (a fail or null backend, or only one that writes plain files) nothing is
remembered and the user types it each time. A keyring that fails (locked, D-Bus gone) is
treated as absent: remembering is a convenience, never a reason to stop a copy or a merge.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "crmdesk: encrypted copies"
MIN_LENGTH = 8


def check_passphrase(passphrase: str) -> str:
    """What is wrong with `passphrase` for a new copy, or ""."""
    if len(passphrase.strip()) < MIN_LENGTH:
        return (
            f"A passphrase needs at least {MIN_LENGTH} characters (a few words are easy to "
            "remember)."
        )
    return ""


def keyring_name() -> str:
    """The keyring passphrases are remembered in ("" if there is none usable here)."""
    found = _keyring()
    return str(getattr(found, "name", type(found).__name__)) if found is not None else ""


def remembered(lineage_id: str) -> str | None:
    """The passphrase remembered for this business, or None."""
    found = _keyring()
    if found is None or not lineage_id:
        return None
    try:
        value = found.get_password(SERVICE, lineage_id)
    except Exception as exc:  # any backend's failure (locked, D-Bus gone…) means "not known"
        log.warning("could not read the keyring (%s): %s", keyring_name(), exc)
        return None
    return value if isinstance(value, str) and value else None


def remember(lineage_id: str, passphrase: str) -> bool:
    """Keep `passphrase` for this business in the keyring; False if it could not be."""
    found = _keyring()
    if found is None or not lineage_id:
        return False
    try:
        found.set_password(SERVICE, lineage_id, passphrase)
    except Exception as exc:
        log.warning("could not write to the keyring (%s): %s", keyring_name(), exc)
        return False
    return True


def forget(lineage_id: str) -> None:
    """Remove the remembered passphrase of this business (if there is one)."""
    found = _keyring()
    if found is None or not lineage_id:
        return
    try:
        found.delete_password(SERVICE, lineage_id)
    except Exception as exc:  # not there, or the keyring failed: nothing to forget
        log.debug("nothing forgotten from the keyring: %s", exc)


def _keyring() -> Any:
    """The keyring backend to use, or None: the highest-priority one that keeps secrets
    in the system's store (not a fail or null backend, not one that writes a plain file)."""
    try:
        import keyring
        from keyring.backends import chainer

        chosen: Any = keyring.get_keyring()
        chained = isinstance(chosen, chainer.ChainerBackend)
        candidates = list(chosen.backends) if chained else [chosen]
    except Exception as exc:
        log.warning("no keyring: %s", exc)
        return None
    for backend in candidates:
        if _usable(backend):
            return backend
    return None


def _usable(backend: Any) -> bool:
    from keyring.backends import fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    where = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if "plaintext" in where or where.startswith("keyrings.alt.file"):
        return False  # a file beside our data, readable by anyone who can read the disk
    try:
        return float(backend.priority) > 0
    except Exception:
        return False
