"""A box that names one client: type part of a name, pick from the list (↓, Enter). It
holds a client only when one was picked or exactly one matches what was typed; it never
stands for "the client on screen"."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from crmdesk.services import clients
from crmdesk.store.database import Database


class ClientPicker(QLineEdit):
    chosen_changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._chosen: clients.NameMatch | None = None
        self._by_label: dict[str, clients.NameMatch] = {}
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCompleter(completer)
        self.textEdited.connect(self._on_text_edited)
        completer.activated.connect(self._on_completer_activated)

    @property
    def chosen(self) -> clients.NameMatch | None:
        return self._chosen

    def choose(self, match: clients.NameMatch | None) -> None:
        self._chosen = match
        self.setText(match.label if match else "")
        self.chosen_changed.emit()

    def resolve(self) -> str | None:
        """Settle on a client for what is typed; None if it names one (or nothing is typed),
        else what is wrong."""
        typed = self.text().strip()
        if self._chosen is not None and typed == self._chosen.label:
            return None
        if not typed:
            self._set(None)
            return None
        picked = self._by_label.get(typed.casefold())
        found = [picked] if picked else clients.name_matches(self._db, typed.split(" — ")[0], 2)
        if len(found) == 1:
            self.choose(found[0])
            return None
        self._set(None)
        if not found:
            return f"No client is called “{typed}”. Check the name, or add them first."
        return f"More than one client matches “{typed}”: pick one from the list (↓)."

    def _set(self, match: clients.NameMatch | None) -> None:
        if match != self._chosen:
            self._chosen = match
            self.chosen_changed.emit()

    def _on_text_edited(self, text: str) -> None:
        self._set(None)
        if not text.strip():
            self._completions.setStringList([])
            return
        found = clients.name_matches(self._db, text)
        self._by_label = {m.label.casefold(): m for m in found}
        self._completions.setStringList([m.label for m in found])

    def _on_completer_activated(self, label: str) -> None:
        match = self._by_label.get(label.casefold())
        if match is not None:
            self._chosen = match
            self.chosen_changed.emit()
