"""Where the live database file is: a warning when it sits on a stick, a network drive or a
cloud-synced folder (the copy a sync program or a pulled-out stick leaves behind can be
half-written). Cheap to import: the window asks on every open."""

from __future__ import annotations

import os
from pathlib import Path

_CLOUD_FOLDERS = (
    "dropbox",
    "onedrive",
    "google drive",
    "googledrive",
    "my drive",
    "icloud drive",
    "icloud",
    "mobile documents",
    "nextcloud",
    "owncloud",
    "pcloud",
    "box sync",
    "mega",
    "syncthing",
    "seafile",
    "sync.com",
)
_NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "afs",
    "davfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.davfs2",
    "fuse.gvfsd-fuse",
}
_REMOVABLE_FS = {"vfat", "exfat", "msdos", "fuseblk", "ntfs", "ntfs3"}


def location_warning(path: Path, mounts: str | None = None) -> str:
    """ "" if `path` is on a local disk; else why the live database should not be there.

    `mounts` is the text of /proc/self/mounts (read on Linux when not given)."""
    path = Path(path).expanduser().absolute()
    where = _where(path, mounts)
    if not where:
        return ""
    return (
        f"The database {path} is on {where}. Keep the file you work on on this computer's own "
        "disk: a sync program or a pulled-out stick can copy it half-written, and two machines "
        "can overwrite each other's work. To carry it, use File ▸ Copy for another machine…, "
        "and File ▸ Merge another copy… on the other side."
    )


def _where(path: Path, mounts: str | None) -> str:
    parts = [p.casefold() for p in path.parts[:-1]]
    for part in parts:
        for cloud in _CLOUD_FOLDERS:
            if part == cloud or part.startswith(cloud + " ") or part.startswith(cloud + "-"):
                return f"a cloud-synced folder ({part})"
    if os.name == "nt":
        return _windows_drive(path)
    if str(path).startswith(("/Volumes/", "/media/", "/run/media/")):
        return "a removable or network drive"
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    best, fstype = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = str(path) == point or str(path).startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, fstype = point, fields[2]
    if fstype in _NETWORK_FS:
        return f"a network drive ({fstype} at {best})"
    if fstype in _REMOVABLE_FS and best.startswith(("/mnt", "/media", "/run/media")):
        return f"a removable drive ({best})"
    return ""


def _windows_drive(path: Path) -> str:  # pragma: no cover - Windows only
    import ctypes

    kind = ctypes.windll.kernel32.GetDriveTypeW(path.anchor)  # type: ignore[attr-defined]
    return {2: "a removable drive", 4: "a network drive"}.get(kind, "")
