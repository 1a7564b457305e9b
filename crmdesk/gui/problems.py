"""What to do about an expected problem, in the window's words.

The core's errors say what is wrong and name the file; what to do next depends on where
the user is, so the window adds it here (the CLI has its own words, naming commands).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from crmdesk.errors import (
    ChangedCopyError,
    CrmError,
    DamagedFileError,
    DiskFullError,
    DiskIOError,
    EncryptedCopyError,
    FileBusyError,
    FileTooLargeError,
    ForeignDatabaseError,
    MissingDatabaseError,
    MissingFolderError,
    NotADatabaseError,
    NotEncryptedError,
    OtherBusinessError,
    PassphraseNeededError,
    ReadOnlyError,
    TargetExistsError,
    UnfinishedWriteError,
    WrongPassphraseError,
    advice_for,
)

ADVICE: dict[type[CrmError], str] = {
    DiskFullError: "Free some space on that disk (empty the wastebasket, move old files "
    "elsewhere), then try again.",
    ReadOnlyError: "Copy the file to a folder you can change (your Documents, say) and open "
    "that copy with File ▸ Open…, or ask whoever looks after this computer to allow changes.",
    UnfinishedWriteError: "Make it writable again (a stick's write-protect switch, say) and "
    "open it once more: crmdesk then undoes the unfinished write and every saved change is "
    "there. To use it elsewhere instead, copy the file and its -journal file together into "
    "the same folder: the file alone, without its journal, would be damaged.",
    DiskIOError: "Check that the disk or stick is still connected, then try again. If it "
    "happens again, the disk may be failing: restore a backup onto another disk "
    "(File ▸ Backups…).",
    FileTooLargeError: "Move the database to a disk that takes larger files (a stick "
    "formatted FAT32 takes none over 4 GB), or ask whoever looks after this computer to lift "
    "the limit on file sizes.",
    FileBusyError: "Close the other program that has it open (a backup or sync program, "
    "say), then try again.",
    MissingFolderError: "Choose a folder that exists, or make the folder first.",
    DamagedFileError: "Restore a backup made before the damage with File ▸ Backups….",
    EncryptedCopyError: "Open it with File ▸ Open… to start this computer from it, or merge "
    "it into this business's database with File ▸ Merge another copy… (either asks for its "
    "passphrase).",
    NotEncryptedError: "Open it as it is with File ▸ Open…, or merge it with File ▸ Merge "
    "another copy….",
    TargetExistsError: "Choose another name for the new file. If that file is this "
    "business's database, open it and merge the copy into it instead (File ▸ Merge another "
    "copy…).",
    PassphraseNeededError: "Open it with File ▸ Open…, or merge it with File ▸ Merge another "
    "copy…, and type its passphrase.",
    WrongPassphraseError: "Type the passphrase chosen when the copy was written.",
    ChangedCopyError: "Do not use this copy: write a new one on the machine it came from "
    "(File ▸ Copy for another machine…) and use that.",
    OtherBusinessError: "Choose a copy or a backup of this business's own database (a copy's "
    "name says which machine made it, and when).",
    ForeignDatabaseError: "Choose a .crmdesk file made by crmdesk.",
    MissingDatabaseError: "Check the name (File ▸ Open recent lists the files used lately), "
    "or make a new database with File ▸ New….",
    NotADatabaseError: "Choose a .crmdesk file made by crmdesk, or make a new database with "
    "File ▸ New….",
}


def explain(error: BaseException) -> str:
    """The error's message, then what to do about it here (if there is advice for it)."""
    what_to_do = advice_for(error, ADVICE)
    return f"{error}\n\n{what_to_do}" if what_to_do else str(error)


def show_problem(parent: QWidget | None, title: str, error: BaseException) -> None:
    QMessageBox.warning(parent, title, explain(error))
