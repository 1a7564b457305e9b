"""Carrying the file between machines, on real files: hostile copies, older copies,
erasures, copies to take along, backups, restores and the older-copy-dragged-over guard."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crmdesk import paths
from crmdesk.errors import CrmError, DatabaseFileError
from crmdesk.services import backups, clients, erase, history, notes, sync
from crmdesk.store.backup import BackupFile, check_copy
from crmdesk.store.database import Database
from tests.conftest import digest
from tests.sync_helpers import add_client, copy_to, dump, edit_client, machine, older_file


def _truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 3])
    return dst


def _bit_flipped(src: Path, dst: Path) -> Path:
    """Flip bits in the b-tree page header of the clients table's root page."""
    shutil.copyfile(src, dst)
    conn = sqlite3.connect(dst)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'clients'").fetchone()[0]
    conn.close()
    data = bytearray(dst.read_bytes())
    offset = (root - 1) * page_size
    for i in range(offset + 1, offset + 8):
        data[i] ^= 0xA5
    dst.write_bytes(bytes(data))
    return dst


def _not_sqlite(_src: Path, dst: Path) -> Path:
    dst.write_bytes(b"BEGIN:VCARD\nVERSION:3.0\nFN:Anna Webber\nEND:VCARD\n" * 50)
    return dst


def _other_lineage(_src: Path, dst: Path) -> Path:
    Database.open(dst, create=True).close()
    return dst


def _newer_schema(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    conn = sqlite3.connect(dst)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    return dst


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_truncated, "is damaged"),
        (_bit_flipped, "is damaged"),
        (_not_sqlite, "not an SQLite file"),
        (_other_lineage, "another business database"),
        (_newer_schema, "newer version of crmdesk"),
    ],
)
def test_a_hostile_copy_is_refused_and_nothing_changes(
    demo_path: Path, tmp_path: Path, make, message: str
) -> None:
    hostile = make(demo_path, tmp_path / "from-the-stick.crmdesk")
    hostile_bytes = hostile.read_bytes()
    with Database.open(demo_path) as db:
        before = dump(demo_path)
        with pytest.raises(CrmError, match=message) as refused:
            sync.merge(db, hostile)
        assert str(hostile) in str(refused.value)
        assert dump(demo_path) == before
    assert hostile.read_bytes() == hostile_bytes


def test_an_older_copy_is_upgraded_on_a_temporary_copy_and_merged(
    db: Database, tmp_path: Path
) -> None:
    old = tmp_path / "old-laptop.crmdesk"
    with older_file(old, "0007") as conn:
        conn.exec_driver_sql(f"INSERT INTO meta VALUES ('lineage_id', '{db.lineage_id}')")
        conn.exec_driver_sql(
            "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
            " salutation, preferred_name, company, phones, emails, street, postcode, city,"
            " country, preferred_contact, marketing_consent, tags, found_via, sort_name,"
            " stage_override, referral_reward) VALUES ('c-old', '0190000000000-000000', 'site-x',"
            " '2025-01-01 10:00:00', 'Olga', 'Older', '', '', '', '[]', '[]', '', '', 'Ely',"
            " '', 'any', 0, '[]', '', 'older olga', '', '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO field_changes VALUES ('clients', 'c-old', '*',"
            " '0190000000000-000000', 'site-x')"
        )
    before = digest(old)
    summary = sync.merge(db, old)
    assert summary.migrated_from == "0007"
    assert clients.get_client(db, "c-old").city == "Ely"
    assert digest(old) == before


def test_erase_then_merge_both_ways_leaves_no_trace_in_either_file(
    demo_path: Path, tmp_path: Path
) -> None:
    marker = "Zanzibar-Quokka-7731"
    with machine(demo_path, "A") as a:
        cid = add_client(a, given_name="Erin", family_name=marker, city=marker)
        notes.add_note(a, cid, f"Her cat is called {marker}")
        history.log_contact(a, cid, history.ContactForm(kind="call", body=f"Talked about {marker}"))
    laptop = copy_to(demo_path, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:  # the laptop still has her, and adds to her profile
        notes.add_note(b, cid, f"Asked after {marker} again")
        edit_client(b, cid, street=f"1 {marker} Road")
    with machine(demo_path, "A") as a:
        erase.erase_client(a, cid)
        sync.merge(a, laptop)
        record = clients.get_client(a, cid)
        assert record.erased_at is not None and record.family_name == "" and record.street == ""
        assert notes.notes_of(a, cid) == []
    with machine(laptop, "B") as b:
        sync.merge(b, demo_path)
        assert clients.get_client(b, cid).erased_at is not None
    for path in (demo_path, laptop):
        assert marker.encode() not in path.read_bytes(), f"{path.name} still holds it"
        assert marker.encode("utf-16-le") not in path.read_bytes()


def test_a_copy_for_another_machine_is_checked_named_and_opens(
    demo_db: Database, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()  # (plugged in)
    made = sync.copy_for_another_machine(demo_db, stick)
    assert made.parent == stick and made.name.startswith("demo from ")
    assert made.suffix == ".crmdesk" and not list(stick.glob("*.partial"))
    assert check_copy(made) == ""
    with Database.open(made) as there:
        assert there.lineage_id == demo_db.lineage_id
        assert clients.find_by_name(there, "") == clients.find_by_name(demo_db, "")
    with pytest.raises(CrmError, match="already exists"):
        sync.copy_for_another_machine(demo_db, stick, made.name)


def test_a_live_file_on_a_cloud_or_removable_folder_is_warned_about(tmp_path: Path) -> None:
    assert "cloud-synced" in sync.location_warning(Path.home() / "Dropbox" / "shop.crmdesk")
    assert "cloud-synced" in sync.location_warning(Path("/home/ann/OneDrive - Shop/c.crmdesk"))
    mounts = "/dev/sdb1 /media/ann/STICK vfat rw 0 0\nsrv:/x /mnt/nas nfs4 rw 0 0\n"
    assert "removable" in sync.location_warning(Path("/media/ann/STICK/c.crmdesk"), mounts)
    assert "network" in sync.location_warning(Path("/mnt/nas/shop/c.crmdesk"), mounts)
    assert sync.location_warning(tmp_path / "clients.crmdesk", "/dev/sda1 / ext4 rw 0 0\n") == ""


def test_the_backup_policy_keeps_the_newest_then_one_a_day_week_and_month() -> None:
    now = datetime(2026, 11, 23, 12, 0)
    every_six_hours = [
        BackupFile(Path(f"b{i}.crmdesk"), "hourly", now - timedelta(hours=6 * i), 1)
        for i in range(4 * 400)
    ]
    kept = backups.to_keep(every_six_hours, now)
    ages = sorted((now - b.made_at) for b in every_six_hours if b.path in kept)
    assert len([a for a in ages if a < timedelta(hours=60)]) == 10  # the 10 newest
    days = {(now - a).date() for a in ages if a <= timedelta(days=7)}
    assert len(days) >= 7
    assert max(ages) <= timedelta(days=31 * 12) and max(ages) > timedelta(days=330)
    assert len(kept) <= 10 + 8 + 5 + 13


def test_backup_restore_and_the_backup_made_before_restoring(db: Database) -> None:
    cid = add_client(db, given_name="Anna")
    first = backups.backup_now(db)
    assert check_copy(first) == ""
    edit_client(db, cid, city="Leeds")
    path = db.path
    db.close()
    before = backups.restore(path, first)
    with Database.open(path) as again:
        assert clients.get_client(again, cid).city == ""
        assert [b.reason for b in backups.backups_of(again)][:2] == ["before-restore", "by-hand"]
    with Database.open(before) as kept:
        assert clients.get_client(kept, cid).city == "Leeds"


def test_a_damaged_backup_is_not_restored(db: Database, tmp_path: Path) -> None:
    bad = _truncated(backups.backup_now(db), tmp_path / "bad.crmdesk")
    path = db.path
    db.close()
    before = digest(path)
    with pytest.raises(CrmError, match="damaged"):
        backups.restore(path, bad)
    assert digest(path) == before


def test_an_older_copy_dragged_over_the_file_is_caught_and_merged_back(
    db_path: Path, tmp_path: Path
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna")
        backups.backup_now(a, "on-open")
    stick = copy_to(db_path, tmp_path / "stick.crmdesk")  # carried away...
    with machine(db_path, "A") as a:
        edit_client(a, cid, city="Leeds")  # ...and work goes on here
        notes.add_note(a, cid, "Wants the blue one")
        backups.backup_now(a, "hourly")
        assert backups.lost_work(a) is None
    copy_to(stick, db_path)  # the old copy is dragged back over the file
    with machine(db_path, "A") as a:
        lost = backups.lost_work(a)
        assert lost is not None and lost.backup.exists()
        sync.merge_back(a, lost)
        assert clients.get_client(a, cid).city == "Leeds"
        assert [n.text for n in notes.notes_of(a, cid)] == ["Wants the blue one"]
        assert backups.lost_work(a) is None


def test_check_finds_a_damaged_file(demo_path: Path, tmp_path: Path) -> None:
    assert backups.check_database(demo_path).ok
    bad = _bit_flipped(demo_path, tmp_path / "bad.crmdesk")
    report = backups.check_database(bad)
    assert not report.ok and report.problems
    assert not backups.quick_check(bad).ok


def test_merging_the_open_file_into_itself_is_refused(db: Database) -> None:
    with pytest.raises(CrmError, match="open database itself"):
        sync.merge(db, db.path)
    with pytest.raises(DatabaseFileError, match="does not exist"):
        sync.merge(db, db.path.with_name("nowhere.crmdesk"))


def _files_holding(marker: str, *places: Path) -> list[str]:
    """The files among `places` (files, or folders searched through) whose bytes hold
    `marker` (UTF-8 or UTF-16)."""
    files = [f for p in places for f in ([p] if p.is_file() else sorted(p.rglob("*")))]
    needles = (marker.encode(), marker.encode("utf-16-le"))
    return [f.name for f in files if f.is_file() and any(n in f.read_bytes() for n in needles)]


@contextmanager
def _data_of(folder: Path) -> Iterator[None]:
    """Act as the machine whose data folder (backups, what it remembers) is `folder`
    (the test's own data folder is tmp_path / "home", see conftest)."""
    paths.override(folder)
    try:
        yield
    finally:
        paths.override(folder.parent / "home")


def test_an_erased_person_never_comes_back_from_a_backup_or_an_older_copy(
    demo_path: Path, tmp_path: Path
) -> None:
    marker = "Zanzibar-Quokka-7731"
    front_desk, laptop_data = tmp_path / "front-desk", tmp_path / "laptop"
    with _data_of(front_desk), machine(demo_path, "A") as a:
        cid = add_client(a, given_name="Erin", family_name=marker, city=marker)
        notes.add_note(a, cid, f"Her cat is called {marker}")
        history.log_contact(a, cid, history.ContactForm(kind="call", body=f"Talked about {marker}"))
        older = backups.backup_now(a, "by-hand")  # a backup from before the erasure
    laptop = copy_to(demo_path, tmp_path / "laptop.crmdesk")  # and a copy on the laptop
    with _data_of(laptop_data), machine(laptop, "B") as b:
        laptop_backup = backups.backup_now(b, "by-hand")
    assert _files_holding(marker, older) == [older.name]

    with _data_of(front_desk):
        with machine(demo_path, "A") as a:
            erase.erase_client(a, cid)
        assert _files_holding(marker, demo_path, front_desk) == []  # the backups too

        backups.restore(demo_path, older)  # restoring the older backup
        with machine(demo_path, "A") as a:
            assert clients.get_client(a, cid).erased_at is not None
            sync.merge(a, laptop)  # and merging the laptop's copy, which still has her
            erin = clients.get_client(a, cid)
            assert erin.erased_at is not None and erin.family_name == ""
            assert notes.notes_of(a, cid) == []
        assert _files_holding(marker, demo_path, front_desk) == []

    with _data_of(laptop_data):  # the laptop learns of the erasure from the front desk
        with machine(laptop, "B") as b:
            sync.merge(b, demo_path)
        assert _files_holding(marker, laptop, laptop_data) == []
        backups.restore(laptop, laptop_backup)
        with machine(laptop, "B") as b:
            assert clients.get_client(b, cid).erased_at is not None
        assert _files_holding(marker, laptop, laptop_data) == []


def test_an_older_file_copied_over_the_live_one_is_erased_again_on_open(
    demo_path: Path, tmp_path: Path
) -> None:
    marker = "Quokka-Zanzibar-1377"
    with machine(demo_path, "A") as a:
        cid = add_client(a, given_name="Erin", family_name=marker)
    older = copy_to(demo_path, tmp_path / "older.crmdesk")
    with machine(demo_path, "A") as a:
        erase.erase_client(a, cid)
    shutil.copyfile(older, demo_path)  # by hand, behind crmdesk's back
    with machine(demo_path, "A") as a:
        assert a.report.erased_again == 1
        assert clients.get_client(a, cid).erased_at is not None
    assert _files_holding(marker, demo_path) == []
    with machine(demo_path, "A") as a:
        assert a.report.erased_again == 0


def test_erasing_also_blanks_a_backup_made_before_an_upgrade(tmp_path: Path) -> None:
    """A file of an older crmdesk is backed up before it is upgraded; that backup has the
    older tables (no erased_at): erasing her blanks it all the same, and restoring it
    does not bring her back."""
    marker = "Quokka-Older-4412"
    path = tmp_path / "older.crmdesk"
    with older_file(path, "0007") as conn:
        conn.exec_driver_sql("INSERT INTO meta VALUES ('lineage_id', 'older-shop')")
        conn.exec_driver_sql(
            "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
            " salutation, preferred_name, company, phones, emails, street, postcode, city,"
            " country, preferred_contact, marketing_consent, tags, found_via, sort_name,"
            " stage_override, referral_reward) VALUES ('c-old', '0190000000000-000000', 'site-x',"
            f" '2025-01-01 10:00:00', 'Olga', '{marker}', '', '', '', '[]', '[]', '', '', 'Ely',"
            " '', 'any', 0, '[]', '', 'older olga', '', '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO field_changes VALUES ('clients', 'c-old', '*',"
            " '0190000000000-000000', 'site-x')"
        )
    with machine(path, "A") as db:
        assert db.report.migrated_from == "0007"
        upgrade_backup = db.report.backup
        assert upgrade_backup is not None and _files_holding(marker, upgrade_backup)
        changes = erase.erase_client(db, "c-old")
        assert changes.warnings == ()
    assert _files_holding(marker, path, paths.backups_dir()) == []
    backups.restore(path, upgrade_backup)
    with machine(path, "A") as db:  # the upgrade runs again, then the erasure
        assert clients.get_client(db, "c-old").erased_at is not None
    assert _files_holding(marker, path) == []


def test_an_unreadable_list_of_erasures_is_read_from_its_second_copy(
    demo_path: Path, tmp_path: Path
) -> None:
    marker = "Quokka-Second-9054"
    with machine(demo_path, "A") as a:
        cid = add_client(a, given_name="Erin", family_name=marker)
    older = copy_to(demo_path, tmp_path / "older.crmdesk")
    with machine(demo_path, "A") as a:
        erase.erase_client(a, cid)
    paths.erasures_file().write_text("{ half written")  # damaged (a crash, a bad disk)
    shutil.copyfile(older, demo_path)
    with machine(demo_path, "A") as a:
        assert a.report.erased_again == 1
    (paths.backups_dir() / paths.erasures_file().name).write_text("")  # and the second too
    with pytest.raises(CrmError, match="Nothing was opened, so that nobody erased comes back"):
        Database.open(demo_path)


def test_a_plain_working_copy_left_by_a_killed_merge_is_removed(
    demo_db: Database, tmp_path: Path
) -> None:
    """A merge killed mid-way leaves the other copy, decrypted, in the data folder: the next
    merge (or erasure) removes it. One of a crmdesk still running is left alone."""
    import os
    import time

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = [paths.data_dir() / f"merge-{gone.pid}-k1ll3d", paths.data_dir() / "merge-x7kotbtd"]
    running = paths.data_dir() / f"merge-{os.getpid()}-busy"
    for folder in (*left, running):
        folder.mkdir()
        (folder / "other.crmdesk").write_text("Quokka-Leftover-2231")
    old = time.time() - 2 * 3600
    os.utime(left[1], (old, old))  # an older crmdesk's, without a process id
    sync.merge(demo_db, copy_to(demo_db.path, tmp_path / "laptop.crmdesk"))
    assert not any(f.exists() for f in left)
    assert running.exists()


def test_a_copy_to_a_stick_that_is_not_there_is_refused(demo_db: Database, tmp_path: Path) -> None:
    """An unplugged stick: the copy is not quietly written onto this disk instead."""
    from crmdesk.errors import MissingFolderError

    with pytest.raises(MissingFolderError, match="is the stick plugged in"):
        sync.copy_for_another_machine(demo_db, tmp_path / "KINGSTON")
    assert not (tmp_path / "KINGSTON").exists()


def test_another_business_is_not_restored_over_this_one(db_path: Path, tmp_path: Path) -> None:
    from crmdesk.errors import OtherBusinessError

    other = tmp_path / "otherbiz.crmdesk"
    Database.open(other, create=True).close()
    before = digest(db_path)
    with pytest.raises(OtherBusinessError, match="another business's database"):
        backups.restore(db_path, other)
    assert digest(db_path) == before
