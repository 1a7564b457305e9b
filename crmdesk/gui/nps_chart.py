"""The Net Promoter Score per period as bars (up for positive, down for negative), with the
number of answers under each; a period with too few answers is drawn pale, one not over
yet says "so far". Months read "Jan 2026" (or "Jan" with the year under January when the
bars are narrow). Click a bar to see its answers."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from crmdesk.services.nps import PeriodScore, shown
from crmdesk.services.reports import period_name

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
        top, bottom = 20, h - 50  # under the bars: the period, its answers, its year
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
        names = self.names(slot)
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
            name, under = names[n]
            p.drawText(QRectF(x, bottom + 2, slot, 14), Qt.AlignmentFlag.AlignCenter, name)
            p.drawText(QRectF(x, bottom + 16, slot, 14), Qt.AlignmentFlag.AlignCenter,
                       f"{period.answers}{'*' if period.few else ''}")  # fmt: skip
            p.drawText(QRectF(x, bottom + 30, slot, 14), Qt.AlignmentFlag.AlignCenter, under)
            self._bars.append((QRectF(x, top, slot, bottom - top), period.period))

    def names(self, slot: float) -> list[tuple[str, str]]:
        """Each bar's (name, line under it): ("Jan 2026", "") when that fits the bar's width,
        else ("Jan", "2026") with the year only at the first bar and each new year; the
        period not over yet has "so far" underneath."""
        metrics = self.fontMetrics()
        full = [period_name(p.period, so_far="") for p in self.periods]
        fits = all(metrics.horizontalAdvance(f"{name}  ") <= slot for name in full)
        found = []
        for n, period in enumerate(self.periods):
            name, under = full[n], ""
            year, _, part = period.period.partition("-")  # 2026-01, 2026-Q1, 2026
            if part and not fits:
                name = name.removesuffix(f" {year}") if " " in name else part
                under = year if n == 0 or part in ("01", "Q1", "H1") else ""
            if period_name(period.period, so_far="+") != full[n]:  # not over yet
                under = "so far"
            found.append((name, under))
        return found

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for area, period in self._bars:
            if area.contains(event.position()):
                self.period_clicked.emit(period)
                return
