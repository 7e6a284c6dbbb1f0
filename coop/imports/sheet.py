"""A spreadsheet's bytes as rows of text, read in a process of its own.

`coop.imports.reading` starts this file as a script (`python -I sheet.py KIND MEMORY SECONDS`,
the file on stdin) under a memory and a CPU-time limit, and waits for it at most so long; the
web worker never unpacks or parses an uploaded file itself. The script imports nothing of coop
or Flask (it starts in a few hundredths of a second and sees no setting or secret) and answers
with JSON lines on stdout: a head line, either {"error": key, "args": {...}} (the parent words
it in the person's language) or {"lines": n, "formulas": [[row, column], ...]}, then one
[row number, [cells]] per non-empty row.

Every limit is checked while reading, before the work it guards:
- an XLSX file is a zip archive: its members are counted and their unpacked sizes and packing
  ratios checked from its directory before anything is unpacked, and each is unpacked no
  further than its declared size;
- the XML is read as a stream (expat, no DTD and so no entities), cell by cell: a row is
  refused at its first value beyond MAX_COLUMNS, and reading stops after MAX_ROWS rows;
- shared strings are counted as they are read; a cell longer than MAX_CELL_CHARS refuses the
  file (naming the cell: no matrix cell is that long, and quoting it would only fill the
  problem list), and all cells together may hold MAX_TEXT_CHARS;
- a damaged cell (a number that is none, a date that is none, a shared string that does not
  exist, a style that does not exist, …) refuses the file naming the cell.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import posixpath
import re
import sys
import traceback
import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.parsers import expat

MB = 1024 * 1024
MAX_ROWS = 20_000  # data rows of one file
MAX_COLUMNS = 300  # columns with a value; empty formatted cells beyond are ignored
MAX_ROW_CELLS = 16_384  # cell elements in one row, empty or not: Excel's own column maximum
MAX_CELL_CHARS = 2_000  # a title has at most 300, a decision about 30
MAX_TEXT_CHARS = 20_000_000  # all cells together (a 20,000-row matrix holds about 5 million)
MAX_SHARED_STRINGS = 200_000  # different texts of an XLSX file
ZIP_MAX_MEMBERS = 100  # a saved workbook has a dozen or two
ZIP_MAX_UNPACKED = 50 * MB  # all members together
ZIP_MAX_RATIO = 100  # unpacked : packed, for members of more than ZIP_RATIO_FROM
ZIP_RATIO_FROM = 1 * MB
MAX_STRINGS_PART = 20 * MB  # the shared strings' XML
MAX_SMALL_PART = 5 * MB  # the workbook, its relationships and the styles
CHUNK = 64 * 1024

MAIN_RELS = "_rels/.rels"
EXCEL_MAX_COLUMN = 16_384  # XFD
EXCEL_MAX_ROW = 1_048_576
REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


class SheetError(Exception):
    """The file cannot be read or is over a limit: a message key and its arguments."""

    def __init__(self, key: str, **args):
        super().__init__(key, args)
        self.key, self.args_ = key, args


class _Stop(Exception):
    """Enough rows read: the parser is left."""


def cell_name(row: int, column: int) -> str:
    """A cell as spreadsheets name it: column letters and row number (1-based), e.g. D7."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


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


class _Lines:
    """The rows read so far, with the limits on rows, columns and text."""

    def __init__(self):
        self.lines: list[tuple[int, list[str]]] = []
        self.formulas: list[tuple[int, int]] = []
        self.chars = 0

    def cell(self, row: int, column: int, text: str, cells: list[str]) -> None:
        """Put a non-empty cell's text (column 1-based) into `cells`, its row's list."""
        if column > MAX_COLUMNS:
            raise SheetError("too_many_columns", row=row)
        if len(text) > MAX_CELL_CHARS:
            raise SheetError("cell_too_long", cell=cell_name(row, column), n=len(text))
        self.chars += len(text)
        if self.chars > MAX_TEXT_CHARS:
            raise SheetError("too_much_text")
        if len(cells) < column:
            cells.extend([""] * (column - len(cells)))
        cells[column - 1] = text

    def row(self, row: int, cells: list[str]) -> None:
        """Keep a row that holds anything."""
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            self.lines.append((row, cells))

    def finish(self) -> dict:
        """What the parent receives; SheetError when the file is empty or too long."""
        if not self.lines:
            raise SheetError("empty")
        if len(self.lines) - 1 > MAX_ROWS:
            raise SheetError("too_many_rows", n=len(self.lines) - 1)
        return {"lines": self.lines, "formulas": self.formulas}


# --- CSV ------------------------------------------------------------------------------------


def read_csv(data: bytes) -> dict:
    """A CSV file (; , or tab, UTF-8 or Windows-1252): its non-empty rows, cells stripped."""
    if b"\x00" in data[:4096]:
        raise SheetError("not_table")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ";"
    # the cell length is ours to check, with a message naming the cell
    csv.field_size_limit(max(len(text) + 1, csv.field_size_limit()))
    out = _Lines()
    try:
        for n, raw in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if n > MAX_ROWS + 11:
                break
            while raw and not raw[-1].strip():
                raw.pop()
            if len(raw) > MAX_COLUMNS:
                raise SheetError("too_many_columns", row=n)
            cells: list[str] = []
            for col, value in enumerate(raw, start=1):
                value = value.strip()
                if value:
                    out.cell(n, col, value, cells)
            out.row(n, cells)
    except csv.Error as exc:
        raise SheetError("csv", error=str(exc)) from exc
    return out.finish()


# --- XLSX -----------------------------------------------------------------------------------


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _refuse_dtd(*_args):
    raise SheetError("unreadable")


def _parser(start, end=None, text=None):
    """An expat parser with namespaces ("uri local") that refuses any DTD, hence entities."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SheetError("not_table") from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise SheetError("zip_members", n=len(members))
    if sum(m.file_size for m in members) > ZIP_MAX_UNPACKED:
        raise SheetError("zip_size")
    for m in members:
        if m.file_size > ZIP_RATIO_FROM and m.file_size > ZIP_MAX_RATIO * max(m.compress_size, 1):
            raise SheetError("zip_ratio")
    return archive


def _parse(archive: zipfile.ZipFile, name: str, parser, limit: int) -> None:
    """Unpack one member into `parser` chunk by chunk, never more than `limit` bytes (the
    directory's sizes were checked; this holds even where a member's real size differs)."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise SheetError("part_too_large", part=name, mb=limit // MB)
    read = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            read += len(chunk)
            if read > limit:
                raise SheetError("part_too_large", part=name, mb=limit // MB)
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _has(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def _relationships(archive: zipfile.ZipFile, source: str) -> dict[str, tuple[str, str]]:
    """Id → (type, member path) of the part `source` ("" for the package)."""
    folder, base = posixpath.split(source)
    path = posixpath.join(folder, "_rels", base + ".rels")
    if not _has(archive, path):
        return {}
    found: dict[str, tuple[str, str]] = {}

    def start(name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), target)

    _parse(archive, path, _parser(start), MAX_SMALL_PART)
    return found


def _of_type(rels: dict, kind: str) -> list[str]:
    return [target for type_, target in rels.values() if type_.endswith("/" + kind)]


class _Workbook:
    """Where the first worksheet, the shared strings and the styles are; the date system."""

    def __init__(self, archive: zipfile.ZipFile):
        package = _relationships(archive, "")
        paths = _of_type(package, "officeDocument") or ["xl/workbook.xml"]
        self.path = paths[0]
        if not _has(archive, self.path):
            raise SheetError("not_table")
        rels = _relationships(archive, self.path)
        self.date1904 = False
        sheet_ids: list[str] = []

        def start(name, attrs):
            local = _local(name)
            if local == "workbookPr":
                self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
            elif local == "sheet":
                sheet_ids.extend(v for k, v in attrs.items() if " " in k and _local(k) == "id")

        _parse(archive, self.path, _parser(start), MAX_SMALL_PART)
        folder = posixpath.dirname(self.path)
        sheets = [rels[i][1] for i in sheet_ids if i in rels and rels[i][0].endswith("/worksheet")]
        if not rels:  # a workbook without relationships: the usual names
            sheets = [posixpath.join(folder, "worksheets/sheet1.xml")]
        if not sheets or not _has(archive, sheets[0]):
            raise SheetError("unreadable")
        self.sheet = sheets[0]
        strings = _of_type(rels, "sharedStrings")
        styles = _of_type(rels, "styles")
        self.strings = strings[0] if strings and _has(archive, strings[0]) else None
        self.styles = styles[0] if styles and _has(archive, styles[0]) else None


def _shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    """The texts of the shared-strings table, at most MAX_SHARED_STRINGS; the phonetic
    guides (rPh) of East Asian texts are left out, as spreadsheets show them."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"t": False, "rph": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            parts.clear()
        elif local == "t":
            state["t"] = True
        elif local == "rPh":
            state["rph"] += 1

    def end(name):
        local = _local(name)
        if local == "t":
            state["t"] = False
        elif local == "rPh":
            state["rph"] -= 1
        elif local == "si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise SheetError("too_many_strings")
            strings.append("".join(parts))

    def text(data):
        if state["t"] and not state["rph"]:
            parts.append(data)

    _parse(archive, path, _parser(start, end, text), MAX_STRINGS_PART)
    return strings


def _styles(archive: zipfile.ZipFile, path: str) -> list[str | None]:
    """Per cell style (the `s` of a cell): "date", "timedelta" or None."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    custom: dict[int, str] = {}
    ids: list[int] = []
    inside = {"cellXfs": False}

    def start(name, attrs):
        local = _local(name)
        if local == "numFmt":
            try:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError as exc:
                raise SheetError("unreadable") from exc
        elif local == "cellXfs":
            inside["cellXfs"] = True
        elif local == "xf" and inside["cellXfs"]:
            try:
                ids.append(int(attrs.get("numFmtId", "0")))
            except ValueError as exc:
                raise SheetError("unreadable") from exc

    def end(name):
        if _local(name) == "cellXfs":
            inside["cellXfs"] = False

    _parse(archive, path, _parser(start, end), MAX_SMALL_PART)
    kinds: list[str | None] = []
    for fmt_id in ids:
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if is_timedelta_format(code):
            kinds.append("timedelta")
        elif is_date_format(code):
            kinds.append("date")
        else:
            kinds.append(None)
    return kinds


class _Sheet:
    """The first worksheet, read cell by cell (see the module's docstring)."""

    def __init__(self, strings: list[str], styles: list[str | None], date1904: bool):
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.strings, self.styles = strings, styles
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.out = _Lines()
        self.row_number = 0
        self.cells: list[str] | None = None
        self.count = 0  # cell elements of the current row
        self.column = 0
        self.kind = self.style = None
        self.parts: list[str] | None = None  # text being collected (<v>, <t> of <is>, <f>)
        self.value: str | None = None
        self.inline: str | None = None
        self.formula: str | None = None
        self.in_inline = False
        self.rph = 0

    def bad(self) -> SheetError:
        return SheetError("unreadable", cell=cell_name(self.row_number, self.column))

    def start(self, name, attrs):
        local = _local(name)
        if local == "c":
            if self.cells is None:
                raise SheetError("unreadable")
            self.count += 1
            if self.count > MAX_ROW_CELLS:
                raise SheetError("too_many_columns", row=self.row_number)
            ref = attrs.get("r")
            if ref is None:
                self.column += 1
            else:
                match = REFERENCE.fullmatch(ref)
                if match is None:
                    raise SheetError("unreadable")
                column = 0
                for letter in match.group(1).upper():
                    column = column * 26 + ord(letter) - 64
                self.column = column
            if self.column > EXCEL_MAX_COLUMN:
                raise SheetError("unreadable")
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.value = self.inline = self.formula = None
        elif local == "row":
            ref = attrs.get("r")
            try:
                number = int(ref) if ref is not None else self.row_number + 1
            except ValueError as exc:
                raise SheetError("unreadable") from exc
            if not self.row_number < number <= EXCEL_MAX_ROW:
                raise SheetError("unreadable")
            if number > MAX_ROWS + 11:  # enough to say there are too many
                raise _Stop
            self.row_number, self.cells, self.count, self.column = number, [], 0, 0
        elif local in ("v", "f"):
            self.parts = []
        elif local == "is":
            self.in_inline, self.inline = True, ""
        elif local == "t" and self.in_inline and not self.rph:
            self.parts = []
        elif local == "rPh":
            self.rph += 1

    def end(self, name):
        local = _local(name)
        if local == "c":
            self.cell()
        elif local == "row":
            self.out.row(self.row_number, self.cells)
            self.cells = None
        elif local == "v" and self.parts is not None:
            self.value, self.parts = "".join(self.parts), None
        elif local == "f" and self.parts is not None:
            self.formula, self.parts = "".join(self.parts), None
        elif local == "t" and self.in_inline and self.parts is not None:
            self.inline += "".join(self.parts)
            self.parts = None
        elif local == "is":
            self.in_inline = False
        elif local == "rPh":
            self.rph -= 1

    def text(self, data):
        if self.parts is not None:
            self.parts.append(data)

    def cell(self) -> None:
        style = self.style_kind()
        formula = self.formula is not None
        if formula:
            text = "=" + self.formula
        else:
            text = _text(self.converted(style))
        if not text:
            return
        if formula or text.startswith("="):
            self.out.formulas.append((self.row_number, self.column - 1))
        self.out.cell(self.row_number, self.column, text, self.cells)

    def style_kind(self) -> str | None:
        if self.style is None:
            return None
        try:
            index = int(self.style)
        except ValueError:
            raise self.bad() from None
        if index == 0 and not self.styles:
            return None
        if not 0 <= index < len(self.styles):
            raise self.bad()
        return self.styles[index]

    def converted(self, style: str | None):
        kind, value = self.kind, self.value
        try:
            if kind == "inlineStr":
                if self.inline is None:
                    raise self.bad()
                return self.inline
            if value is None or (kind == "n" and not value.strip()):
                return None
            if kind == "s":
                index = int(value)
                if not 0 <= index < len(self.strings):
                    raise self.bad()
                return self.strings[index]
            if kind in ("str", "e"):
                return value
            if kind == "b":
                if value.strip() not in ("0", "1"):
                    raise self.bad()
                return value.strip() == "1"
            if kind == "d":
                from openpyxl.utils.datetime import from_ISO8601

                return from_ISO8601(value.strip())
            if kind == "n":
                number = float(value) if any(c in value for c in ".eE") else int(value)
                if not math.isfinite(number):
                    raise self.bad()
                if style is not None:
                    from openpyxl.utils.datetime import from_excel

                    return from_excel(number, self.epoch, timedelta=style == "timedelta")
                return number
        except (ValueError, OverflowError, TypeError) as exc:
            raise self.bad() from exc
        raise self.bad()  # a type spreadsheets do not write


def read_xlsx(data: bytes) -> dict:
    """The first worksheet of an XLSX file: its non-empty rows, formulas marked."""
    archive = _open_zip(data)
    workbook = _Workbook(archive)
    strings = _shared_strings(archive, workbook.strings) if workbook.strings else []
    styles = _styles(archive, workbook.styles) if workbook.styles else []
    sheet = _Sheet(strings, styles, workbook.date1904)
    parser = _parser(sheet.start, sheet.end, sheet.text)
    try:
        _parse(archive, workbook.sheet, parser, ZIP_MAX_UNPACKED)
    except _Stop:
        pass
    return sheet.out.finish()


def read(kind: str, data: bytes) -> dict:
    """The rows of a "csv" or "xlsx" file; SheetError when it cannot be read or is too big."""
    if kind == "xlsx":
        try:
            return read_xlsx(data)
        except SheetError:
            raise
        except (
            expat.ExpatError,
            zipfile.BadZipFile,
            KeyError,
            EOFError,
            OSError,
            RuntimeError,  # an encrypted member
            NotImplementedError,  # a compression method zipfile lacks
        ) as exc:
            raise SheetError("unreadable") from exc
    return read_csv(data)


# --- the child process ----------------------------------------------------------------------


def _limit(memory_mb: int, seconds: int) -> None:
    """Address space: what the interpreter has now plus `memory_mb`; CPU time: `seconds` + 1
    (the parent kills on wall-clock time; this ends the child even if the parent is gone)."""
    import resource

    try:
        with open("/proc/self/statm") as statm:
            base = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        base = 0
    for what, value in (
        (resource.RLIMIT_AS, base + memory_mb * MB),
        (resource.RLIMIT_CPU, seconds + 1),
        (resource.RLIMIT_CORE, 0),  # no core file with the uploaded data in it
    ):
        try:
            _soft, hard = resource.getrlimit(what)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(what, (value, hard))
        except (ValueError, OSError):  # a platform without this limit
            pass


def _answer(result: dict) -> bytes:
    lines = result["lines"]
    head = {"lines": len(lines), "formulas": result["formulas"]}
    out = [json.dumps(head, separators=(",", ":")).encode()]
    out.extend(
        json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() for line in lines
    )
    return b"\n".join(out)


def main(argv: list[str]) -> int:
    """Read the file on stdin; answer on stdout (see the module's docstring)."""
    kind, memory_mb, seconds = argv[0], int(argv[1]), int(argv[2])
    if kind == "xlsx":  # before the limits: what the interpreter needs is not the file's
        import openpyxl.styles.numbers  # noqa: F401
        import openpyxl.utils.datetime  # noqa: F401
    _limit(memory_mb, seconds)
    data = sys.stdin.buffer.read()
    try:
        answer = _answer(read(kind, data))
    except SheetError as exc:
        answer = json.dumps({"error": exc.key, "args": exc.args_}).encode()
    except MemoryError:
        answer = b'{"error":"limits","args":{}}'
    except Exception:  # a file we failed to foresee: said as unreadable, kept in the log
        traceback.print_exc(limit=-3)
        answer = b'{"error":"unreadable","args":{}}'
    del data
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
