"""Demo savings estimates with plausible figures (KGSt 2025/26 cost rates).

Höxter Digitalnetzwerk: today the Kreis has one E11 post for digital projects and each town spends
about 0,3 FTE (E9c) on them; together they fund two E11 posts and 20.000 € of material a year,
and each town keeps 0,1 FTE as its contact person. The 490.000 € of the NRW IKZ grant arrive as
98.000 € a year over five years; 40.000 € of set-up costs fall in the first year. The Kreis and
the towns share the joint costs by population. A second scenario shares them equally.

Wolfenbüttel payroll (Zukunftspakt): Kreis and town each run payroll with 2,5 and 1,5 FTE (E9a);
jointly 3 FTE and one licence instead of two."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import CostModel, Initiative
from ..savings import services
from ..savings.schemas import CostModelIn


def _initiative(title: str) -> Initiative | None:
    return db.session.scalar(select(Initiative).where(Initiative.title == title))


def _hoexter() -> None:
    ini = _initiative("Digitalnetzwerk Kreis Höxter")
    if ini is None or db.session.scalar(
        select(CostModel.id).where(CostModel.initiative_id == ini.id)
    ):
        return
    ini = services.initiative_with_partners(ini.id)
    kreis = ini.lead_body_id
    towns = [p.body_id for p in ini.deciding_participants if p.body_id != kreis]
    data = {
        "name": "Grundszenario",
        "first_year": 2022,
        "horizon_years": 10,
        "allocation_key": "population",
        "baseline": [{"body_id": kreis, "category": "staff", "pay_grade": "E11", "fte": "1",
                      "description": "Digitalisierungsprojekte"}]
        + [{"body_id": t, "category": "staff", "pay_grade": "E9c", "fte": "0.3",
            "description": "Smart-Region-Projekte"} for t in towns],
        "shared": [
            {"category": "staff", "pay_grade": "E11", "fte": "2", "description": "Digitalnetzwerk"},
            {"category": "material", "amount": "20000", "description": "Sachkosten, Schulungen"},
        ],
        "remaining": [{"body_id": t, "category": "staff", "pay_grade": "E9c", "fte": "0.1",
                       "description": "Ansprechperson"} for t in towns],
        "one_off": [{"year": 2022, "amount": "40000", "description": "Einrichtung"}],
        "funding": [{"year": y, "amount": "98000"} for y in range(2022, 2027)],
    }  # fmt: skip
    model = services.save_model(ini, None, CostModelIn.model_validate(data), actor=None)
    copy = services.copy_model(model, "Gleiche Anteile", actor=None)
    services.save_model(
        ini,
        copy,
        CostModelIn.model_validate({"first_year": copy.first_year, "allocation_key": "equal"}),
        actor=None,
    )


def _wolfenbuettel() -> None:
    ini = _initiative("Zukunftspakt: Personalabrechnung")
    if ini is None or db.session.scalar(
        select(CostModel.id).where(CostModel.initiative_id == ini.id)
    ):
        return
    ini = services.initiative_with_partners(ini.id)
    kreis = ini.lead_body_id
    stadt = next(p.body_id for p in ini.deciding_participants if p.body_id != kreis)
    services.save_model(
        ini,
        None,
        CostModelIn.model_validate(
            {
                "first_year": 2025,
                "horizon_years": 8,
                "allocation_key": "workstations",
                "partners": [
                    {"body_id": kreis, "workstations": "1450"},
                    {"body_id": stadt, "workstations": "820"},
                ],
                "baseline": [
                    {"body_id": kreis, "category": "staff", "pay_grade": "E9a", "fte": "2.5"},
                    {"body_id": kreis, "category": "licences", "amount": "38000"},
                    {"body_id": stadt, "category": "staff", "pay_grade": "E9a", "fte": "1.5"},
                    {"body_id": stadt, "category": "licences", "amount": "26000"},
                ],
                "shared": [
                    {"category": "staff", "pay_grade": "E9a", "fte": "3"},
                    {"category": "licences", "amount": "45000"},
                ],
                "one_off": [{"year": 2025, "amount": "60000", "description": "Datenmigration"}],
            }
        ),
        actor=None,
    )


def load() -> None:
    """The savings estimates of the demo initiatives (Höxter, Wolfenbüttel)."""
    _hoexter()
    _wolfenbuettel()
