"""B8: 1,000 letters into one PDF, against bare ReportLab laying out the same paragraphs."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from crmdesk.documents import fonts, markup
from crmdesk.services import letters, shop
from crmdesk.store import search_index
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


def _forget() -> None:
    from crmdesk.documents import scripts
    from crmdesk.services import templating

    markup._chunk.cache_clear()
    scripts._parsed.cache_clear()
    templating._check.cache_clear()
    templating.compiled.cache_clear()


def _raw_log(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    """The same history rows with plain INSERTs (the search-index triggers still run)."""
    with conn:
        conn.executemany(
            "INSERT INTO history (id, hlc, site_id, created_at, deleted_at, client_id, kind,"
            " direction, occurred_at, subject, body, outcome, follow_up_on)"
            " VALUES (?, '', '', ?, NULL, ?, 'letter', 'out', ?, ?, ?, 'Printed', NULL)",
            rows,
        )


def _warm_up(small: Path, folder: Path) -> None:
    """Twenty letters each way, unmeasured: the modules and fonts both sides load once
    (`--only B8` paid them in its first run; the whole `make bench` had already)."""
    from reportlab.lib.pagesizes import A4

    from crmdesk.documents.letters import write_letters

    copy = Path(shutil.copy(small, folder / "warm.crmdesk"))
    with Database.open(copy) as db:
        shop.save_shop(db, SHOP)
        ids = [r[0] for r in db.query("SELECT id FROM clients WHERE deleted_at IS NULL LIMIT 20")]
        batch = letters.prepare(db, letters.find_template(db, "Referral request"), ids)
        write_letters(folder / "warm.pdf", [x for _, x in batch.letters],
                      letters.letterhead(batch.shop))  # fmt: skip
    _bare_reportlab(folder / "warm-bare.pdf", _paragraphs(batch), A4)


def b8(small: Path, repeat: int) -> list[Row]:
    """B8: the letters into one PDF (templates filled in, laid out, written). B8h: logging
    them in the clients' history, against plain INSERTs of the same rows."""
    from reportlab.lib.pagesizes import A4

    from crmdesk.documents.letters import write_letters
    from crmdesk.model.ids import new_id

    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b8-"))
    ours, base, log_ours, log_base = [], [], [], []
    try:
        _warm_up(small, folder)
        for _ in range(repeat):
            copy = Path(shutil.copy(small, folder / "b8.crmdesk"))
            with Database.open(copy) as db:
                shop.save_shop(db, SHOP)
                live = "SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY sort_name"
                ids = [r[0] for r in db.query(live + " LIMIT 1000")]
                template = letters.find_template(db, "Referral request")
                _forget()  # every run starts cold: nothing parsed in an earlier run is reused
                start = time.perf_counter()
                batch = letters.prepare(db, template, ids)
                pages = write_letters(folder / "ours.pdf", [x for _, x in batch.letters],
                                      letters.letterhead(batch.shop))  # fmt: skip
                ours.append((time.perf_counter() - start) * 1000)
                assert len(batch.letters) == pages == 1000, pages
                start = time.perf_counter()
                letters.log_letters(db, template.name, batch.letters)
                log_ours.append((time.perf_counter() - start) * 1000)
            paras = _paragraphs(batch)
            start = time.perf_counter()
            _bare_reportlab(folder / "bare.pdf", paras, A4)
            base.append((time.perf_counter() - start) * 1000)
            from crmdesk.documents.markup import to_plain

            now = datetime.now().isoformat(sep=" ")
            rows = [(new_id(), now, cid, now, template.name, to_plain(x.body))
                    for cid, x in batch.letters]  # fmt: skip
            conn = sqlite3.connect(shutil.copy(small, folder / "raw.crmdesk"))
            search_index.register(conn)  # the search index's triggers fold the text
            start = time.perf_counter()
            _raw_log(conn, rows)
            log_base.append((time.perf_counter() - start) * 1000)
            conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ratio_row(
            "B8", "1,000 letters into one PDF", median(ours), median(base), 1.3,
            note="baseline: bare ReportLab, the same paragraphs and fonts",
        ),
        ratio_row(
            "B8h", "…and logging the 1,000 letters in history", median(log_ours),
            median(log_base), 3.0, note="baseline: plain INSERTs of the same rows",
        ),
    ]  # fmt: skip
