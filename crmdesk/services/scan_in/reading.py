"""One scanned page read: which form it is (by its QR code), laid on that form's own layout
(the one it was printed with), and each answer read from its boxes — or the reasons a
person must look at it. Nothing here writes; crmdesk.services.scan_in.recording does."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from crmdesk.documents.form_geometry import (
    MARK,
    MARK2,
    PAPERS,
    VERSIONS,
    FormLayout,
    FormSpec,
    layout_of,
    page_size,
)
from crmdesk.documents.survey_form import options_of
from crmdesk.errors import CrmError
from crmdesk.services import surveys
from crmdesk.services.answer_images import PARTS, png_of
from crmdesk.services.scan_in.codes import FoundCode, find_code
from crmdesk.services.scan_in.cutouts import cut_all
from crmdesk.services.scan_in.marks import (
    OUTLINE,
    RING,
    BoxFill,
    RowReading,
    measure,
    read_row,
    read_tick,
)
from crmdesk.services.scan_in.pages import Page
from crmdesk.services.scan_in.photo_registration import photo_marks_found, register_photo
from crmdesk.services.scan_in.registration import (
    NotRegistered,
    Registration,
    find_marks,
    register,
)
from crmdesk.store.database import Database

BLANK_INK = 0.002  # a page with less ink than this (of its area) is blank
QR_TOLERANCE_MM = 6  # the QR code found this far from where the layout has it: not registered
ABOVE = (0.8 * 72 / 25.4, 10 * 72 / 25.4)  # version 1: where the number above a box is
RINGED = 0.06  # this much more ink round a number than its digits have: a ring
NO_SCORE = "no score marked: nothing to record"
MORE_MARKED = " (a consent or a question is marked, but an answer is kept only with its score)"
CONSENT_LABELS = {"contact": "may we contact you", "quote": "may we quote you"}
# every paper and layout a form may have been printed on (to tell a form from other papers)
_ANY_FORM = [layout_of(FormSpec(v, p, (), True, True, True)) for v in VERSIONS for p in PAPERS]


@dataclass(frozen=True)
class Doubt:
    """One row of a page the person checking it decides: the score, a consent ("contact",
    "quote") or an extra question ("question 2"), with why and the reading proposed (None:
    nothing to propose); `image`: its cut-out in PageReading.images."""

    row: str  # "score", "contact", "quote" or "question N"
    why: str
    proposal: Any = None  # the score, True for a consent, or the question's value
    image: str = "score"
    kind: str = "score"  # "score", "consent", or the question's kind (rating, yesno, choice)
    choices: tuple[str, ...] = ()  # a question's choices, numbered from 1 on the check


@dataclass
class PageReading:
    file: str
    page: int
    code: str | None = None
    score: int | None = None  # on a page to check, the reading proposed (or None)
    consents: dict[str, bool] = field(default_factory=dict)
    extra: list[Any] = field(default_factory=list)  # per extra question; None: not read
    needs_check: bool = False
    why: str = ""
    kind: str = "form"  # or "blank", "other" (not a crmdesk form)
    form: surveys.FormInfo | None = None  # the issued form, when its code is one
    recordable: bool = False  # read surely, of a form issued and not yet entered
    # with keep_images: the score row, each question and the consents, cut out upright
    # (crmdesk.services.scan_in.cutouts)
    images: dict[str, Image.Image] = field(default_factory=dict)
    doubtful: list[str] = field(default_factory=list)  # the rows doubted ("score", "consents")
    # the rows still to decide, in the check's order: the score, the consents, the questions
    doubts: list[Doubt] = field(default_factory=list)
    # with keep_handwriting: what is written on the form (reason, referral) as small PNGs,
    # to keep with the answer (services.answer_images); a part with nothing written is not
    handwriting: dict[str, bytes] = field(default_factory=dict)
    path: Path | None = None  # the file, to read the page again (with a code typed)
    # where the page lies in its image, and on what paper: to show it whole and upright
    registration: Registration | None = None
    paper: tuple[float, float] | None = None

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "page": self.page, "code": self.code, "score": self.score,
                "consents": self.consents, "extra": self.extra,
                "needs_check": self.needs_check, "why": self.why}  # fmt: skip


def read_page(db: Database, page: Page, seen: dict[str, str], keep_images: bool = False,
              typed_code: str | None = None,
              keep_handwriting: bool | None = None) -> PageReading:  # fmt: skip
    """`seen`: code → where it was read earlier in this batch (a form scanned twice is
    named, not read twice). `keep_images`: cut out the rows (for the check) and the
    handwriting. `keep_handwriting` (as `keep_images` unless given): what is written on
    the form, as PNGs to keep with the answer. `typed_code`: the code a person read off a
    page whose QR code did not read (the page's orientation then comes from its hollow
    mark)."""
    reading = PageReading(page.file.name, page.number, path=page.file)
    image = page.image
    found = None if typed_code is not None else find_code(image)
    if typed_code is not None:
        code = reading.code = surveys.normalise_code(typed_code)
    elif found is None or found.code is None:
        return _not_named(reading, image, found)
    else:
        code = reading.code = found.code
    if code in seen:
        return _check(reading, f"form {code} is in this batch already ({seen[code]})")
    seen[code] = f"{page.file.name} page {page.number}"
    try:
        form = reading.form = surveys.look_up_form(db, code)
    except CrmError as exc:
        return _check(reading, str(exc))
    spec = _spec_of(form, image)
    geo = layout_of(spec)
    seen_grey = np.asarray(image, dtype=np.uint8)
    laid = _laid(image, seen_grey, geo, spec, found)
    if isinstance(laid, str) and not (form.layout and form.paper):
        # a form printed before papers were kept, photographed: its shape says nothing
        other = replace(spec, paper="Letter" if spec.paper == "A4" else "A4")
        other_laid = _laid(image, seen_grey, layout_of(other), other, found)
        if not isinstance(other_laid, str):
            spec, geo, laid = other, layout_of(other), other_laid
    if isinstance(laid, str):
        reading.doubts = _every_row(spec, form.survey, laid)
        return _check(reading, laid)
    reg, image, grey, score_fills = laid
    handwriting = keep_images if keep_handwriting is None else keep_handwriting
    if keep_images or handwriting:
        cuts = cut_all(image, reg, geo, with_rows=keep_images)
        written = {part: cuts.pop(part) for part in PARTS if part in cuts}
        if handwriting:
            reading.handwriting = {part: png_of(cut) for part, cut in written.items()}
        if keep_images:
            reading.images = cuts
    reading.registration, reading.paper = reg, geo.page  # (the whole page shown upright)
    doubts = _read_answers(reading, grey, reg, geo, spec, form.survey, score_fills)
    more = _more_marked(reading)
    if reading.score is None and not any(d.kind == "score" for d in reading.doubts):
        # no score, surely: an answer without a score is not recorded (a typed one is
        # refused), so nothing else on the page is asked only to be thrown away
        more = more or any(_a_mark(d) for d in reading.doubts)
        doubts, reading.doubts, reading.doubtful = [], [], []
    reading.needs_check = bool(doubts)
    if doubts:
        reading.why = "; ".join(doubts)
    elif reading.score is None:
        reading.why = NO_SCORE + (MORE_MARKED if more else "")
    reading.recordable = not doubts and reading.score is not None
    return reading


Laid = tuple[Registration, Image.Image, Any, list[BoxFill]]


def _laid(image: Image.Image, grey: Any, geo: FormLayout, spec: FormSpec,
          found: FoundCode | None) -> Laid | str:  # fmt: skip
    """The page laid on its form: as a scan (its corner marks near the image's corners),
    else as a photo (the marks anywhere, the page seen at an angle, its light evened out
    first); with the image to measure on (and its pixels) and the score boxes' fill. Or
    why it could not be. `grey`: `image`'s pixels."""
    (x0, _, w0, _), (x1, _, _, _) = geo.score_boxes[:2]
    reach = min(RING[1], x1 - x0 - w0 - RING[0])  # short of the next box's line

    def fills(reg: Registration, grey: Any) -> list[BoxFill]:
        labels = [str(n) if geo.numbers_inside else "" for n in range(11)]
        return [measure(grey, reg, box, above=geo.numbers_inside, reach=reach, label=label)
                for box, label in zip(geo.score_boxes, labels, strict=True)]  # fmt: skip

    try:
        marks = find_marks(image, geo.page, MARK2 if spec.version >= 2 else MARK)
        reg = register(marks, geo, found.turned if found is not None else None)
    except NotRegistered as exc:
        why = f"the page could not be laid on its form: {exc}"
    else:
        score_fills = fills(reg, grey)
        if (misplaced := _misregistered(reg, geo, found, score_fills)) is None:
            return reg, image, grey, score_fills
        why = misplaced
    try:
        reg, flat = register_photo(image, geo, found)
    except NotRegistered:
        return why
    score_fills = fills(reg, flat)
    if (misplaced := _misregistered(reg, geo, found, score_fills)) is None:
        return reg, Image.fromarray(flat), flat, score_fills
    return misplaced


def _check(reading: PageReading, why: str) -> PageReading:
    reading.needs_check, reading.why = True, why
    return reading


def _not_named(reading: PageReading, image: Image.Image, found: FoundCode | None) -> PageReading:
    """A page without a crmdesk code: blank, another paper, or a form whose QR code did not
    read (which a person names by typing the code printed under it)."""
    if found is not None:
        reading.kind = "other"
        reading.why = f"not a crmdesk survey form (its QR code says “{found.text[:40]}”)"
        return reading
    if _ink_share(image) < BLANK_INK:
        reading.kind, reading.why = "blank", "blank page"
        return reading
    try:
        find_marks(image, page_size(_paper_by_shape(image)))
    except NotRegistered:
        if not photo_marks_found(image, _ANY_FORM):  # (nor a photo of a form)
            reading.kind, reading.why = (
                "other",
                "not a crmdesk survey form (no QR code, no corner marks)",
            )
            return reading
    return _check(reading, "the QR code could not be read: type the code printed under it")


def _ink_share(image: Image.Image) -> float:
    small = np.asarray(image.reduce(max(1, max(image.size) // 1000)), dtype=np.float64)
    paper = max(float(np.percentile(small, 95)), 1.0)
    return float((small < 0.5 * paper).mean())


def _spec_of(form: surveys.FormInfo, image: Image.Image) -> FormSpec:
    """The layout the form was printed with; a form printed before layouts were kept is
    version 1 with its survey's questions as they are now, on the paper its shape says."""
    if form.layout and form.paper:
        return FormSpec.from_json(form.layout, form.paper)
    d = form.survey.definition
    extra = tuple((q.kind, len(options_of(q.kind, q.choices))) for q in d.extra)
    return FormSpec(1, _paper_by_shape(image), extra, d.ask_contact, d.ask_quote,
                    d.ask_referral)  # fmt: skip


def _paper_by_shape(image: Image.Image) -> str:
    """A4 (1.41 long to short) or Letter (1.29), by the image's shape; halfway between them
    is 1.35, and a page skewed 3° widens its image only to 1.37 or 1.26."""
    return "A4" if max(image.size) / min(image.size) > 1.35 else "Letter"


def _misregistered(reg: Registration, geo: FormLayout, found: FoundCode | None,
                   score_fills: list[BoxFill]) -> str | None:  # fmt: skip
    """Why the page is not where its layout says (None if it is): the QR code must be found
    where the layout prints it, and the score boxes' printed lines where it draws them."""
    outline = np.mean([fill.outline for fill in score_fills])
    if outline < OUTLINE:
        return "the score boxes are not where this form's layout puts them"
    if found is None:
        return None
    x, y, w, h = geo.qr
    cx, cy = reg.to_image(np.array([x + w / 2]), np.array([y + h / 2]))
    qx = sum(p[0] for p in found.corners) / 4
    qy = sum(p[1] for p in found.corners) / 4
    off_mm = float(np.hypot(cx[0] - qx, cy[0] - qy)) / reg.px_per_pt / 72 * 25.4
    if off_mm > QR_TOLERANCE_MM:
        return "the page could not be laid on its form (the QR code is not where it belongs)"
    return None


def _read_answers(reading: PageReading, grey: Any, reg: Registration, geo: FormLayout,
                  spec: FormSpec, survey: surveys.SurveyRecord,
                  score_fills: list[BoxFill]) -> list[str]:  # fmt: skip
    """Fill `reading` with what the boxes say, and its rows to decide (`doubts`: the
    score, the consents, the questions); return why, row by row in the form's order."""
    doubts: list[Doubt] = []
    row = read_row(score_fills, [str(n) for n in range(11)], geo.numbers_inside)
    reading.score = row.choice
    if not row.sure:
        doubts.append(Doubt("score", f"score: {row.why}", row.choice))
    elif row.choice is None and not geo.numbers_inside:
        ringed = _ringed_numbers(grey, reg, geo)
        if ringed:
            why = f"score: a mark round the number {' and '.join(ringed)} above the boxes"
            doubts.append(Doubt("score", why))
    questions = survey.definition.extra
    same = tuple((q.kind, len(options_of(q.kind, q.choices))) for q in questions) == spec.extra
    for n, ((kind, _count), boxes) in enumerate(zip(spec.extra, geo.extra_boxes, strict=True), 1):
        name = f"question {n}"
        if kind == "text":
            reading.extra.append(None)
            continue
        if not same:  # (its choices as printed are not known: only "no answer" is kept)
            reading.extra.append(None)
            why = f"{name}: the survey's questions changed since this form was printed"
            doubts.append(Doubt(name, why, image=name, kind="changed"))
            continue
        q = questions[n - 1]
        labels = options_of(q.kind, q.choices)
        fills = [measure(grey, reg, b) for b in boxes]
        answer = read_row(fills, labels)
        value = _value(q.kind, labels, answer)
        reading.extra.append(value)
        if min(f.outline for f in fills) < OUTLINE:  # (an old form of a survey since edited)
            why = f"{name}: its boxes are not where the form's layout puts them"
            doubts.append(Doubt(name, why, image=name, kind=q.kind, choices=labels))
        elif not answer.sure:
            doubts.append(Doubt(name, f"{name}: {answer.why}", value, name, q.kind, labels))
    for key, box in geo.consent_boxes.items():
        fill = measure(grey, reg, box)
        tick = read_tick(fill, CONSENT_LABELS[key])
        reading.consents[key] = tick.choice == 0
        if fill.outline < OUTLINE:
            why = f"the “{CONSENT_LABELS[key]}” box is not where the form's layout puts it"
            doubts.append(Doubt(key, why, image="consents", kind="consent"))
        elif not tick.sure:
            proposal = True if tick.choice == 0 else None
            doubts.append(Doubt(key, tick.why, proposal, "consents", "consent"))
    for doubt in doubts:
        if doubt.image not in reading.doubtful:
            reading.doubtful.append(doubt.image)
    order = {"score": 0, "consent": 1}
    reading.doubts = sorted(doubts, key=lambda d: order.get(d.kind, 2))  # (stable)
    return [d.why for d in doubts]


def _every_row(spec: FormSpec, survey: surveys.SurveyRecord, why: str) -> list[Doubt]:
    """A page that could not be laid on its form: nothing on it was read, so every row
    is asked (on the whole page), none with a reading proposed."""
    rows = [Doubt("score", why)]
    keys = [k for k, asked in (("contact", spec.contact), ("quote", spec.quote)) if asked]
    rows += [Doubt(k, why, image="consents", kind="consent") for k in keys]
    questions = survey.definition.extra
    same = tuple((q.kind, len(options_of(q.kind, q.choices))) for q in questions) == spec.extra
    for n, (kind, _count) in enumerate(spec.extra, 1):
        if kind == "text":
            continue
        q = questions[n - 1] if same else None
        rows.append(Doubt(f"question {n}", why, image=f"question {n}",
                          kind=q.kind if q else "changed",
                          choices=options_of(q.kind, q.choices) if q else ()))  # fmt: skip
    return rows


def _ringed_numbers(grey: Any, reg: Registration, geo: FormLayout) -> list[str]:
    """On a form with the numbers above the boxes (layout version 1): the numbers with
    more ink round them than the others have (a ring drawn round the number instead of a
    mark in its box)."""
    zones = [(x, y + h + ABOVE[0], w, ABOVE[1] - ABOVE[0]) for x, y, w, h in geo.score_boxes]
    ink = [measure(grey, reg, zone).ink for zone in zones]
    usual = float(np.median(ink))  # a one-digit number's ink; "10" has two digits
    return [str(n) for n, share in enumerate(ink) if share > usual * len(str(n)) + RINGED]


def _more_marked(reading: PageReading) -> bool:
    """Whether anything but the score is marked on the page (surely or not)."""
    return any(reading.consents.values()) or any(v is not None for v in reading.extra)


def _a_mark(doubt: Doubt) -> bool:
    """Whether a row is doubted for a mark on it (not for its boxes not being found)."""
    return doubt.kind != "changed" and "not where" not in doubt.why


def _value(kind: str, labels: tuple[str, ...], row: RowReading) -> Any:
    if row.choice is None:
        return None
    if kind == "rating":
        return row.choice + 1
    return labels[row.choice]
