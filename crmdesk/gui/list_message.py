"""A message shown over an empty list, in the list itself ("No client matches “xyz”")."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class ListMessage(QLabel):
    """Lies over the view's viewport (the rows' place) while a text is shown."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self._view = view
        self.setObjectName("list_message")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("color: palette(placeholder-text); padding: 24px;")
        view.viewport().installEventFilter(self)
        self.hide()

    def show_text(self, text: str) -> None:
        """Show `text` over the list ("" hides it); also its accessible description."""
        self.setText(text)
        self.setAccessibleName(text)
        self._view.setAccessibleDescription(text)
        self._place()
        self.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        self.setGeometry(self._view.viewport().rect())
