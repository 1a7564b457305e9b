"""What the person checking a doubtful page decides (the check screen's keys): accept the
reading proposed, give the score, no answer, or skip the page for later; the code typed
for a page whose QR code did not read, with which the page is read again as that form;
and the whole page, upright, for a look at all of it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PIL import Image

from crmdesk.errors import CrmError
from crmdesk.services.scan_in import cutouts
from crmdesk.services.scan_in.pages import pages
from crmdesk.services.scan_in.reading import PageReading, read_page
from crmdesk.store.database import Database

ACTIONS = ("accept", "score", "none", "skip")


@dataclass(frozen=True)
class Decision:
    action: str  # accept (Enter), score (a number typed), none (N), skip (S)
    score: int | None = None


def decide(reading: PageReading, decision: Decision) -> PageReading:
    """The page as the person decided: recordable with the score accepted or given; no
    answer (nothing recorded, not asked again); or as it was (skipped). A page without a
    form to record it on (unknown, already entered, no code) can only be skipped or left
    without an answer: a CrmError says so."""
    if decision.action not in ACTIONS:
        raise ValueError(decision.action)
    if decision.action == "skip":
        return reading
    if decision.action == "none":
        return replace(reading, score=None, needs_check=False, recordable=False,
                       why="checked: no answer")  # fmt: skip
    if reading.form is None:
        raise CrmError(f"{reading.file} page {reading.page} is not a form that can be "
                       f"recorded ({reading.why}): press N or S.")  # fmt: skip
    score = reading.score if decision.action == "accept" else decision.score
    if score is None or not 0 <= score <= 10:
        raise CrmError("Type the score the client marked, 0 to 10, or N for no answer.")
    return replace(reading, score=score, needs_check=False, recordable=True,
                   why=f"checked: {score}/10")  # fmt: skip


def whole_page(reading: PageReading) -> Image.Image:
    """The page read again from its file: upright as printed (at cutouts.PAGE_DPI) if it
    was laid on its form, else as scanned, made as small."""
    if reading.path is None:
        raise CrmError(f"{reading.file} is not at hand to show.")
    for page in pages(reading.path):
        if page.number != reading.page:
            continue
        if reading.registration is not None and reading.paper is not None:
            box = (0.0, 0.0, *reading.paper)
            return cutouts.cut_out(page.image, reading.registration, box, margin_mm=0,
                                   dpi=cutouts.PAGE_DPI)  # fmt: skip
        inches = 11.7  # (the long side of A4; a Letter page comes out a little smaller)
        factor = max(1, round(max(page.image.size) / (inches * cutouts.PAGE_DPI)))
        return page.image.reduce(factor)
    raise CrmError(f"{reading.file} has no page {reading.page} any more.")


def with_code(db: Database, reading: PageReading, typed: str,
              seen: dict[str, str] | None = None) -> PageReading:  # fmt: skip
    """A page whose QR code did not read, read again as the form whose code was typed
    from under it (still to check if anything on it is doubtful)."""
    if reading.path is None:
        raise CrmError(f"{reading.file} is not at hand to read again.")
    for page in pages(reading.path):
        if page.number == reading.page:
            return read_page(db, page, seen if seen is not None else {}, keep_images=True,
                             typed_code=typed)  # fmt: skip
    raise CrmError(f"{reading.file} has no page {reading.page} any more.")
