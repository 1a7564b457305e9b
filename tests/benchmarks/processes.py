"""B1 and B7 need whole processes: start-up time and peak memory.

Each script prints one line: "ready" (B1) or the peak resident memory in MB (B7).
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks import data
from tests.benchmarks.harness import Row, median, ratio_row

# Both start-up scripts stop at the same moment: when the table's first paint with rows (for
# crmdesk: the first page of clients) has been drawn. The filter notes the paint; the report
# is posted from it, so it runs when that paint is finished.
FIRST_PAINT = """
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
class FirstPaint(QObject):
    def __init__(self, view, app):
        super().__init__()
        self.view, self.app = view, app
        view.viewport().installEventFilter(self)
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and (BARE or self.view.model().rowCount()):
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        print("ready", flush=True)
        self.view.window().close()
        QCoreApplication.quit()
"""

# The app as `crmdesk --db FILE` starts it: the command line, logging, the window, the file.
# The watcher is attached to the main window as it is made.
CRMDESK_START = (
    FIRST_PAINT
    + """
import sys
from crmdesk import cli
from crmdesk.gui import main_window
BARE = False
class Watched(main_window.MainWindow):
    def __init__(self):
        super().__init__()
        self.watch = FirstPaint(self.client_list.table, None)
main_window.MainWindow = Watched
sys.exit(cli.main(["--db", sys.argv[1]]))
"""
)

BARE_QT_START = (
    FIRST_PAINT
    + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
BARE = True
app = QApplication(sys.argv[:1])
window = QMainWindow()
table = QTableView()
window.setCentralWidget(table)
watch = FirstPaint(table, app)
window.show()
app.exec()
"""
)

# Open the database in the main window, let its on-open work finish, and scroll through the
# whole client list.
SCROLL_ALL = """
import resource, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from crmdesk.gui.main_window import MainWindow
app = QApplication(sys.argv[:1])
window = MainWindow()
window.show()
def scroll(_db):
    model, view = window.client_list.model, window.client_list.table
    rows = model.rowCount()
    step = max(1, view.viewport().height() // view.verticalHeader().defaultSectionSize())
    for row in range(0, rows, step):
        view.scrollTo(model.index(row, 0))
        app.processEvents()
    assert model.index(rows - 1, 0).data()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{peak_kb / 1024:.1f}", flush=True)
    window.close()
    app.quit()
def settled():  # the on-open work done (check, backup, warm-up, Today): like for like
    return (not window.carrying.busy and not window.tasks.busy
            and not (window.right is not None and window.today.updating))
def when_settled(db):
    if settled():
        scroll(db)
    else:
        QTimer.singleShot(100, lambda: when_settled(db))
window.database_opened.connect(lambda db: QTimer.singleShot(1500, lambda: when_settled(db)))
window.open_database(Path(sys.argv[1]))
app.exec()
"""


def _env() -> dict[str, str]:
    """As a user's machine runs it: offscreen here, and with bytecode caching (this machine
    sets PYTHONDONTWRITEBYTECODE, which would recompile crmdesk on every start)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "QT_QPA_PLATFORM": "offscreen"}


def _compile_package() -> None:
    """Byte-compile crmdesk once, as an install does, so B1 measures a start, not a build."""
    import crmdesk

    compileall.compile_dir(Path(crmdesk.__file__).parent, quiet=1)


def _run(script: str, *args: str) -> tuple[float, str]:
    """Wall time (ms) from spawning to the script's line, and that line."""
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        line = proc.stdout.readline().strip()
        elapsed = (time.perf_counter() - start) * 1000
        errors = proc.stderr.read()
        proc.wait(timeout=600)
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"benchmark process failed ({proc.returncode}): {line!r}\n{errors}")
    return elapsed, line


def b1(big: Path, repeat: int) -> list[Row]:
    _compile_package()
    _run(CRMDESK_START, str(big))  # warm the file cache for both
    _run(BARE_QT_START)
    ours, base = [], []
    for _ in range(repeat):
        ours.append(_run(CRMDESK_START, str(big))[0])
        base.append(_run(BARE_QT_START)[0])
    return [
        ratio_row(
            "B1", "start → main window with the first page of clients",
            median(ours), median(base), 1.6, note="baseline: bare PySide6 window with a QTableView",
        )
    ]  # fmt: skip


def b7(big: Path, small: Path) -> list[Row]:
    ours = float(_run(SCROLL_ALL, str(big))[1])
    base = float(_run(SCROLL_ALL, str(small))[1])
    extra = ours - base
    return [
        Row("B7", "peak memory after scrolling the whole client list", ours, base, "MB",
            extra, "≤ +60 MB", extra <= 60, note="baseline: the same on the 1,000-client database")
    ]  # fmt: skip


BUNDLE = data.ROOT / "build" / "bundle" / "crmdesk" / "crmdesk"  # `make dist` builds it


def _first_paint_ms(command: list[str], home: Path) -> float:
    """Wall time from spawning `command` (the window on a database) to its list's first
    paint, as the app reports it (CRMDESK_FIRST_PAINT_FILE); then the window is closed."""
    ready = home / "first-paint.txt"
    ready.unlink(missing_ok=True)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "CRMDESK_FIRST_PAINT_FILE": str(ready)}  # fmt: skip
    start = time.perf_counter()
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as p:
        while not ready.exists():
            if p.poll() is not None:
                raise RuntimeError(f"{command[0]} ended before its first paint: {p.stderr.read()}")  # type: ignore[union-attr]
            time.sleep(0.001)
        elapsed = (time.perf_counter() - start) * 1000
        p.terminate()  # closes the window the normal way (SIGTERM)
        p.wait(timeout=60)
    return elapsed


def b19(big: Path, repeat: int) -> list[Row]:
    """The bundle against the same start from the virtualenv, both with a clean environment."""
    if not BUNDLE.exists():
        raise RuntimeError("B19 needs the bundle: run `make dist` first (`make bench` does)")
    _compile_package()
    venv = Path(sys.executable).parent / "crmdesk"
    with tempfile.TemporaryDirectory(prefix="crmdesk-b19-") as tmp:
        home = Path(tmp)
        bundle_cmd, venv_cmd = [str(BUNDLE), "--db", str(big)], [str(venv), "--db", str(big)]
        _first_paint_ms(bundle_cmd, home)  # the file cache warmed for both
        _first_paint_ms(venv_cmd, home)
        ours, base = [], []
        for _ in range(repeat):
            ours.append(_first_paint_ms(bundle_cmd, home))
            base.append(_first_paint_ms(venv_cmd, home))
    return [
        ratio_row(
            "B19", "start of the bundle → first paint of the client list",
            median(ours), median(base), 1.2, note="baseline: the same start from the virtualenv",
        )
    ]  # fmt: skip
