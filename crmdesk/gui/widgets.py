"""Small building blocks shared by the dialogs: field errors (the date field: date_field.py)
and long text kept from widening windows (elided, with the whole text in a tooltip)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QWidget

NAME_EMS = 24  # how much of a name a title, a button or a sentence shows before "…"


def elide(text: str, widget: QWidget, ems: float = NAME_EMS) -> str:
    """`text` cut to about `ems` widths of "M" in `widget`'s font, ending in "…" if cut."""
    metrics = widget.fontMetrics()
    return metrics.elidedText(
        text, Qt.TextElideMode.ElideRight, round(metrics.horizontalAdvance("M") * ems)
    )


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Give a window its usual size, or the screen's free space if that is smaller (a
    laptop's 1366 × 768)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry()
    widget.resize(min(width, free.width()), min(height, free.height()))


def no_mnemonic(text: str) -> str:
    """`text` for an action's or button's label, where "&" would underline the next letter."""
    return text.replace("&", "&&")


def fit_combo(combo: QComboBox, chars: int = 28) -> None:
    """Keep a combo box about `chars` characters wide whatever its items say (Qt elides the
    shown item); each item's whole text is its tooltip."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    for row in range(combo.count()):
        combo.setItemData(row, combo.itemText(row), Qt.ItemDataRole.ToolTipRole)


def never_wider(label: QLabel) -> None:
    """Let a word-wrapped label take the width its layout gives it: a long word in it (a
    name, an address) no longer forces the window wider."""
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)


class ElidedLabel(QLabel):
    """A one-line label that shows as much of its text as fits, ending in "…", with the whole
    text in its tooltip; its width follows the layout, never the text. Its text() (what a
    screen reader reads) stays whole: only the painting is cut."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        cap = metrics.horizontalAdvance("M") * 40
        width = min(metrics.horizontalAdvance(self.text()) + 4, cap)
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(metrics.horizontalAdvance("M…"), super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """What fits in the label's width now."""
        width = max(self.contentsRect().width(), 1)
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = self.shown_text()
        self.setToolTip(self.text() if shown != self.text() else "")
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), shown)


class FieldError(QLabel):
    """A red message under a field saying what is wrong with it; hidden when all is well.
    It wraps onto as many lines as it needs (the dialog makes room) and never widens it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"error_{name}")
        self.setAccessibleName(f"Problem with {name.replace('_', ' ')}")
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_problem(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))
