"""PDF previews (Reports, Letters) are as wide as their pane when shown and after a resize."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.pdf_view import MARGIN, PdfView


def _page_widths(view: PdfView) -> list[float]:
    """How wide each page is shown; each must be shown whole (not squeezed by the view)."""
    pages = [w for w in view.findChildren(QLabel) if w.accessibleName().startswith("Page ")]
    shown = [w for w in pages if not w.isHidden()]
    for page in shown:
        size = page.pixmap().deviceIndependentSize()
        assert page.contentsRect().height() >= size.height(), f"{page.accessibleName()} cut"
    return [w.pixmap().deviceIndependentSize().width() for w in shown]


def assert_fits(view: PdfView) -> None:
    widths = _page_widths(view)
    assert widths and len(widths) == view.page_count
    viewport = view.viewport().width()
    for width in widths:  # as wide as the pane, less its margins and the page's frame
        assert width == view.page_width()
        assert viewport - 2 * (MARGIN + 2) <= width <= viewport
    assert view.widget().width() <= viewport  # nothing off the right edge


def test_the_report_fits_its_pane_when_shown_and_after_a_resize(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    from crmdesk.gui.reports_dialog import ReportsDialog

    dialog = ReportsDialog(demo_window.need_db(), demo_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)  # (made in the background)
    assert dialog.preview.page_count >= 1
    assert_fits(dialog.preview)  # not a thumbnail
    assert dialog.preview.page_width() > dialog.width() // 2
    for size in ((700, 640), (1300, 900)):
        with qtbot.waitSignal(dialog.preview.rendered, timeout=5000):
            dialog.resize(*size)
        assert_fits(dialog.preview)
    dialog.period.setCurrentIndex(1)  # another report, at the width the pane has now
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    assert_fits(dialog.preview)
    dialog.close()


def test_the_letter_preview_fits_its_pane_when_shown_and_after_a_resize(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    dialog = demo_window.paperwork.letters_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.preview_updated, timeout=10000):
        dialog.choose_template("Birthday")
    assert_fits(dialog.preview)
    with qtbot.waitSignal(dialog.preview.rendered, timeout=5000):
        dialog.resize(1600, 900)
    assert_fits(dialog.preview)
    assert dialog.preview.page_width() > 600
    dialog.close()
