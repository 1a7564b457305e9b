"""Encrypted copies for another machine, through the sync service, on real demo databases:
written, merged back, and refused (the live file untouched) without the right passphrase or
after any change; the passphrase remembered in the keyring, never in a file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from crmdesk.errors import (
    ChangedCopyError,
    CrmError,
    EncryptedCopyError,
    PassphraseNeededError,
    WrongPassphraseError,
)
from crmdesk.services import backups, clients, passphrases, sync
from crmdesk.store.database import Database
from crmdesk.store.encrypted_copy import KdfParams
from tests.conftest import digest
from tests.sync_helpers import MemoryKeyring, a_keyring, copy_to, edit_client, machine

CHEAP = KdfParams(log2_n=10)
PASS = "three green umbrellas"


@pytest.fixture
def laptop_copy(demo_path: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """The front desk's demo database; the laptop (a copy of it) renamed a client and wrote
    an encrypted copy onto the stick. Returns (front desk file, the stick's copy, client)."""
    laptop = copy_to(demo_path, tmp_path / "laptop.crmdesk")
    stick = tmp_path / "stick"
    stick.mkdir()  # (plugged in)
    with machine(laptop, "B") as b:
        cid = b.query("SELECT id FROM clients ORDER BY sort_name LIMIT 1")[0][0]
        edit_client(b, cid, city="Kirkcudbright")
        made = sync.copy_for_another_machine(b, stick, passphrase=PASS, params=CHEAP)
    return demo_path, made, cid


def test_an_encrypted_copy_merges_with_its_passphrase(laptop_copy, tmp_path: Path) -> None:
    front_desk, made, cid = laptop_copy
    assert made.suffix == sync.ENCRYPTED_SUFFIX and sync.is_encrypted(made)
    assert [p.name for p in made.parent.iterdir()] == [made.name]  # no .partial, no plain file
    assert b"Kirkcudbright" not in made.read_bytes()
    with machine(front_desk, "A") as a:
        summary = sync.merge(a, made, PASS)
        assert summary.counts["clients"].updated == 1
        assert clients.get_client(a, cid).city == "Kirkcudbright"
        again = sync.merge(a, made, PASS)
        assert not again.changed
    left = [p.name for p in (tmp_path / "home" / "data").iterdir() if p.name != "backups"]
    assert left == []  # the decrypted temporary copy is gone


def refused_untouched(front_desk: Path, made: Path, passphrase: str | None) -> CrmError:
    """Merge `made` with `passphrase`: the error, after checking nothing changed."""
    before = digest(front_desk)
    with machine(front_desk, "A") as a:
        backups_before = len(backups.backups_of(a))
        with pytest.raises(CrmError) as caught:
            sync.merge(a, made, passphrase)
        assert len(backups.backups_of(a)) == backups_before  # refused before the backup
    assert digest(front_desk) == before
    return caught.value


def test_without_the_passphrase_or_with_a_wrong_one_nothing_changes(laptop_copy) -> None:
    front_desk, made, _ = laptop_copy
    needed = refused_untouched(front_desk, made, None)
    assert isinstance(needed, PassphraseNeededError) and "needs its passphrase" in str(needed)
    wrong = refused_untouched(front_desk, made, "three green umbrella")
    assert isinstance(wrong, WrongPassphraseError)
    assert str(made) in str(wrong) and "another passphrase" in str(wrong)


@pytest.mark.parametrize("change", ["flip a byte", "flip the last byte", "cut short", "append"])
def test_a_copy_changed_after_it_was_written_is_refused(laptop_copy, change: str) -> None:
    front_desk, made, _ = laptop_copy
    data = bytearray(made.read_bytes())
    if change == "flip a byte":
        data[len(data) // 2] ^= 0x20
    elif change == "flip the last byte":
        data[-1] ^= 0x01
    elif change == "cut short":
        del data[-5000:]
    else:
        data += b"more"
    made.write_bytes(data)
    error = refused_untouched(front_desk, made, PASS)
    assert isinstance(error, ChangedCopyError)
    assert "was changed or damaged after it was written" in str(error)
    assert "Nothing was merged" in str(error)


def test_an_encrypted_copy_is_not_opened_as_a_database(laptop_copy) -> None:
    _, made, _ = laptop_copy
    before = digest(made)
    with pytest.raises(EncryptedCopyError, match="is an encrypted copy for another machine"):
        Database.open(made, create=True)
    assert digest(made) == before


def test_a_plain_copy_is_still_possible(demo_db: Database, tmp_path: Path) -> None:
    made = sync.copy_for_another_machine(demo_db, tmp_path)
    assert made.suffix == ".crmdesk" and not sync.is_encrypted(made)
    assert made.read_bytes().startswith(b"SQLite format 3")


def test_a_short_passphrase_is_refused_and_nothing_written(
    demo_db: Database, tmp_path: Path
) -> None:
    with pytest.raises(CrmError, match="at least 8 characters"):
        sync.copy_for_another_machine(demo_db, tmp_path, passphrase="1234567")
    assert not (tmp_path / "stick").exists() or not any((tmp_path / "stick").iterdir())


def test_the_default_copy_costs_scrypt_n_2_17(demo_db: Database, tmp_path: Path) -> None:
    made = sync.copy_for_another_machine(demo_db, tmp_path, passphrase=PASS)
    assert made.read_bytes()[16:19] == bytes([17, 8, 1])  # log2 N, r, p


# ---------------------------------------------------------------------- the keyring


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's file backends: the secret in a file anyone can read."""


@pytest.fixture(name="a_keyring")
def _a_keyring() -> Iterator[MemoryKeyring]:
    with a_keyring() as found:
        yield found


def test_the_passphrase_is_remembered_per_business(a_keyring: MemoryKeyring) -> None:
    assert passphrases.keyring_name()
    assert passphrases.remembered("lineage-1") is None
    assert passphrases.remember("lineage-1", PASS)
    assert passphrases.remember("lineage-2", "another business")
    assert passphrases.remembered("lineage-1") == PASS
    assert passphrases.remembered("lineage-2") == "another business"
    passphrases.forget("lineage-1")
    assert passphrases.remembered("lineage-1") is None
    assert a_keyring.secrets == {(passphrases.SERVICE, "lineage-2"): "another business"}


def test_no_usable_keyring_remembers_nothing_and_does_not_fail(data_dir: Path) -> None:
    from keyring.backends import fail

    assert isinstance(keyring.get_keyring(), fail.Keyring)  # what this machine has
    assert passphrases.keyring_name() == ""
    assert not passphrases.remember("lineage-1", PASS)
    assert passphrases.remembered("lineage-1") is None
    passphrases.forget("lineage-1")
    written = [p for p in data_dir.rglob("*") if p.is_file()]
    assert all(PASS.encode() not in p.read_bytes() for p in written)


def test_a_keyring_that_writes_plain_files_is_not_used() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert passphrases.keyring_name() == ""
        assert not passphrases.remember("lineage-1", PASS)
    finally:
        keyring.set_keyring(previous)


def test_a_failing_keyring_is_no_keyring(a_keyring: MemoryKeyring, caplog) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("the Secret Service is locked")

    a_keyring.get_password = broken  # type: ignore[method-assign]
    a_keyring.set_password = broken  # type: ignore[method-assign]
    assert passphrases.remembered("lineage-1") is None
    assert not passphrases.remember("lineage-1", PASS)
    assert "locked" in caplog.text
