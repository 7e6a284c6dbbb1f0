"""Test data built through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field

from coop.auth import services as auth_services
from coop.bodies import services as bodies
from coop.bodies.schemas import BodyCreate
from coop.extensions import db
from coop.funding.schemas import FundingProgramCreate, GrantCreate
from coop.initiatives.schemas import InitiativeCreate
from coop.models import Body, User
from coop.resolutions.schemas import ResolutionRecord
from coop.users import services as users
from coop.users.schemas import UserCreate

PASSWORD = "correct-horse-battery"


def _blank_pdf() -> bytes:
    """A real one-page PDF (uploads must open as PDFs)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


@dataclass
class Seed:
    bodies: dict[str, Body] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def body(**values) -> Body:
    return bodies.create_body(BodyCreate.model_validate(values), actor=None)


def make_seed() -> Seed:
    s = Seed()
    b = s.bodies
    b["hoexter"] = body(
        name="Kreis Höxter", kind="district", ags="05762000", council_name="Kreistag"
    )
    b["brakel"] = body(
        name="Brakel",
        kind="city",
        ags="05762016",
        ars="057620016016",
        population=16012,
        parent_id=b["hoexter"].id,
        council_name="Rat der Stadt Brakel",
    )
    b["nieheim"] = body(
        name="Nieheim", kind="city", ags="05762028", population=6044, parent_id=b["hoexter"].id
    )
    b["marienmuenster"] = body(
        name="Marienmünster",
        kind="city",
        ags="05762024",
        population=4872,
        parent_id=b["hoexter"].id,
    )
    b["helmstedt"] = body(name="Landkreis Helmstedt", kind="district", ags="03154000")
    b["nord_elm"] = body(
        name="Nord-Elm",
        kind="collective_municipality",
        ars="031545403000",
        parent_id=b["helmstedt"].id,
    )
    b["suepplingen"] = body(
        name="Süpplingen",
        kind="municipality",
        ags="03154024",
        parent_id=b["nord_elm"].id,
        population=1886,
    )
    b["dataport"] = body(name="Dataport AöR", kind="association")
    roles = {
        "admin": None,
        "coordinator": "hoexter",
        "partner_editor": "brakel",
        "funding_officer": None,
        "viewer": "marienmuenster",
        "coordinator_helmstedt": "helmstedt",
    }
    for key, body_key in roles.items():
        role = key.split("_helmstedt")[0]
        s.users[key] = users.create_user(
            UserCreate.model_validate(
                {
                    "email": f"{key}@test.example",
                    "role": role,
                    "password": PASSWORD,
                    "body_id": b[body_key].id if body_key else None,
                }
            ),
            actor=None,
        )
        _token, s.tokens[key] = auth_services.issue_token(s.users[key], "test")
    db.session.flush()
    return s


def initiative(seed: Seed, **values):
    """The Höxter Digitalnetzwerk in small: the Kreis leads, three towns take part."""
    from coop.initiatives import services as initiatives

    b = seed.bodies
    data = {
        "title": "Digitalnetzwerk Kreis Höxter",
        "service_area": "smart_region",
        "phase": "decision",
        "legal_form": "agreement_mandate",
        "lead_body_id": b["hoexter"].id,
        "start_date": "2022-07-01",
        "end_date": "2027-06-30",
        "phase_changed_on": "2022-01-18",
        "participants": [
            {"body_id": b["hoexter"].id, "role": "lead"},
            {"body_id": b["brakel"].id, "role": "partner"},
            {"body_id": b["nieheim"].id, "role": "partner"},
            {"body_id": b["marienmuenster"].id, "role": "partner", "joined_on": "2022-02-23"},
        ],
        "milestones": [{"title": "Beschlüsse aller Räte", "due_on": "2022-03-31"}],
        **values,
    }
    return initiatives.create_initiative(InitiativeCreate.model_validate(data), actor=None)


def resolution(ini, body: Body, **values):
    from coop.resolutions import services as resolutions

    data = {
        "body_id": body.id,
        "organ": "Rat",
        "kind": "basic_decision",
        "session_date": "2022-02-23",
        "outcome": "adopted",
        **values,
    }
    return resolutions.create_resolution(ini, ResolutionRecord.model_validate(data), actor=None)


def program(**values):
    """The NRW IKZ programme from its preset."""
    from coop.funding import presets
    from coop.funding import services as funding

    return funding.save_program(
        None,
        FundingProgramCreate.model_validate({**presets.preset_values(presets.NRW_IKZ), **values}),
        actor=None,
    )


def councils_only_program(**values):
    """A programme whose only condition is a resolution of every partner's council."""
    return program(
        name="Nur Ratsbeschlüsse",
        base_amount=None,
        base_partners=None,
        amount_per_additional_partner=None,
        max_funding_rate=None,
        min_partners=None,
        min_duration_years=None,
        min_savings_rate=None,
        count_partners_in_state_only=False,
        single_state_partner_amount=None,
        no_start_before_application=False,
        savings_or_improvement=False,
        **values,
    )


def grant(ini, prog, **values):
    from coop.funding import services as funding

    data = {"initiative_id": ini.id, "program_id": prog.id, "status": "planned", **values}
    return funding.save_grant(None, GrantCreate.model_validate(data), actor=None)


def hoexter_eleven(seed):
    """The Höxter Digitalnetzwerk as the seed has it: the Kreis and ten towns, nine decided,
    Brakel without a resolution, Nieheim scheduled for 10.03.2022 without a result."""
    b = seed.bodies
    towns = [
        "Bad Driburg",
        "Beverungen",
        "Borgentreich",
        "Höxter",
        "Steinheim",
        "Warburg",
        "Willebadessen",
    ]
    extra = [body(name=name, kind="city", parent_id=b["hoexter"].id) for name in towns]
    partners = [b["hoexter"], b["brakel"], b["nieheim"], b["marienmuenster"], *extra]
    ini = initiative(
        seed,
        participants=[
            {"body_id": p.id, "role": "lead" if p is b["hoexter"] else "partner"} for p in partners
        ],
    )
    for p in partners:
        if p is b["brakel"]:
            continue
        if p is b["nieheim"]:
            resolution(ini, p, session_date="2022-03-10", outcome="scheduled")
        else:
            resolution(ini, p, session_date="2022-02-23")
    return ini
