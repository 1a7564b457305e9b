"""Starting a machine from an encrypted copy, on a real encrypted demo copy: decrypted into a
database of its own (named after the copy, in the data folder), checked and usable; a wrong
passphrase, a changed copy or a name that is taken leave nothing behind; the remembered
passphrase of a business on this computer is tried; files that are no copy say what they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk import paths
from crmdesk.errors import (
    ChangedCopyError,
    EncryptedCopyError,
    MissingFolderError,
    NotADatabaseError,
    NotEncryptedError,
    TargetExistsError,
    WrongPassphraseError,
)
from crmdesk.services import backups, clients, passphrases, sync, unpacking
from crmdesk.services.client_list import count_clients
from crmdesk.store.database import Database
from crmdesk.store.encrypted_copy import KdfParams
from tests.conftest import digest
from tests.sync_helpers import a_keyring, edit_client, machine

CHEAP = KdfParams(log2_n=10)
PASS = "three green umbrellas"


@pytest.fixture
def stick_copy(demo_path: Path, tmp_path: Path) -> tuple[Path, str, int]:
    """The front desk's demo database, with a client moved to Kirkcudbright, copied
    encrypted onto a stick. Returns (the copy, that client, how many clients)."""
    with machine(demo_path, "A") as a:
        cid = a.query("SELECT id FROM clients ORDER BY sort_name LIMIT 1")[0][0]
        edit_client(a, cid, city="Kirkcudbright")
        (tmp_path / "stick").mkdir()  # (plugged in)
        made = sync.copy_for_another_machine(a, tmp_path / "stick", passphrase=PASS, params=CHEAP)
        return made, cid, count_clients(a)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "backups")


def test_the_name_drops_where_and_when_the_copy_was_made() -> None:
    name = unpacking.database_name
    assert name(Path("clients from frontdesk 2026-11-23 0915.crmdesk-encrypted")) == (
        "clients.crmdesk"
    )
    assert name(Path("Shop Ltd from my-laptop 2027-01-02 1800.crmdesk-encrypted")) == (
        "Shop Ltd.crmdesk"
    )
    assert name(Path("fd7.crmdesk-encrypted")) == "fd7.crmdesk"
    assert name(Path(".crmdesk-encrypted")) == "clients.crmdesk"


def test_a_copy_is_unpacked_into_the_data_folder_and_opens(stick_copy, data_dir: Path) -> None:
    made, cid, count = stick_copy
    before = digest(made)
    unpacked = unpacking.unpack(made, PASS)
    here = paths.data_dir()
    assert unpacked.path == here / "demo.crmdesk"  # "demo from <host> <time>" → demo.crmdesk
    assert files_in(here) == ["demo.crmdesk"]  # no partial or journal left beside it
    assert digest(made) == before  # the copy is only read
    with Database.open(unpacked.path, site="cccccccc-0000-4000-8000-000000000003") as db:
        assert db.lineage_id == unpacked.lineage_id
        assert count_clients(db) == count
        assert clients.get_client(db, cid).city == "Kirkcudbright"
        assert backups.check_database(db.path).ok
        # and it is the same business: the next copy from the front desk merges into it
        assert not sync.merge(db, made, PASS).changed


def test_a_wrong_passphrase_leaves_nothing_behind(stick_copy, tmp_path: Path) -> None:
    made, _, _ = stick_copy
    before = files_in(paths.data_dir())
    with pytest.raises(WrongPassphraseError, match="another passphrase"):
        unpacking.unpack(made, "three green umbrella")
    assert files_in(paths.data_dir()) == before
    target = tmp_path / "elsewhere" / "shop.crmdesk"
    target.parent.mkdir()
    with pytest.raises(WrongPassphraseError):
        unpacking.unpack(made, "", target)
    assert list(target.parent.iterdir()) == []


def test_a_changed_copy_leaves_nothing_behind(stick_copy, tmp_path: Path) -> None:
    made, _, _ = stick_copy
    data = bytearray(made.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed = tmp_path / "changed.crmdesk-encrypted"
    changed.write_bytes(data)
    with pytest.raises(ChangedCopyError, match="Nothing was written") as caught:
        unpacking.unpack(changed, PASS)
    assert "merged" not in str(caught.value)
    assert files_in(paths.data_dir()) == []


def test_an_existing_file_is_never_replaced(stick_copy, tmp_path: Path) -> None:
    made, _, _ = stick_copy
    taken = unpacking.default_target(made)
    taken.write_bytes(b"the shop's own database")
    with pytest.raises(TargetExistsError, match="already exists") as caught:
        unpacking.unpack(made, PASS)
    assert caught.value.path == taken
    assert taken.read_bytes() == b"the shop's own database"
    assert files_in(taken.parent) == [taken.name]
    elsewhere = tmp_path / "laptop.crmdesk"
    assert unpacking.unpack(made, PASS, elsewhere).path == elsewhere


def test_a_file_that_appears_meanwhile_is_not_replaced(
    stick_copy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the first look and putting the new file in place, another program made a
    file of that name: it stays, and nothing is left behind."""
    made, _, _ = stick_copy
    target = unpacking.default_target(made)
    real = unpacking._check

    def check_then_someone_writes(copy: Path, partial: Path) -> str:
        found = real(copy, partial)
        target.write_bytes(b"made meanwhile")
        return found

    monkeypatch.setattr(unpacking, "_check", check_then_someone_writes)
    with pytest.raises(TargetExistsError, match="made meanwhile"):
        unpacking.unpack(made, PASS)
    assert target.read_bytes() == b"made meanwhile"
    assert files_in(target.parent) == [target.name]


def test_a_missing_folder_is_named(stick_copy, tmp_path: Path) -> None:
    made, _, _ = stick_copy
    with pytest.raises(MissingFolderError):
        unpacking.unpack(made, PASS, tmp_path / "no such folder" / "shop.crmdesk")


def test_the_passphrase_remembered_for_a_business_here_is_tried(
    stick_copy, demo_path: Path, tmp_path: Path
) -> None:
    made, _, _ = stick_copy
    with a_keyring() as found:
        assert unpacking.unpack_with_remembered(made, [demo_path]) is None  # none remembered
        with machine(demo_path, "A") as a:
            passphrases.remember(a.lineage_id, "not the one")
        assert unpacking.unpack_with_remembered(made, [demo_path, tmp_path / "gone"]) is None
        with machine(demo_path, "A") as a:
            passphrases.remember(a.lineage_id, PASS)
        unpacked = unpacking.unpack_with_remembered(made, [demo_path, demo_path])
        assert unpacked is not None and unpacked.path.exists()
        # remembered under the new database's business: the same one
        assert unpacking.remember_passphrase(unpacked, PASS)
        assert set(found.secrets) == {(passphrases.SERVICE, unpacked.lineage_id)}


def test_what_is_no_encrypted_copy_says_what_it_is(demo_path: Path, tmp_path: Path) -> None:
    with pytest.raises(NotEncryptedError, match="not an encrypted copy"):
        unpacking.unpack(demo_path, PASS)
    empty = tmp_path / "empty.crmdesk-encrypted"
    empty.write_bytes(b"")
    with pytest.raises(ChangedCopyError, match=r"is empty \(0 bytes\).*cut short"):
        unpacking.unpack(empty, PASS)
    with pytest.raises(ChangedCopyError, match=r"is empty \(0 bytes\)"):
        Database.open(empty)
    ten = tmp_path / "ten.crmdesk-encrypted"
    ten.write_bytes(b"\x89CRMDESK\r\n")
    for attempt in (lambda: unpacking.unpack(ten, PASS), lambda: Database.open(ten)):
        with pytest.raises(ChangedCopyError, match=r"is only 10 bytes long.*cut short"):
            attempt()
    text = tmp_path / "notes.crmdesk-encrypted"
    text.write_text("shopping list\n")
    with pytest.raises(NotADatabaseError, match="named like an encrypted copy") as caught:
        Database.open(text)
    assert "SQLite" not in str(caught.value)
    with pytest.raises(NotADatabaseError, match="named like an encrypted copy"):
        unpacking.unpack(text, PASS)
    assert text.read_text() == "shopping list\n"
    other = tmp_path / "notes.txt"
    other.write_text("shopping list\n")
    with pytest.raises(NotADatabaseError, match="not an encrypted crmdesk copy"):
        unpacking.unpack(other, PASS)


def test_an_encrypted_copy_is_not_restored_as_a_damaged_backup(stick_copy, demo_path: Path) -> None:
    made, _, _ = stick_copy
    before = digest(demo_path)
    with pytest.raises(EncryptedCopyError, match="not a backup") as caught:
        backups.restore(demo_path, made)
    assert "damaged" not in str(caught.value)
    assert digest(demo_path) == before
