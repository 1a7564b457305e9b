"""Phone photos of filled forms lying on a table: the page smaller than the frame, seen at
an angle, turned any way, a shadow across it and one side darker (tests.scan_set.photo)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.pages import pages
from crmdesk.services.scan_in.reading import read_page
from crmdesk.store.database import Database
from tests.letters_helpers import set_up_shop
from tests.scan_set.accuracy import Accuracy
from tests.scan_set.forms import filled_form, make_set
from tests.scan_set.photo import Photo, photograph, save

# a hand's shadow, the far side 60% darker, the camera tilted 25°, the page turned
DIM = Photo(size=(1200, 1600), fill=0.8, turn=172, tilt=25, tilt_axis=60, table=60,
            shade=0.6, shadow=0.5, blur=0.8, noise=4, jpeg=80)  # fmt: skip


@pytest.fixture
def shop_db(db: Database) -> Database:
    set_up_shop(db)
    return db


def test_a_stack_of_phone_photos_is_read_right(shop_db: Database, tmp_path: Path) -> None:
    """A fixed generated stack of photos (1200×1600 to 3000×4000, perspective, shadows,
    uneven light, JPEG): no page is given another form, every page with two marks or a
    cancelled mark goes to the check, every mark read without asking is right."""
    made = make_set(shop_db, tmp_path, 5, seed=7, photos=True)
    truths = {path.name: truth for path, truth in made}
    accuracy = Accuracy()
    for reading in read_files(shop_db, [path for path, _ in made]):
        accuracy.add(reading, truths[reading.file])
    assert accuracy.pages == 5
    assert accuracy.errors == []
    assert accuracy.wrong_form == 0 and accuracy.missed_doubts == 0
    assert accuracy.marks_read >= 5 * 2  # read, not sent to the check
    assert accuracy.needless == []


def test_a_shadow_across_the_page_is_not_a_mark(shop_db: Database, tmp_path: Path) -> None:
    marks = [("tick", 3), ("cross", "contact"), ("slash", (1, 4))]
    path, code = filled_form(shop_db, tmp_path, marks, DIM)
    (reading,) = read_files(shop_db, [path])
    assert (reading.code, reading.score, reading.needs_check) == (code, 3, False), reading.why
    assert reading.consents == {"contact": True, "quote": False}
    assert reading.extra == [4]


def test_two_marks_on_a_photo_go_to_the_check(shop_db: Database, tmp_path: Path) -> None:
    path, _code = filled_form(shop_db, tmp_path, [("cross", 2), ("tick", 7)], DIM)
    (reading,) = read_files(shop_db, [path])
    assert reading.needs_check and not reading.recordable
    assert reading.why == "score: 2 and 7 are both marked"


def test_a_photo_is_laid_by_its_hollow_mark_with_the_code_typed(
    shop_db: Database, tmp_path: Path
) -> None:
    """Without the QR code (a person typed the code), the hollow top left mark says which
    way up the photographed page lies."""
    path, code = filled_form(shop_db, tmp_path, [("cross", 9)], DIM)
    (page,) = pages(path)
    reading = read_page(shop_db, page, {}, typed_code=code)
    assert (reading.code, reading.score, reading.needs_check) == (code, 9, False), reading.why


def test_a_photo_of_another_paper_is_listed_never_attributed(
    shop_db: Database, tmp_path: Path
) -> None:
    other = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(other)
    for n in range(40):
        draw.text((150, 150 + n * 50), f"Invoice line {n}: 2 x potted orchid, 24.00", fill=0)
    draw.rectangle((150, 2200, 190, 2240), fill=0)  # a black square or two (a logo)
    draw.rectangle((1450, 120, 1500, 170), fill=0)
    path = save(photograph(other, DIM, random.Random(3)), DIM, tmp_path / "invoice")
    (reading,) = read_files(shop_db, [path])
    assert reading.code is None and reading.kind == "other" and not reading.recordable


def test_an_old_form_photographed_reads_by_its_old_layout(
    shop_db: Database, tmp_path: Path
) -> None:
    """A form printed before layouts were kept (four identical corner marks, numbers above
    the boxes, no paper size stored): the QR code says which way up it lies, and the
    photo's shape says nothing of its paper (it is tried on both)."""
    path, code = filled_form(shop_db, tmp_path, [("cross", 4), ("tick", "quote")], DIM, version=1)
    (reading,) = read_files(shop_db, [path])
    assert (reading.code, reading.score, reading.needs_check) == (code, 4, False), reading.why
    assert reading.consents == {"contact": False, "quote": True}
