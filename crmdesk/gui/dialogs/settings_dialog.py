"""Settings of the business (stored in the database)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from crmdesk.gui.dialogs.form_dialog import FormDialog
from crmdesk.services import settings
from crmdesk.services.changes import Changes
from crmdesk.store.database import Database


class SettingsDialog(FormDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("Settings", parent)
        import phonenumbers  # loaded when Settings is first opened

        self.region = QComboBox()
        for code in sorted(phonenumbers.SUPPORTED_REGIONS):
            prefix = phonenumbers.country_code_for_region(code)
            self.region.addItem(f"{code} (+{prefix})", code)
        self.region.setCurrentIndex(self.region.findData(settings.phone_region(db)))
        self.add_field(
            "phone_region",
            "Phone numbers without a country code are from:",
            self.region,
        )

        def save() -> Changes:
            settings.set_phone_region(db, str(self.region.currentData()))
            return Changes("Settings", frozenset({"meta"}), frozenset(), None)

        self.on_save(save)
