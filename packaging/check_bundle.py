"""`make dist-check`: the built bundle, run as a shop owner's machine would run it.

The tarball is unpacked into a temporary folder and its `crmdesk` runs with a clean
environment (`env -i`: a fresh HOME, no virtualenv, no source tree on any path), offscreen:
its version, a demo database, letters, survey forms and the period report as PDFs (each
opened and read here), and the window opened to its first paint and closed. The desktop
files are checked by the freedesktop validators.

    python packaging/check_bundle.py dist/crmdesk-0.1.0-linux-x86_64.tar.gz
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pypdfium2

HERE = Path(__file__).resolve().parent
LINUX = HERE / "linux"


def clean_env(home: Path) -> dict[str, str]:
    """What `env -i` leaves, plus what any desktop session has: HOME, a PATH of the
    system's own folders, a UTF-8 locale and the offscreen screen."""
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }


class Bundle:
    def __init__(self, folder: Path, home: Path) -> None:
        self.exe = folder / "crmdesk" / "crmdesk"
        self.home = home
        self.env = clean_env(home)

    def run(self, *args: str, timeout: float = 180) -> str:
        done = subprocess.run(
            [str(self.exe), *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise SystemExit(
                f"crmdesk {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    def first_paint(self, db: Path, timeout: float = 60) -> float:
        """Start the window on `db`, wait for its list's first paint, close it (as a logout
        does: SIGTERM); the seconds to the first paint."""
        ready = self.home / "first-paint.txt"
        ready.unlink(missing_ok=True)
        started = time.monotonic()
        proc = subprocess.Popen(
            [str(self.exe), "--db", str(db)],
            env={**self.env, "CRMDESK_FIRST_PAINT_FILE": str(ready)},
            cwd=self.home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while not ready.exists():
            if proc.poll() is not None or time.monotonic() - started > timeout:
                proc.kill()
                _out, err = proc.communicate()
                raise SystemExit(f"the window did not paint (exit {proc.returncode}):\n{err}")
            time.sleep(0.02)
        seconds = time.monotonic() - started
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise SystemExit("the window did not close on SIGTERM") from None
        if proc.returncode != 0:
            raise SystemExit(f"the window closed with {proc.returncode}:\n{err}")
        return seconds


def pdf_text(path: Path) -> tuple[int, str]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return len(pdf), "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def check_pdfs(bundle: Bundle, db: Path) -> None:
    out = bundle.home
    letters = out / "letters.pdf"
    bundle.run("letters", "--db", str(db), "--template", "Birthday", "--search", "a",
               "--include-without-address", "-o", str(letters))  # fmt: skip
    pages, text = pdf_text(letters)
    assert pages >= 2 and "Dear" in text, f"letters.pdf: {pages} pages, no greeting"
    forms = out / "forms.pdf"
    bundle.run("survey-forms", "--db", str(db), "--blank", "3", "-o", str(forms))
    pages, text = pdf_text(forms)
    assert pages == 3 and "0" in text and "10" in text, f"forms.pdf: {pages} pages"
    report = out / "report.pdf"
    bundle.run("report", "--db", str(db), "--period", "2026", "-o", str(report))
    pages, text = pdf_text(report)
    assert pages >= 1 and "Revenue" in text, "report.pdf has no revenue"
    print(f"  PDFs: letters, 3 survey forms, report ({pages} pages) opened and read")


def validate_desktop_files() -> None:
    for tool, args in (
        ("desktop-file-validate", [str(LINUX / "org.crmdesk.crmdesk.desktop")]),
        ("appstreamcli", ["validate", "--no-net", str(LINUX / "org.crmdesk.crmdesk.metainfo.xml")]),
    ):  # fmt: skip
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install desktop-file-utils appstream")
        subprocess.run([tool, *args], check=True, capture_output=True)
    print("  desktop entry and AppStream metainfo: valid")


def main(tarball: Path) -> int:
    validate_desktop_files()
    with tempfile.TemporaryDirectory(prefix="crmdesk-dist-") as tmp:
        folder = Path(tmp) / "app"
        home = Path(tmp) / "home"
        folder.mkdir()
        home.mkdir()
        with tarfile.open(tarball) as tar:
            tar.extractall(folder, filter="tar")
        size = sum(f.lstat().st_size for f in folder.rglob("*") if not f.is_symlink())
        print(f"  unpacked: {size / 2**20:.0f} MB")
        bundle = Bundle(folder, home)
        version = bundle.run("--version").strip()
        print(f"  {version}")
        db = home / "demo.crmdesk"
        bundle.run("demo", "--out", str(db))
        check_pdfs(bundle, db)
        seconds = bundle.first_paint(db)
        print(f"  window: first paint after {seconds * 1000:.0f} ms, closed cleanly")
    print("dist-check: the bundle works")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
