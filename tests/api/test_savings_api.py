"""The savings estimate through the JSON API, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.models import CostLine, CostModel
from tests import factories
from tests.openapi import schema_checker


def h(seed, role="coordinator", **extra):
    return {"Authorization": f"Bearer {seed.tokens[role]}", **extra}


def payload(seed, **changes):
    b = seed.bodies
    data = {
        "first_year": 2026,
        "horizon_years": 3,
        "discount_rate": "0.05",
        "allocation_key": "fixed",
        "partners": [
            {"body_id": b["hoexter"].id, "fixed_share": "0.4"},
            {"body_id": b["brakel"].id, "fixed_share": "0.3"},
            {"body_id": b["nieheim"].id, "fixed_share": "0.2"},
            {"body_id": b["marienmuenster"].id, "fixed_share": "0.1"},
        ],
        "baseline": [
            {"body_id": b["hoexter"].id, "category": "staff", "pay_grade": "E9a", "fte": "1"},
            {"body_id": b["brakel"].id, "category": "staff", "pay_grade": "E9a", "fte": "0.5"},
            {"body_id": b["nieheim"].id, "category": "material", "amount": "20000"},
            {"body_id": b["marienmuenster"].id, "category": "licences", "amount": "10000"},
        ],
        "shared": [{"category": "staff", "pay_grade": "E9a", "fte": "1"}],
        "remaining": [],
        "one_off": [{"year": 2026, "amount": "30000", "description": "Einrichtung"}],
        "funding": [{"year": 2026, "amount": "20000"}],
    }
    data.update(changes)
    return data


def put(client, seed, ini, data, role="coordinator"):
    return client.put(f"/api/v1/initiatives/{ini.id}/cost-model", json=data, headers=h(seed, role))


def test_put_get_cost_model_and_savings(client, seed, ini):
    r = put(client, seed, ini, payload(seed))
    assert r.status_code == 201, r.json
    assert r.json["cost_rate_table"] == "KGSt 2025/26"
    assert r.json["discount_rate"] == "0.05000"
    got = client.get(f"/api/v1/initiatives/{ini.id}/cost-model", headers=h(seed, "viewer"))
    assert got.json["baseline"][0]["pay_grade"] == "E9a"
    s = client.get(f"/api/v1/initiatives/{ini.id}/savings", headers=h(seed, "viewer")).json
    # baseline 98.374,22 + 49.187,11 + 20.000 + 10.000 = 177.561,33; shared 98.374,22;
    # joint 2026 = 98.374,22 + 30.000 − 20.000 = 108.374,22
    assert s["years"][0] == {
        "year": 2026,
        "baseline": "177561.33",
        "cooperation": "108374.22",
        "savings": "69187.11",
        "cumulative": "69187.11",
    }
    assert s["years"][2]["cumulative"] == "227561.33"  # 69.187,11 + 2 × 79.187,11
    assert s["break_even_year"] == 2026
    # 1 − 98.374,22 / 177.561,33 = 0,44596…
    assert s["savings_rate"] == "0.4460"
    hoexter = s["partners"][0]
    assert hoexter["share"] == "0.4000"
    # its share each year in cents: 0,4 × 108.374,22 = 43.349,688 → 43.349,69 and
    # 0,4 × 98.374,22 = 39.349,688 → 39.349,69 (twice): 122.049,07 against 3 × 98.374,22
    assert hoexter["baseline"] == "295122.66" and hoexter["cooperation"] == "122049.07"
    assert hoexter["savings"] == "173073.59"
    # a second PUT replaces the lists and answers 200
    r = put(client, seed, ini, payload(seed, one_off=[], funding=[], version=r.json["version"]))
    assert r.status_code == 200 and r.json["one_off"] == []
    assert db.session.scalar(select(func.count(CostModel.id))) == 1


def test_the_funding_check_uses_the_savings_rate(client, seed, ini):
    with acting_as(None, "test"):
        nrw = factories.program()
        grant = factories.grant(ini, nrw, amount_requested="245000")
        db.session.commit()
    check = client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json
    assert {c["code"]: c["status"] for c in check["conditions"]}["savings_rate"] == "unknown"
    put(client, seed, ini, payload(seed))
    check = client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json
    savings = next(c for c in check["conditions"] if c["code"] == "savings_rate")
    assert savings["status"] == "met"
    assert savings["message"] == "Geschätzte Einsparquote 44,6 %, verlangt sind mindestens 15 %."


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"shared": [{"category": "staff", "pay_grade": "E99", "fte": "1"}]}, "shared.0.pay_grade"),
        ({"shared": [{"category": "staff", "pay_grade": "E9a", "fte": "-1"}]}, "shared.0.fte"),
        ({"one_off": [{"year": 2026, "amount": "-5"}]}, "one_off.0.amount"),
        ({"horizon_years": 0}, "horizon_years"),
        ({"horizon_years": 51}, "horizon_years"),
        ({"discount_rate": "-1"}, "discount_rate"),
        ({"allocation_key": "lottery"}, "allocation_key"),
        ({"cost_rate_table": "KGSt 1999"}, "cost_rate_table"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(client, seed, ini, changes, field):
    r = put(client, seed, ini, payload(seed, **changes))
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"], r.json
    assert db.session.scalar(select(func.count(CostModel.id))) == 0
    assert db.session.scalar(select(func.count(CostLine.id))) == 0


def test_fixed_shares_must_add_up_and_partners_must_take_part(client, seed, ini):
    data = payload(seed)
    for p in data["partners"]:
        p["fixed_share"] = "0.3"
    r = put(client, seed, ini, data)
    assert r.status_code == 422
    assert "ergeben" in r.json["error"]["fields"]["partners.fixed_share"]
    data = payload(seed, allocation_key="equal")
    data["partners"].append({"body_id": seed.bodies["suepplingen"].id})
    r = put(client, seed, ini, data)
    assert r.status_code == 422
    assert "partners.4.body_id" in r.json["error"]["fields"]
    assert db.session.scalar(select(func.count(CostModel.id))) == 0


def test_partner_editor_changes_only_their_own_lines(client, seed, ini):
    put(client, seed, ini, payload(seed))
    b = seed.bodies
    mine = payload(
        seed,
        partners=[{"body_id": b["brakel"].id, "fixed_share": "0.3"}],
        baseline=[{"body_id": b["brakel"].id, "category": "staff", "pay_grade": "E9a", "fte": "2"}],
    )
    r = put(client, seed, ini, mine, "partner_editor")
    assert r.status_code == 200, r.json
    baseline = {x["body_id"]: x for x in r.json["baseline"]}
    assert baseline[b["brakel"].id]["fte"] == "2.000"
    assert baseline[b["hoexter"].id]["fte"] == "1.000"  # untouched
    foreign = payload(seed, baseline=[{"body_id": b["hoexter"].id, "amount": "1"}])
    assert put(client, seed, ini, foreign, "partner_editor").status_code == 422
    for role in ("viewer", "coordinator_helmstedt"):
        assert put(client, seed, ini, payload(seed), role).status_code == 403


def test_openapi_describes_savings_answers(client, seed, ini):
    doc, check = schema_checker(client)
    check(put(client, seed, ini, payload(seed)).json, "CostModelOut")
    check(client.get(f"/api/v1/initiatives/{ini.id}/savings", headers=h(seed)).json, "SavingsOut")


def test_payments_between_partners_through_the_api_and_the_form(client, auth, seed, ini):
    """Brakel performs the service for Nieheim and is paid 10.000 € a year: Nieheim's savings
    drop by it, Brakel's rise by it, the cooperation's stay the same."""
    b = seed.bodies
    before = put(client, seed, ini, payload(seed))
    assert before.status_code == 201, before.json
    s0 = client.get(f"/api/v1/initiatives/{ini.id}/savings", headers=h(seed)).json
    pay = [{"payer_id": b["nieheim"].id, "payee_id": b["brakel"].id, "amount": "10000",
            "fixed": True}]  # fmt: skip
    bad = put(client, seed, ini, payload(seed, payments=[{**pay[0], "payee_id": b["nieheim"].id}]))
    assert bad.status_code == 422 and "payments.0.payee_id" in bad.json["error"]["fields"]
    r = put(client, seed, ini, {**payload(seed, payments=pay), "version": before.json["version"]})
    assert r.status_code == 200, r.json
    assert r.json["payments"][0]["amount"] == "10000.00"
    s1 = client.get(f"/api/v1/initiatives/{ini.id}/savings", headers=h(seed)).json
    assert s1["years"] == s0["years"]  # the cooperation as a whole: unchanged

    from decimal import Decimal

    def total(summary, body):
        return Decimal(next(p for p in summary["partners"] if p["body_id"] == body)["savings"])

    # three years of 10.000 €, fixed
    assert total(s1, b["nieheim"].id) == total(s0, b["nieheim"].id) - 30000
    assert total(s1, b["brakel"].id) == total(s0, b["brakel"].id) + 30000
    # the form shows the payment and keeps it when saved again
    auth.login(seed.users["coordinator"].email)
    page = client.get(f"/initiatives/{ini.id}/savings/{r.json['id']}/edit").get_data(as_text=True)
    assert "Zahlungen zwischen Partnern" in page and 'value="10.000,00"' in page


def test_revenue_yearly_values_and_discounting_through_the_api(client, seed, ini):
    """Fees of 6.000 € a year for the joint service and a one-off 4.000 € in 2027; the
    discounting convention is part of the estimate; values of later years are kept."""
    b = seed.bodies
    extra = {
        "revenue": [{"amount": "6000", "description": "Gebühren Dritter"}],
        "one_off_revenue": [{"year": 2027, "amount": "4000"}],
        "yearly_values": [{"body_id": b["brakel"].id, "year": 2027, "population": 15900}],
    }
    r = put(client, seed, ini, payload(seed, **extra))
    assert r.status_code == 201, r.json
    assert r.json["discount_timing"] == "end"  # WiBe 5.0 by default
    assert r.json["revenue"] == [
        {"body_id": None, "category": "fees", "amount": "6000.00",
         "description": "Gebühren Dritter"}
    ]  # fmt: skip
    assert r.json["yearly_values"][0]["population"] == 15900
    s = client.get(f"/api/v1/initiatives/{ini.id}/savings", headers=h(seed)).json
    # 2026: 108.374,22 − 6.000; 2027: 98.374,22 − 6.000 − 4.000
    assert [y["cooperation"] for y in s["years"]] == ["102374.22", "88374.22", "92374.22"]
    # 1 − (98.374,22 − 6.000) / 177.561,33
    assert s["savings_rate"] == "0.4798"
    # savings 75.187,11; 89.187,11; 85.187,11 at the end of each year, at 5 %:
    # 71.606,7714 + 80.895,3379 + 73.587,8285 = 226.089,94
    assert s["npv"] == "226089.94"
    r = put(client, seed, ini, {**payload(seed, **extra), "discount_timing": "start",
                                "version": r.json["version"]})  # fmt: skip
    assert r.status_code == 200, r.json
    s = client.get(f"/api/v1/initiatives/{ini.id}/savings", headers=h(seed)).json
    # 75.187,11 + 84.940,1048 + 77.267,2200
    assert s["npv"] == "237394.43"
    for changes, field in (
        ({"revenue": [{"amount": "1", "pay_grade": "E9a"}]}, "revenue.0.pay_grade"),
        ({"revenue": [{"amount": "-1"}]}, "revenue.0.amount"),
        ({"yearly_values": [{"body_id": b["helmstedt"].id, "year": 2027, "cases": "3"}]},
         "yearly_values.0.body_id"),
        ({"yearly_values": [{"body_id": b["brakel"].id, "year": 2027}]},
         "yearly_values.0.population"),
        ({"discount_timing": "mid"}, "discount_timing"),
    ):  # fmt: skip
        bad = put(client, seed, ini, payload(seed, **changes))
        assert bad.status_code == 422, (changes, bad.json)
        assert field in bad.json["error"]["fields"], (field, bad.json["error"]["fields"])
