"""The handwriting kept with a scanned answer (services.answer_images), shown small where
the answer is listed — under its entry in the client's history, beside it in the survey
results — and full size on a click (or Enter/Space on the thumbnail)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.services import answer_images
from crmdesk.services.answer_images import KeptImage
from crmdesk.store.database import Database

# thumbnails are the images made smaller by one factor (the writing the same size in each)
STRIP_SCALE = 0.45  # under the history entry: the writing about half its printed size
CELL_SCALE = 0.35  # in a table's row


def pixmap_of(png: bytes) -> QPixmap:
    pixmap = QPixmap()
    pixmap.loadFromData(png, "PNG")
    return pixmap


def image_of(png: bytes) -> QImage:
    """The PNG decoded, on any thread (a QImage: a QPixmap may not leave the GUI thread).

    Pillow decodes it, not Qt: QImage.fromData holds Python's lock while Qt's image
    readers look at the data, and one of them (SVG's) connects a signal, which takes Qt's
    lock; the GUI thread, freeing an object whose signal PySide then disconnects, holds
    Qt's lock and waits for Python's. The survey results froze for good that way."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        grey = picture.mode in ("1", "L", "LA", "I", "I;16")
        pixels = picture.convert("L" if grey else "RGBA")
    form = QImage.Format.Format_Grayscale8 if grey else QImage.Format.Format_RGBA8888
    step = pixels.width * (1 if grey else 4)
    return QImage(pixels.tobytes(), pixels.width, pixels.height, step, form).copy()


def thumbnail_image(images: Sequence[KeptImage], scale: float) -> QImage:
    """The images one under the other, each made smaller by `scale`; on any thread."""
    scaled = [
        image_of(i.png).scaledToWidth(
            max(1, round(i.width * scale)), Qt.TransformationMode.SmoothTransformation
        )
        for i in images
    ]
    gap = 4
    width = max((p.width() for p in scaled), default=1)
    height = sum(p.height() for p in scaled) + gap * max(0, len(scaled) - 1)
    out = QImage(width, max(1, height), QImage.Format.Format_RGB32)
    out.fill(Qt.GlobalColor.white)
    painter = QPainter(out)
    y = 0
    for p in scaled:
        painter.drawImage(0, y, p)
        y += p.height() + gap
    painter.end()
    return out


def thumbnail(images: Sequence[KeptImage], scale: float) -> QPixmap:
    """thumbnail_image, made on the GUI thread (a few images: the history's strip)."""
    return QPixmap.fromImage(thumbnail_image(images, scale))


def cell_thumbnails(found: Mapping[str, Sequence[KeptImage]]) -> dict[str, QImage]:
    """Each answer's handwriting as its table cell shows it (answer id → picture): the
    PNGs decoded and scaled on the worker that read them, not on the GUI thread."""
    return {answer: thumbnail_image(images, CELL_SCALE) for answer, images in found.items()}


def read_written(db: Database, answer_ids: Sequence[str]
                 ) -> tuple[dict[str, list[KeptImage]], dict[str, QImage]]:  # fmt: skip
    """On a worker: the handwriting kept with the answers, and each one's cell picture."""
    found = answer_images.of_answers(db, answer_ids)
    return found, cell_thumbnails(found)


class FullSize(QDialog):
    """The handwriting of one answer at its own size (about 100 dpi), each part named."""

    def __init__(self, images: Sequence[KeptImage], title: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName("Handwriting, full size")
        inside = QWidget()
        column = QVBoxLayout(inside)
        self.pictures: list[QLabel] = []
        for image in images:
            caption = QLabel(f"<b>{image.label}</b> (handwritten)")
            picture = QLabel()
            picture.setPixmap(pixmap_of(image.png))
            picture.setAccessibleName(f"{image.label}, as written on the form")
            column.addWidget(caption)
            column.addWidget(picture)
            self.pictures.append(picture)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inside)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        widest = max((i.width for i in images), default=300)
        tallest = sum(i.height + 30 for i in images)
        self.resize(min(widest + 60, 1000), min(tallest + 90, 700))


class Handwriting(QWidget):
    """A row of thumbnails, one per part written on the form; each opens FullSize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Handwriting on the form")
        self._images: list[KeptImage] = []
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._caption = QLabel("Written on the form:")
        self._row.addWidget(self._caption)
        self.buttons: list[QPushButton] = []
        self._row.addStretch(1)
        self.setVisible(False)

    def show_images(self, images: Sequence[KeptImage]) -> None:
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        self._images = list(images)
        for n, image in enumerate(self._images):
            button = QPushButton()
            button.setFlat(True)
            picture = thumbnail([image], STRIP_SCALE)
            button.setIcon(picture)
            button.setIconSize(QSize(picture.width(), picture.height()))
            button.setAccessibleName(f"{image.label} (handwritten): show full size")
            button.setToolTip(f"{image.label} — click to see it full size")
            button.clicked.connect(lambda _=False, at=n: self.open_full_size(at))
            self._row.insertWidget(1 + n, button)
            self.buttons.append(button)
        self.setVisible(bool(self._images))

    def open_full_size(self, _at: int = 0) -> FullSize:
        dialog = FullSize(self._images, "Written on the form", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


class WrittenColumn(QObject):
    """A column of a table of answers (the survey results) showing each answer's
    handwriting small; a click on it (or Enter) shows it full size. Column 0 holds each
    row's answer id (UserRole), column 1 whose answer it is."""

    def __init__(self, view: QTableView, model: QStandardItemModel, column: int) -> None:
        super().__init__(view)
        self.view, self.model, self.column = view, model, column
        self.found: dict[str, list[KeptImage]] = {}  # answer id → its handwriting
        view.clicked.connect(self._on_view_clicked)
        view.activated.connect(self._on_view_clicked)

    def clear(self) -> None:
        self.found = {}

    def show(self, found: dict[str, list[KeptImage]], pictures: Mapping[str, QImage]) -> None:
        """`pictures`: cell_thumbnails(found), made on a worker."""
        self.found = found
        size = QSize(0, 0)
        for row in range(self.model.rowCount()):
            answer_id = self.model.item(row, 0).data(Qt.ItemDataRole.UserRole)
            images, image = found.get(answer_id), pictures.get(answer_id)
            if not images or image is None:
                continue
            cell = self.model.item(row, self.column)
            names = ", ".join(i.label for i in images)
            picture = QPixmap.fromImage(image)
            size = size.expandedTo(picture.size())
            cell.setData(picture, Qt.ItemDataRole.DecorationRole)
            cell.setText("✎")  # (the column is measured by its text and the picture beside it)
            cell.setToolTip(f"Handwritten on the form: {names}. Click to see it full size.")
            cell.setAccessibleText(f"{names} (handwritten)")
        if not size.isEmpty():
            self.view.setIconSize(size)
        self.view.resizeRowsToContents()

    def _on_view_clicked(self, index: QModelIndex) -> None:
        self.open_full_size(index.row(), index.column())

    def open_full_size(self, row: int, column: int | None = None) -> FullSize | None:
        """The handwriting of the answer in `row`, full size (a click elsewhere than on
        its column opens nothing)."""
        answer_id = self.model.item(row, 0).data(Qt.ItemDataRole.UserRole)
        images = self.found.get(answer_id)
        if (column is not None and column != self.column) or not images:
            return None
        who = self.model.item(row, 1).text()
        dialog = FullSize(images, f"Written on the form — {who}", self.view)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
