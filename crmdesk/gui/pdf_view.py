"""A real PDF on screen (PDFium renders each page), and on the printer."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget
from shiboken6 import isValid

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PySide6.QtPrintSupport import QPrinter


_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call into it at a time
RERENDER_MS = 150  # after the last resize, draw the pages again at the new width
MARGIN = 8  # around and between the pages
BORDER = 1  # the thin frame round each page


def _image(page: object, scale: float) -> QImage:
    """A page drawn by PDFium straight into a QImage's pixel layout (blue, green, red,
    unused: Qt's RGB32), without Pillow's copies (5 ms a page rather than 30)."""
    bitmap = page.render(scale=scale, prefer_bgrx=True)  # type: ignore[attr-defined]
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                   QImage.Format.Format_RGB32)  # fmt: skip
    return image.copy()  # own the pixels: the bitmap's go with it


def render_pages(data: bytes, width: int) -> list[QImage]:
    """Every page of the PDF `data` drawn `width` pixels wide (any thread)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(data)
        try:
            images = []
            for page in pdf:
                images.append(_image(page, width / page.get_width()))
                page.close()
            return images
        finally:
            pdf.close()


class _Relay(QObject):
    done = Signal(int, object)  # generation, list[QImage]: the pages, drawn in the background


class _Render(QRunnable):
    def __init__(self, relay: _Relay, generation: int, data: bytes, width: int) -> None:
        super().__init__()
        self._relay, self._generation, self._data, self._width = relay, generation, data, width

    def run(self) -> None:
        images = render_pages(self._data, self._width)  # (a bug reaches the excepthook)
        if isValid(self._relay):
            self._relay.done.emit(self._generation, images)


class PdfView(QScrollArea):
    """Pages one under the other, as wide as the view: drawn at the view's width when shown,
    and again (off the GUI thread) a moment after the view was resized; in between, the
    pages drawn before are scaled to the new width."""

    rendered = Signal()  # the pages are drawn (again) at the view's width

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Preview")
        self.setWidgetResizable(True)
        # always there: a page is taller than the view, so the width never jumps under it
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._pages = QWidget()
        self._column = QVBoxLayout(self._pages)
        self._column.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self._column.setSpacing(MARGIN)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._pages)
        self.message = QLabel()
        self.message.setObjectName("preview_message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._column.addWidget(self.message)
        self.page_count = 0
        self._data = b""
        self._drawn_width = 0  # the width the pages on screen were drawn at
        self._generation = 0  # which PDF and width a background drawing is for
        self._drawing = -1  # the generation being drawn in the background
        self._wanted_width = 0  # the width the background drawing is for
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_relay_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RERENDER_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def page_width(self) -> int:
        """How wide a page is drawn: the view's width less the margins and the frame."""
        return max(1, self.viewport().width() - 2 * (MARGIN + BORDER))

    def show_message(self, text: str) -> None:
        self._timer.stop()
        self._generation += 1  # a drawing under way is not shown
        self._clear()
        self._data = b""
        self.message.setText(text)
        self.message.show()

    def drawing_width(self) -> int:
        """How many pixels wide the pages are drawn now: for the maker of a PDF to draw its
        pages beside it, off the GUI thread (`render_pages(data, view.drawing_width())`)."""
        return self._pixels(self.page_width())

    def show_pdf(
        self, data: bytes, pages: int | None = None, drawn: list[QImage] | None = None
    ) -> None:
        """Show this PDF at the view's width. `drawn`: its pages drawn by its maker, off the
        GUI thread, `drawing_width()` wide; if the view has changed width since, or nothing
        was drawn, they are drawn in the background (the pages on screen stay meanwhile:
        drawn here, a report's pages held the window 40 ms). `pages`, when the maker knows
        it, spares opening the PDF to count them while it is not on screen."""
        self._timer.stop()
        self._generation += 1
        self.message.hide()
        self._data = data
        width = self.page_width()
        if drawn and drawn[0].width() == self._pixels(width):
            self._put(drawn, width)
        elif self.isVisible():
            self._draw_soon()
        else:
            self._clear()
            self.page_count = len(drawn) if drawn else pages if pages is not None else 0
            if not self.page_count:
                import pypdfium2 as pdfium

                with _PDFIUM:
                    pdf = pdfium.PdfDocument(data)
                    self.page_count = len(pdf)
                    pdf.close()

    def wait(self) -> None:
        """Wait for a drawing under way (before the view goes)."""
        self._pool.waitForDone()

    # ------------------------------------------------------------------ drawing

    def _pixels(self, width: int) -> int:
        """How many pixels wide a page `width` wide is drawn (more on a high-DPI screen)."""
        return round(width * self.devicePixelRatioF())

    def _draw_soon(self) -> None:
        """Draw the pages at the view's width in the background, now."""
        self._timer.stop()
        self._on_timer_timeout()

    def _put(self, images: list[QImage], width: int) -> None:
        self._drawing = -1
        self._clear()
        for image in images:
            label = QLabel()
            label.setAccessibleName(f"Page {self.page_count + 1}")
            label.setStyleSheet(f"border: {BORDER}px solid #bbb; background: white;")
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(image.width() / width)  # shown `width` wide
            label.setPixmap(pixmap)
            self._column.addWidget(label)
            label.show()  # now, not at the next turn of the event loop
            self.page_count += 1
        self._drawn_width = width
        # the pages' column grows now (drawn inside a show, it would keep the height of the
        # view and squeeze the pages until the next resize)
        self._column.activate()
        self.setWidgetResizable(True)  # (resizes the column to its new minimum)
        self.rendered.emit()

    def _labels(self) -> list[QLabel]:
        items = (self._column.itemAt(n) for n in range(1, self._column.count()))
        return [w for i in items if i and isinstance(w := i.widget(), QLabel)]

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._data and self.page_width() != self._drawn_width:
            self._draw_soon()  # first shown: at its real width, never a thumbnail

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._data or not self.isVisible() or self.page_width() == self._drawn_width:
            return
        if not self._drawn_width:
            self._draw_soon()
            return
        # at once: the pages drawn before, scaled to the new width; soon: drawn again
        width = self.page_width()
        for label in self._labels():
            pixmap = label.pixmap()
            pixmap.setDevicePixelRatio(pixmap.width() / width)
            label.setPixmap(pixmap)
        self._timer.start()

    @property
    def drawing(self) -> bool:
        """The pages are being drawn in the background (what is on screen will change)."""
        return self._drawing == self._generation

    def _on_timer_timeout(self) -> None:
        if not self._data:
            return
        self._generation += 1
        self._drawing = self._generation
        self._wanted_width = width = self.page_width()
        self._pool.start(_Render(self._relay, self._generation, self._data, self._pixels(width)))

    def _on_relay_done(self, generation: int, images: list[QImage]) -> None:
        if generation == self._generation and self._data:  # (not an older PDF or width)
            self._put(images, self._wanted_width)

    def _clear(self) -> None:
        while self._column.count() > 1:
            item = self._column.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # gone now, not at the next event loop turn
                widget.deleteLater()
        self.page_count = 0
        self._drawn_width = 0


def print_pdf(path: Path, parent: QWidget) -> bool:
    """Send a PDF to a printer the user picks in the system print dialog. False if they
    cancelled."""
    import pypdfium2 as pdfium
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(path.stem)
    with _PDFIUM:
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

    with _PDFIUM:
        return _send(pdfium.PdfDocument(path), printer)


def _send(pdf: pdfium.PdfDocument, printer: QPrinter) -> int:
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
