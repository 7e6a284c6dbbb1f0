"""The report for the mayors' conference as an A4 PDF, laid out with ReportLab.

The same content as the report page (coop/savings/report.py gives every line). ReportLab lays
out the 224 initiatives of Eifelkreis Bitburg-Prüm in a fraction of a second, where the HTML
engine took seven. Every text is escaped: a title such as "<b>" or "=1+1" is printed as such.
"""

from __future__ import annotations

import io
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

from ..i18n import fmt_date
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


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5, textColor=INK)
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


def build(district_name: str | None, data: DistrictData, today: date, lang: str) -> bytes:
    """The report as PDF bytes."""
    st = _styles()

    def p(text: str, style: str = "cell") -> Paragraph:
        return Paragraph(escape(str(text)), st[style])

    title = _("Report for the mayors' conference")
    meta = [district_name] if district_name else []
    meta += [
        _("As of %(date)s", date=fmt_date(today)),
        ngettext("%(num)d initiative", "%(num)d initiatives", len(data.sections)),
    ]
    story: list = [p(title, "title"), p(" · ".join(meta), "meta")]
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
        author="coop",
        lang=lang,
    )
    doc.build(story, canvasmaker=_numbered(_("Page")))
    return out.getvalue()
