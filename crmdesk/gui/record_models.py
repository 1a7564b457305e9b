"""Small table models over lists of plain records (facts, notes, trash), and the timeline,
which loads a client's history a page at a time as the view scrolls."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from crmdesk.gui.columns import FIT, LABEL, RIGHT, TEXT, Sizing, any_day, any_moment
from crmdesk.model.enums import Direction, HistoryKind
from crmdesk.services import history
from crmdesk.services.date_text import day_text, moment_text
from crmdesk.services.history import HistoryRecord
from crmdesk.store.database import Database

R = TypeVar("R")
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    tooltip: Callable[[R], str] | None = None  # (the text itself, if None)
    sizing: Sizing = FIT  # what it holds: how wide it is, how aligned (gui.columns)


class RecordTableModel(QAbstractTableModel, Generic[R]):
    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: Sequence[R] = []  # (a list, unless a model shows rows kept elsewhere)

    def set_records(self, records: Sequence[R]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> R:
        return self._records[row]

    def records(self) -> list[R]:
        return list(self._records)

    def sizings(self) -> list[Sizing]:
        return [c.sizing for c in self._columns]

    def column_texts(self, column: int, rows: list[int]) -> list[str]:
        """The texts of `column` in `rows`, for measuring the column (gui.columns): the
        cells are plain text, with no font, icon or widget of their own."""
        text = self._columns[column].text
        records = self._records
        return [text(records[r]) for r in rows if 0 <= r < len(records)]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[section].sizing.right:
            return RIGHT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (column.tooltip or column.text)(record) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.sizing.right:
            return RIGHT
        if role == RECORD_ROLE:
            return record
        return None


def _kind_label(kind: str) -> str:
    return HistoryKind(kind).label if kind in HistoryKind._value2member_map_ else kind


def _direction_label(direction: str) -> str:
    return "←" if direction == Direction.IN.value else "→"


TIMELINE_COLUMNS: list[Column[HistoryRecord]] = [
    Column("When", lambda r: moment_text(r.occurred_at), sizing=any_moment()),
    Column("Kind", lambda r: f"{_direction_label(r.direction)} {_kind_label(r.kind)}"),
    Column("Subject", lambda r: r.subject, sizing=LABEL),  # (elided: whole in the tooltip)
    Column("What was said", lambda r: " ".join(r.body.split()), lambda r: r.body, TEXT),
    Column("Outcome", lambda r: r.outcome, sizing=LABEL),
    Column("Follow up", lambda r: day_text(r.follow_up_on) if r.follow_up_on else "",
           sizing=any_day()),
]  # fmt: skip


class TimelineModel(RecordTableModel[HistoryRecord]):
    """One client's history, newest first, fetched 200 entries at a time."""

    PAGE = 200

    def __init__(self, parent: Any = None) -> None:
        super().__init__(TIMELINE_COLUMNS, parent)
        self._db: Database | None = None
        self._client_id: str | None = None
        self._kinds: Collection[str] | None = None
        self._total = 0

    def show(
        self, db: Database | None, client_id: str | None, kinds: Collection[str] | None = None
    ) -> None:
        self._db, self._client_id, self._kinds = db, client_id, kinds
        if db is None or client_id is None:
            self._total = 0
            self.set_records([])
            return
        self._total = history.count_entries(db, client_id, kinds)
        self.set_records(history.timeline(db, client_id, kinds, 0, self.PAGE))

    @property
    def total(self) -> int:
        return self._total

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and self.rowCount() < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid() or self._db is None or self._client_id is None:
            return
        start = self.rowCount()
        more = history.timeline(self._db, self._client_id, self._kinds, start, self.PAGE)
        if not more:
            self._total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        records = self._records
        assert isinstance(records, list)  # (this model's own: set_records copies into one)
        records.extend(more)
        self.endInsertRows()
