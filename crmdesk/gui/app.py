"""Start the GUI: the application, the crash handler, the main window, the first database."""

from __future__ import annotations

import logging
import os
import signal
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from crmdesk import __version__, paths
from crmdesk.gui import collector
from crmdesk.gui.main_window import MainWindow

log = logging.getLogger("crmdesk")


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Bugs end here: logged, and shown in a dialog with the details to report. An expected
    problem (a CrmError: a full disk or a read-only file during a save, say) that reached
    here is no bug: its message is shown (a write it interrupted was rolled back)."""
    from crmdesk.errors import CrmError

    if isinstance(exc, CrmError):
        log.warning("%s", exc)
        if QApplication.instance() is not None:
            from crmdesk.gui.problems import show_problem

            show_problem(QApplication.activeWindow(), "That could not be done", exc)
        return
    text = "".join(traceback.format_exception(kind, exc, tb))
    log.error("Unexpected error:\n%s", text)
    if QApplication.instance() is not None:
        from crmdesk.gui.crash_dialog import CrashDialog

        CrashDialog(f"{kind.__name__}: {exc}", text, QApplication.activeWindow()).exec()


class _LogFile(logging.FileHandler):
    """crmdesk.log in the data folder, opened (and its folder looked up) at the first
    message, not at start-up."""

    def __init__(self) -> None:
        super().__init__(os.devnull, delay=True)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def _open(self):  # type: ignore[no-untyped-def]
        self.baseFilename = str(paths.log_file())
        return super()._open()


def run(
    path: Path | None, create: bool = False, make_demo: bool = False, offer: Path | None = None
) -> int:
    """Open the window on `path`, or (None: no database yet, the first run) on the welcome
    page; `offer` (a file opened from the desktop) is then offered to be merged into it or
    opened on its own."""
    logging.basicConfig(level=logging.INFO, handlers=[_LogFile()])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("crmdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.crmdesk.crmdesk")  # (Wayland: the task bar's icon and name)
    app.setWindowIcon(app_icon())
    sys.excepthook = _excepthook
    window = MainWindow()
    # The shipped fonts are added once the list is on screen (they cost about 10 ms of
    # start-up, benchmark B1), before the client page is built; the list is measured and
    # drawn again with them, so a name in a script the system has no font for fits.
    window.list_painted.connect(lambda: _add_fonts_to(window))
    if ready_file := os.environ.get("CRMDESK_FIRST_PAINT_FILE"):  # (make dist-check, bench)
        window.client_list.first_painted.connect(lambda: Path(ready_file).write_text("painted"))
    window.show()
    if path is None:
        window.show_welcome()
        QTimer.singleShot(0, add_fonts)  # (no list is painted: a name typed, the guide)
    else:
        window.open_database(path, create=create, make_demo=make_demo)
    if offer is not None:
        window.offer_file(offer)
    _close_on_signals(window)
    QTimer.singleShot(0, _started)
    return app.exec()


def app_icon() -> QIcon:
    """crmdesk's icon in every size drawn (packaging/linux/icons, made from its SVG by
    scripts/icons.py), for the window and the task bar."""
    icon = QIcon()
    for file in sorted(paths.icons_dir().glob("crmdesk-*.png")):
        icon.addFile(str(file))
    return icon


def _add_fonts_to(window: MainWindow) -> None:
    add_fonts()
    window.client_list.columns.fit()
    window.client_list.table.viewport().update()


def add_fonts() -> list[str]:
    """Add the fonts the PDFs embed to the application's font database, so that a name in
    Arabic, Thai, Devanagari, Chinese or Korean shows in the window as it prints, on a
    machine that has no such font (Qt's fallback finds them). Returns the families added."""
    from PySide6.QtGui import QFontDatabase

    from crmdesk.documents.fonts import font_files

    families: list[str] = []
    for file in font_files():
        font_id = QFontDatabase.addApplicationFont(str(file))
        if font_id < 0:
            log.info("Could not add the font %s", file)
            continue
        families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def _started() -> None:
    """The window is up: what start-up made stays (frozen, never walked again); the cycle
    collector runs again once the window has settled (gui.collector)."""
    collector.keep_what_loaded()
    QTimer.singleShot(collector.SETTLE_AT_MOST_MS, collector.settled)


def _close_on_signals(window: MainWindow) -> None:
    """Ctrl+C in the terminal (or a logout's SIGTERM) closes the window the normal way, so
    the database is closed and its lock released. Python only sees signals when it runs, so
    a timer hands it control twice a second."""

    def close(_signum: int, _frame: object) -> None:
        window.close()

    signal.signal(signal.SIGINT, close)
    signal.signal(signal.SIGTERM, close)
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(500)
