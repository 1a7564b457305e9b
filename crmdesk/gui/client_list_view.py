"""The client list and the search above it, on the left of the main window. It follows the
app's state itself: a file opened shows its clients; a change to clients or history lists
them again, on the same client (a new one: theirs; one deleted: the row after it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from crmdesk.gui.client_list_model import (
    CITY,
    FOUND,
    ID_ROLE,
    LAST_CONTACT,
    NAME,
    SIZINGS,
    ClientListModel,
)
from crmdesk.gui.columns import ColumnFitter
from crmdesk.gui.list_message import ListMessage
from crmdesk.services import client_list
from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.gui.app_state import AppState
    from crmdesk.services.changes import Changes
    from crmdesk.services.search import SearchHit
    from crmdesk.store.database import Database


class ClientListView(QWidget):
    first_painted = Signal()  # once: the list is on screen
    current_changed = Signal(object, bool)  # the client id on the current row (or None),
    # and whether the user moved there (else the list did, after a change)
    chosen = Signal()  # the user chose a client: a click (also on the current row), a search

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("search")
        self.search_box.setAccessibleName("Find clients")
        self.search_box.setPlaceholderText(
            "Find: name, phone, email, note, anything said… (Ctrl+F)"
        )
        self.search_box.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._searches_asked = self._searches_shown = 0

        self.model = ClientListModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("client_list")
        self.table.setAccessibleName("Clients")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows can be selected (letters for a selection); the current row is shown
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setColumnHidden(FOUND, True)
        # measured on the rows on screen (the list may hold 100,000), before its first paint
        self.columns = ColumnFitter(self.table, SIZINGS, sample_rows=40)
        # while searching, where it matched comes next to the name
        self.table.horizontalHeader().moveSection(FOUND, 1)
        self.list_message = ListMessage(self.table)
        self.count_label = QLabel(self)  # (the window puts it in its status bar)
        self.count_label.setAccessibleName("Number of clients")
        self._selecting = False  # the list (not the user) is moving its current row
        self.table.viewport().installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addWidget(self.table)

        self.search_box.textChanged.connect(self._on_search_box_text_changed)
        self.search_box.returnPressed.connect(self._on_search_box_return_pressed)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.clicked.connect(self.chosen)
        state.opened.connect(self._on_state_opened)
        state.changed.connect(self._on_state_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.table.viewport():
            watched.removeEventFilter(self)
            self.first_painted.emit()
        return False

    # ------------------------------------------------------------------ what is chosen

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def selected_rows(self) -> list[QModelIndex]:
        """The selected rows (their name cells), in the order they were selected."""
        return self.table.selectionModel().selectedRows(NAME)

    def selected_ids(self) -> list[str]:
        """The clients selected, in list order."""
        rows = sorted(self.selected_rows(), key=lambda i: i.row())
        return [index.data(ID_ROLE) for index in rows]

    def found(self) -> tuple[str, tuple[str, ...]]:
        """The search's text and the clients it shows (("", ()) when not searching)."""
        if not self.model.searching:
            return "", ()
        ids = (self.model.index(r, NAME).data(ID_ROLE) for r in range(self.model.rowCount()))
        return self.search_box.text().strip(), tuple(ids)

    def show_client(self, client_id: str) -> None:
        """Make `client_id` the current row (the whole list if a search hides them)."""
        if self.model.searching and self.model.hit_row(client_id) is None:
            self._leave_search()
            self.model.reload()
        self._select_client(client_id)

    def focus_search(self) -> None:
        """Ctrl+F: to the search box."""
        self.search_box.setFocus()
        self.search_box.selectAll()

    # ------------------------------------------------------------------ following the state

    def _on_state_opened(self, db: Database) -> None:
        self.search_box.clear()
        self.model.set_database(db)
        self._select_row(0)

    def _on_state_changed(self, changes: Changes, _initiator: object) -> None:
        if not changes.touches("clients", "history", "meta"):  # meta: a setting, e.g. the rules
            return
        made = changes.created_id if changes.created_id in changes.client_ids else None
        current = made or self.current_id()
        rows = [i.row() for i in self.selected_rows()]
        first = min(rows, default=self.table.currentIndex().row())
        if self.model.searching and made:
            self._leave_search()  # show the new client in the full list
        else:
            self.model.reload()
        row = self._row_of(current) if current is not None else None
        if current is not None and row is None:  # the client on screen went (deleted):
            row = min(first, self.model.rowCount() - 1)  # the row after the ones that went
        # The reload cleared the current row, so selecting one fills the client page.
        self._select_row(0 if row is None else row)
        if changes.touches("meta"):
            self.keep_sort_order()

    def keep_sort_order(self) -> None:
        """Sort the list in the shop's alphabet if it is not yet (the country or locale
        changed, or this machine's default differs): on the write lane (about 2 s at
        100,000 clients), the list reloaded when it is done."""
        db = self.state.db
        if db is None:
            return

        def sorted_again(moved: bool) -> None:
            if moved and db is self.state.db:
                self.model.reload()
                self._select_client(self.current_id())

        self.state.runner.op(lambda: _keep_sort_order(db), self).success(sorted_again).write()

    # ------------------------------------------------------------------ selecting

    def _row_of(self, client_id: str) -> int | None:
        db = self.state.db
        if db is None:
            return None
        if self.model.searching:
            return self.model.hit_row(client_id)
        header = self.table.horizontalHeader()
        key = {NAME: "name", CITY: "city", LAST_CONTACT: "last_contact"}.get(
            header.sortIndicatorSection(), "name"
        )
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return client_list.position_of(db, client_id, client_list.SortKey(key), descending)

    def _select_client(self, client_id: str | None) -> None:
        row = self._row_of(client_id) if client_id is not None else None
        # The reload cleared the current row, so selecting one fills the client page.
        self._select_row(0 if row is None else row)

    def _select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, NAME)
            self._selecting = True
            try:
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
            finally:
                self._selecting = False
            self.table.scrollTo(index)
        else:
            self.current_changed.emit(None, False)
        self._update_count()

    def _update_count(self) -> None:
        if self.state.db is None:
            self.count_label.setText("")
            return
        text = count(self.model.total, "client")
        shown = self.model.rowCount()
        self.count_label.setText(f"{shown} found of {text}" if self.model.searching else text)

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(
            current.data(ID_ROLE) if current.isValid() else None, not self._selecting
        )

    # ------------------------------------------------------------------ search

    def _on_search_box_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        """Search for what is typed, on the read lane (a one- or two-letter search scans
        the names: up to 150 ms at 100,000 clients); typing goes on meanwhile, and only
        the newest search's clients are shown."""
        db = self.state.db
        if db is None:
            return
        from crmdesk.services import search

        self._searches_asked += 1
        asked, text = self._searches_asked, self.search_box.text().strip()
        if not text:
            self._show_hits(asked, None)
            return
        self.state.runner.op(lambda: search.search(db, text), self).success(
            lambda hits: self._show_hits(asked, hits)
        ).read()

    @property
    def search_pending(self) -> bool:
        """A search is typed but its clients are not shown yet."""
        return self._search_timer.isActive() or self._searches_shown != self._searches_asked

    def _show_hits(self, asked: int, hits: list[SearchHit] | None) -> None:
        if asked != self._searches_asked or self.state.db is None:
            return  # typed on (or the file closed) meanwhile: a newer search follows
        self._searches_shown = asked
        self.model.show_hits(hits)
        if self.model.searching and self.table.itemDelegateForColumn(FOUND) is None:
            from crmdesk.gui.delegates import HtmlDelegate  # first search: bold matches

            self.table.setItemDelegateForColumn(FOUND, HtmlDelegate(self.table))
        self.table.setColumnHidden(FOUND, not self.model.searching)
        self.columns.fit()
        self._show_list_message()
        self._select_row(0)
        if self.model.searching:  # show who was found
            self.chosen.emit()

    def _on_search_box_return_pressed(self) -> None:
        self._search_timer.stop()
        self._on_search_timer_timeout()
        self.table.setFocus()

    def _leave_search(self) -> None:
        """Back to the whole list at once (not through the search-as-you-type timer)."""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self._search_timer.stop()
        self._searches_asked += 1  # a search on its way is of no use now
        self._searches_shown = self._searches_asked
        self.model.show_hits(None)
        self.table.setColumnHidden(FOUND, True)
        self._show_list_message()

    def _show_list_message(self) -> None:
        """Say so in the list itself when a search finds no one."""
        text = self.search_box.text().strip()
        nobody = self.model.searching and self.model.rowCount() == 0
        self.list_message.show_text(
            f"No client matches “{text}”.\n\nTry part of a name, a phone number, an email "
            "address or a word from a note."
            if nobody
            else ""
        )


def _keep_sort_order(db: Database) -> bool:
    """On the write lane; settings (and Babel with it) imported there too, not on the GUI
    thread while the list is first shown."""
    from crmdesk.services import settings

    return settings.keep_sort_order(db)
