"""The Net Promoter Score per period as bars (up for positive, down for negative), with the
number of answers under each; a period with too few answers is drawn pale. Click a bar to
see its answers."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from crmdesk.services.nps import PeriodScore, shown

GOOD, BAD = QColor("#2e7d32"), QColor("#c62828")


class NpsChart(QWidget):
    period_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Score by period")
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.periods: list[PeriodScore] = []
        self._bars: list[tuple[QRectF, str]] = []

    def show_periods(self, periods: list[PeriodScore]) -> None:
        self.periods = periods[-24:]  # the latest two years of months fit
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        top, bottom = 20, h - 36
        zero = (top + bottom) / 2
        p.setPen(QColor("#888"))
        p.drawLine(30, int(zero), w - 10, int(zero))
        p.drawText(0, top + 4, "+100")
        p.drawText(0, int(zero) + 4, "0")
        p.drawText(0, bottom + 4, "−100")
        self._bars = []
        if not self.periods:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No answers yet")
            return
        slot = (w - 40) / len(self.periods)
        for n, period in enumerate(self.periods):
            x = 36 + n * slot
            value = period.nps or 0
            height = (bottom - top) / 2 * abs(value) / 100
            y = zero - height if value >= 0 else zero
            color = QColor(GOOD if value >= 0 else BAD)
            if period.few:
                color.setAlpha(90)
            bar = QRectF(x + slot * 0.15, y, slot * 0.7, max(height, 1))
            p.fillRect(bar, color)
            p.setPen(QColor("#222"))
            label = shown(period.nps)
            p.drawText(QRectF(x, zero - 18 if value < 0 else y - 16, slot, 14),
                       Qt.AlignmentFlag.AlignCenter, label)  # fmt: skip
            p.setPen(QColor("#555"))
            p.drawText(QRectF(x, bottom + 2, slot, 14), Qt.AlignmentFlag.AlignCenter,
                       period.period[-5:])  # fmt: skip
            p.drawText(QRectF(x, bottom + 16, slot, 14), Qt.AlignmentFlag.AlignCenter,
                       f"{period.answers}{'*' if period.few else ''}")  # fmt: skip
            self._bars.append((QRectF(x, top, slot, bottom - top), period.period))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for area, period in self._bars:
            if area.contains(event.position()):
                self.period_clicked.emit(period)
                return
