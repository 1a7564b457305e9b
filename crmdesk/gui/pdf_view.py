"""A real PDF on screen (PDFium renders each page), and on the printer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


def _image(page: object, scale: float) -> QImage:
    bitmap = page.render(scale=scale)  # type: ignore[attr-defined]
    pil = bitmap.to_pil().convert("RGB")
    data = pil.tobytes("raw", "RGB")
    image = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: `data` goes away


class PdfView(QScrollArea):
    """Pages one under the other, as wide as the view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Preview")
        self.setWidgetResizable(True)
        self._pages = QWidget()
        self._column = QVBoxLayout(self._pages)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._pages)
        self.message = QLabel()
        self.message.setObjectName("preview_message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._column.addWidget(self.message)
        self.page_count = 0

    def show_message(self, text: str) -> None:
        self._clear()
        self.message.setText(text)
        self.message.show()

    def show_pdf(self, data: bytes) -> None:
        import pypdfium2 as pdfium

        self._clear()
        self.message.hide()
        pdf = pdfium.PdfDocument(data)
        try:
            width = max(200, self.viewport().width() - 30)
            for page in pdf:
                scale = width / page.get_width()
                label = QLabel()
                label.setAccessibleName(f"Page {self.page_count + 1}")
                label.setPixmap(QPixmap.fromImage(_image(page, scale)))
                label.setStyleSheet("border: 1px solid #bbb; background: white;")
                self._column.addWidget(label)
                self.page_count += 1
                page.close()
        finally:
            pdf.close()

    def _clear(self) -> None:
        while self._column.count() > 1:
            item = self._column.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # gone now, not at the next event loop turn
                widget.deleteLater()
        self.page_count = 0


def print_pdf(path: Path, parent: QWidget) -> bool:
    """Send a PDF to a printer the user picks in the system print dialog. False if they
    cancelled."""
    import pypdfium2 as pdfium
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(path.stem)
    pdf = pdfium.PdfDocument(path)
    width, height = pdf[0].get_size()  # points: the paper the letters were laid out for
    pdf.close()
    size = QPageSize(
        QSizeF(width, height), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
    )
    printer.setPageSize(size)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    send_to_printer(path, printer)
    return True


def send_to_printer(path: Path, printer: QPrinter) -> int:
    """Draw each page of the PDF on `printer` (at up to 300 dpi); returns the pages sent."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    painter = QPainter()
    pages = 0
    printer.setFullPage(True)  # the PDF has its own margins: print it edge to edge
    try:
        if not painter.begin(printer):
            raise OSError(f"The printer {printer.printerName()!r} cannot be used.")
        dpi = min(printer.resolution(), 300)
        for n, page in enumerate(pdf):
            if n:
                printer.newPage()
            image = _image(page, dpi / 72)
            # the printer scales the 300 dpi page to its own resolution (no huge bitmap)
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.topLeft(), size), image)
            page.close()
            pages += 1
    finally:
        if painter.isActive():
            painter.end()
        pdf.close()
    return pages
