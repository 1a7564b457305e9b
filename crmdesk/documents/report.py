"""The period report as a PDF: the headline figures, then one chart per question — who brings
the revenue (Pareto), who comes back (retention per period), how clients move through the
stages (funnel), and what they say (NPS trend)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from crmdesk.documents import fonts, scripts
from crmdesk.services import complaints, nps, reports
from crmdesk.services.reports import Report, percent, period_name
from crmdesk.services.retention import STAGES
from crmdesk.wording import count

INK = "#1f2933"
ACCENT = "#2f6f9f"
MUTED = "#8a96a3"
GOOD, BAD = "#2e7d32", "#c62828"


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    font = fonts.register()
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=18, leading=22),
        "sub": ParagraphStyle("sub", parent=base, textColor=MUTED, spaceAfter=8),
        "shop": ParagraphStyle("shop", parent=base, fontName=fonts.BOLD, fontSize=11, leading=14),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=12,
            spaceAfter=4,
            textColor=ACCENT,
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "amount": ParagraphStyle("amount", parent=base, fontSize=9, leading=11.5, alignment=2),
    }


def _cell(text: str, style: Any) -> Any:
    """A name in a table cell: as it is when the Latin font sets it, else a paragraph that
    picks a font per script (and shapes and orders right-to-left text)."""
    return text if scripts.is_simple(text) else scripts.paragraph(escape(text), style)


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Any:
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#d9dee3"),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), fonts.BOLD, 9),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ]
    table.setStyle(TableStyle(style))
    return table


def _label_axes(chart: Any) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = fonts.REGULAR
        axis.labels.fontSize = 8
        axis.labels.fillColor = _color(INK)
        axis.strokeColor = _color(MUTED)


def _color(hex_: str) -> Any:
    from reportlab.lib.colors import HexColor

    return HexColor(hex_)


def _pareto_chart(report: Report, width: float) -> Any:
    """Cumulative share of revenue by share of clients, best first; the top 20% marked."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, Line, String

    drawing = Drawing(width, 180)
    curve = report.pareto.curve
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 35, width - 60, 130
    n = len(curve)
    step = max(1, n // 200)  # at most ~200 points, whatever the number of clients
    points = [(0.0, 0.0)] + [((i + 1) / n * 100, curve[i] * 100) for i in range(0, n, step)]
    if n and points[-1][0] != 100:
        points.append((100.0, curve[-1] * 100))
    plot.data = [points if n else [(0.0, 0.0), (100.0, 0.0)]]
    plot.lines[0].strokeColor = _color(ACCENT)
    plot.lines[0].strokeWidth = 1.8
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.valueMin, axis.valueMax, axis.valueStep = 0, 100, 20
        axis.labels.fontName = fonts.REGULAR
        axis.labels.fontSize = 8
        axis.labelTextFormat = "%d%%"
        axis.strokeColor = _color(MUTED)
    drawing.add(plot)
    x20 = plot.x + plot.width * reports.TOP_SHARE
    drawing.add(Line(x20, plot.y, x20, plot.y + plot.height, strokeColor=_color(BAD),
                     strokeDashArray=[3, 2], strokeWidth=0.8))  # fmt: skip
    share = report.pareto.top_share
    drawing.add(String(x20 + 4, plot.y + plot.height - 10,
                       f"top 20%: {percent(share)} of revenue", fontName=fonts.BOLD,
                       fontSize=8, fillColor=_color(BAD)))  # fmt: skip
    # the caption sits a line below the axis's numbers (which hang ~15 pt under the axis)
    drawing.add(String(plot.x + plot.width / 2, 4, "share of clients, best first",
                       fontName=fonts.REGULAR, fontSize=7.5, fillColor=_color(MUTED),
                       textAnchor="middle"))  # fmt: skip
    return drawing


def _bar_chart(
    labels: list[str],
    values: list[float],
    width: float,
    fmt: str | Callable[[float], str],
    lo: float,
    hi: float,
) -> Any:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing

    drawing = Drawing(width, 160)
    chart = VerticalBarChart()  # room below for three lines under each bar
    chart.x, chart.y, chart.width, chart.height = 40, 40, width - 60, 105
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = lo, hi
    chart.valueAxis.labelTextFormat = fmt
    chart.bars[0].fillColor = _color(ACCENT)
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = fmt
    chart.barLabels.fontName = fonts.REGULAR
    chart.barLabels.fontSize = 7.5
    chart.barLabels.nudge = 6
    _label_axes(chart)
    drawing.add(chart)
    if lo < 0:  # the periods' names stay under the chart, clear of bars below zero
        from reportlab.graphics.shapes import Line

        chart.categoryAxis.joinAxisMode = "bottom"
        zero = chart.y + chart.height * -lo / (hi - lo)
        drawing.add(Line(chart.x, zero, chart.x + chart.width, zero,
                         strokeColor=_color(MUTED), strokeWidth=0.6))  # fmt: skip
    return drawing


def _funnel_chart(report: Report, width: float) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing

    drawing = Drawing(width, 130)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 10, width - 110, 110
    counts = [report.funnel.at_end.get(s, 0) for s in reversed(STAGES)]
    chart.data = [counts]
    chart.categoryAxis.categoryNames = list(reversed(STAGES))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*counts, 1]) * 1.15
    chart.bars[0].fillColor = _color(ACCENT)
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = fonts.REGULAR
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 10
    _label_axes(chart)
    chart.valueAxis.visible = False
    drawing.add(chart)
    return drawing


def write_report(
    out: Path | IO[bytes], report: Report, shop_name: str = "", paper: str = "A4"
) -> int:
    """Lay out the report; return the number of pages."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate

    st = _styles()
    size = LETTER if paper.lower() == "letter" else A4
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, Path) else out, pagesize=size, leftMargin=18 * mm,
        rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=f"Report {report.period.label}", author=shop_name or "crmdesk", creator="crmdesk",
    )  # fmt: skip
    width = doc.width
    p = report
    title = f"Report {p.period.name(p.as_of)}"
    story: list[Any] = []
    if shop_name:  # on its own line: the title never wraps, however long the shop's name
        story.append(scripts.paragraph(escape(shop_name), st["shop"]))
    story += [
        Paragraph(escape(title), st["title"]),
        Paragraph(p.period.describe(p.as_of), st["sub"]),
    ]
    retained = p.retention[-1]
    nps_now = p.nps_period

    def money(minor: int) -> Any:  # (in the shop's currency: "￥", "ج.م." need their fonts)
        return _cell(p.money(minor), st["amount"])

    figures = [
        ["Revenue", money(p.revenue_cents), "Clients who bought", f"{p.pareto.clients:,}"],
        ["Purchases", f"{p.purchases:,}", "New clients", f"{p.new_clients:,}"],
        ["Average purchase", money(p.average_cents), "…referred", f"{p.referred_clients:,}"],
        ["Retention rate", percent(retained.rate), "Repeat-purchase rate", percent(p.repeat.rate)],
        ["NPS", f"{nps.shown(nps_now.nps)} ({count(nps_now.answers, 'answer')})",
         "Complaints opened", f"{p.complaints_opened:,}"],
        ["Moved up a stage", f"{p.funnel.moved_up():,}", "Complaints resolved",
         _resolved(p)],
    ]  # fmt: skip
    headline = _table(figures, [width * 0.22, width * 0.26, width * 0.3, width * 0.22], False)
    headline.setStyle([("ALIGN", (2, 0), (2, -1), "LEFT"), ("LEFTPADDING", (2, 0), (2, -1), 24)])
    story.append(headline)

    story.append(Paragraph("Who brings the revenue", st["h2"]))
    top = p.pareto
    top_money, all_money = (
        escape(p.money(top.top_revenue_cents)),
        escape(p.money(top.revenue_cents)),
    )
    story.append(scripts.paragraph(
        f"The top 20% of clients ({top.top_clients:,} of {top.clients:,}) brought "
        f"<b>{percent(top.top_share)}</b> of the revenue ({top_money} of {all_money}). "
        "Look after them first.", st["body"]))  # fmt: skip
    story.append(_pareto_chart(p, width))
    if top.leaders:
        rows = [["Best clients in the period", "Spent"]] + [
            [_cell(name, st["cell"]), money(cents)] for _cid, name, cents in top.leaders
        ]
        story.append(_table(rows, [width * 0.6, width * 0.2]))

    story.append(CondPageBreak(60 * mm))
    story.append(Paragraph("Who comes back", st["h2"]))
    story.append(Paragraph(
        "Retention rate: of the clients who bought in the period before, the share who bought "
        f"again. Repeat-purchase rate this period: <b>{percent(p.repeat.rate)}</b> "
        f"({p.repeat.count:,} of {p.repeat.of:,} buyers have bought more than once).",
        st["body"]))  # fmt: skip
    story.append(_bar_chart(
        [f"{_chart_name(r.label, p)}\n({r.count}/{r.of})" for r in p.retention],
        [round((r.rate or 0) * 100) for r in p.retention], width, "%d%%", 0, 100))  # fmt: skip

    funnel_block = [
        Paragraph("How clients move through the stages", st["h2"]),
        Paragraph("Clients at each loyalty stage at the end of the period.", st["body"]),
        _funnel_chart(p, width),
    ]
    if p.funnel.moves or any(p.funnel.new.values()):
        rows = [["Moved during the period", "Clients"]]
        order = sorted(p.funnel.moves, key=lambda m: (STAGES.index(m[0]), STAGES.index(m[1])))
        rows += [[f"{a} → {b}", f"{p.funnel.moves[(a, b)]:,}"] for a, b in order]
        rows += [[f"new → {s}", f"{n:,}"] for s, n in p.funnel.new.items() if n]
        funnel_block.append(_table(rows, [width * 0.6, width * 0.2]))
    story.append(KeepTogether(funnel_block))

    trend = p.nps_trend
    nps_block = [Paragraph("What clients say (NPS)", st["h2"])]
    if trend:
        nps_block.append(_bar_chart(
            [f"{_chart_name(t.period, p)}\n({t.answers}{'*' if t.few else ''})" for t in trend],
            [float(t.nps or 0) for t in trend], width, _score, -100, 100))  # fmt: skip
        nps_block.append(Paragraph(
            "Net Promoter Score: % promoters (9–10) minus % detractors (0–6); answers in "
            f"brackets. * fewer than {nps.MIN_ANSWERS} answers: read the score with care.",
            st["note"]))  # fmt: skip
    else:
        nps_block.append(Paragraph("No survey answers yet.", st["body"]))
    story.append(KeepTogether(nps_block))

    def footer(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.setFillColor(_color(MUTED))
        canvas.drawString(doc.leftMargin, 9 * mm, f"crmdesk · report {p.period.name(p.as_of)}")
        canvas.drawRightString(doc.leftMargin + width, 9 * mm, f"Page {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return int(doc.page)


def _resolved(p: Report) -> str:
    times = p.complaints_resolved
    if not times.resolved or times.median_hours is None:
        return "0"
    took = complaints.describe_age(timedelta(hours=times.median_hours))  # 200 h: "8 days"
    return f"{times.resolved} (median {took})"


def _score(value: float) -> str:
    """An NPS axis or bar label: +50, 0, −50 (a minus sign, and no sign on zero)."""
    return nps.shown(round(value))


def _chart_name(label: str, p: Report) -> str:
    """A period under its bar: "Jan 2026", and "so far" on a line of its own while it runs."""
    return period_name(label, p.as_of, so_far="\nso far")
