"""Every table reads whole on the demo data: each column's header and its widest value fit,
the last column ends inside the view, long text is elided with the whole of it in the
tooltip, amounts are right-aligned, and an empty search says so in the list."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QApplication, QTableView, QToolTip, QTreeView
from pytestqt.qtbot import QtBot

from crmdesk.gui.columns import ColumnFitter
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import client_list, clients, notes, surveys
from crmdesk.services.clients import ClientForm
from crmdesk.services.surveys import AnswerForm
from tests.gui.conftest import settled_today

TOOLTIP = Qt.ItemDataRole.ToolTipRole


def _header(view: QTableView | QTreeView):  # type: ignore[no-untyped-def]
    return view.horizontalHeader() if isinstance(view, QTableView) else view.header()


def _rows(view: QTableView | QTreeView) -> list[tuple[QModelIndex, int]]:
    """Every row (and its depth in a tree), but not a tree's section titles."""
    model, found = view.model(), []

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            spanned = isinstance(view, QTreeView) and view.isFirstColumnSpanned(row, parent)
            if not spanned:
                found.append((index, depth))
            if isinstance(view, QTreeView):
                walk(index, depth + 1)

    walk(QModelIndex(), 0)
    return found[:300]


def _on_screen(view: QTableView) -> list[tuple[QModelIndex, int]]:
    top, bottom = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    bottom = bottom if bottom >= 0 else view.model().rowCount() - 1
    return [(view.model().index(r, 0), 0) for r in range(top, bottom + 1)] if top >= 0 else []


def assert_columns_fit(view: QTableView | QTreeView, what: str, on_screen: bool = False) -> int:
    """Check a view's columns (every row, or those `on_screen`); returns how many cells
    were checked."""
    QApplication.processEvents()  # (the columns are measured once the model settles)
    fitter = view.findChild(ColumnFitter)
    assert fitter is not None, f"{what}: its columns are not sized by gui.columns"
    header, model = _header(view), view.model()
    columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    right_edge = max(header.sectionViewportPosition(c) + header.sectionSize(c) for c in columns)
    assert right_edge <= view.viewport().width(), f"{what}: the last column is off the edge"
    heads = QFontMetrics(header.font())
    checked = 0
    for c in columns:
        title = model.headerData(c, Qt.Orientation.Horizontal) or ""
        assert heads.horizontalAdvance(title) < header.sectionSize(c), f"{what}: “{title}” cut"
        sizing = fitter.sizing(c)
        elides = sizing.stretch and not sizing.fill  # long text: elided, whole in the tooltip
        rows = _on_screen(view) if on_screen and isinstance(view, QTableView) else _rows(view)
        for first, depth in rows:
            index = first.siblingAtColumn(c)
            widget = view.indexWidget(index)
            if widget is not None:  # Today's buttons
                need = widget.sizeHint().width()
                assert need <= header.sectionSize(c), f"{what}: buttons in “{title}” cut"
                continue
            text = index.data() or ""
            if not text:
                continue
            font = index.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font if isinstance(font, QFont) else view.font())
            need = metrics.horizontalAdvance(text)
            if isinstance(view, QTreeView) and c == 0:
                need += view.indentation() * (depth + int(view.rootIsDecorated()))
            checked += 1
            if need < header.sectionSize(c) - 4:
                continue
            assert elides or sizing.max_chars, f"{what}: “{text}” is cut in “{title}”"
            tip = _tooltip(view, index)
            words = text.replace("·", " ").split()  # (a list, one a line in the tooltip)
            assert " ".join(words) in " ".join(tip.replace("·", " ").split()), (
                f"{what}: “{text}” is cut in “{title}” and its tooltip does not hold it"
            )
    return checked


def _tooltip(view: QTableView | QTreeView, index: QModelIndex) -> str:
    """The tooltip a person sees on the cell: its own, or (gui.columns) its whole text."""
    view.scrollTo(index)
    at = view.visualRect(index).center()
    assert view.indexAt(at) == index
    event = QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
    QToolTip.hideText()
    QApplication.sendEvent(view.viewport(), event)
    return QToolTip.text()


def test_the_client_list_fits_and_an_empty_search_says_so_in_the_list(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    window.resize(1280, 780)  # the usual size (the offscreen screen is 800 wide)
    qtbot.wait(50)
    table = window.client_list.table  # (a list of 100,000 is measured as it is scrolled)
    checked, bar = 0, table.verticalScrollBar()
    while True:
        qtbot.wait(120)
        checked += assert_columns_fit(table, "the client list", on_screen=True)
        if bar.value() == bar.maximum():
            break
        bar.setValue(bar.value() + bar.pageStep())
    assert checked >= 4 * window.client_list.model.rowCount()
    bar.setValue(0)
    assert not window.client_list.list_message.isVisible()
    qtbot.keyClicks(window.client_list.search_box, "zzqxj")
    qtbot.keyClick(window.client_list.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.client_list.search_pending)  # on the read lane
    assert window.client_list.model.rowCount() == 0
    message = window.client_list.list_message
    assert message.isVisible() and message.text().startswith("No client matches “zzqxj”")
    assert message.parent() is window.client_list.table.viewport()  # in the list, over its rows
    assert window.client_list.table.viewport().rect().contains(message.geometry())
    window.client_list.search_box.clear()
    qtbot.keyClick(window.client_list.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.client_list.search_pending)  # on the read lane
    assert not message.isVisible() and window.client_list.model.rowCount() > 0
    # while searching: Found in, next to the name
    qtbot.keyClicks(window.client_list.search_box, "harro")
    qtbot.keyClick(window.client_list.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.client_list.search_pending)  # on the read lane
    assert window.client_list.model.rowCount() > 0
    assert assert_columns_fit(window.client_list.table, "the search hits")


def test_every_table_of_the_client_page_fits(qtbot: QtBot, demo_window: MainWindow) -> None:
    window = demo_window
    page = window.page
    db = window.need_db()
    checked = 0
    rows = client_list.client_page(db, client_list.SortKey.NAME, False, 0, 30)
    for row in rows:
        window.show_client(row.id)
        for n, view in enumerate(
            (page.timeline, page.facts, page.notes, page.purchases, page.complaints)
        ):
            page.tabs.setCurrentIndex(n)
            checked += assert_columns_fit(view, f"{view.accessibleName()} of {row.name}")
    assert checked > 300
    # the notes have no unlabelled column; amounts are right-aligned
    for view in (page.notes, page.facts, page.timeline, page.purchases, page.complaints):
        model = view.model()
        for c in range(model.columnCount()):
            assert model.headerData(c, Qt.Orientation.Horizontal), view.accessibleName()
    model = page.purchases_model
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Amount"
    shown = next(r for r in rows if (window.show_client(r.id), model.rowCount())[1])
    assert shown
    align = Qt.AlignmentFlag(model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole))
    assert align & Qt.AlignmentFlag.AlignRight


def test_the_timeline_shows_what_was_said_whole_on_hover(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    db = window.need_db()
    longest = db.query(
        "SELECT client_id, body FROM history WHERE deleted_at IS NULL "
        "ORDER BY length(body) DESC LIMIT 1"
    )[0]
    window.show_client(longest[0])
    model = window.page.timeline_model
    said = next(r for r in range(model.rowCount()) if model.record(r).body == longest[1])
    index = model.index(said, 3)
    assert index.data(TOOLTIP) == longest[1]
    assert_columns_fit(window.page.timeline, "the timeline")


def test_today_fits_and_says_when_not_how_many_reasons(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    window.show_today()
    tree = settled_today(qtbot, window).tree
    assert assert_columns_fit(tree, "Today") > 20
    at_risk = settled_today(qtbot, window).rows("at_risk")
    assert at_risk
    for row in at_risk:
        assert "reason" not in row.when
        assert row.when and (row.when.endswith("ago") or row.when[0].isdigit()), row.when
        assert row.text  # the reason itself, in What to do


def test_referrals_trash_surveys_and_backups_fit(qtbot: QtBot, demo_window: MainWindow) -> None:
    from crmdesk.gui.dialogs import BackupsDialog, TrashDialog
    from crmdesk.gui.referrals_dialog import ReferralsDialog

    window = demo_window
    db = window.need_db()
    referrals = ReferralsDialog(db, window)
    qtbot.addWidget(referrals)
    referrals.show()
    assert assert_columns_fit(referrals.list, "Referrals") > 5
    referrals.best.parentWidget().parentWidget().setCurrentWidget(referrals.best)
    assert assert_columns_fit(referrals.best, "Best referrers") > 3
    best = referrals.best_model
    align = Qt.AlignmentFlag(best.index(0, 3).data(Qt.ItemDataRole.TextAlignmentRole))
    assert align & Qt.AlignmentFlag.AlignRight  # "They spent"
    referrals.close()

    for (cid,) in db.query("SELECT id FROM clients WHERE deleted_at IS NULL LIMIT 3"):
        for note in notes.notes_of(db, cid):
            notes.delete_note(db, note.id)
    trash = TrashDialog(db, window)
    qtbot.addWidget(trash)
    trash.show()
    assert assert_columns_fit(trash.table, "Trash") > 3
    trash.close()

    backups = BackupsDialog(db, window)
    qtbot.addWidget(backups)
    backups.show()
    assert_columns_fit(backups.table, "Backups")
    backups.close()

    dialog = window.paperwork.surveys_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.updating)  # (worked out in the background)
    dialog.tabs.setCurrentIndex(3)
    assert assert_columns_fit(dialog.queue_view, "Follow up") > 3
    dialog.tabs.setCurrentIndex(2)
    dialog.show_period(dialog.chart.periods[-2].period)
    assert assert_columns_fit(dialog.answers_view, "Answers") > 3
    dialog.close()


def test_a_follow_up_from_another_year_shows_its_year(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    db = window.need_db()
    cid = clients.create_client(db, ClientForm("Olwen", "Pryce")).created_id
    long_ago = datetime.now().replace(microsecond=0) - timedelta(days=400)
    form = AnswerForm(score=3, reason="Late", channel="phone", answered_at=long_ago)
    surveys.record_answer(db, form, client_id=cid)
    dialog = window.paperwork.surveys_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: not dialog.updating)  # (worked out in the background)
    model = dialog.queue_model
    due = long_ago + timedelta(days=surveys.DETRACTOR_DAYS)
    texts = [model.item(r, 0).text() for r in range(model.rowCount())]
    assert f"{due:%d %b %Y %H:%M}  overdue" in texts
    this_year = [t for t in texts if str(datetime.now().year) not in t]
    assert all(t[:6].count(" ") == 1 for t in this_year)  # "24 Apr 12:15": no year
    assert_columns_fit(dialog.queue_view, "Follow up")
    dialog.close()
