"""The shop's details for its letterhead: name, address, contacts, logo, signature, paper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from crmdesk.gui.dialogs.form_dialog import FormDialog
from crmdesk.services import shop
from crmdesk.services.changes import Changes
from crmdesk.store.database import Database


class ShopDialog(FormDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("Shop details for letters", parent)
        current = shop.get_shop(db)
        self._logo = current.logo
        self.name = QLineEdit()
        self.add_field("name", "Shop &name:", self.name)
        self.name.setText(current.name)
        self.address = QPlainTextEdit(current.address)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.add_field("address", "&Address:", self.address, "One line per line of the letterhead")
        self.phone = QLineEdit()
        self.add_field("phone", "&Phone:", self.phone)
        self.phone.setText(current.phone)
        self.email = QLineEdit()
        self.add_field("email", "&Email:", self.email)
        self.email.setText(current.email)
        self.website = QLineEdit()
        self.add_field("website", "&Website:", self.website)
        self.website.setText(current.website)
        self.signature_name = QLineEdit()
        self.add_field("signature_name", "Letters are &signed by:", self.signature_name)
        self.signature_name.setText(current.signature_name)
        self.signature_title = QLineEdit()
        self.add_field("signature_title", "Their &title:", self.signature_title)
        self.signature_title.setText(current.signature_title)
        self.paper = QComboBox()
        for paper in shop.PAPERS:
            self.paper.addItem(paper, paper)
        self.paper.setCurrentIndex(self.paper.findData(current.paper))
        self.add_field("paper", "&Paper:", self.paper)
        self.date_format = QComboBox()
        for key, example in shop.DATE_FORMATS.items():
            self.date_format.addItem(example, key)
        self.date_format.setCurrentIndex(self.date_format.findData(current.date_format))
        self.add_field("date_format", "&Dates look like:", self.date_format)

        logo_row = QWidget()
        row = QHBoxLayout(logo_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.logo_preview = QLabel()
        self.logo_preview.setAccessibleName("Logo")
        self.logo_preview.setFixedSize(160, 60)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        choose = QPushButton("&Choose…")
        choose.setAccessibleName("Choose logo")
        remove = QPushButton("&Remove")
        remove.setAccessibleName("Remove logo")
        row.addWidget(self.logo_preview)
        row.addWidget(choose)
        row.addWidget(remove)
        row.addStretch(1)
        self.add_field("logo", "&Logo:", logo_row, "A PNG or JPEG image, printed top left")
        choose.clicked.connect(self._on_choose_clicked)
        remove.clicked.connect(lambda: self.set_logo(None))
        self._show_logo()

        def prepare() -> Callable[[], Changes]:
            profile = replace(
                current,
                name=self.name.text(),
                address=self.address.toPlainText(),
                phone=self.phone.text(),
                email=self.email.text(),
                website=self.website.text(),
                signature_name=self.signature_name.text(),
                signature_title=self.signature_title.text(),
                paper=str(self.paper.currentData()),
                date_format=str(self.date_format.currentData()),
                logo=self._logo,
            )
            shop.check_shop(profile)  # a mistake is shown at once, at its field

            def write() -> Changes:
                shop.save_shop(db, profile)
                return Changes("Shop details", frozenset({"meta"}), frozenset(), None)

            return write

        self.on_save_later(prepare)

    def set_logo(self, data: bytes | None) -> None:
        self._logo = data
        self._show_logo()

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self._logo and pixmap.loadFromData(self._logo):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    160,
                    60,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_preview.setText("No logo" if not self._logo else "Cannot show this image")

    def _on_choose_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the shop's logo", "", "Images (*.png *.jpg *.jpeg)"
        )
        if name:
            self.set_logo(Path(name).read_bytes())
