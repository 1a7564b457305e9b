"""B9: personalised survey forms for 1,000 clients, against bare ReportLab drawing the same.
B10: NPS by month over 50,000 answers, against one raw SQL aggregate."""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from crmdesk.model.ids import new_id
from crmdesk.services import nps, shop, surveys
from crmdesk.store.database import Database
from tests.benchmarks.bench_letters import SHOP
from tests.benchmarks.harness import Row, interleaved, median, ratio_row


def _bare_forms(out: Path, names_codes: list[tuple[str, str]], text: Any) -> None:
    """The same pages with plain ReportLab calls: the unchanging part drawn once as a form
    (as crmdesk does), then each page's name, code and QR code."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from crmdesk.documents import fonts

    font = fonts.register()
    w, h = A4
    c = Canvas(str(out), pagesize=A4)
    c.beginForm("fixed")
    for x, y in ((8, 284), (197, 284), (8, 8), (197, 8)):
        c.rect(x * mm, y * mm, 5 * mm, 5 * mm, stroke=0, fill=1)
    c.setFont(fonts.BOLD, 15)
    c.drawString(19 * mm, h - 25 * mm, text.shop_name)
    c.setFont(font, 11)
    c.drawString(19 * mm, h - 31 * mm, text.title)
    c.setFont(fonts.BOLD, 12)
    c.drawString(19 * mm, h - 65 * mm, text.nps_question)
    for n in range(11):
        x = 18 * mm + n * 16 * mm
        c.rect(x, h - 89 * mm, 14 * mm, 12 * mm)
        c.drawCentredString(x + 7 * mm, h - 74.5 * mm, str(n))
    c.setFont(font, 8.5)
    c.drawString(18 * mm, h - 94 * mm, "← " + text.low_label)
    c.drawRightString(192 * mm, h - 94 * mm, text.high_label + " →")
    c.setFont(fonts.BOLD, 11)
    c.drawString(19 * mm, h - 105 * mm, text.reason_question)
    c.rect(19 * mm, h - 141 * mm, 172 * mm, 32 * mm)
    for kind, question, options in text.extra:
        c.setFont(fonts.BOLD, 10.5)
        c.drawString(19 * mm, h - 151 * mm, question)
        c.setFont(font, 10)
        for n, label in enumerate(options):
            c.rect(19 * mm + n * 22 * mm, h - 161 * mm, 6 * mm, 6 * mm)
            c.drawString(27 * mm + n * 22 * mm, h - 159.5 * mm, label)
        del kind
    c.setFont(font, 10)
    for n, label in enumerate(("You may contact me about my answer.",
                               "You may quote what I wrote (first name only).")):  # fmt: skip
        c.rect(19 * mm, h - (175 + 10 * n) * mm, 6 * mm, 6 * mm)
        c.drawString(28 * mm, h - (173.5 + 10 * n) * mm, label)
    c.setFont(fonts.BOLD, 10.5)
    c.drawString(19 * mm, h - 196 * mm, "Who else would enjoy us?")
    c.setFont(font, 10)
    c.drawString(19 * mm, h - 202 * mm, "Name")
    c.line(39 * mm, h - 203 * mm, 119 * mm, h - 203 * mm)
    c.drawString(125 * mm, h - 202 * mm, "Phone")
    c.line(139 * mm, h - 203 * mm, 191 * mm, h - 203 * mm)
    c.setFont(font, 9)
    c.drawCentredString(w / 2, 17 * mm, text.footer)
    c.endForm()
    size = 26 * mm
    for name, code in names_codes:
        c.doForm("fixed")
        widget = QrCodeWidget(code, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        d.add(widget)
        renderPDF.draw(d, c, w - 45 * mm, h - 43 * mm)
        c.setFont(fonts.BOLD, 11)
        c.drawCentredString(w - 32 * mm, h - 48 * mm, code)
        c.setFont(font, 11)
        c.drawString(19 * mm, h - 41 * mm, "For")
        c.setFont(fonts.BOLD, 13)
        c.drawString(28 * mm, h - 41 * mm, name)
        c.showPage()
    c.save()


def b9(small: Path, repeat: int) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b9-"))
    ours, base = [], []
    try:
        for _ in range(repeat):
            copy = Path(shutil.copy(small, folder / "b9.crmdesk"))
            with Database.open(copy) as db:
                shop.save_shop(db, SHOP)
                live = "SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY sort_name"
                ids = [r[0] for r in db.query(live + " LIMIT 1000")]
                survey = surveys.builtin_survey(db)
                start = time.perf_counter()
                run = surveys.print_forms(
                    db, survey, folder / "ours.pdf", client_ids=ids, paper="A4"
                )
                ours.append((time.perf_counter() - start) * 1000)
                assert len(run.forms) == 1000
                text = surveys.form_text(db, survey)
            pairs = [(f.client_name, f.code) for f in run.forms]
            start = time.perf_counter()
            _bare_forms(folder / "bare.pdf", pairs, text)
            base.append((time.perf_counter() - start) * 1000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ratio_row(
            "B9", "survey forms for 1,000 clients (recording included)", median(ours),
            median(base), 1.3, note="baseline: bare ReportLab drawing the same pages",
        )
    ]  # fmt: skip


_RAW_NPS = """
SELECT strftime('%Y-%m', answered_at), sum(score >= 9), sum(score BETWEEN 7 AND 8),
       sum(score <= 6)
FROM survey_answers WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 1
"""


def b10(small: Path, repeat: int) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b10-"))
    try:
        copy = Path(shutil.copy(small, folder / "b10.crmdesk"))
        with Database.open(copy) as db:
            survey_id = surveys.builtin_survey(db).id
            clients = [r[0] for r in db.query("SELECT id FROM clients")]
        rng = random.Random(10)
        start_day = datetime(2022, 1, 1)
        rows = [(new_id(), "", "", start_day, survey_id, rng.choice(clients),
                 start_day + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60)),
                 rng.choices(range(11), weights=[2, 1, 1, 1, 2, 3, 4, 8, 12, 14, 12])[0])
                for _ in range(50_000)]  # fmt: skip
        conn = sqlite3.connect(copy)
        with conn:
            conn.execute("DELETE FROM survey_answers")  # exactly 50,000 (the demo has some)
            conn.executemany(
                "INSERT INTO survey_answers (id, hlc, site_id, created_at, survey_id, client_id,"
                " answered_at, score, channel, reason, extra, consent_contact, consent_quote,"
                " referral_name, referral_phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'form', '', '{}',"
                " 0, 0, '', '')",
                rows,
            )
        with Database.open(copy) as db:
            expected = [tuple(r) for r in conn.execute(_RAW_NPS)]
            got = [(p.period, p.promoters, p.passives, p.detractors)
                   for p in nps.by_period(db, "month")]  # fmt: skip
            assert got == expected and sum(p[1] + p[2] + p[3] for p in got) == 50_000
            a, b = interleaved(
                lambda: nps.by_period(db, "month"),
                lambda: conn.execute(_RAW_NPS).fetchall(),
                repeat,
            )
        conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ratio_row(
            "B10", "NPS by month over 50,000 answers", median(a), median(b), 2.0,
            note="baseline: one raw SQL aggregate",
        )
    ]  # fmt: skip
