"""The import preview's two tables: the rows as they will become clients (with each row's
status: new, matches whom and why, the same person as an earlier row, imported before, a
problem), and a table's columns with
the field each one goes to, which the user can change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from crmdesk.gui.columns import LABEL, NAME, TEXT
from crmdesk.gui.record_models import Column, RecordTableModel
from crmdesk.services.importing import ColumnMapping, ColumnTarget, Field
from crmdesk.services.importing.kept_rows import KeptRows
from crmdesk.services.importing.plan import PlannedRow, Status

_Index = QModelIndex | QPersistentModelIndex


def _address(row: PlannedRow) -> str:
    v = row.draft.values
    return ", ".join(p for p in (v["street"].replace("\n", ", "), v["postcode"], v["city"],
                                 v["country"]) if p)  # fmt: skip


def _status(row: PlannedRow) -> str:
    if row.status in (Status.MATCH, Status.SAME) and row.update is not None:
        return f"{row.status_text()} — {row.update.describe()}"
    return row.status_text()


def _problems(row: PlannedRow) -> str:
    return "\n".join(f"line {p.line}: {p.text}" for p in row.draft.problems)


def _phones(row: PlannedRow) -> str:
    return ", ".join(p["display"] for p in row.draft.values["phones"])


def _emails(row: PlannedRow) -> str:
    return ", ".join(e["address"] for e in row.draft.values["emails"])


PREVIEW_COLUMNS: list[Column[PlannedRow]] = [
    Column("Line", lambda r: str(r.contact.origin.line)),
    Column("Name", lambda r: r.draft.name, sizing=NAME),
    Column("Company", lambda r: r.draft.values["company"], sizing=LABEL),
    Column("Phones", _phones, sizing=LABEL),
    Column("Emails", _emails, sizing=LABEL),
    Column("Address", _address, sizing=TEXT),
    Column("Birthday", lambda r: str(r.draft.values["birthday"] or "")),
    Column("Status", _status, sizing=TEXT),
    Column("Problems", lambda r: "; ".join(p.text for p in r.draft.problems), _problems, TEXT),
]
STATUS_COLUMN = 7


class PreviewModel(RecordTableModel[PlannedRow]):
    """The preview's rows; `unmatch` turns matched rows (and rows the same as an earlier
    one) into new clients."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(PREVIEW_COLUMNS, parent)
        self._rows: KeptRows | None = None

    def show_rows(self, rows: KeptRows) -> None:
        """The preview's rows as they are kept: not copied (beyond the first 10,000 they
        are read from their temporary file as the table shows them)."""
        self.beginResetModel()
        self._rows = self._records = rows
        self.endResetModel()

    def set_records(self, records: Sequence[PlannedRow]) -> None:
        kept = KeptRows()
        for row in records:
            kept.append(row)
        self.show_rows(kept)

    def unmatch(self, rows: list[int]) -> int:
        """The rows (of those given) that matched a client are new clients now; how many."""
        done = 0
        for at in rows:
            if self._rows is not None and self._rows.unmatch(at):
                done += 1
                self.dataChanged.emit(self.index(at, 0), self.index(at, self.columnCount() - 1))
        return done


HEADER, EXAMPLE, TARGET = range(3)
FIELD_CHOICES = [f for f in Field if f is not Field.LABEL]


class MappingModel(QAbstractTableModel):
    """A table's columns: its header, an example value, and the field it goes to (edited
    with a list of fields). `mapping_changed` carries the new mapping."""

    mapping_changed = Signal(object)  # ColumnMapping

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.mapping: ColumnMapping | None = None
        self._examples: list[str] = []

    def set_mapping(self, mapping: ColumnMapping | None, examples: list[str]) -> None:
        self.beginResetModel()
        self.mapping, self._examples = mapping, examples
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid() or self.mapping is None:
            return 0
        return len(self.mapping.headers)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Column", "First value", "Imported as")[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == TARGET:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def target(self, row: int) -> ColumnTarget:
        assert self.mapping is not None
        return self.mapping.targets[row]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.mapping is None:
            return None
        row = index.row()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == HEADER:
                return self.mapping.headers[row]
            if index.column() == EXAMPLE:
                return self._examples[row] if row < len(self._examples) else ""
            target = self.target(row)
            return "phone/email label" if target.field is Field.LABEL else str(target)
        if role == Qt.ItemDataRole.EditRole and index.column() == TARGET:
            return self.target(row).field
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self.mapping is None or index.column() != TARGET or role != Qt.ItemDataRole.EditRole:
            return False
        field = Field(value)
        old = self.target(index.row())
        if field is old.field:
            return False
        header = self.mapping.headers[index.row()]
        label = header.strip() if field is Field.EXTRA else ""
        self.mapping = self.mapping.with_target(index.row(), ColumnTarget(field, label))
        self.dataChanged.emit(index, index)
        self.mapping_changed.emit(self.mapping)
        return True


class FieldDelegate(QStyledItemDelegate):
    """The list of fields a column can go to."""

    def createEditor(
        self, parent: QWidget, _option: QStyleOptionViewItem, _index: _Index
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Imported as")
        for field in FIELD_CHOICES:
            combo.addItem(str(field), field)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        at = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(at, 0))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
