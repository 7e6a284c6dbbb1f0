"""The report for the mayors' conference as an A4 PDF, laid out with ReportLab.

The same content as the report page (coop/savings/report.py gives every line). ReportLab lays
out the 224 initiatives of Eifelkreis Bitburg-Prüm in a fraction of a second, where the HTML
engine took seven. Every text is escaped: a title such as "<b>" or "=1+1" is printed as such.
"""

from __future__ import annotations

import io
import logging
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..i18n import fmt_date, fmt_money
from ..initiatives.matrix import summary_line
from .data import DistrictData

# DejaVu Sans (Debian: fonts-dejavu-core) covers German and every name in the GV100AD.
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
GREY = colors.HexColor("#999999")
INK = colors.HexColor("#111111")


@cache
def _fonts() -> tuple[str, str]:
    for folder in map(Path, FONT_DIRS):
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("CoopSans", str(regular)))
            pdfmetrics.registerFont(TTFont("CoopSans-Bold", str(bold)))
            pdfmetrics.registerFontFamily("CoopSans", normal="CoopSans", bold="CoopSans-Bold")
            return "CoopSans", "CoopSans-Bold"
    raise RuntimeError("DejaVu Sans is missing (Debian package fonts-dejavu-core)")


def _styles(lang: str = "de") -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    # long words are hyphenated by the language's rules (pyphen), never cut without a hyphen
    # ("Wirtschaft lichkeitsbetrachtung")
    base = ParagraphStyle(
        "cell",
        fontName=regular,
        fontSize=8.5,
        leading=10.5,
        textColor=INK,
        hyphenationLang="de_DE" if lang == "de" else "en_GB",
        embeddedHyphenation=1,
    )
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=16, leading=20),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, leading=12, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=bold, fontSize=12.5, leading=16, spaceBefore=10
        ),
        "cell": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "head": ParagraphStyle("head", parent=base, fontName=bold),
        "text": ParagraphStyle("text", parent=base, fontSize=10, leading=13),
    }


def _numbered(label: str):
    """A canvas that writes "page / pages" at the foot of every page."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(_fonts()[0], 8.5)
                self.setFillColor(INK)
                self.drawRightString(
                    A4[0] - 16 * mm, 10 * mm, f"{label} {self._pageNumber} / {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


CHART_BARS = 25  # initiatives in the PDF's chart; the table lists all


def _decisions_chart(data: DistrictData, width: float, font: str):
    """Councils decided and open per initiative, as stacked horizontal bars (ReportLab's own
    drawing, so the PDF needs no browser), with a legend; long titles shortened."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing

    from ..savings.charts import short

    sections = sorted(
        data.sections,
        key=lambda s: (-(s.summary.total - s.summary.decided), s.initiative.title.lower()),
    )[:CHART_BARS]
    sections.reverse()  # the most open at the top
    height = 14 * len(sections) + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 10
    chart.width, chart.height = width - 170, height - 40
    chart.data = [
        [s.summary.decided for s in sections],
        [s.summary.total - s.summary.decided for s in sections],
    ]
    chart.categoryAxis.categoryNames = [short(s.initiative.title, 34) for s in sections]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.categoryAxis.style = "stacked"
    chart.bars[0].fillColor = colors.HexColor("#2e7d32")
    chart.bars[1].fillColor = colors.HexColor("#b71c1c")
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 150, height - 8
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [
        (colors.HexColor("#2e7d32"), _("Decided")),
        (colors.HexColor("#b71c1c"), _("Open")),
    ]
    drawing.add(legend)
    return drawing


log = logging.getLogger("coop.reports")
LOGO_HEIGHT = 14 * mm
LOGO_MAX_WIDTH = 60 * mm


def _logo(path: str | None) -> list:
    """The operator's logo, right-aligned above the title, 14 mm high (at most 60 mm wide); none
    if it is not set or cannot be read (the report is not held up by a missing file)."""
    if not path:
        return []
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    try:
        width, height = ImageReader(path).getSize()
    except Exception:  # a missing or broken file: reportlab raises several kinds
        log.warning("OPERATOR_LOGO %r cannot be read; the report goes without it", path)
        return []
    w = min(LOGO_MAX_WIDTH, LOGO_HEIGHT * width / height)
    image = Image(path, width=w, height=w * height / width)
    image.hAlign = "RIGHT"
    return [image]


def build(district_name: str | None, data: DistrictData, today: date, lang: str) -> bytes:
    """The report as PDF bytes: the operator, the state of every initiative with the savings
    in total, a chart of the councils' decisions, the next dates."""
    from flask import current_app

    st = _styles(lang)
    operator = current_app.config.get("OPERATOR_NAME") or ""

    def p(text: str, style: str = "cell") -> Paragraph:
        # a number and its unit stay on one line ("15,98 %")
        return Paragraph(escape(str(text)).replace(" %", "\xa0%"), st[style])

    title = _("Report for the mayors' conference")
    meta = [district_name] if district_name else []
    meta += [
        _("As of %(date)s", date=fmt_date(today)),
        ngettext("%(num)d initiative", "%(num)d initiatives", len(data.sections)),
    ]
    if operator:
        meta.insert(0, operator)
    story: list = [*_logo(current_app.config.get("OPERATOR_LOGO")), p(title, "title")]
    story.append(p(" · ".join(meta), "meta"))
    width = A4[0] - 32 * mm
    if not data.sections:
        story.append(p(_("No initiatives."), "text"))
    else:
        story.append(p(_("State of the initiatives"), "h2"))
        rows = [
            [
                p(_("Initiative"), "head"),
                p(_("Decisions"), "head"),
                p(_("Funding"), "head"),
                p(_("Savings"), "head"),
            ]
        ]
        for s in data.sections:
            name = Paragraph(
                f"<b>{escape(s.initiative.title)}</b><br/>"
                f'<font size="7.5">{escape(s.lead_line())}</font>',
                st["cell"],
            )
            rows.append(
                [name, p(summary_line(s.summary)), p(s.funding_line()), p(s.savings_line())]
            )
        story.append(_table(rows, [width * f for f in (0.3, 0.25, 0.25, 0.2)]))
        estimated = data.estimated
        if estimated:
            total = data.savings_total  # the sum of the rows as shown
            story.append(Spacer(1, 2 * mm))
            story.append(
                p(
                    ngettext(
                        "Savings of the %(num)d initiative with an estimate, in total: %(total)s.",
                        "Savings of the %(num)d initiatives with an estimate, in total: %(total)s.",
                        len(estimated),
                        total=fmt_money(total),
                    ),
                    "text",
                )
            )
        story.append(p(_("Council decisions per initiative"), "h2"))
        story.append(_decisions_chart(data, width, _fonts()[0]))
        if len(data.sections) > CHART_BARS:
            story.append(
                p(
                    _(
                        "The chart shows the %(n)d initiatives with the most open decisions; "
                        "the table lists all.",
                        n=CHART_BARS,
                    ),
                    "text",
                )
            )
        story.append(p(_("Next dates"), "h2"))
        upcoming, total = data.upcoming()
        if total > len(upcoming):
            story.append(
                p(_("The %(shown)d earliest of %(total)d dates.", shown=len(upcoming), total=total))
            )
        if upcoming:
            rows = [[p(_("Date"), "head"), p(_("Initiative"), "head"), p(_("What"), "head")]]
            rows += [[p(fmt_date(d)), p(name), p(what)] for d, name, what in upcoming]
            story.append(_table(rows, [width * f for f in (0.14, 0.43, 0.43)]))
        else:
            story.append(p(_("No dates ahead."), "text"))
    story.append(Spacer(1, 4 * mm))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"{title} – {district_name}" if district_name else title,
        author=operator or "coop",
        lang=lang,
    )
    doc.build(story, canvasmaker=_numbered(_("Page")))
    return out.getvalue()
