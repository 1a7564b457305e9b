"""The real cause, named, when the disk or the file refuses: never "damaged", never a
traceback, and nothing changed. Each cause is made for real: a file-size limit (ulimit -f)
in a subprocess, an immutable file, a full or read-only-mounted disk (those two need root
to mount a small tmpfs; skipped without)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.services import notes
from crmdesk.store.gate import journal_path
from tests.conftest import digest
from tests.integration.test_cli import crmdesk
from tests.sync_helpers import copy_to, dump, edit_client, machine


def _crmdesk_limited(limit: int, *args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """crmdesk in a process that may not write a file bigger than `limit` bytes."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "crmdesk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CRMDESK_DATA_DIR": str(data_dir)},
        preexec_fn=cap,
        timeout=120,
    )


@pytest.fixture
def laptop(demo_path: Path, tmp_path: Path) -> Path:
    """A copy of the demo database, edited on the laptop."""
    other = copy_to(demo_path, tmp_path / "laptop.crmdesk")
    with machine(other, "B") as b:
        cid = b.query("SELECT id FROM clients LIMIT 1")[0][0]
        edit_client(b, cid, city="Hull")
    return other


def _no_blame(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "damaged" not in result.stderr and "Copy it again" not in result.stderr
    return result.stderr


def test_no_room_to_read_the_other_copy_in_blames_this_machine(
    demo_path: Path, laptop: Path, data_dir: Path
) -> None:
    before, theirs = digest(demo_path), digest(laptop)
    err = _no_blame(
        _crmdesk_limited(200_000, "merge", str(laptop), "--db", str(demo_path), data_dir=data_dir)
    )
    assert f"{laptop.name} itself is fine" in err and "Nothing was merged" in err
    assert "largest file this system lets crmdesk write" in err and "ulimit -f" in err
    assert (digest(demo_path), digest(laptop)) == (before, theirs)
    assert not list((data_dir / "data").glob("merge-*"))  # its working copy cleaned up


def test_a_file_that_cannot_grow_is_named_and_left_as_it_was(
    demo_path: Path, laptop: Path, data_dir: Path
) -> None:
    """Both machines added much: the other copy's working copy and the backup fit under
    the limit, but the live file, which must take in the laptop's notes, cannot grow."""
    for path, name in ((demo_path, "A"), (laptop, "B")):
        with machine(path, name) as db:
            cid = db.query("SELECT id FROM clients LIMIT 1")[0][0]
            for n in range(60):
                notes.add_note(db, cid, f"{name} {n} " + "long note text " * 300)
    limit = max(demo_path.stat().st_size, laptop.stat().st_size) + 8192
    before = dump(demo_path)
    err = _no_blame(
        _crmdesk_limited(limit, "merge", str(laptop), "--db", str(demo_path), data_dir=data_dir)
    )
    assert f"{demo_path}: could not be written" in err and "ulimit -f" in err
    assert dump(demo_path) == before  # every row as it was (free pages may be reused)
    assert not journal_path(demo_path).exists()  # the cut-off commit was undone at once


def test_a_demo_into_a_folder_that_does_not_exist_says_so(tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "no such folder" / "demo.crmdesk"
    err = _no_blame(crmdesk("demo", "--out", str(target), "--clients", "5", data_dir=data_dir))
    assert f"the folder {target.parent} does not exist" in err
    assert "mkdir" in err  # what to do, in the command line's words
    assert not target.parent.exists()


@pytest.fixture
def immutable(demo_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        pytest.skip("needs root and chattr to make a file immutable")
    if subprocess.run(["chattr", "+i", str(demo_path)], capture_output=True).returncode:
        pytest.skip("this file system cannot mark a file immutable")
    try:
        yield demo_path
    finally:
        subprocess.run(["chattr", "-i", str(demo_path)], check=True)


def test_merging_into_a_file_that_cannot_be_changed_says_so(
    immutable: Path, laptop: Path, data_dir: Path
) -> None:
    before = digest(immutable)
    err = _no_blame(crmdesk("merge", str(laptop), "--db", str(immutable), data_dir=data_dir))
    assert f"{immutable}: cannot be changed" in err
    assert "Copy the file somewhere you can change it" in err
    assert digest(immutable) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 12 MB disk (tmpfs), unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small disk")
    disk = tmp_path / "disk"
    disk.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(disk)], capture_output=True
    )
    if made.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_disk_during_a_merge_is_called_full(
    small_disk: Path, demo_path: Path, laptop: Path, data_dir: Path
) -> None:
    live = Path(shutil.copyfile(demo_path, small_disk / "clients.crmdesk"))
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as f:  # fill the disk, then free a few pages:
        try:  # not enough for the merge
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
        f.truncate(max(0, f.tell() - 64 * 1024))
    before = digest(live)
    err = _no_blame(crmdesk("merge", str(laptop), "--db", str(live), data_dir=data_dir))
    assert "the disk it is on is full" in err and "Free some space" in err
    assert digest(live) == before


def test_a_read_only_disk_is_called_read_only(
    small_disk: Path, demo_path: Path, laptop: Path, data_dir: Path
) -> None:
    live = Path(shutil.copyfile(demo_path, small_disk / "clients.crmdesk"))
    before = digest(live)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    err = _no_blame(crmdesk("merge", str(laptop), "--db", str(live), data_dir=data_dir))
    assert "read-only" in err
    assert digest(live) == before
    checked = crmdesk("check", str(live), data_dir=data_dir)  # a check only reads: it can
    assert checked.returncode == 0 and "(read-only here)" in checked.stdout, checked.stderr


def _fill(disk: Path, leave: int = 64 * 1024) -> None:
    """Fill `disk`, then free `leave` bytes."""
    with open(disk / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
        f.truncate(max(0, f.tell() - leave))


def test_a_copy_onto_a_full_stick_is_called_full_and_leaves_no_half_copy(
    small_disk: Path, demo_path: Path, data_dir: Path
) -> None:
    _fill(small_disk)
    before = digest(demo_path)
    err = _no_blame(
        crmdesk(
            "copy", str(small_disk), "--no-passphrase", "--db", str(demo_path), data_dir=data_dir
        )
    )
    assert "the disk it is on is full" in err and str(small_disk) in err
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]  # no .partial left
    assert digest(demo_path) == before


def test_backups_and_restores_on_a_full_disk_are_called_full(
    small_disk: Path, demo_path: Path
) -> None:
    """This machine's data folder (where the backups go) is on the full disk."""
    data = small_disk / "home"
    first = crmdesk("backup", "--db", str(demo_path), data_dir=data)
    assert first.returncode == 0, first.stderr
    _fill(small_disk)
    before = digest(demo_path)
    err = _no_blame(crmdesk("backup", "--db", str(demo_path), data_dir=data))
    assert "the disk it is on is full" in err and "Free some space" in err
    err = _no_blame(crmdesk("restore", "1", "--db", str(demo_path), data_dir=data))
    assert "the disk it is on is full" in err  # it backs up the current state first
    assert digest(demo_path) == before
    assert not [p for p in small_disk.rglob("*.partial*")]  # nor its journal


def test_letters_for_a_file_that_cannot_be_changed_are_not_handed_out(
    immutable: Path, tmp_path: Path, data_dir: Path
) -> None:
    """They could not be recorded in the clients' histories: no PDF either, and it says so."""
    out = tmp_path / "letters.pdf"
    asked = ["letters", "--template", "Birthday", "--birthdays", "5", "-o", str(out)]
    err = _no_blame(crmdesk(*asked, "--db", str(immutable), data_dir=data_dir))
    assert f"{immutable}: cannot be changed" in err
    assert not out.exists()
