"""A spreadsheet file as rows of text: CSV (any of ; , or tab, UTF-8 or Windows-1252) or XLSX.

What cannot be imported is said in words: another kind of file, a formula in a cell, too many
rows. A text our own export protected with an apostrophe ('=…) is read back without it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from ..exports import FORMULA_START, NUMBER

MAX_ROWS = 20_000  # data rows of one file
MAX_COLUMNS = 300


class UnreadableFile(Exception):
    """The file is not a table we can read; the message says why, in the person's language."""


@dataclass
class Table:
    """The first row (the column headings) and the data rows, numbered as the spreadsheet
    numbers them (the heading is row 1); `formulas` holds (row, column index) of formula cells."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    formulas: set[tuple[int, int]] = field(default_factory=set)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return str(value).strip()


def _is_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not NUMBER.match(text) and text not in ("-", "+")


def _finish(lines: list[tuple[int, list[str]]], formulas: set) -> Table:
    lines = [(n, cells) for n, cells in lines if any(c for c in cells)]
    if not lines:
        raise UnreadableFile(_("The file is empty."))
    (_n, header), *rows = lines
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(
            _(
                "The file has %(n)s rows; at most %(max)s can be imported at once.",
                n=f"{len(rows):,}".replace(",", "."),
                max=f"{MAX_ROWS:,}".replace(",", "."),
            )
        )
    if len(header) > MAX_COLUMNS:
        raise UnreadableFile(_("The file has more than %(n)d columns.", n=MAX_COLUMNS))
    width = len(header)
    rows = [(n, (cells + [""] * width)[: max(width, len(cells))]) for n, cells in rows]
    return Table([h.strip() for h in header], rows, formulas)


def _csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("This is not a CSV or XLSX file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ";"
    lines, formulas = [], set()
    try:
        for n, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            out = []
            for col, raw in enumerate(cells):
                cell = raw.strip()
                if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
                    cell = cell[1:]  # protected by our export: a text, not a formula
                elif _is_formula(cell):
                    formulas.add((n, col))
                out.append(cell)
            lines.append((n, out))
            if n > MAX_ROWS + 10:
                break
    except csv.Error as exc:
        raise UnreadableFile(_("The CSV file cannot be read: %(error)s", error=str(exc))) from exc
    return _finish(lines, formulas)


def _xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # a damaged or foreign zip file: openpyxl raises many kinds
        raise UnreadableFile(_("This is not a CSV or XLSX file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        lines, formulas = [], set()
        for n, row in enumerate(sheet.iter_rows(), start=1):
            out = []
            for col, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (
                    isinstance(value, str) and value.startswith("=")
                ):
                    formulas.add((n, col))
                out.append(_text(value))
            while out and not out[-1]:
                out.pop()
            lines.append((n, out))
            if n > MAX_ROWS + 10:
                break
    finally:
        workbook.close()
    return _finish(lines, formulas)


def read_table(file_name: str, data: bytes) -> Table:
    """The file's rows; UnreadableFile when it is no CSV or XLSX or cannot be imported."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            _("This is an old Excel file (.xls); please save it as .xlsx or .csv.")
        )
    if data[:5] == b"%PDF-" or file_name.lower().rsplit(".", 1)[-1] not in ("csv", "txt", "xlsx"):
        raise UnreadableFile(_("This is not a CSV or XLSX file."))
    return _csv(data)
