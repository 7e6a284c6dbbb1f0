"""The matrix of a district: initiatives by partners, each cell the partner's role or decision
status. Built in a fixed number of queries whatever the size; exported as CSV or XLSX."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, select

from ..core.decisions import Decision, DecisionSummary
from ..exports import csv_bytes, xlsx_row
from ..extensions import db
from ..i18n import fmt_date
from ..labels import (
    DECISION_STATUS_LABELS,
    DECISION_STATUS_SYMBOLS,
    PARTICIPANT_ROLE_LABELS,
    PHASE_LABELS,
    SERVICE_AREA_LABELS,
)
from ..models import Body, BodyKind, Initiative, Participant, ParticipantRole
from ..pagination import Page, paginate
from .services import decision_summaries, initiative_query


@dataclass
class Cell:
    role: ParticipantRole
    decision: Decision | None  # None for prospective or withdrawn participants


@dataclass
class Row:
    initiative: Initiative
    summary: DecisionSummary
    cells: list[Cell | None]  # one per column; None: not a participant


@dataclass
class Matrix:
    columns: list[Body]
    rows: list[Row]
    page: Page | None = None  # when paged: the initiatives shown and how many there are


def build(
    district_id: int,
    service_area=None,
    phase=None,
    today: date | None = None,
    *,
    partner_id: int | None = None,
    page: int | None = None,
    per_page: int = 20,
) -> Matrix:
    """The matrix of the initiatives in which a body of the district takes part (optionally
    only those of one partner); paged when `page` is given, and then only the partners of the
    initiatives shown are columns. A fixed number of queries whatever the size."""
    stmt = initiative_query(
        district_id=district_id, service_area=service_area, phase=phase, body_id=partner_id
    )
    shown = None
    if page is not None:
        shown = paginate(stmt, page=page, per_page=per_page)
        initiatives = shown.items
    else:
        initiatives = db.session.scalars(stmt).unique().all()
    summaries = decision_summaries(list(initiatives), today)
    bodies: dict[int, Body] = {}
    for ini in initiatives:
        for p in ini.participants:
            bodies[p.body_id] = p.body
    columns = sorted(
        bodies.values(),
        key=lambda b: (
            b.id != district_id,
            b.district_id != district_id,
            b.kind == BodyKind.ASSOCIATION,
            b.name.lower(),
        ),
    )
    index = {b.id: i for i, b in enumerate(columns)}
    rows = []
    for ini in initiatives:
        cells: list[Cell | None] = [None] * len(columns)
        decisions = {p.body_id: p.decision for p in summaries[ini.id].partners}
        for p in ini.participants:
            cells[index[p.body_id]] = Cell(p.role, decisions.get(p.body_id))
        rows.append(Row(ini, summaries[ini.id], cells))
    return Matrix(columns, rows, shown)


def partners_of_district(district_id: int) -> list[Body]:
    """Bodies of the district that take part in one of its initiatives (the partner filter)."""
    return list(
        db.session.scalars(
            select(Body)
            .where(
                Body.district_id == district_id,
                exists().where(Participant.body_id == Body.id),
            )
            .order_by(Body.id != district_id, Body.name)
        )
    )


def cell_text(cell: Cell | None) -> str:
    """A cell as words (and the symbol), the same on the page and in the exports."""
    if cell is None:
        return "–"
    if cell.decision is None:
        return str(PARTICIPANT_ROLE_LABELS[cell.role])
    d = cell.decision
    text = f"{DECISION_STATUS_SYMBOLS[d.status]} {DECISION_STATUS_LABELS[d.status]}"
    if d.session_date:
        text += f" ({fmt_date(d.session_date)})"
    if d.result_missing:
        text += " – " + _("result missing")
    return text


def summary_line(summary: DecisionSummary) -> str:
    """ "9 of 11 councils decided; open: Nieheim (scheduled 10.03.2022), Brakel (none)" """
    line = ngettext(
        "%(decided)d of %(total)d councils decided",
        "%(decided)d of %(total)d councils decided",
        summary.decided,
        decided=summary.decided,
        total=summary.total,
    )
    if summary.open:
        parts = []
        for p in summary.open:
            d = p.decision
            status = str(DECISION_STATUS_LABELS[d.status])
            if d.session_date:
                status += " " + fmt_date(d.session_date)
            if d.result_missing:
                status += ", " + _("result missing")
            parts.append(f"{p.name} ({status})")
        line += "; " + _("open: %(list)s", list=", ".join(parts))
    return line


def table(matrix: Matrix) -> list[list[str]]:
    """Header and one line per initiative, as plain text."""
    header = [
        _("Initiative"),
        _("Service area"),
        _("Phase"),
        _("Councils decided"),
        _("Status"),
    ] + [b.name for b in matrix.columns]
    out = [header]
    for row in matrix.rows:
        ini = row.initiative
        out.append(
            [
                ini.title,
                str(SERVICE_AREA_LABELS[ini.service_area]),
                str(PHASE_LABELS[ini.phase]),
                f"{row.summary.decided}/{row.summary.total}",
                summary_line(row.summary),
                *[cell_text(c) for c in row.cells],
            ]
        )
    return out


def to_csv(rows: list[list[str]]) -> bytes:
    """The matrix rows as a CSV download."""
    return csv_bytes(rows)


def to_xlsx(rows: list[list[str]], title: str) -> bytes:
    """The rows as a workbook, written in streaming mode (fast for thousands of cells); every
    text a string cell (coop/exports.py)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 40
    bold = Font(bold=True)
    for n, line in enumerate(rows):
        ws.append(xlsx_row(ws, line, bold if n == 0 else None))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["Matrix", "build", "cell_text", "summary_line", "table", "to_csv", "to_xlsx"]
