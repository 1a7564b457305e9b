"""Grab the main window on the demo data to a PNG (used for the README screenshot).

QT_QPA_PLATFORM=offscreen python scripts/screenshot.py docs/screenshot.png [--search TEXT]
(--welcome: the first run's page, with no database; --guide WORD: Help ▸ User guide)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from crmdesk import paths
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--search", default="", help="type this into Find first")
    parser.add_argument("--row", type=int, default=3, help="select this client row")
    parser.add_argument("--letters", metavar="TEMPLATE", help="grab the Letters window instead")
    parser.add_argument("--surveys", action="store_true", help="grab the Surveys window (score)")
    parser.add_argument("--today", action="store_true", help="grab the window on Today")
    parser.add_argument("--reports", action="store_true", help="grab the Reports window")
    parser.add_argument(
        "--merge", action="store_true", help="merge an edited copy; grab Review conflicts"
    )
    parser.add_argument(
        "--copy", action="store_true", help="grab the Copy for another machine dialog"
    )
    parser.add_argument("--welcome", action="store_true", help="grab the first run's page")
    parser.add_argument("--guide", metavar="FIND", help="grab Help ▸ User guide, finding FIND")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-shot-"))
    paths.override(folder)
    db_path = demo.create_demo(folder / "demo.crmdesk")
    laptop = _edited_copies(db_path) if args.merge else None

    app = QApplication([])
    window = MainWindow()
    window.resize(1360, 820)
    window.show()
    if args.welcome:
        _welcome(app, window, args.out)
        return

    def opened(_db: object) -> None:
        if args.search:
            window.client_list.search_box.setText(args.search)
            window.client_list.search_box.returnPressed.emit()
        if not args.today:
            index = window.client_list.model.index(args.row, 0)
            window.client_list.table.setCurrentIndex(index)
        QTimer.singleShot(200, grab)

    def grab() -> None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        _wait_for(app, lambda: not window.today.updating)  # (worked out in the background)
        _wait_for(app, lambda: not window.client_list.search_pending)
        shown = window
        if args.letters:
            shown = window.paperwork.letters_dialog()
            shown.resize(1360, 820)
            shown.show()
            shown.choose_template(args.letters)  # type: ignore[attr-defined]
            _wait_for(app, lambda: shown.preview.page_count > 0)  # type: ignore[attr-defined]
        shown.grab().save(str(args.out))
        if args.surveys:
            shown = window.paperwork.surveys_dialog()
            shown.resize(1100, 760)
            shown.show()
            shown.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
            app.processEvents()
            _wait_for(app, lambda: not shown.updating)  # type: ignore[attr-defined]
            periods = shown.chart.periods  # type: ignore[attr-defined]
            shown.show_period(periods[-2].period)  # type: ignore[attr-defined]
            app.processEvents()
            shown.grab().save(str(args.out))
        if args.reports:
            from crmdesk.gui.reports_dialog import ReportsDialog

            shown = ReportsDialog(window.need_db(), window)
            shown.resize(1000, 900)
            shown.show()
            app.processEvents()
            shown.period.setCurrentIndex(1)  # the last full quarter
            _wait_for(app, lambda: not shown.working)  # type: ignore[attr-defined]
            shown.preview.verticalScrollBar().setValue(0)
            app.processEvents()
            shown.grab().save(str(args.out))
        if args.copy:
            from crmdesk.gui.dialogs.passphrase_dialogs import CopyPassphraseDialog

            shown = CopyPassphraseDialog("KINGSTON", window)
            shown.keyring_found("the Secret Service keyring", None)  # type: ignore[attr-defined]
            shown.passphrase.setText("harbour lantern violet")  # type: ignore[attr-defined]
            shown.repeat.setText("harbour lantern violet")  # type: ignore[attr-defined]
            shown.show()
            app.processEvents()
            shown.grab().save(str(args.out))
        if args.guide:
            from crmdesk.gui.app import add_fonts

            add_fonts()  # (as the app does after the list's first paint: ￥ and 年 in it)
            window.controllers.help.show_guide()
            shown = window.controllers.help.guide
            assert shown is not None
            shown.resize(900, 760)
            shown.find_box.setText(args.guide)
            shown.find_text(args.guide)
            app.processEvents()
            shown.grab().save(str(args.out))
        if laptop is not None:
            window.carrying.merge_from(laptop)
            while window.carrying.summary_box is None:
                app.processEvents()
            box = window.carrying.summary_box
            app.processEvents()
            box.grab().save(str(args.out.with_name(args.out.stem + "-summary.png")))
            box.close()
            from crmdesk.gui import dialogs

            shown = dialogs.ConflictsDialog(window.need_db(), window)
            shown.resize(1100, 360)
            shown.show()
            app.processEvents()
            shown.grab().save(str(args.out))
        if shown is not window:
            shown.close()
        print(f"Wrote {args.out}")
        window.close()
        app.quit()

    window.database_opened.connect(opened)
    window.open_database(db_path)
    app.exec()


def _welcome(app: QApplication, window: MainWindow, out: Path) -> None:
    """The welcome page as a new shop owner fills it in (no database yet)."""
    window.show_welcome()
    page = window.controllers.welcome.page
    assert page is not None
    _wait_for(app, lambda: page.ready)  # (the countries are listed on a worker)
    page.name.setText("Webber & Daughters, Florist")
    page.address.setPlainText("15 Valley Drive\nHarrogate HG1 2RS")
    page.country.setCurrentIndex(page.country.findData("GB"))
    page.signature_name.setText("Margaret Webber")
    app.processEvents()
    _wait_for(app, lambda: False, 0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(f"Wrote {out}")
    window.close()


def _wait_for(app: QApplication, done: Callable[[], bool], seconds: float = 20) -> None:
    """Let the event loop run until `done()` (a preview made in the background)."""
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def _edited_copies(db_path: Path) -> Path:
    """A copy taken to the laptop; both it and the front desk then change some clients."""
    import shutil

    from crmdesk.services import clients, notes
    from crmdesk.store.database import Database

    laptop = Path(shutil.copyfile(db_path, db_path.with_name("laptop.crmdesk")))

    def edit(db: Database, cid: str, **values: str) -> None:
        form = clients.get_client(db, cid).to_form()
        for key, value in values.items():
            setattr(form, key, value)
        clients.update_client(db, cid, form)

    with Database.open(db_path) as here:
        ids = [r[0] for r in here.query("SELECT id FROM clients ORDER BY sort_name LIMIT 6")]
        edit(here, ids[0], city="Saltaire")
        edit(here, ids[1], street="14 Station Road")
        edit(here, ids[2], company="Webber & Daughters")
    with Database.open(laptop, site="bbbbbbbb-0000-4000-8000-000000000002") as there:
        edit(there, ids[0], city="Hebden Bridge")
        edit(there, ids[1], street="2 Mill Lane")
        edit(there, ids[3], city="Ripon")
        notes.add_note(there, ids[4], "Asked us to keep the blue scarf until Friday")
    return laptop


if __name__ == "__main__":
    main()
