"""Figures that add up (issue 29): one rounding rule wherever a total and its parts are shown.
"Was Brakel spart" said 86.204,54 € in the sentence (the sum of the years' rounded values) and
86.204,50 € in the table (the exact sum, rounded once)."""

from __future__ import annotations

import re
from decimal import Decimal as D

from coop.core.money import apportion, running, to_cents


def test_parts_add_up_to_the_total_rounded_once():
    # by hand: 3 × 0.333… = 1.00; cut down, each 0.33 (0.99), the cent left goes to the first
    assert apportion([D(1) / 3] * 3) == [D("0.34"), D("0.33"), D("0.33")]
    # 0.125 + 0.125 = 0.25: to_cents would give 0.13 + 0.13 = 0.26
    assert to_cents(D("0.125")) * 2 == D("0.26")
    assert apportion([D("0.125"), D("0.125")]) == [D("0.13"), D("0.12")]
    # the largest remainder gets the cent, not the first
    assert apportion([D("1.001"), D("1.009"), D("1.000")]) == [D("1.00"), D("1.01"), D("1.00")]
    # negative parts (a year that costs more than it saves)
    values = [D("-10.005"), D("20.004"), D("-0.004")]
    shown = apportion(values)
    assert sum(shown) == to_cents(sum(values)) == D("10.00")  # 9.995 half up
    assert running([D("1.00"), D("2.50"), D("-0.50")]) == [D("1.00"), D("3.50"), D("3.00")]
    assert apportion([]) == []


CELL = '<td class="kern-table__cell coop-amount">'


def _amounts(text: str) -> list[D]:
    return [
        D(a.replace(".", "").replace(",", ".")) for a in re.findall(r"(-?[\d.]+,\d\d)\s€", text)
    ]


def test_every_savings_page_states_the_total_its_rows_add_up_to(app, client):
    """The demo's towns and initiatives: the sentence's total equals its rows, to the cent."""
    from sqlalchemy import select

    from coop import demo
    from coop.audit import acting_as
    from coop.extensions import db
    from coop.models import Body, CostModel

    with acting_as(None, "demo"):
        demo.load()
        db.session.commit()
    towns = db.session.scalars(select(Body).where(Body.kind.in_(("city", "municipality")))).all()
    checked = 0
    for town in towns:
        page = client.get(f"/bodies/{town.id}/savings").get_data(as_text=True)
        said = re.search(r'id="town-summary">([^<]+)<', page)
        if not said or "spart" not in said.group(1):
            continue
        total = _amounts(said.group(1))[0]
        table = page.split('id="initiatives-heading"')[1]
        rows = re.findall(
            CELL + r"([^<]+)</td>\s*" + CELL + r"[^<]*%",  # the savings, then the rate
            table,
        )
        assert (
            sum(_amounts(" ".join(r + " " for r in rows).replace("\xa0", " "))) == total
            or rows == []
        ), town.name
        csv = client.get(f"/bodies/{town.id}/savings?format=csv").get_data(as_text=True)
        years = [D(line.split(";")[-1].replace(",", ".").strip() or 0)
                 for line in csv.splitlines()[1:] if line.strip()]  # fmt: skip
        assert sum(years) == total, (town.name, years, total)
        checked += 1
    assert checked >= 2
    for model in db.session.scalars(select(CostModel).where(CostModel.is_primary.is_(True))):
        page = client.get(f"/initiatives/{model.initiative_id}/savings").get_data(as_text=True)
        costs = re.search(r'id="costs-summary">([^<]+)<', page)
        if costs:
            today, coop, saved = _amounts(costs.group(1).replace("\xa0", " "))[:3]
            assert today - coop == saved, costs.group(1)


def test_the_reports_total_is_the_sum_of_its_rows(app, client):
    """The report (page and PDF) states the savings of every estimated initiative and their
    total; the total is the sum of the rows as shown."""
    from sqlalchemy import select

    from coop import demo
    from coop.audit import acting_as
    from coop.extensions import db
    from coop.models import Body
    from tests.conftest import AuthActions

    with acting_as(None, "demo"):
        demo.load()
        db.session.commit()
    AuthActions(client).login("koordination@kreis-hoexter.example", demo.DEMO_PASSWORD)
    kreis = db.session.scalar(select(Body).where(Body.ags == "05762000"))
    page = client.get(f"/report/?district={kreis.id}").get_data(as_text=True).replace("\xa0", " ")
    said = re.search(r'id="savings-total">([^<]+)<', page)
    assert said, "the HTML report states the total as the PDF does"
    total = _amounts(said.group(1))[-1]
    rows = re.findall(r'data-label="Einsparungen">([^<]+)<', page)
    assert rows and sum(_amounts(r)[0] for r in rows if "€" in r) == total


def test_the_html_report_has_the_decisions_chart_with_its_data(app, client):
    from sqlalchemy import select

    from coop import demo
    from coop.audit import acting_as
    from coop.extensions import db
    from coop.models import Body
    from tests.conftest import AuthActions

    with acting_as(None, "demo"):
        demo.load()
        db.session.commit()
    AuthActions(client).login("koordination@kreis-hoexter.example", demo.DEMO_PASSWORD)
    kreis = db.session.scalar(select(Body).where(Body.ags == "05762000"))
    page = client.get(f"/report/?district={kreis.id}").get_data(as_text=True)
    assert 'id="decisions-plot"' in page and "Daten als Tabelle" in page
    assert "plotly.min.js" in page
    assert "geplant, über 490.000,00" in page.replace("\xa0", " ")
