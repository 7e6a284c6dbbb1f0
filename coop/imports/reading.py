"""A spreadsheet file as rows of text: CSV (any of ; , or tab, UTF-8 or Windows-1252) or XLSX.

What cannot be imported is said in words: another kind of file, a formula in a cell, too many
rows, a damaged cell, a file over a limit. A text our own export protected with an apostrophe
('=…) is read back without it.

The file is unpacked and parsed by `coop.imports.sheet` in a process of its own, limited to
IMPORT_PARSE_MEMORY_MB of memory and IMPORT_PARSE_SECONDS of time: a file built to expand (a
zip bomb, a row of millions of cells, one long text repeated in every cell) costs that process,
which is then ended, and never the web worker, which only waits for the rows."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..exports import FORMULA_START, NUMBER
from ..i18n import fmt_number
from ..resolutions.documents import MAX_SPREADSHEET_BYTES
from . import sheet
from .sheet import MAX_COLUMNS, MAX_ROWS

log = logging.getLogger("coop.imports")

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "Table", "UnreadableFile", "read_table", "too_large"]

CHILD = str(Path(sheet.__file__).resolve())
CHILD_ENVIRONMENT = ("PATH", "LD_LIBRARY_PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SYSTEMROOT")


class UnreadableFile(Exception):
    """The file is not a table we can read; the message says why, in the person's language."""


@dataclass
class Table:
    """The first row (the column headings) and the data rows, numbered as the spreadsheet
    numbers them (the heading is row 1); `formulas` holds (row, column index) of formula cells."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    formulas: set[tuple[int, int]] = field(default_factory=set)


def _is_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not NUMBER.match(text) and text not in ("-", "+")


def _message(key: str, args: dict) -> str:
    """The sentence for a message key of `coop.imports.sheet`."""
    if key == "empty":
        return _("The file is empty.")
    if key == "not_table":
        return _("This is not a CSV or XLSX file.")
    if key == "csv":
        return _("The CSV file cannot be read: %(error)s", error=str(args.get("error", ""))[:200])
    if key == "too_many_rows":
        return _(
            "The file has %(n)s rows; at most %(max)s can be imported at once.",
            n=fmt_number(int(args.get("n", 0))),
            max=fmt_number(MAX_ROWS),
        )
    if key == "too_many_columns":
        return ngettext(
            "Row %(row)s has more than %(count)s column; an import takes at most %(count)s.",
            "Row %(row)s has more than %(count)s columns; an import takes at most %(count)s.",
            MAX_COLUMNS,
            row=fmt_number(int(args.get("row", 0))),
            count=fmt_number(MAX_COLUMNS),
        )
    if key == "cell_too_long":
        n = int(args.get("n", 0))
        return ngettext(
            "Cell %(cell)s holds %(count)s character; an imported cell can hold at most "
            "%(max)s. Shorten it and upload the file again.",
            "Cell %(cell)s holds %(count)s characters; an imported cell can hold at most "
            "%(max)s. Shorten it and upload the file again.",
            n,
            cell=str(args.get("cell", ""))[:12],
            count=fmt_number(n),
            max=fmt_number(sheet.MAX_CELL_CHARS),
        )
    if key == "too_much_text":
        return ngettext(
            "The table holds more than %(count)s character of text; an import takes at most "
            "that many. Please split it into several files.",
            "The table holds more than %(count)s characters of text; an import takes at most "
            "that many. Please split it into several files.",
            sheet.MAX_TEXT_CHARS,
            count=fmt_number(sheet.MAX_TEXT_CHARS),
        )
    if key == "too_many_strings":
        return ngettext(
            "The file holds more than %(count)s different text; an import takes at most that "
            "many. Please split it into several files.",
            "The file holds more than %(count)s different texts; an import takes at most that "
            "many. Please split it into several files.",
            sheet.MAX_SHARED_STRINGS,
            count=fmt_number(sheet.MAX_SHARED_STRINGS),
        )
    if key == "zip_members":
        n = int(args.get("n", 0))
        return ngettext(
            "The XLSX file consists of %(count)s part; a spreadsheet to import may have at most "
            "%(max)s. Please save the table alone (or as CSV) and upload it again.",
            "The XLSX file consists of %(count)s parts; a spreadsheet to import may have at most "
            "%(max)s. Please save the table alone (or as CSV) and upload it again.",
            n,
            count=fmt_number(n),
            max=fmt_number(sheet.ZIP_MAX_MEMBERS),
        )
    if key == "zip_size":
        mb = sheet.ZIP_MAX_UNPACKED // sheet.MB
        return ngettext(
            "The file unpacks to more than %(count)s MB; an import can unpack at most that "
            "much. Please remove pictures and further sheets, or save the table as CSV.",
            "The file unpacks to more than %(count)s MB; an import can unpack at most that "
            "much. Please remove pictures and further sheets, or save the table as CSV.",
            mb,
            count=fmt_number(mb),
        )
    if key == "zip_ratio":
        return ngettext(
            "A part of the file unpacks to more than %(count)s time its packed size; such a file "
            "is refused as a precaution. Please save the table again, or as CSV.",
            "A part of the file unpacks to more than %(count)s times its packed size; such a "
            "file is refused as a precaution. Please save the table again, or as CSV.",
            sheet.ZIP_MAX_RATIO,
            count=fmt_number(sheet.ZIP_MAX_RATIO),
        )
    if key == "part_too_large":
        mb = int(args.get("mb", 0))
        return ngettext(
            "A part of the file (%(part)s) unpacks to more than %(count)s MB; an import takes at "
            "most that much. Please split the table into several files.",
            "A part of the file (%(part)s) unpacks to more than %(count)s MB; an import takes at "
            "most that much. Please split the table into several files.",
            mb,
            part=str(args.get("part", ""))[:80],
            count=fmt_number(mb),
        )
    if key == "limits":
        return _limits()
    if args.get("cell"):
        return _(
            "The file cannot be read: cell %(cell)s is damaged. Please open the file in your "
            "spreadsheet program, save it again and upload it again.",
            cell=str(args["cell"])[:12],
        )
    return _(
        "The file cannot be read: it is damaged. Please open it in your spreadsheet "
        "program, save it again and upload it again."
    )


def too_large(explained: bool = False) -> str:
    """The answer to an upload over MAX_SPREADSHEET_BYTES (refused before it is read)."""
    mb = MAX_SPREADSHEET_BYTES // sheet.MB
    if not explained:
        return ngettext(
            "The file is larger than %(count)s MB.", "The file is larger than %(count)s MB.", mb,
            count=fmt_number(mb),
        )  # fmt: skip
    return ngettext(
        "The file is larger than %(count)s MB, the most an import takes. Please split it into "
        "several files and upload them one after the other.",
        "The file is larger than %(count)s MB, the most an import takes. Please split it into "
        "several files and upload them one after the other.",
        mb,
        count=fmt_number(mb),
    )


def _limits() -> str:
    return _(
        "The file is too large or too complex to read within the limits of this server. "
        "Please split it into several files or save it as CSV."
    )


def _parse(kind: str, data: bytes) -> dict:
    """Run `coop.imports.sheet` on `data` in a child process and read its answer."""
    config = current_app.config
    seconds = int(config.get("IMPORT_PARSE_SECONDS", 20))
    memory_mb = int(config.get("IMPORT_PARSE_MEMORY_MB", 512))
    # -I: no PYTHON* variables, no user site, no current directory on the path; and only
    # what the interpreter may need of the environment: no setting or secret of ours is in
    # the process that parses what a stranger uploaded
    command = [sys.executable, "-I", CHILD, kind, str(memory_mb), str(seconds)]
    env = {k: v for k, v in os.environ.items() if k in CHILD_ENVIRONMENT}
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=seconds, env=env, check=False
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        log.warning("import file not read within %s s (%s bytes)", seconds, len(data))
        raise UnreadableFile(_limits()) from None
    if done.returncode != 0 or not done.stdout:
        # killed by a limit (a signal: negative) or out of memory; anything else is ours
        level = (
            logging.WARNING
            if done.returncode < 0 or b"MemoryError" in done.stderr
            else logging.ERROR
        )
        log.log(
            level,
            "import file reader ended with %s (%s bytes): %s",
            done.returncode,
            len(data),
            done.stderr[-2000:].decode("utf-8", "replace"),
        )
        raise UnreadableFile(_limits())
    if done.stderr:
        log.warning("import file reader: %s", done.stderr[-2000:].decode("utf-8", "replace"))
    head, *lines = done.stdout.split(b"\n")
    answer = json.loads(head)
    if "error" in answer:
        raise UnreadableFile(_message(answer["error"], answer.get("args") or {}))
    answer["lines"] = [json.loads(line) for line in lines]
    return answer


def read_table(file_name: str, data: bytes) -> Table:
    """The file's rows; UnreadableFile when it is no CSV or XLSX or cannot be imported."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        kind = "xlsx"
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            _("This is an old Excel file (.xls); please save it as .xlsx or .csv.")
        )
    elif data[:5] == b"%PDF-" or file_name.lower().rsplit(".", 1)[-1] not in ("csv", "txt", "xlsx"):
        raise UnreadableFile(_("This is not a CSV or XLSX file."))
    else:
        kind = "csv"
    if len(data) > MAX_SPREADSHEET_BYTES:
        raise UnreadableFile(too_large())
    answer = _parse(kind, data)
    lines = [(n, cells) for n, cells in answer["lines"]]
    formulas = {(n, col) for n, col in answer["formulas"]}
    if kind == "csv":
        for n, cells in lines:
            for col, cell in enumerate(cells):
                if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
                    cells[col] = cell[1:]  # protected by our export: a text, not a formula
                elif _is_formula(cell):
                    formulas.add((n, col))
    (_n, header), *rows = lines
    width = len(header)
    rows = [(n, (cells + [""] * width)[: max(width, len(cells))]) for n, cells in rows]
    return Table([h.strip() for h in header], rows, formulas)
