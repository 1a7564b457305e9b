"""Today: what to do, section by section. Every row acts in place — log the contact, open
the client, print the letter that fits — with buttons, Enter, or its context menu."""

from __future__ import annotations

import sys
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal, SignalInstance
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.gui.columns import FIT, NAME, TEXT, ColumnFitter
from crmdesk.gui.taskman import TaskManager

if TYPE_CHECKING:
    from crmdesk.gui.app_state import AppState
from crmdesk.services import today
from crmdesk.services.changes import Changes
from crmdesk.services.today import Section, TodayRow, Worked
from crmdesk.store.database import Database

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
URGENT = QColor("#b00020")


class _TodayTree(QTreeWidget):
    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class TodayView(QWidget):
    """Signals carry the row (TodayRow); the main window does the acting."""

    log_requested = Signal(object)
    open_requested = Signal(object)
    letter_requested = Signal(object)
    refreshed = Signal()  # the rows on screen are the newest worked out

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Today")
        self.sections: list[Section] = []
        self._state: AppState | None = None
        # its own read lane: what it works out is dropped when the file closes, which a
        # lane shared with others cannot do
        self._tasks = TaskManager(self)
        self._asked = self._filled = 0  # refreshes asked for, and the last one shown
        self._running = False
        self._next: tuple[Database, datetime] | None = None  # asked while one was running
        self._stale = False  # changed while hidden
        self._rows_waiting = False  # worked out while hidden: the tree is filled when shown
        self._worked: Worked | None = None  # the newest worked out, for the next refresh
        # the clients changed since the last run began (None: work it all out again)
        self._touched: frozenset[str] | None = frozenset()
        self.heading = QLabel(self)
        self.heading.setObjectName("today_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel(self)
        self.summary.setObjectName("today_summary")
        self.summary.setWordWrap(True)
        self.tree = _TodayTree(self)
        self.tree.setObjectName("today_list")
        self.tree.setAccessibleName("Things to do today")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Client", "What to do", "When", "Actions"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # names and "when" whole; what to do takes the rest (elided, whole in its tooltip)
        # the first rows and those scrolled to are measured (all 400: 20 ms at each change)
        self.columns = ColumnFitter(self.tree, [NAME, TEXT, FIT, FIT], sample_rows=120)
        self.hint = QLabel(
            "Enter opens the client · Ctrl+L logs the contact · right-click for the letter", self
        )
        self.hint.setStyleSheet("color: gray;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        self.tree.enter_pressed.connect(lambda: self._act(self.open_requested))
        self.tree.itemDoubleClicked.connect(lambda *_: self._act(self.open_requested))
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)

    # ------------------------------------------------------------------ filling

    def refresh(self, db: Database | None, at: datetime | None = None) -> None:
        """Work Today out again in full, off the GUI thread (about 2.5 s at 100,000
        clients): the window stays usable, the rows on screen stay until the new ones
        replace them, and `refreshed` is emitted then."""
        self._touched = None
        self._ask(db, at or datetime.now())

    def _ask(self, db: Database | None, at: datetime) -> None:
        """Refresh what `_touched` says: Today in full, or the rows of the clients changed
        (a few milliseconds, still off the GUI thread). One runs at a time: asks made
        meanwhile come down to one more run, for the newest (a burst of edits costs two
        runs, not one each)."""
        self._stale = False
        self._asked += 1
        self.heading.setText(f"Today, {at:%A %d %B}")
        if db is None:
            self._next = None
            self._fill(self._asked, [])
            return
        if not self.sections:
            self.summary.setText("Looking through the clients…")
        if self._running:
            self._next = (db, at)
            return
        self._start(db, at)

    def _start(self, db: Database, at: datetime) -> None:
        asked, worked, touched = self._asked, self._worked, self._touched
        self._running, self._touched = True, frozenset()
        if worked is None or touched is None or not worked.current(at):
            work = partial(today.work_out, db, at.date(), at)
        else:
            work = partial(today.refresh, db, worked, touched)
        self._tasks.run(
            work,
            lambda result: self._done(asked, result, None),
            lambda error: self._done(asked, None, error),
        )

    def _done(self, asked: int, worked: Worked | None, error: Exception | None) -> None:
        self._running = False
        self._worked = worked  # (after a failure, the next run works it all out)
        if self._next is not None:  # asked again meanwhile: this result is already old
            db, at = self._next
            self._next = None
            self._start(db, at)
        elif error is not None:
            self._failed(asked, error)
        elif worked is not None:
            self._fill(asked, worked.sections)

    def follow(self, state: AppState) -> None:
        """Show Today for `state`'s database and keep it up to date: after every change
        while on screen, for the clients it touched; a change made while it is hidden is
        worked in when it is shown."""
        self._state = state
        state.opened.connect(self.refresh)
        state.closing.connect(self._on_state_closing)
        state.changed.connect(self._on_state_changed)
        self.refresh(state.db)

    def _on_state_changed(self, changes: Changes, _initiator: object) -> None:
        touched = today.clients_touched(changes)
        if touched is None or self._touched is None:
            self._touched = None
        else:
            self._touched |= touched
        if self.isVisible():
            self._ask(self._state.db if self._state else None, datetime.now())
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._rows_waiting:
            self._show_rows()
        worked, now = self._worked, datetime.now()
        if self._state is not None and (
            self._stale or (worked is not None and not worked.current(now))
        ):
            self._ask(self._state.db, now)  # (worked out in full if it is old)

    def _on_state_closing(self, _db: object) -> None:
        """The database is about to close: what is being worked out is of no use. It is
        dropped (the state waits for it to stop reading before it closes the file)."""
        self._asked += 1
        self._filled = self._asked
        self._next = None
        self._running = False
        self._worked, self._touched = None, frozenset()
        self._tasks.abandon()

    @property
    def updating(self) -> bool:
        """A refresh is running: what is on screen may be about to change."""
        return self._filled != self._asked

    def _failed(self, asked: int, error: Exception) -> None:
        if asked != self._asked:
            return  # superseded (the database may have been closed meanwhile)
        self._filled = asked
        sys.excepthook(type(error), error, error.__traceback__)

    def _fill(self, asked: int, sections: list[Section]) -> None:
        if asked != self._asked:
            return  # a newer refresh is on its way
        self._filled = asked
        self.sections = sections
        busy = [s for s in self.sections if s.total]
        self.summary.setText(
            " · ".join(f"{s.title}: {s.total}" for s in busy) if busy else "Nothing to do today."
        )
        if not self.isVisible() and self.window().isVisible():
            self._rows_waiting = True  # (filled when shown: 15–20 ms behind the client page)
        else:
            self._show_rows()
        self.refreshed.emit()

    def _show_rows(self) -> None:
        self._rows_waiting = False
        busy = [s for s in self.sections if s.total]
        current = self.current_row()
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        chosen: QTreeWidgetItem | None = None
        for section in busy:
            top = QTreeWidgetItem(self.tree, [f"{section.title} ({section.total})"])
            top.setFirstColumnSpanned(True)
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for row in section.rows:
                item = self._add_row(top, row)
                if chosen is None and current is not None and row == current:
                    chosen = item
            if section.more:
                more = QTreeWidgetItem(top, ["", f"… and {section.more} more"])
                more.setFlags(Qt.ItemFlag.ItemIsEnabled)
                more.setForeground(1, QBrush(QColor("gray")))
            top.setExpanded(True)
        if chosen is None:  # the row the user was on is gone: the first one
            first = self.tree.topLevelItem(0)
            chosen = first.child(0) if first is not None else None
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self.tree.setUpdatesEnabled(True)

    def _on_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None
    ) -> None:
        """The chosen row carries its Log / Open / Letter buttons (a row's buttons cost a
        few milliseconds each: on every row, 400 rows took nearly a second to show)."""
        if previous is not None and self.tree.itemWidget(previous, 3) is not None:
            self.tree.removeItemWidget(previous, 3)
        row = current.data(0, ROW_ROLE) if current is not None else None
        if current is not None and isinstance(row, TodayRow):
            self._add_buttons_to(current, row)

    def _add_row(self, parent: QTreeWidgetItem, row: TodayRow) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [row.name, row.text, row.when, ""])
        item.setData(0, ROW_ROLE, row)  # (each cell's tooltip is its text: gui.columns)
        if row.urgent:
            item.setForeground(2, QBrush(URGENT))
            font = item.font(2)
            font.setBold(True)
            item.setFont(2, font)
        return item

    def _add_buttons_to(self, item: QTreeWidgetItem, row: TodayRow) -> None:
        buttons = QWidget()
        line = QHBoxLayout(buttons)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(2)
        for text, signal, name in (
            ("Log", self.log_requested, f"Log contact with {row.name}"),
            ("Open", self.open_requested, f"Open {row.name}"),
            ("Letter", self.letter_requested, f"Letter “{row.letter}” for {row.name}"),
        ):
            if text == "Letter" and not row.letter:
                continue
            button = QToolButton(buttons)
            button.setText(text)
            button.setAccessibleName(name)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, s=signal, r=row: s.emit(r))
            line.addWidget(button)
        line.addStretch(1)
        self.tree.setItemWidget(item, 3, buttons)

    # ------------------------------------------------------------------ acting

    def current_row(self) -> TodayRow | None:
        item = self.tree.currentItem()
        row = item.data(0, ROW_ROLE) if item is not None else None
        return row if isinstance(row, TodayRow) else None

    def rows(self, key: str) -> list[TodayRow]:
        """The rows shown in one section (by its key, e.g. "follow_ups")."""
        return [r for s in self.sections if s.key == key for r in s.rows]

    def _act(self, signal: SignalInstance) -> None:
        row = self.current_row()
        if row is not None:
            signal.emit(row)

    def _on_tree_context_menu_requested(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        row = item.data(0, ROW_ROLE) if item is not None else None
        if not isinstance(row, TodayRow):
            return
        menu = QMenu(self)
        menu.addAction("&Log contact…", lambda: self.log_requested.emit(row))
        menu.addAction("&Open client", lambda: self.open_requested.emit(row))
        if row.letter:
            menu.addAction(f"Print “{row.letter}”…", lambda: self.letter_requested.emit(row))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
