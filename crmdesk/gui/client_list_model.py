"""The client list: holds a count and loads pages of 100 rows as the view asks for them.

Sorting happens in SQL (services.client_list). In search mode the model shows the hits of
services.search, with a column saying where each matched.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from crmdesk.gui import columns as fit
from crmdesk.services import client_list
from crmdesk.services.client_list import ClientRow, SortKey
from crmdesk.services.date_text import day_text
from crmdesk.store.database import Database

if TYPE_CHECKING:
    from crmdesk.services.search import SearchHit

NAME, PHONE, EMAIL, CITY, LAST_CONTACT, FOUND = range(6)
HEADERS = ("Name", "Phone", "Email", "City", "Last contact", "Found in")
# how wide each column is (gui.columns): the list is too long to measure, so the date
# column holds any day's text and the others fit the rows read so far
SIZINGS = (
    fit.NAME,
    fit.FIT,
    fit.Sizing(stretch=1, fill=True, max_chars=32),  # the email
    fit.Sizing(max_chars=20),
    fit.any_day(),
    # where a search matched (next to the name): before the email, elided, whole on hover
    fit.Sizing(stretch=3, fill=True, min_chars=12, max_chars=40),
)
SORT_KEYS = {NAME: SortKey.NAME, CITY: SortKey.CITY, LAST_CONTACT: SortKey.LAST_CONTACT}
PAGE = 100
KEEP_PAGES = 40  # pages kept in memory (most recently shown); the rest are read again

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the ClientRow
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the client id
HTML_ROLE = Qt.ItemDataRole.UserRole + 3  # rich text for the "Found in" column

_Index = QModelIndex | QPersistentModelIndex


class ClientListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._db: Database | None = None
        self._count = 0
        self._pages: OrderedDict[int, list[ClientRow]] = OrderedDict()
        self._sort = SortKey.NAME
        self._descending = False
        self._hits: list[SearchHit] | None = None
        self._hit_rows: list[ClientRow] = []

    # ------------------------------------------------------------------ feeding

    def set_database(self, db: Database | None) -> None:
        self._db = db
        self._hits = None
        self.reload()

    def reload(self) -> None:
        """Forget cached pages and count again (after a change to clients or history)."""
        self.beginResetModel()
        self._pages.clear()
        if self._hits is not None and self._db is not None:
            self._hit_rows = client_list.client_rows(self._db, [h.client_id for h in self._hits])
            alive = {r.id for r in self._hit_rows}
            self._hits = [h for h in self._hits if h.client_id in alive]
        self._count = client_list.count_clients(self._db) if self._db is not None else 0
        self.endResetModel()

    def show_hits(self, hits: list[SearchHit] | None) -> None:
        """Show these search hits (None: back to the whole list)."""
        self._hits = hits
        self.reload()

    @property
    def searching(self) -> bool:
        return self._hits is not None

    @property
    def total(self) -> int:
        return self._count

    def hit_row(self, client_id: str) -> int | None:
        """The row of `client_id` among the search hits (the whole list asks the database:
        services.client_list.position_of)."""
        ids = [r.id for r in self._hit_rows] if self._hits is not None else []
        return ids.index(client_id) if client_id in ids else None

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._hit_rows) if self._hits is not None else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return row.id
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), row, column)
        if role == HTML_ROLE and column == FOUND:
            hit = self._hit(index.row())
            if not hit or not hit.parts:
                return ""
            import html

            body = "".join(
                f"<b>{html.escape(t)}</b>" if matched else html.escape(t)
                for t, matched in hit.parts
            )
            return f"<span style='color:gray'>{hit.where}:</span> {body}"
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text of an elided cell
            if column == FOUND:
                hit = self._hit(index.row())
                return f"{hit.where}: {hit.snippet}" if hit and hit.parts else None
            return self._text(row, column) or None
        return None

    def column_texts(self, column: int, rows: list[int]) -> list[str]:
        """What `rows` show in `column` (DisplayRole), for gui.columns to measure: every
        cell of the list is plain text, without a font or an icon of its own."""
        texts = []
        for r in rows:
            row = self._row(r)
            texts.append(self._display(r, row, column) if row is not None else "")
        return texts

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        self._sort = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        if self._hits is not None:
            self.beginResetModel()
            pairs = sorted(
                zip(self._hit_rows, self._hits, strict=True),
                key=lambda p: _sort_value(p[0], column),
                reverse=self._descending,
            )
            self._hit_rows = [p[0] for p in pairs]
            self._hits = [p[1] for p in pairs]
            self.endResetModel()
        else:
            self.reload()

    # ------------------------------------------------------------------ helpers

    def _row(self, row: int) -> ClientRow | None:
        if self._hits is not None:
            return self._hit_rows[row] if 0 <= row < len(self._hit_rows) else None
        if self._db is None or not 0 <= row < self._count:
            return None
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = client_list.client_page(
                self._db, self._sort, self._descending, page * PAGE, PAGE
            )
            self._pages[page] = rows
            if len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        offset = row - page * PAGE
        return rows[offset] if offset < len(rows) else None

    def _display(self, r: int, row: ClientRow, column: int) -> str:
        if column == FOUND:
            hit = self._hit(r)
            return f"{hit.where}: {hit.snippet}" if hit and hit.parts else ""
        return self._text(row, column)

    def _hit(self, row: int) -> SearchHit | None:
        if self._hits is None or not 0 <= row < len(self._hits):
            return None
        return self._hits[row]

    @staticmethod
    def _text(row: ClientRow, column: int) -> str:
        if column == NAME:
            return row.name
        if column == PHONE:
            return row.phone
        if column == EMAIL:
            return row.email
        if column == CITY:
            return row.city
        if column == LAST_CONTACT:
            return day_text(row.last_contact_at) if row.last_contact_at else ""
        return ""


def _sort_value(row: ClientRow, column: int) -> str:
    if column == LAST_CONTACT:
        return row.last_contact_at.isoformat() if row.last_contact_at else ""
    return ClientListModel._text(row, column).casefold()
