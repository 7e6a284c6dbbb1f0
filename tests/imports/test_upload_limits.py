"""Hostile spreadsheets cost the import a bounded amount and get a clear answer: a zip bomb is
refused from the archive's directory, a row of 50,000 cells at its 301st, too many or too long
texts by count and length; the problems of a file keep their quotes short and their number at
500; a damaged cell is named (422, never 500); a file that needs more time or memory than the
reading process has is stopped there, with a message; an upload over 8 MB is refused (413)."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from sqlalchemy import func, select

from coop import queue
from coop.extensions import db
from coop.imports.reading import UnreadableFile, read_table
from coop.models import ImportJob
from tests.conftest import AuthActions
from tests.imports.test_import import _upload

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEETML}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{SPREADSHEETML}.worksheet+xml"/>'
    "{more}</Types>"
)
SHARED_STRINGS_TYPE = (
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SPREADSHEETML}.sharedStrings+xml"/>'
)
STYLES_TYPE = f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEETML}.styles+xml"/>'
PACKAGE_RELS = (
    f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
    f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
    '<sheet name="Matrix" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
DATE_STYLES = (  # style 0: general; style 1: a date (built-in format 14)
    f'<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def xlsx(rows_xml: str, strings=(), styles: str | None = None, extra=()) -> bytes:
    """An XLSX file written by hand: `rows_xml` inside <sheetData>, the shared `strings`,
    optionally a styles part, and `extra` members (name, bytes) beside them."""
    parts = [("worksheet", "worksheets/sheet1.xml")]
    if strings:
        parts.append(("sharedStrings", "sharedStrings.xml"))
    if styles:
        parts.append(("styles", "styles.xml"))
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(parts, start=1)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        more = (SHARED_STRINGS_TYPE if strings else "") + (STYLES_TYPE if styles else "")
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace("{more}", more))
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}">{rels}</Relationships>'
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData>{rows_xml}</sheetData></worksheet>',
        )
        if strings:
            items = "".join(f"<si><t>{s}</t></si>" for s in strings)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{items}</sst>')
        if styles:
            archive.writestr("xl/styles.xml", styles)
        for name, data in extra:
            with archive.open(name, "w") as member:
                for start in range(0, len(data), 1 << 20):
                    member.write(data[start : start + (1 << 20)])
    return out.getvalue()


def text_cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def row(*cells: str) -> str:
    return f"<row>{''.join(cells)}</row>"


HEADER = row(text_cell("Vorhaben"), text_cell("Aufgabenbereich"), text_cell("Phase"))


def h(seed, role="coordinator", **extra):
    return {"Authorization": f"Bearer {seed.tokens[role]}", **extra}


def post(client, seed, data: bytes, kind="initiatives", name="matrix.xlsx", **query):
    district = seed.bodies["hoexter"].id
    args = "".join(f"&{k}={v}" for k, v in query.items())
    return client.post(
        f"/api/v1/{kind}/import?district_id={district}&dry_run=true&filename={name}{args}",
        data=data,
        headers=h(seed, **{"Content-Type": "application/octet-stream"}),
    )


def refused(answer, words: str) -> str:
    """The answer is a 422 naming the file with `words`; nothing was kept."""
    assert answer.status_code == 422, (answer.status_code, answer.get_data()[:300])
    message = answer.json["error"]["fields"]["file"]
    assert words in message, message
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
    return message


def test_a_row_is_refused_at_its_first_value_beyond_the_column_limit(client, seed):
    """One row of 50,000 cells: reading stops at cell 301, before the damaged cell 40,000
    (a reader that built the whole row first would stumble over that one, or take the row)."""
    cells = ["<c><v>1</v></c>"] * 50_000
    cells[40_000] = '<c t="n"><v>abc</v></c>'
    data = xlsx(HEADER + row(text_cell("Ein Vorhaben"), *cells))
    refused(post(client, seed, data), "Zeile 2 hat mehr als 300 Spalten")


def test_a_csv_row_beyond_the_column_limit_is_refused(client, seed):
    data = ("Vorhaben;Aufgabenbereich;Phase\nEins;IT-Betrieb;Idee" + ";x" * 400 + "\n").encode()
    refused(post(client, seed, data, name="matrix.csv"), "Zeile 2 hat mehr als 300 Spalten")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        # 20 MB of zeros packed into 20 KB: a thousandfold
        ([("xl/media/image1.png", bytes(20 * 1024 * 1024))], "mehr als 100-mal so groß"),
        # 60 MB in all, each part below the ratio's threshold
        (
            [(f"xl/media/image{n}.bin", bytes(range(256)) * 3200) for n in range(75)],
            "ergibt entpackt mehr als 50 MB",
        ),
        ([(f"customXml/item{n}.xml", b"<a/>") for n in range(100)], "besteht aus 105 Teilen"),
    ],
    ids=["ratio", "unpacked-size", "members"],
)
def test_a_zip_bomb_is_refused_from_the_archive_directory(client, seed, extra, words):
    first = row(text_cell("Eins"), text_cell("IT-Betrieb"), text_cell("Idee"))
    data = xlsx(HEADER + first, extra=extra)
    assert len(data) < 8 * 1024 * 1024
    refused(post(client, seed, data), words)


def test_too_many_shared_strings_are_refused(client, seed):
    strings = [f"Text {n}" for n in range(200_001)]
    data = xlsx(HEADER + row('<c t="s"><v>0</v></c>'), strings)
    refused(post(client, seed, data), "mehr als 200.000 verschiedene Texte")


def test_a_cell_longer_than_the_limit_refuses_the_file_naming_it(client, seed):
    """One 20,000-character text in 100 cells (the finding: in 6,000, a 116 MB result)."""
    rows = [HEADER] + [
        row(text_cell(f"Vorhaben {n}"), '<c t="s"><v>0</v></c>', text_cell("Idee"))
        for n in range(100)
    ]
    answer = post(client, seed, xlsx("".join(rows), ["x" * 20_000]))
    refused(answer, "Zelle B2 enthält 20.000 Zeichen")
    assert len(answer.get_data()) < 2_000


def test_a_long_text_in_thousands_of_cells_keeps_the_result_small(app, client, seed):
    """6,000 rows whose phase is one 1,500-character text: checked in the background, the job
    keeps 500 problems quoting 80 characters each and counts the rest; the stored result and
    every status answer stay small."""
    app.config["IMPORT_INLINE_ROWS"] = 500
    long_text = "Umsetzung " * 150
    rows = [HEADER] + [
        row(text_cell(f"Vorhaben {n:04d}"), text_cell("IT-Betrieb"), '<c t="s"><v>0</v></c>')
        for n in range(6_000)
    ]
    answer = post(client, seed, xlsx("".join(rows), [long_text]))
    assert answer.status_code == 202, answer.json
    queue.work(app, burst=True)  # the check is a job of the queue
    status = client.get(answer.headers["Location"], headers=h(seed))
    state = status.json
    assert state["state"] == "checked" and state["total"] == 6_000, state
    assert len(status.get_data()) < 200_000
    problems = state["problems"]
    assert len(problems) == 501
    first = problems[0]
    assert (first["row"], first["column"]) == (2, "Phase")
    quoted, _sep, rest = first["message"].removeprefix("„").partition("“")
    assert len(quoted) <= 81 and quoted.startswith("Umsetzung") and quoted.endswith("…")
    assert rest.startswith(" ist keiner der Werte")
    assert problems[-1] == {
        "row": 502,
        "column": "",
        "message": "… und 5.500 weitere Probleme ab dieser Zeile",
    }
    db.session.expire_all()
    job = db.session.get(ImportJob, state["id"])
    assert len(json.dumps(job.result)) < 200_000
    assert job.result["problems_total"] == 6_000 and len(job.result["problems"]) == 500
    AuthActions(client).login("coordinator@test.example")
    page = client.get(f"/import/jobs/{job.id}")
    assert page.status_code == 200 and len(page.get_data()) < 400_000
    assert "… und 5.500 weitere Probleme ab dieser Zeile" in page.get_data(as_text=True)


DAMAGED = {  # the cell, and what the answer names
    "number-that-is-none": ('<c r="B2" t="n"><v>abc</v></c>', "Zelle B2 ist beschädigt"),
    "date-that-is-none": ('<c r="B2" t="d"><v>Dienstag</v></c>', "Zelle B2 ist beschädigt"),
    "shared-string-beyond-the-table": ('<c r="B2" t="s"><v>7</v></c>', "Zelle B2 ist beschädigt"),
    "shared-string-before-the-table": ('<c r="B2" t="s"><v>-1</v></c>', "Zelle B2 ist beschädigt"),
    "inline-string-without-text": ('<c r="B2" t="inlineStr"/>', "Zelle B2 ist beschädigt"),
    "style-beyond-the-styles": ('<c r="B2" s="9"><v>1</v></c>', "Zelle B2 ist beschädigt"),
    "style-that-is-no-number": ('<c r="B2" s="abc"><v>1</v></c>', "Zelle B2 ist beschädigt"),
    "date-beyond-the-calendar": ('<c r="B2" s="1"><v>1e20</v></c>', "Zelle B2 ist beschädigt"),
    "boolean-that-is-none": ('<c r="B2" t="b"><v>vielleicht</v></c>', "Zelle B2 ist beschädigt"),
    "unknown-type": ('<c r="B2" t="x"><v>1</v></c>', "Zelle B2 ist beschädigt"),
    "reference-that-is-none": ('<c r="2B"><v>1</v></c>', "Sie ist beschädigt"),
}


@pytest.mark.parametrize(("cell", "words"), DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_cell_is_named_not_a_server_error(client, seed, cell, words):
    data = xlsx(HEADER + row(text_cell("Eins"), cell), ["IT-Betrieb"], DATE_STYLES)
    message = refused(post(client, seed, data), "Die Datei kann nicht gelesen werden")
    assert words in message


def test_a_damaged_cell_comes_back_at_the_form_field(client, seed):
    AuthActions(client).login("coordinator@test.example")
    data = xlsx(HEADER + row('<c r="A2" t="n"><v>abc</v></c>'))
    answer = _upload(client, seed, data, "matrix.xlsx", kind="initiatives")
    assert answer.status_code == 200
    assert "Zelle A2 ist beschädigt" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_a_file_too_slow_to_read_is_stopped_at_the_time_limit(sqlite_app):
    """1.5 million cells (24 MB of XML, 0.6 MB packed; several seconds to read) with one
    second to read them: the reading process is ended and the file refused in words."""
    sqlite_app.config["IMPORT_PARSE_SECONDS"] = 1
    numbers = "".join(f"<c><v>{n}</v></c>" for n in range(300))
    data = xlsx(row(numbers) * 5_000)
    started = time.monotonic()
    with sqlite_app.test_request_context(), pytest.raises(UnreadableFile) as refusal:
        read_table("matrix.xlsx", data)
    assert "zu groß oder zu komplex" in str(refusal.value)
    assert time.monotonic() - started < 10


def test_a_file_needing_more_memory_than_allowed_is_refused(sqlite_app):
    """With 30 MB for reading, a small file is read and one of 1.25 million cells (3.6 MB of
    CSV, over 100 MB to read) is refused in words."""
    sqlite_app.config["IMPORT_PARSE_MEMORY_MB"] = 30
    with sqlite_app.test_request_context():
        assert read_table("matrix.csv", b"Vorhaben;Phase\nEins;Idee\n").rows == [
            (2, ["Eins", "Idee"])
        ]
        with pytest.raises(UnreadableFile) as refusal:
            read_table("matrix.csv", ("ab;" * 249 + "ab\n").encode() * 5_000)
    assert "zu groß oder zu komplex" in str(refusal.value)


def test_an_upload_over_eight_megabytes_is_refused_before_it_is_read(client, seed):
    body = b"Vorhaben;Phase\n" + b"Eins;Idee\n" * 900_000  # 9 MB
    answer = post(client, seed, body, name="matrix.csv")
    assert answer.status_code == 413
    assert answer.json["error"]["fields"]["file"] == "Die Datei ist größer als 8 MB."
    district = seed.bodies["hoexter"].id
    form = client.post(
        f"/api/v1/initiatives/import?district_id={district}",
        data={"file": (io.BytesIO(body), "matrix.csv")},
        headers=h(seed),
        content_type="multipart/form-data",
    )
    assert form.status_code == 413 and form.json["error"]["code"] == "payload_too_large"
    AuthActions(client).login("coordinator@test.example")
    page = _upload(client, seed, body, "matrix.csv", kind="initiatives")
    assert page.status_code == 413 and "größer als 8 MB" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
