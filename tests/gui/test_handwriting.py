"""The survey results' column of handwriting: with hundreds of scanned answers in a month,
the table fills at once and each answer's handwriting appears beside it, the PNGs decoded
and scaled on a worker, never on the GUI thread."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from pytestqt.qtbot import QtBot

from crmdesk.gui import handwriting
from crmdesk.gui.surveys_dialog import SurveysDialog
from crmdesk.services import surveys
from crmdesk.services.answer_images import KeptImage, png_of
from crmdesk.store.database import Database
from tests.gui.conftest import open_window
from tests.letters_helpers import add_people, set_up_shop

ANSWERS = 300


def _written(n: int) -> bytes:
    """A comment box's cut-out (685 × 126 px, as the reader keeps it) with a stroke whose
    place says which answer it is."""
    image = Image.new("L", (685, 126), 250)
    x = 20 + 2 * (n % 300)
    ImageDraw.Draw(image).line((x, 20, x + 60, 100), fill=30, width=5)
    return png_of(image)


def test_hundreds_of_answers_fill_the_table_and_their_handwriting_appears(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        set_up_shop(db)
        people = add_people(db)  # names in many scripts
        checked = [
            surveys.check_answer(db, surveys.AnswerForm(
                score=n % 11, handwriting={"reason": _written(n), "referral": _written(n + 1)}
                if n % 3 else {"reason": _written(n)},
            ), client_id=people[n % len(people)])
            for n in range(ANSWERS)
        ]  # fmt: skip
        with db.write() as w:
            for answer in checked:
                surveys.add_answer(w, answer)
    decoded_on: set[str] = set()
    made = handwriting.thumbnail_image

    def watched(images: Sequence[KeptImage], scale: float) -> QImage:
        decoded_on.add(threading.current_thread().name)
        return made(images, scale)

    monkeypatch.setattr(handwriting, "thumbnail_image", watched)
    window = open_window(qtbot, db_path)
    dialog = window.paperwork.surveys_dialog()
    assert isinstance(dialog, SurveysDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(2)
    dialog.show_period(f"{datetime.now():%Y-%m}")
    model = dialog.answers_model
    assert model.rowCount() == ANSWERS  # the rows are there before any image is decoded
    qtbot.waitUntil(lambda: len(dialog.written.found) == ANSWERS, timeout=30000)

    assert decoded_on and threading.main_thread().name not in decoded_on
    shown = 0
    for row in range(ANSWERS):
        cell = model.item(row, 5)
        picture = cell.data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(picture, QPixmap) and not picture.isNull()
        two = "Who else would enjoy us" in cell.toolTip()
        # 685 px made 0.35 as big; two parts one under the other (44 px each, 4 apart)
        assert (picture.width(), picture.height()) == (240, 92 if two else 44)
        image = picture.toImage()
        dark = [x for x in range(image.width()) if image.pixelColor(x, 22).lightness() < 128]
        assert dark, f"row {row}: no writing in its thumbnail"
        shown += 1
    assert shown == ANSWERS
    both = next(r for r in range(ANSWERS) if "Who else" in model.item(r, 5).toolTip())
    opened = dialog.written.open_full_size(both, 5)
    assert opened is not None and [p.pixmap().width() for p in opened.pictures] == [685, 685]
    opened.close()


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "1"])
def test_a_kept_png_is_decoded_off_qt_as_qt_decodes_it(mode: str) -> None:
    """image_of decodes with Pillow (Qt's readers, on a worker, froze the window: see
    there): the same picture as Qt's own reader gives."""
    picture = Image.new(mode, (37, 11), "white" if mode != "1" else 1)
    ImageDraw.Draw(picture).line((0, 10, 36, 0), fill="black" if mode != "1" else 0, width=2)
    data = io.BytesIO()
    picture.save(data, "PNG")
    png = data.getvalue()
    ours, qts = handwriting.image_of(png), QImage.fromData(png, "PNG")
    assert (ours.width(), ours.height()) == (37, 11)
    as_argb = QImage.Format.Format_ARGB32
    assert ours.convertToFormat(as_argb) == qts.convertToFormat(as_argb)
