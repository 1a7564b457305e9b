"""B8: 1,000 letters into one PDF, against bare ReportLab laying out the same paragraphs."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from crmdesk.documents import fonts, markup
from crmdesk.services import letters, shop
from crmdesk.store.database import Database
from tests.benchmarks.harness import Row, median, ratio_row

SHOP = shop.ShopProfile(
    name="Webber & Daughters", address="12 Market Street\nHarrogate HG1 2RS",
    phone="01423 555 012", email="hello@webber.example", signature_name="Anna Webber",
    signature_title="Owner",
)  # fmt: skip


def _paragraphs(batch: letters.LetterBatch) -> list[list[tuple[str, str]]]:
    """Each letter as (style, paragraph markup) pairs: what bare ReportLab gets."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    style = ParagraphStyle("x", fontName=fonts.register())
    out = []
    for _, letter in batch.letters:
        paras = [("address", "<br/>".join(letter.recipient)), ("date", letter.date)]
        for f in markup.to_flowables(letter.body, style, style):
            if isinstance(f, Paragraph):  # (list items: their bullet is a character too)
                paras.append(("body", (f.bulletText + " " if f.bulletText else "") + f.text))
        out.append(paras)
    return out


def _bare_reportlab(out: Path, letters_: list[list[tuple[str, str]]], paper: Any) -> None:
    """The least ReportLab work for the same letters: the address and date as plain lines
    (as crmdesk draws them), the letter text as paragraphs, a page per letter."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    class Lines(Flowable):  # type: ignore[misc]
        def __init__(self, lines: list[str], right: bool) -> None:
            super().__init__()
            self.lines, self.right = lines, right

        def wrap(self, width: float, _height: float) -> tuple[float, float]:
            self.width, self.height = width, 13.5 * len(self.lines)
            return self.width, self.height

        def draw(self) -> None:
            self.canv.setFont(font, 10.5)
            for n, line in enumerate(self.lines):
                y = self.height - 10.5 - 13.5 * n
                if self.right:
                    self.canv.drawRightString(self.width, y, line)
                else:
                    self.canv.drawString(0, y, line)

    font = fonts.register()
    styles = {
        "body": ParagraphStyle("b", fontName=font, fontSize=10.5, leading=14.5, spaceAfter=8),
    }
    story: list[Any] = []
    for n, paras in enumerate(letters_):
        if n:
            story.append(PageBreak())
        for kind, text in paras:
            if kind == "address":
                story += [Lines(text.split("<br/>"), False), Spacer(1, 40 * mm)]
            elif kind == "date":
                story += [Lines([text], True), Spacer(1, 18)]
            else:
                story.append(Paragraph(text, styles[kind]))
    SimpleDocTemplate(str(out), pagesize=paper, leftMargin=25 * mm, rightMargin=20 * mm).build(
        story
    )


def b8(small: Path, repeat: int) -> list[Row]:
    from reportlab.lib.pagesizes import A4

    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b8-"))
    ours, base = [], []
    try:
        for _ in range(repeat):
            copy = Path(shutil.copy(small, folder / "b8.crmdesk"))
            with Database.open(copy) as db:
                shop.save_shop(db, SHOP)
                ids = [r[0] for r in db.query(
                    "SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY sort_name LIMIT 1000")]  # fmt: skip
                template = letters.find_template(db, "Referral request")
                start = time.perf_counter()
                batch = letters.prepare(db, template, ids)
                run = letters.produce(db, batch, folder / "ours.pdf", include_without_address=True)
                ours.append((time.perf_counter() - start) * 1000)
                assert run.letters == len(ids) == 1000, run.letters
            paras = _paragraphs(batch)
            start = time.perf_counter()
            _bare_reportlab(folder / "bare.pdf", paras, A4)
            base.append((time.perf_counter() - start) * 1000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ratio_row(
            "B8", "1,000 letters into one PDF (history included)", median(ours), median(base),
            1.3, note="baseline: bare ReportLab, the same paragraphs and fonts",
        )
    ]  # fmt: skip
