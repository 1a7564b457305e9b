"""Settings of the business (stored in the database), built from their declarations in
services/settings.py: one field per setting, of the kind it declares, grouped by section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from crmdesk.gui.dialogs.form_dialog import FormDialog
from crmdesk.services import settings
from crmdesk.services.changes import Changes
from crmdesk.services.settings import Setting
from crmdesk.store.database import Database


class SettingsDialog(FormDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("Settings", parent)
        self._values = settings.read_all(db)
        self.fields: dict[str, QWidget] = {}
        self._read: dict[str, Callable[[], Any]] = {}
        section = ""
        for setting in settings.SETTINGS:
            if setting.section != section:
                section = setting.section
                title = QLabel(f"<b>{section}</b>", self)
                self.form.addRow(title)
            widget = self._field(setting)
            self.fields[setting.key] = widget
            self.add_field(setting.key, setting.label, widget, setting.hint)
        self._initial = {key: read() for key, read in self._read.items()}
        country = self.fields[settings.COUNTRY.key]
        assert isinstance(country, QComboBox)
        country.currentIndexChanged.connect(self._on_country_current_index_changed)
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())

        def prepare() -> Callable[[], Changes]:
            typed = {key: read() for key, read in self._read.items()}
            changed = {k: v for k, v in typed.items() if v != self._initial[k]}
            settings.check(self._values, changed)  # a mistake is shown at once, at its field
            return lambda: settings.write(db, changed, resort=False)  # (the window re-sorts)

        self.on_save_later(prepare)

    def _field(self, s: Setting) -> QWidget:
        value = self._values[s.key]
        if s.kind == "choice":
            assert s.choices is not None
            combo = QComboBox()
            if s.key == settings.COUNTRY.key and not value:  # (neither the file nor the
                combo.addItem("Not set: choose the shop's country", "")  # machine says)
            for data, label in s.choices(self._values):
                combo.addItem(label, data)
            stored = value if s.key == settings.COUNTRY.key else self._stored_choice(s)
            combo.setCurrentIndex(max(0, combo.findData(stored)))
            self._read[s.key] = combo.currentData
            return combo
        if s.kind == "number":
            spin = QSpinBox()
            spin.setRange(s.minimum, s.maximum)
            spin.setSuffix(s.suffix)
            spin.setValue(int(value))
            self._read[s.key] = spin.value
            return spin
        if s.kind == "lines":
            box = QPlainTextEdit(s.show(value, self._values))
            box.setTabChangesFocus(True)
            box.setPlaceholderText(s.hint)
            box.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
            self._read[s.key] = box.toPlainText
            return box
        edit = QLineEdit(s.show(value, self._values))
        self._read[s.key] = edit.text
        return edit

    def _stored_choice(self, s: Setting) -> str:
        """The stored choice, or "" (follow the country) if none was made."""
        return str(self._values.get(s.key) or "")

    def _on_country_current_index_changed(self, _index: int) -> None:
        """The "as usual in the country" choices name what the new country uses."""
        country = self.fields[settings.COUNTRY.key]
        assert isinstance(country, QComboBox)
        values = {**self._values, settings.COUNTRY.key: country.currentData()}
        for s in (settings.LOCALE, settings.CURRENCY):
            combo = self.fields[s.key]
            assert isinstance(combo, QComboBox) and s.choices is not None
            combo.setItemText(0, s.choices(values)[0][1])
