"""Exports carry data, never formulas: every CSV and XLSX that coop writes goes through here.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
("CSV injection", OWASP). In CSV such a text gets a leading apostrophe, which spreadsheets show
as text; in XLSX it is written as a string cell, which no spreadsheet evaluates. Numbers stay
numbers: Decimal and int values in XLSX, and numbers written as text ("-1234,50") in CSV.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")


def csv_cell(value) -> str:
    """One CSV field: None as empty, a text a spreadsheet would run behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Iterable], delimiter: str = ";") -> bytes:
    """Rows as CSV for spreadsheets: UTF-8 with a byte order mark, `;` between fields."""
    return csv_text(rows, delimiter).encode("utf-8")


def csv_text(rows: Iterable[Iterable], delimiter: str = ";") -> str:
    """Rows as CSV for spreadsheets (semicolons, BOM, CRLF); cells that could start a formula are
    quoted with an apostrophe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def xlsx_row(sheet, values: Iterable, font=None) -> list:
    """Cells for `sheet.append`: texts as string cells (never formulas), numbers as numbers;
    `font` for every cell (a heading)."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    make = WriteOnlyCell if isinstance(sheet, WriteOnlyWorksheet) else Cell
    out = []
    for value in values:
        if not isinstance(value, str) and font is None:
            out.append(value)
            continue
        if isinstance(value, str):  # XLSX has no room for control characters
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = make(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        out.append(cell)
    return out


def texts_only(sheet):
    """The sheet, its `append` taking texts without control characters (XLSX has no room for
    them; openpyxl refuses them), for workbooks built in memory."""
    append = sheet.append

    def clean_append(values) -> None:
        append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])

    sheet.append = clean_append
    return sheet


def no_formulas(workbook) -> None:
    """Turn every cell that openpyxl took for a formula (a text starting with "=") into the
    text it is: for workbooks built in memory, before they are saved."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def download(body: bytes | str, filename: str):
    """A file to save (attachment), its type taken from the name's extension."""
    from flask import Response

    return Response(
        body,
        mimetype=MIMETYPES[filename.rsplit(".", 1)[-1]],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
