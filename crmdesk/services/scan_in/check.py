"""What the person checking a doubtful page decides, row by row (the check screen's keys):
accept the reading proposed, give the score, a consent yes or no, a question's choice, no
answer, or skip the page for later; the code typed
for a page whose QR code did not read, with which the page is read again as that form;
and the whole page, upright, for a look at all of it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PIL import Image

from crmdesk.errors import CrmError
from crmdesk.services.scan_in import cutouts
from crmdesk.services.scan_in.pages import pages
from crmdesk.services.scan_in.reading import CONSENT_LABELS, Doubt, PageReading, read_page
from crmdesk.store.database import Database

ACTIONS = ("accept", "score", "choice", "yes", "no", "none", "skip")


@dataclass(frozen=True)
class Decision:
    """accept (Enter: the reading proposed), score (the score typed), choice (a question's
    choice, by its number from 1), yes / no (a consent: Y, N), none (N: no answer), skip
    (S: the page left for later)."""

    action: str
    score: int | None = None  # the score, or the choice's number


def to_check(reading: PageReading) -> bool:
    """A doubtful page a person can settle: a form to record, or one whose code is to type
    (not an unknown or already entered form, which is only listed)."""
    return reading.needs_check and (
        reading.form is not None or (reading.code is None and reading.kind == "form")
    )


def hint(reading: PageReading, doubt: Doubt, keys: str) -> str:
    """What to type for the row being decided, the row named (`keys`: the keys every row
    has, "S skip the page" and what else the screen offers)."""
    if reading.code is None:
        return "Type the code printed under the QR code, then Enter"
    if doubt.kind == "score":
        accept = f"Enter accepts {doubt.proposal}; " if doubt.proposal is not None else ""
        return f"Score: {accept}type the score (0–10) and Enter; N no answer; {keys}"
    if doubt.kind == "consent":
        accept = "Enter accepts yes; " if doubt.proposal else ""
        label = CONSENT_LABELS[doubt.row]
        return f"“{label.capitalize()}”: {accept}Y yes (given); N no; {keys}"
    name = doubt.row.capitalize()
    if doubt.kind == "changed":
        return f"{name} (changed since printed): N no answer; {keys}"
    accept = f"Enter accepts {doubt.proposal}; " if doubt.proposal is not None else ""
    numbered = ", ".join(f"{n} = {c}" for n, c in enumerate(doubt.choices, 1))
    if doubt.kind == "rating":
        numbered = f"1 to {len(doubt.choices)}"
    return f"{name}: {accept}type the box's number ({numbered}) and Enter; N no answer; {keys}"


def decision_of(typed: str, reading: PageReading) -> Decision:
    """What a line typed for the page's current row means: nothing accepts the reading
    proposed, a number gives the score (or the box's number), N no answer (a consent: no),
    Y a consent given, S skips the page; anything else is a CrmError saying what to type."""
    doubt = current(reading)
    text = typed.strip().lower()
    if text in ("", "s", "n") or (text == "y" and doubt.kind == "consent"):
        consent = doubt.kind == "consent"
        words = {"": "accept", "s": "skip", "n": "no" if consent else "none", "y": "yes"}
        return Decision(words[text])
    if text.isdigit():
        return Decision("score" if doubt.kind == "score" else "choice", int(text))
    raise CrmError(f"{typed.strip()} is not an answer here: {hint(reading, doubt, 'S skip')}.")


def current(reading: PageReading) -> Doubt:
    """The row of a page to check that is decided next (a page doubted as a whole, with no
    rows named — its code typed, say — is decided by its score)."""
    return reading.doubts[0] if reading.doubts else Doubt("score", reading.why, reading.score)


def decide(reading: PageReading, decision: Decision) -> PageReading:
    """The page with its current row decided: the page is recordable once every row is (a
    score given or accepted), still to check while rows are left; no answer to the score
    leaves the page unrecorded (not asked again, nor its other rows); skipped, the page is
    as it was. A page without a form to record it on (unknown, already entered, no code)
    can only be skipped or left without an answer. A key that does not fit the row (a
    score for a consent, a choice out of range) raises a CrmError saying what to type."""
    if decision.action not in ACTIONS:
        raise ValueError(decision.action)
    if decision.action == "skip":
        return reading
    doubt = current(reading)
    if doubt.kind == "score" and decision.action == "none":
        return replace(reading, score=None, needs_check=False, recordable=False, doubts=[],
                       why="checked: no answer")  # fmt: skip
    if reading.form is None:
        raise CrmError(f"{reading.file} page {reading.page} is not a form that can be "
                       f"recorded ({reading.why}): press N or S.")  # fmt: skip
    decided = _decided(reading, doubt, decision)
    left = reading.doubts[1:]
    if left:
        return replace(decided, doubts=left, why="; ".join(d.why for d in left))
    if decided.score is None:  # (no score marked, surely: nothing to record)
        return replace(decided, needs_check=False, recordable=False, doubts=[],
                       why="checked: no score marked, nothing to record")  # fmt: skip
    return replace(decided, needs_check=False, recordable=True, doubts=[],
                   why=f"checked: {decided.score}/10")  # fmt: skip


def _decided(reading: PageReading, doubt: Doubt, decision: Decision) -> PageReading:
    """`reading` with `doubt`'s row set as decided."""
    action, number = decision.action, decision.score
    proposed = action == "accept" and doubt.proposal is not None
    if doubt.kind == "score":
        score = doubt.proposal if proposed else number if action == "score" else None
        if score is None or not 0 <= score <= 10:
            raise CrmError("Type the score the client marked, 0 to 10, or N for no answer.")
        return replace(reading, score=score)
    if doubt.kind == "consent":
        if action not in ("yes", "no") and not proposed:
            raise CrmError(f"Press Y if the {_consent(doubt.row)} box says yes (given), "
                           "N if it says no.")  # fmt: skip
        given = bool(doubt.proposal) if proposed else action == "yes"
        return replace(reading, consents={**reading.consents, doubt.row: given})
    n = int(doubt.row.split()[-1])
    extra = list(reading.extra) + [None] * (n - len(reading.extra))
    if action == "none":
        value = None
    elif doubt.kind == "changed":
        raise CrmError(f"{doubt.row.capitalize()} changed since this form was printed: "
                       "press N to record no answer to it.")  # fmt: skip
    elif proposed:
        value = doubt.proposal
    elif action == "choice" and number is not None and 1 <= number <= len(doubt.choices):
        value = number if doubt.kind == "rating" else doubt.choices[number - 1]
    else:
        raise CrmError(f"Type the number of the box marked for {doubt.row}, 1 to "
                       f"{len(doubt.choices)}, or N for no answer.")  # fmt: skip
    extra[n - 1] = value
    return replace(reading, extra=extra)


def _consent(key: str) -> str:
    return f"“{CONSENT_LABELS[key]}”"


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
