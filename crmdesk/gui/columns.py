"""Columns sized for what they hold, one way for every table and tree in the app.

Each column says what kind of thing it holds (a `Sizing`): a date, an amount or a short code
is exactly as wide as its widest value (and its header); a name or a short label grows to
hold its widest value (up to a limit; the leftmost first); long text takes what is left,
elided, with the whole text in the cell's tooltip (its own, or its text). Amounts
are right-aligned. `ColumnFitter` measures the cells when the model changes and shares out
the width whenever the view is resized, so the last column ends inside the view.

    fit = ColumnFitter(view, [NAME, DATE, TEXT, AMOUNT])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolTip, QTreeView
from shiboken6 import isValid

from crmdesk.services.date_text import day_text, moment_text

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
DECORATION = Qt.ItemDataRole.DecorationRole
SLACK = 4  # pixels beyond the delegate's own margins, so no text touches the grid
# the item delegate's margins either side of a cell's text (the focus frame's, 2 + 1 px in
# the common styles; a constant: asking the style costs start-up time, benchmark B1)
PADDING = 6


@dataclass(frozen=True)
class Sizing:
    stretch: int = 0  # 0: exactly as wide as its widest value; n: a share n of the spare width
    fill: bool = False  # (stretching) first grow to hold the widest value, before sharing
    min_chars: int = 0  # at least this many average characters wide
    max_chars: int = 0  # never wider than this to fit a value (0: no limit); then elided
    right: bool = False  # right-aligned (amounts)
    samples: tuple[str, ...] = ()  # texts it must hold though no row shows them yet
    measured: bool = True  # its rows are measured (False: `samples` bound every text)


def _days() -> tuple[str, ...]:
    other = date.today().year - 1  # another year's dates are the longest ("28 May 2025")
    return tuple(day_text(date(other, m, 28)) for m in range(1, 13))


def _moments() -> tuple[str, ...]:
    other = date.today().year - 1
    return tuple(moment_text(datetime(other, m, 28, 23, 58)) for m in range(1, 13))


NAME = Sizing(stretch=1, fill=True, max_chars=30)  # a person or a place
LABEL = Sizing(stretch=1, fill=True, min_chars=8, max_chars=22)  # a subject, an outcome, a kind
TEXT = Sizing(stretch=3, min_chars=24)  # what was said, a note: elided, whole in the tooltip
FIT = Sizing()  # a code, a count, a score, a status: its widest value
DATE = Sizing()  # dates: their widest formatted value
AMOUNT = Sizing(right=True)  # money: its widest value, right-aligned


def any_day() -> Sizing:
    """A date column of a list too long to measure every row: holds any day's text (its
    rows are not measured: the longest is another year's, which the samples are)."""
    return Sizing(samples=_days(), measured=False)


def any_moment() -> Sizing:
    """The same for a date with its time of day."""
    return Sizing(samples=_moments(), measured=False)


class ColumnFitter(QObject):
    """Keeps a view's columns sized for their `Sizing`s (one per column of the model)."""

    def __init__(
        self, view: QTableView | QTreeView, sizings: Sequence[Sizing], sample_rows: int = 500
    ) -> None:
        super().__init__(view)
        self._view = view
        self._sizings = list(sizings)
        self._sample_rows = sample_rows  # rows measured (besides those on screen)
        self._wants: dict[int, int] = {}  # column → width holding its widest value
        self._width = -1  # the viewport width the columns were last shared out for
        self._hidden_change = False  # the model changed while the view was hidden
        self.header: QHeaderView = (
            view.horizontalHeader() if isinstance(view, QTableView) else view.header()
        )
        self.header.setStretchLastSection(False)
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header.setMinimumSectionSize(24)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        model = view.model()
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.layoutChanged,
            model.dataChanged,
        ):
            signal.connect(self._on_model_changed)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        # rows scrolled into view are measured too (a long list is not measured whole): a
        # wider value there widens its column
        self._scrolled = QTimer(self)
        self._scrolled.setSingleShot(True)
        self._scrolled.setInterval(80)
        self._scrolled.timeout.connect(self._on_scrolled_timeout)
        view.verticalScrollBar().valueChanged.connect(self._scrolled.start)
        self.fit()

    def sizing(self, column: int) -> Sizing:
        return self._sizings[column] if column < len(self._sizings) else FIT

    def _on_model_changed(self, *_args: object) -> None:
        self._timer.start()  # once, after a burst of changes (a tree filled item by item)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and watched is self._viewport:
            return self._whole_text(event)  # type: ignore[arg-type]
        if event.type() == QEvent.Type.Show and watched is self._viewport and self._hidden_change:
            self.fit()  # what changed while the view was hidden (Today behind the page)
        elif (
            event.type() == QEvent.Type.Resize
            and watched is self._viewport
            and isValid(self._view)  # (not while the view is being taken down)
            and self._viewport.width() != self._width
        ):
            self._share_out()
        return False

    def _whole_text(self, event: QHelpEvent) -> bool:
        """A cell with no tooltip of its own shows its whole text in one (an elided name
        or note is read there): set per cell, Today's 200 rows took 20 ms to fill."""
        index = self._view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False  # (the view shows the cell's own)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if text:
            QToolTip.showText(event.globalPos(), str(text), self._viewport)
        else:
            QToolTip.hideText()
        return True

    # ------------------------------------------------------------------ measuring

    def fit(self) -> None:
        """Measure every column again and share out the width (after the model changed, or a
        column was shown or hidden). A hidden view is measured when it is shown: Today's
        rows took 20 ms to measure behind the client page, at every refresh."""
        self._timer.stop()
        if not self._view.isVisible() and self._view.window().isVisible():
            self._hidden_change = True
            return
        self._hidden_change = False
        self._wants = {c: self._measure(c) for c in self._columns()}
        self._share_out()

    def _on_scrolled_timeout(self) -> None:
        if not isValid(self._view):
            return
        wider = False
        for c in self._columns():
            want = self._measure(c, self._visible())
            if want > self._wants.get(c, 0):
                self._wants[c] = want
                wider = True
        if wider:
            self._share_out()

    def _columns(self) -> list[int]:
        count = self.header.count()
        return [c for c in range(count) if not self.header.isSectionHidden(c)]

    def _indexes(self) -> list[QModelIndex]:
        """The rows to measure: the first `sample_rows` and those on screen."""
        view, model = self._view, self._view.model()
        found: list[QModelIndex] = []
        # (not isinstance(view, QTreeView): the first use of that class costs a table ~5 ms
        # of its start-up, benchmark B1)
        tree = not isinstance(view, QTableView)

        def walk(parent: QModelIndex, depth: int) -> None:
            for row in range(model.rowCount(parent)):
                if len(found) >= self._sample_rows:
                    return
                index = model.index(row, 0, parent)
                found.append(index)
                if depth < 4 and tree and model.hasChildren(index):
                    walk(index, depth + 1)

        walk(QModelIndex(), 0)
        return found + [i for i in self._visible() if i.row() >= len(found)]

    def _visible(self) -> list[QModelIndex]:
        """The rows of a table on screen now."""
        view, model = self._view, self._view.model()
        if not isinstance(view, QTableView) or (top := view.rowAt(0)) < 0:
            return []
        bottom = view.rowAt(view.viewport().height() - 1)
        last = bottom if bottom >= 0 else model.rowCount() - 1
        return [model.index(r, 0) for r in range(top, last + 1)]

    def _measure(self, column: int, rows: list[QModelIndex] | None = None) -> int:
        view, sizing = self._view, self.sizing(column)
        want = self.header.sectionSizeHint(column)
        if sizing.stretch and not sizing.fill:
            return want  # long text takes a share of what is left, whatever it holds: its
            # values are not measured (the longest texts are the dearest to measure)
        metrics = QFontMetrics(view.font())
        padding = PADDING
        for text in sizing.samples:
            want = max(want, metrics.horizontalAdvance(text) + padding + SLACK)
        if not sizing.measured:
            return want
        fonts: dict[str, QFontMetrics] = {}

        def text_width(index: QModelIndex) -> int:
            """What the delegate needs for the cell's text (measured here: asking the
            delegate for its size hint costs several times as much, and the list is
            measured before its first paint)."""
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if not text:
                return 0
            font = index.data(Qt.ItemDataRole.FontRole)
            if isinstance(font, QFont):
                key = font.key()
                if key not in fonts:
                    fonts[key] = QFontMetrics(font)
                cell = fonts[key]
            else:
                cell = metrics
            icon = view.iconSize().width() + 4 if index.data(DECORATION) is not None else 0
            return cell.horizontalAdvance(str(text)) + padding + icon

        plain = self._plain_texts(column, rows)
        for text in plain or ():
            if text:
                want = max(want, metrics.horizontalAdvance(text) + padding + SLACK)
        indexes = [] if plain is not None else self._indexes() if rows is None else rows
        for first in indexes:
            index = first.siblingAtColumn(column)
            if not index.isValid():
                continue
            if isinstance(view, QTreeView) and view.isFirstColumnSpanned(
                first.row(), first.parent()
            ):
                continue  # a section's title, across the whole row
            widget = view.indexWidget(index)
            width = widget.sizeHint().width() if widget is not None else text_width(index)
            if isinstance(view, QTreeView) and column == self.header.logicalIndex(0):
                depth, parent = 0, index.parent()
                while parent.isValid():
                    depth, parent = depth + 1, parent.parent()
                width += view.indentation() * (depth + int(view.rootIsDecorated()))
            want = max(want, width + SLACK)
        if sizing.max_chars:
            want = min(
                want, max(self.header.sectionSizeHint(column), self._chars(sizing.max_chars))
            )
        return want

    def _plain_texts(self, column: int, rows: list[QModelIndex] | None) -> list[str] | None:
        """The texts of a table's cells straight from its model, if the model has
        `column_texts(column, rows)`: it says so for a model whose cells are plain text (no
        font, icon or widget of their own). Ten times cheaper than asking each cell for its
        roles, and the client list is measured before its first paint (benchmark B1). The
        rows: those given, or the first `sample_rows` and those on screen."""
        view = self._view
        texts = getattr(view.model(), "column_texts", None)
        if texts is None or not isinstance(view, QTableView):
            return None
        if rows is not None:
            return list(texts(column, [i.row() for i in rows]))
        first = min(view.model().rowCount(), self._sample_rows)
        numbers = list(range(first))
        if (top := view.rowAt(0)) >= 0:
            bottom = view.rowAt(view.viewport().height() - 1)
            last = bottom if bottom >= 0 else view.model().rowCount() - 1
            numbers += range(max(top, first), last + 1)
        return list(texts(column, numbers))

    def _chars(self, n: int) -> int:
        return n * QFontMetrics(self._view.font()).averageCharWidth()

    # ------------------------------------------------------------------ sharing out

    def _share_out(self) -> None:
        columns = self._columns()
        if any(c not in self._wants for c in columns):
            self._wants = {c: self._measure(c) for c in columns}
        self._width = available = self._view.viewport().width()
        widths: dict[int, int] = {}
        flexible = [c for c in columns if self.sizing(c).stretch]
        for c in columns:
            sizing = self.sizing(c)
            if sizing.stretch:
                least = max(self.header.sectionSizeHint(c), self._chars(sizing.min_chars))
                widths[c] = min(least, self._wants[c]) if sizing.fill else least
            else:
                widths[c] = self._wants[c]
        spare = available - sum(widths.values())
        if spare < 0:  # too narrow for every minimum: long text gives way, down to its header
            for c in flexible:
                give = min(-spare, widths[c] - self.header.sectionSizeHint(c))
                if give > 0 and not self.sizing(c).fill:
                    widths[c] -= give
                    spare += give
        # names first grow to hold their widest value, the leftmost on screen first…
        for c in sorted(flexible, key=self.header.visualIndex):
            if spare > 0 and self.sizing(c).fill:
                grow = min(spare, max(0, self._wants[c] - widths[c]))
                widths[c] += grow
                spare -= grow
        # …then the long texts share what is left (the names, if there is no long text)
        sharing = [c for c in flexible if not self.sizing(c).fill] or flexible
        weights = sum(self.sizing(c).stretch for c in sharing)
        if spare > 0 and weights:
            for c in sharing:
                widths[c] += spare * self.sizing(c).stretch // weights
        if columns:
            rest = available - sum(widths.values())
            if rest > 0:  # rounding, or no column stretches: the last one takes it
                widths[(sharing or columns)[-1]] += rest
        for c, width in widths.items():
            if self.header.sectionSize(c) != width:
                self.header.resizeSection(c, width)
