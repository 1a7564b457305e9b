"""Pages read surely, saved as the answers they say, exactly as typed answers are saved
(services.surveys: the client's history, the score, the follow-ups), with the handwriting
cut out of each page kept as images (services.answer_images), all in one write: the whole
batch is one step that Undo takes back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from crmdesk.errors import CrmError, ValidationError
from crmdesk.services import surveys
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.scan_in.reading import PageReading
from crmdesk.store.database import Database
from crmdesk.wording import count


@dataclass
class Recorded:
    changes: Changes | None  # None: nothing was saved
    saved: list[PageReading] = field(default_factory=list)
    refused: list[tuple[PageReading, str]] = field(default_factory=list)  # (page, why)


def answer_of(reading: PageReading) -> surveys.AnswerForm:
    """The answer a page says, as if typed in from it; what is handwritten on it (the
    reason, the referral) is kept as images, not read."""
    extra = {str(n): v for n, v in enumerate(reading.extra, 1) if v is not None}
    return surveys.AnswerForm(
        score=reading.score, extra=extra, channel="form",
        consent_contact=reading.consents.get("contact", False),
        consent_quote=reading.consents.get("quote", False),
        handwriting=dict(reading.handwriting),
    )  # fmt: skip


def record_pages(db: Database, readings: Iterable[PageReading]) -> Recorded:
    """Save every page read surely (`recordable`); the others are left for the check. A
    page refused when saved (its form entered meanwhile) is listed with why."""
    result = Recorded(None)
    checked = []
    for reading in readings:
        if not reading.recordable:
            continue
        try:
            checked.append(surveys.check_answer(db, answer_of(reading), code=reading.code))
        except ValidationError as exc:
            result.refused.append((reading, "; ".join(exc.problems.values())))
            continue
        except CrmError as exc:
            result.refused.append((reading, str(exc)))
            continue
        result.saved.append(reading)
    if not checked:
        return result
    with db.write() as w:
        for answer in checked:
            surveys.add_answer(w, answer)
    result.changes = from_write(f"Read {count(len(checked), 'scanned survey form')}", w)
    return result
