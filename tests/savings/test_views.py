"""Savings pages as their users use them: the form in German notation, errors at the field,
results and charts with their data, scenarios, exports, my town, the dashboard and the report."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.models import CostLine, CostModel, CostRateTable
from coop.savings import services
from coop.savings.schemas import CostModelIn
from tests import factories


@pytest.fixture
def ini(public_ini):
    """The initiatives' pages are tested with a public initiative."""
    return public_ini


def estimate(seed, ini, **changes):
    """A stored estimate: Kreis and three towns, population key (populations of the seed)."""
    b = seed.bodies
    data = {
        "first_year": 2026,
        "horizon_years": 5,
        "allocation_key": "equal",
        "baseline": [
            {"body_id": b["hoexter"].id, "category": "staff", "pay_grade": "E11", "fte": "1"},
            {"body_id": b["brakel"].id, "category": "staff", "pay_grade": "E9c", "fte": "0.5"},
            {"body_id": b["nieheim"].id, "category": "staff", "pay_grade": "E9c", "fte": "0.3"},
            {"body_id": b["marienmuenster"].id, "category": "other", "amount": "15000"},
        ],
        "shared": [{"category": "staff", "pay_grade": "E11", "fte": "1.2"}],
        "one_off": [{"year": 2026, "amount": "25000"}],
        **changes,
    }
    with acting_as(None, "test"):
        model = services.save_model(ini, None, CostModelIn.model_validate(data), actor=None)
        db.session.commit()
    return model


def form_data(seed, **extra):
    b = seed.bodies
    data = {
        "name": "Grundszenario",
        "first_year": "2026",
        "horizon_years": "5",
        "discount_rate": "0,9",
        "cost_growth_rate": "2",
        "cost_rate_table_id": str(db.session.scalar(select(CostRateTable.id))),
        "allocation_key": "fixed",
        "base_share": "",
        "notes": "",
    }
    for i, (key, share) in enumerate(
        [("hoexter", "40"), ("brakel", "30"), ("nieheim", "20"), ("marienmuenster", "10")]
    ):
        data |= {
            f"partners-{i}-body_id": str(b[key].id),
            f"partners-{i}-workstations": "",
            f"partners-{i}-cases": "",
            f"partners-{i}-fixed_share": share,
        }
    rows = {
        "baseline": [
            (b["hoexter"].id, "staff", "E11", "1", ""),
            (b["brakel"].id, "other", "", "", "12.500,00"),
        ],
        "shared": [("", "staff", "E11", "1,5", "")],
        "remaining": [(b["brakel"].id, "other", "", "", "1.000")],
    }
    for section, lines in rows.items():
        for i, (body, category, grade, fte, amount) in enumerate(lines):
            data |= {
                f"{section}-{i}-body_id": str(body),
                f"{section}-{i}-category": category,
                f"{section}-{i}-pay_grade": grade,
                f"{section}-{i}-fte": fte,
                f"{section}-{i}-amount": amount,
                f"{section}-{i}-note": "",
            }
    data |= {
        "one_off-0-year": "2026",
        "one_off-0-amount": "30.000",
        "one_off-0-note": "Einrichtung",
    }
    data.update(extra)
    return data


def test_coordinator_enters_an_estimate_and_sees_results_with_charts(client, auth, seed, ini):
    auth.login("coordinator@test.example")
    page = client.get(f"/initiatives/{ini.id}/savings/new").get_data(as_text=True)
    assert 'id="partners-3-fixed_share"' in page and 'value="0,9"' in page
    r = auth.post(
        f"/initiatives/{ini.id}/savings/new", form_data(seed), f"/initiatives/{ini.id}/savings/new"
    )
    assert r.status_code == 302, re.sub(r"<[^>]+>", " ", r.get_data(as_text=True))[:3000]
    model = db.session.scalar(select(CostModel))
    assert str(model.discount_rate) == "0.00900" and str(model.cost_growth_rate) == "0.02000"
    assert model.is_primary
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Kapitalwert" in text and "Einsparquote" in text
    assert page.count("data-figure=") == 3 and "/static/vendor/plotly/plotly.min.js?v=" in page
    assert "Daten als Tabelle" in text and "Daten als CSV" in text
    # E11: 78,55 € × 1.561 = 122.616,55 €; today 122.616,55 + 12.500; jointly 1,5 × 122.616,55
    assert "122.616,55\xa0€" in page
    csv = client.get(f"/initiatives/{ini.id}/savings/{model.id}/costs.csv")
    assert csv.status_code == 200 and csv.data.decode("utf-8-sig").startswith("Jahr;Heute;")
    xlsx = client.get(f"/initiatives/{ini.id}/savings/{model.id}.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.data))
    assert wb.sheetnames == ["Eingaben", "Ergebnis", "Partner"]
    assert wb["Ergebnis"]["A2"].value == 2026
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in page


@pytest.mark.parametrize(
    "change, field",
    [
        ({"shared-0-pay_grade": "E99"}, "shared-0-pay_grade"),
        ({"shared-0-fte": "-1"}, "shared-0-fte"),
        ({"baseline-1-amount": "-5"}, "baseline-1-amount"),
        ({"horizon_years": "0"}, "horizon_years"),
        ({"horizon_years": "51"}, "horizon_years"),
        ({"discount_rate": "-100"}, "discount_rate"),
    ],
)
def test_form_errors_at_the_field_store_nothing(client, auth, seed, ini, change, field):
    auth.login("coordinator@test.example")
    path = f"/initiatives/{ini.id}/savings/new"
    r = auth.post(path, form_data(seed, **change), path)
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CostModel.id))) == 0
    assert db.session.scalar(select(func.count(CostLine.id))) == 0


def test_fixed_shares_that_do_not_add_up(client, auth, seed, ini):
    auth.login("coordinator@test.example")
    path = f"/initiatives/{ini.id}/savings/new"
    r = auth.post(path, form_data(seed, **{"partners-0-fixed_share": "50"}), path)
    assert r.status_code == 422
    assert "Die festen Anteile müssen zusammen 1 (100 %) ergeben." in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CostModel.id))) == 0


def test_scenarios_copy_compare_primary(client, auth, seed, ini):
    model = estimate(seed, ini)
    auth.login("coordinator@test.example")
    base = f"/initiatives/{ini.id}/savings"
    r = auth.post(f"{base}/{model.id}/copy", {"name": "Mit Wachstum"}, base)
    assert r.status_code == 302
    copy = db.session.scalar(select(CostModel).where(CostModel.name == "Mit Wachstum"))
    assert not copy.is_primary and len(copy.lines) == len(model.lines)
    page = client.get(f"{base}/compare").get_data(as_text=True)
    assert "Grundszenario" in page and "Mit Wachstum" in page and "Kapitalwert" in page
    auth.post(f"{base}/{copy.id}/primary", {}, base)
    db.session.expire_all()
    assert db.session.get(CostModel, copy.id).is_primary
    assert not db.session.get(CostModel, model.id).is_primary


def test_partner_editor_enters_only_their_costs(client, auth, seed, ini):
    model = estimate(seed, ini)
    auth.login("partner_editor@test.example")
    path = f"/initiatives/{ini.id}/savings/{model.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert "Unsere Kosten eintragen" in page and 'name="name"' not in page
    brakel = seed.bodies["brakel"].id
    html_rows = re.findall(r'name="baseline-(\d+)-body_id"', page)
    assert html_rows  # Brakel's row and blank rows only
    data = {
        "partners-1-body_id": str(brakel),
        "partners-1-workstations": "",
        "partners-1-cases": "",
        "partners-1-fixed_share": "",
        "baseline-0-body_id": str(brakel),
        "baseline-0-category": "staff",
        "baseline-0-pay_grade": "E9c",
        "baseline-0-fte": "0,8",
        "baseline-0-amount": "",
        "baseline-0-note": "Sachbearbeitung",
        "version": str(model.version),
    }
    r = auth.post(path, data, path)
    assert r.status_code == 302, re.sub(r"<[^>]+>", " ", r.get_data(as_text=True))[:2000]
    db.session.expire_all()
    lines = db.session.scalars(select(CostLine).where(CostLine.section == "baseline")).all()
    by_body = {ln.body_id: ln for ln in lines}
    assert str(by_body[brakel].fte) == "0.800"
    assert by_body[seed.bodies["hoexter"].id].pay_grade == "E11"  # untouched
    assert client.get(f"/initiatives/{ini.id}/savings/new").status_code == 403


def test_my_town_and_the_public(client, auth, seed, ini):
    estimate(seed, ini)
    brakel = seed.bodies["brakel"]
    page = client.get(f"/bodies/{brakel.id}/savings").get_data(as_text=True)  # anonymous
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Was Brakel spart" in text and "In 1 Vorhaben spart Brakel" in text
    assert client.get(f"/bodies/{brakel.id}/savings?format=csv").status_code == 200
    assert client.get(f"/initiatives/{ini.id}/savings").status_code == 200
    with acting_as(None, "test"):
        secret = factories.initiative(seed, title="Nicht öffentlich", public=False)
        db.session.commit()
    assert client.get(f"/initiatives/{secret.id}/savings").status_code == 404
    assert "Nicht öffentlich" not in client.get(f"/bodies/{brakel.id}/savings").get_data(
        as_text=True
    )


def test_dashboard_and_report(client, auth, seed, ini):
    estimate(seed, ini)
    auth.login("viewer@test.example")
    hoexter = seed.bodies["hoexter"].id
    page = client.get(f"/dashboard/?district={hoexter}").get_data(as_text=True)
    assert page.count("data-figure=") == 5 and "Digitalnetzwerk Kreis Höxter" in page
    assert client.get(f"/dashboard/?district={hoexter}&chart=phases").status_code == 200
    report = client.get(f"/report/?district={hoexter}").get_data(as_text=True)
    assert "Bericht für die Bürgermeisterkonferenz" in report and "0 von 4 Räten" in report
    pdf = client.get(f"/report.pdf?initiative={ini.id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert (
        "Digitalnetzwerk Kreis Höxter" in text and "Bericht für die Bürgermeisterkonferenz" in text
    )
    # the operator, the savings in total, and the decisions drawn with their legend
    assert "Kreis Höxter (Demonstrationsbetrieb)" in text
    assert "Einsparungen des 1 Vorhabens mit Schätzung, zusammen:" in text
    assert "Ratsbeschlüsse je Vorhaben" in text and "Beschlossen" in text and "Offen" in text
    # the operator's logo at the head of the first page
    first = PdfReader(io.BytesIO(pdf.data)).pages[0]
    assert [image.image.size for image in first.images][:1] == [(160, 64)]


def test_report_pdf_prints_text_as_text_and_numbers_its_pages(app, client, auth, seed):
    app.config["OPERATOR_LOGO"] = "/nowhere/logo.png"  # a missing logo does not stop the report
    with acting_as(None, "test"):
        odd = factories.initiative(seed, title="<b>Fett</b> & =SUMME(A1)")
        db.session.commit()
    auth.login("coordinator@test.example")
    hoexter = seed.bodies["hoexter"].id
    pdf = client.get(f"/report.pdf?district={hoexter}")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "<b>Fett</b> & =SUMME(A1)" in text
    assert "Stand der Vorhaben" in text and "0 von 4 Räten" in text and "Seite 1 / 1" in text
    assert reader.metadata.title == "Bericht für die Bürgermeisterkonferenz – Kreis Höxter"
    page = client.get(f"/report/?district={hoexter}").get_data(as_text=True)
    assert "&lt;b&gt;Fett&lt;/b&gt; &amp; =SUMME(A1)" in page
    assert odd.title not in page


def test_dashboard_queries_stay_constant(app, client, auth, seed, ini):
    auth.login("viewer@test.example")
    hoexter = seed.bodies["hoexter"].id

    def count():
        n = 0

        def on(_conn, _cursor, statement, *_a, **_k):
            nonlocal n
            n += 1
            seen.append(statement.split("FROM")[1].split()[0] if "FROM" in statement else "?")

        event.listen(db.engine, "before_cursor_execute", on)
        try:
            assert client.get(f"/dashboard/?district={hoexter}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", on)
        return n

    seen: list[str] = []
    estimate(seed, ini)
    with acting_as(None, "test"):
        nrw = factories.program()
        factories.grant(ini, nrw, tranches=[{"date": "2027-01-01", "amount": "10"}])
        db.session.commit()
    few = count()
    first = list(seen)
    seen.clear()
    with acting_as(None, "test"):
        for i in range(99):
            other = factories.initiative(seed, title=f"Initiative {i:03}")
            factories.resolution(other, seed.bodies["brakel"])
            factories.grant(
                other, nrw, tranches=[{"date": "2027-01-01", "amount": "10", "state": "planned"}]
            )
            if i % 3 == 0:
                services.save_model(
                    other,
                    None,
                    CostModelIn.model_validate(
                        {
                            "first_year": 2026,
                            "allocation_key": "equal",
                            "shared": [{"amount": "1000"}],
                        }
                    ),
                    actor=None,
                )
        db.session.commit()
    many = count()
    import collections

    assert many == few, (collections.Counter(seen), collections.Counter(first))


def test_admin_adds_next_years_rate_table(client, auth, seed):
    auth.login("admin@test.example")
    data = {
        "name": "KGSt 2026/27",
        "year": "2026/27",
        "source": "KGSt-Bericht 2026",
        "hours_employee": "1561",
        "hours_civil_servant": "1602",
        "values_are": "hourly",
        "rates": "E9a; 65,10\nA11; 86,00",
        "notes": "",
    }
    bad = auth.post("/savings/rates/", {**data, "rates": "E9a 65"}, "/savings/rates/")
    assert bad.status_code == 422 and "Zeile 1" in bad.get_data(as_text=True)
    # the published annual figures are the default; an hourly rate there is caught
    bad = auth.post("/savings/rates/", {**data, "values_are": "annual"}, "/savings/rates/")
    assert bad.status_code == 422 and "Stundensatz" in bad.get_data(as_text=True)
    r = auth.post("/savings/rates/", data, "/savings/rates/")
    assert r.status_code == 302
    table = db.session.scalar(select(CostRateTable).where(CostRateTable.name == "KGSt 2026/27"))
    # 86,00 € × 1.602 h and 65,10 € × 1.561 h
    assert services.annual_costs(table) == {
        "A11": Decimal("137772.00"),
        "E9a": Decimal("101621.10"),
    }
    assert services.default_table().id == table.id
    auth.logout()
    auth.login("coordinator@test.example")
    assert auth.post("/savings/rates/", {**data, "name": "X"}, "/savings/rates/").status_code == 403


def test_revenue_yearly_values_and_discounting_through_the_form(client, auth, seed, ini):
    """The treasurer enters fee income, a one-off sale, Brakel's population of later years and
    the discounting convention; the page states the convention and the key's caveat."""
    b = seed.bodies
    with acting_as(None, "test"):
        for key in ("hoexter", "brakel", "nieheim", "marienmuenster"):
            b[key].population = b[key].population or 4800
        db.session.commit()
    auth.login("coordinator@test.example")
    path = f"/initiatives/{ini.id}/savings/new"
    page = client.get(path).get_data(as_text=True)
    assert 'id="revenue-0-amount"' in page and 'id="yearly_values-0-population"' in page
    assert "Bevölkerungsschlüssel" in page  # the key's caveat beside the choice
    data = form_data(
        seed,
        allocation_key="population",
        discount_timing="start",
        **{
            "partners-0-fixed_share": "", "partners-1-fixed_share": "",
            "partners-2-fixed_share": "", "partners-3-fixed_share": "",
            "revenue-0-body_id": "", "revenue-0-category": "fees",
            "revenue-0-amount": "6.000", "revenue-0-note": "Gebühren Dritter",
            "revenue-1-body_id": str(b["brakel"].id), "revenue-1-category": "other",
            "revenue-1-amount": "1.000", "revenue-1-note": "",
            "one_off_revenue-0-year": "2027", "one_off_revenue-0-amount": "4.000",
            "one_off_revenue-0-note": "Verkauf Altgeräte",
            "yearly_values-0-body_id": str(b["brakel"].id), "yearly_values-0-year": "2028",
            "yearly_values-0-population": "15900", "yearly_values-0-workstations": "",
            "yearly_values-0-cases": "",
        },
    )  # fmt: skip
    r = auth.post(path, data, path)
    assert r.status_code == 302, re.sub(r"<[^>]+>", " ", r.get_data(as_text=True))[:3000]
    model = services.load_model(db.session.scalar(select(CostModel.id)))
    assert model.discount_timing == "start"
    revenue = [ln for ln in model.lines if ln.section == "revenue"]
    assert [(ln.body_id, ln.amount) for ln in revenue] == [
        (None, Decimal("6000.00")),
        (b["brakel"].id, Decimal("1000.00")),
    ]
    assert [(e.kind, e.year, e.amount) for e in model.events if e.kind == "one_off_revenue"] == [
        ("one_off_revenue", 2027, Decimal("4000.00"))
    ]
    assert [(y.body_id, y.year, y.population) for y in model.yearly_values] == [
        (b["brakel"].id, 2028, 15900)
    ]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("\xa0", " ")
    assert "zählt zu Beginn des Jahres" in text
    assert "Bevölkerungsschlüssel" in text
    # the form shows what is stored
    edit = client.get(f"{path[:-4]}/{model.id}/edit").get_data(as_text=True)
    assert 'value="15900"' in edit and 'value="6.000,00"' in edit
    # bad input: a year's values without any value, and a revenue line with staff
    bad = dict(data, name="Zweites")
    bad |= {"yearly_values-0-population": "", "revenue-0-pay_grade": "E11"}
    r = auth.post(path, bad, path)
    assert r.status_code == 422
    assert "yearly_values-0-population" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CostModel.id))) == 1


def test_a_table_of_published_annual_figures_derives_the_hourly_rate(client, auth, seed):
    """The annual figure is the source: a post costs exactly what the table publishes, the
    hourly rate is derived (98.374,22 € ÷ 1.561 h = 63,0213… → 63,02 €)."""
    auth.login("admin@test.example")
    data = {
        "name": "KGSt 2026/27 (Jahreswerte)",
        "year": "2026/27",
        "source": "KGSt-Bericht 2026",
        "hours_employee": "1561",
        "hours_civil_servant": "1602",
        "values_are": "annual",
        "rates": "E9a; 98.374,22\nA13; 169.892,10",
        "notes": "",
    }
    r = auth.post("/savings/rates/", data, "/savings/rates/")
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    table = services.default_table()
    assert services.annual_costs(table) == {
        "A13": Decimal("169892.10"),
        "E9a": Decimal("98374.22"),
    }
    # 169.892,10 ÷ 1.602 = 106,0500…
    assert {r.pay_grade: r.hourly_rate for r in table.rates} == {
        "A13": Decimal("106.05"),
        "E9a": Decimal("63.02"),
    }
    page = client.get("/savings/rates/").get_data(as_text=True)
    assert "abgeleitet" in page


def test_rate_tables_list_grades_in_their_published_order(client, auth, seed):
    auth.login("admin@test.example")
    page = client.get("/savings/rates/").get_data(as_text=True)
    grades = re.findall(r'<th class="kern-table__cell" scope="row">([AE]\d+[a-c]?)</th>', page)
    assert grades.index("E5") < grades.index("E9a") < grades.index("E13")
    assert grades.index("E15") < grades.index("A9") < grades.index("A11") < grades.index("A13")


def test_a_new_estimate_offers_a_cost_row_per_partner_and_grades_in_table_order(
    client, auth, seed, ini
):
    """Issue 29: two cost rows for four partners, and pay grades sorted as text (A11, A13,
    A9 … E15, E5)."""
    auth.login("coordinator@test.example")
    page = client.get(f"/initiatives/{ini.id}/savings/new").get_data(as_text=True)
    partners = len(re.findall(r'name="partners-\d+-body_id"', page))
    chosen = re.findall(
        r'<select[^>]*name="baseline-(\d+)-body_id"[^>]*>.*?<option selected value="(\d+)"',
        page,
        re.S,
    ) or re.findall(r'name="baseline-(\d+)-body_id".*?value="(\d+)" selected', page, re.S)
    assert partners >= 4 and len(set(v for _n, v in chosen)) == partners, chosen
    select = page.split('name="baseline-0-pay_grade"')[1].split("</select>")[0]
    grades = re.findall(r'<option value="([^"]+)"', select)
    assert grades == sorted(
        grades,
        key=lambda g: (g[0] != "E", g[0], int("".join(c for c in g[1:] if c.isdigit()) or 0), g),
    )
    assert grades.index("E5") < grades.index("E15") if "E5" in grades else True
