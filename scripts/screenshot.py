"""Grab the main window on the demo data to a PNG (used for the README screenshot).

QT_QPA_PLATFORM=offscreen python scripts/screenshot.py docs/screenshot.png [--search TEXT]
"""

from __future__ import annotations

import argparse
import tempfile
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
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-shot-"))
    paths.override(folder)
    db_path = demo.create_demo(folder / "demo.crmdesk")
    if args.letters:
        _demo_shop(db_path)
    app = QApplication([])
    window = MainWindow()
    window.resize(1360, 820)
    window.show()

    def opened(_db: object) -> None:
        if args.search:
            window.search_box.setText(args.search)
            window.search_box.returnPressed.emit()
        index = window.model.index(args.row, 0)
        window.table.setCurrentIndex(index)
        QTimer.singleShot(200, grab)

    def grab() -> None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shown = window
        if args.letters:
            shown = window.letters_dialog()
            shown.resize(1360, 820)
            shown.show()
            shown.choose_template(args.letters)  # type: ignore[attr-defined]
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


def _demo_shop(db_path: Path) -> None:
    from crmdesk.services import shop
    from crmdesk.store.database import Database

    with Database.open(db_path) as db:
        shop.save_shop(db, shop.ShopProfile(
            name="Webber & Daughters", address="12 Market Street\nHarrogate HG1 2RS",
            phone="01423 555 012", email="hello@webber.example", website="webber.example",
            signature_name="Anna Webber", signature_title="Owner",
        ))  # fmt: skip


if __name__ == "__main__":
    main()
