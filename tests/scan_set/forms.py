"""A generated set of filled, scanned survey forms with the truth of each: real forms
printed by crmdesk (issued in the database), pen marks drawn on them (tests.scan_set.pen),
then scanned badly (tests.scan_set.degrade). Made from a seed, so a test's set is the same
every run without keeping images in the repository."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image
from sqlalchemy import text as sql_text

from crmdesk.documents.form_geometry import FormSpec, layout_of
from crmdesk.documents.survey_form import options_of
from crmdesk.services import surveys
from crmdesk.services.survey_questions import Question
from crmdesk.store.database import Database
from tests.scan_set.degrade import Scan, degrade, random_scan, save
from tests.scan_set.pen import KINDS, MM, Pen

SOURCE_DPI = 200  # the page as printed, before it is scanned
READ_KINDS = [k for k, v in KINDS.items() if v == "read"]


@dataclass
class Truth:
    """What is on the page, and what a reader may make of it."""

    code: str
    score: int | None  # the box meant (None: none)
    score_check: str = "no"  # "no": must be read; "must": must go to the check; "may"
    consents: dict[str, bool] = field(default_factory=dict)
    extra: list[Any] = field(default_factory=list)
    marks: str = ""  # what was drawn, for a failure's message
    scan: Scan = field(default_factory=Scan)


def scenario(rng: random.Random) -> tuple[str, str]:
    """(what the score row holds, its rule) drawn with the mix of a real stack."""
    roll = rng.random()
    if roll < 0.70:
        return rng.choice(READ_KINDS), "no"
    if roll < 0.76:
        return "empty", "no"
    if roll < 0.83:
        return "two", "must"
    if roll < 0.90:
        return "cancelled", "must"
    return rng.choice(("pencil", "outside")), "may"


def fill_page(page: Image.Image, spec: FormSpec, code: str, rng: random.Random,
              questions: tuple[Question, ...] = ()) -> Truth:  # fmt: skip
    """Marks drawn on `page` (rendered at SOURCE_DPI) and what they mean. `questions`: the
    survey's extra questions, for the answers' values."""
    geo = layout_of(spec)
    pen = Pen(page, geo.page[1], SOURCE_DPI, rng)
    kind, rule = scenario(rng)
    boxes = geo.score_boxes
    score: int | None = rng.randrange(11)
    drawn = kind
    if kind == "empty":
        score = None
    elif kind == "two":
        other = rng.choice([n for n in range(11) if n != score])
        pen.mark(rng.choice(("cross", "tick")), boxes[score])
        pen.mark(rng.choice(("cross", "tick")), boxes[other])
        drawn = f"two: {score} and {other}"
    elif kind == "cancelled":
        other = rng.choice([n for n in range(11) if n != score])
        pen.mark("filled", boxes[other])
        pen.mark(rng.choice(("cross", "tick")), boxes[score])
        drawn = f"{other} filled in, then {score} crossed"
    else:
        assert score is not None
        pen.mark(kind, boxes[score])
        drawn = f"{kind} in {score}"
    truth = Truth(code, score, rule, marks=drawn)
    for key, box in geo.consent_boxes.items():
        truth.consents[key] = rng.random() < 0.5
        if truth.consents[key]:
            pen.mark(rng.choice(("cross", "tick")), box)
    for q, row in zip(questions, geo.extra_boxes, strict=True):
        if q.kind == "text" or rng.random() < 0.2:
            truth.extra.append(None)
            continue
        pick = rng.randrange(len(row))
        pen.mark(rng.choice(("cross", "tick", "slash")), row[pick])
        truth.extra.append(pick + 1 if q.kind == "rating" else options_of(q.kind, q.choices)[pick])
    return truth


def make_set(db: Database, folder: Path, count: int, seed: int, paper: str = "A4",
             scan: Scan | None = None) -> list[tuple[Path, Truth]]:  # fmt: skip
    """`count` blank forms issued, filled in and scanned into PNG files in `folder`."""
    rng = random.Random(seed)
    survey = surveys.builtin_survey(db)
    run = surveys.print_forms(db, survey, folder / "printed.pdf", blank=count, paper=paper)
    made = []
    pdf = pdfium.PdfDocument(run.path)
    try:
        for n, form in enumerate(run.forms):
            info = surveys.look_up_form(db, form.code)
            assert info.layout is not None and info.paper is not None
            spec = FormSpec.from_json(info.layout, info.paper)
            page = pdf[n].render(scale=SOURCE_DPI / 72, grayscale=True).to_pil().convert("L")
            truth = fill_page(page, spec, form.code, rng, survey.definition.extra)
            truth.scan = scan or random_scan(rng)
            scanned = degrade(page, SOURCE_DPI, truth.scan, rng)
            out = save(scanned, truth.scan, folder / f"scan-{n + 1:03}")
            made.append((out, truth))
    finally:
        pdf.close()
    return made


def render(pdf_path: Path, index: int = 0) -> Image.Image:
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        return pdf[index].render(scale=SOURCE_DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


def filled_form(db: Database, folder: Path, marks: list[tuple[str, Any]], scan: Scan,
                client_id: str | None = None, version: int | None = None,
                seed: int = 0) -> tuple[Path, str]:  # fmt: skip
    """One form issued (for `client_id`, or blank), marked and scanned into a PNG.
    `marks`: (kind, where): where is a score 0–10, "contact", "quote", or (question, box)
    (both from 1); ("write", "reason" or "referral"): handwriting in the comment box or on
    the referral's lines. `version` 1: printed in the old layout, with no layout kept (as forms
    printed before layouts were kept)."""
    from crmdesk.documents.survey_form import FormCopy, write_forms

    rng = random.Random(seed)
    survey = surveys.builtin_survey(db)
    n = len(list(folder.glob("form-*.pdf"))) + 1
    pdf = folder / f"form-{n}.pdf"
    run = surveys.print_forms(db, survey, pdf, client_ids=[client_id] if client_id else [],
                              blank=0 if client_id else 1, paper="A4")  # fmt: skip
    form = run.forms[0]
    spec = FormSpec.from_json(str(surveys.look_up_form(db, form.code).layout), "A4")
    if version == 1:
        text = surveys.form_text(db, survey)
        write_forms(pdf, [FormCopy(form.code, form.client_name)], text, "A4", version=1)
        with db.write() as w:
            w.session.execute(sql_text("UPDATE survey_forms SET paper = NULL, layout = NULL"
                                       " WHERE code = :code"), {"code": form.code})  # fmt: skip
        spec = FormSpec(1, "A4", spec.extra, spec.contact, spec.quote, spec.referral)
    page = render(pdf)
    geo = layout_of(spec)
    pen = Pen(page, geo.page[1], SOURCE_DPI, rng)
    for kind, where in marks:
        if kind == "write":  # handwriting: in the reason box, or on the referral's lines
            if where == "reason":
                pen.write(geo.reason_box, words=5)
            else:
                for lx, ly, lw, _ in geo.referral_lines.values():
                    pen.write((lx, ly - 1.2 * MM, lw, 8 * MM), words=2, height_mm=3.0)
            continue
        if isinstance(where, int):
            box = geo.score_boxes[where]
        elif isinstance(where, tuple) and where[0] == "number":  # the number above a box
            x, y, w, h = geo.score_boxes[where[1]]
            box = (x, y + h + 1 * 72 / 25.4, w, 8 * 72 / 25.4)
        elif isinstance(where, str):
            box = geo.consent_boxes[where]
        else:
            box = geo.extra_boxes[where[0] - 1][where[1] - 1]
        pen.mark(kind, box)
    return save(degrade(page, SOURCE_DPI, scan, rng), scan, folder / f"form-{n}"), form.code
