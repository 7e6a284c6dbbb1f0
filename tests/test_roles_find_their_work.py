"""Roles find their work (issue 29): "Bericht" in the main menu; the dashboard and report for a
whole Land or a funding programme (a funding officer works across districts); the partner
editor's start page names the grant its open decision holds up; people follow what they
create."""

from __future__ import annotations

from sqlalchemy import select

from coop import demo
from coop.audit import acting_as
from coop.demo import DEMO_PASSWORD
from coop.extensions import db
from coop.funding import presets
from coop.models import Follow, FundingProgram, Initiative
from tests.conftest import AuthActions


def _demo(app):
    with acting_as(None, "demo"):
        demo.load()
        db.session.commit()


def _as(app, email):
    client = app.test_client()
    AuthActions(client).login(email, DEMO_PASSWORD)
    return client


def test_a_funding_officer_sees_a_land_and_a_programme(app):
    _demo(app)
    officer = _as(app, "foerderung@coop.example")
    start = officer.get("/dashboard/").get_data(as_text=True)
    assert 'href="/report/"' in start and "Bericht" in start  # in the main menu
    assert "Kreis, ein Land oder ein Förderprogramm" in start
    # without a scope the report asks for one instead of answering 404
    answer = officer.get("/report/")
    assert answer.status_code == 302 and answer.location.startswith("/dashboard/")
    land = officer.get("/dashboard/?state=05").get_data(as_text=True)
    assert "Übersicht: Nordrhein-Westfalen" in land or "Nordrhein-Westfalen" in land
    assert "Digitalnetzwerk Kreis Höxter" in land
    assert "Personalabrechnung" not in land  # Niedersachsen's initiative
    assert officer.get("/report/?state=05").status_code == 200
    pdf = officer.get("/report.pdf?state=05")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    nrw = db.session.scalar(
        select(FundingProgram).where(FundingProgram.name == presets.NRW_IKZ.name)
    )
    by_programme = officer.get(f"/dashboard/?program={nrw.id}").get_data(as_text=True)
    assert nrw.name in by_programme and "Digitalnetzwerk Kreis Höxter" in by_programme


def test_the_partner_editor_reads_what_their_decision_holds_up(app):
    _demo(app)
    editor = _as(app, "redaktion@brakel.example")
    page = editor.get("/").get_data(as_text=True).replace("&#34;", '"')
    assert "Ihr Beschluss fehlt für „Förderung interkommunaler Zusammenarbeit NRW" in page


def test_who_creates_an_initiative_follows_it(app):
    from coop.initiatives import services
    from coop.initiatives.schemas import InitiativeCreate
    from coop.models import Body, User

    _demo(app)
    coordinator = db.session.scalar(
        select(User).where(User.email == "koordination@kreis-hoexter.example")
    )
    kreis = db.session.scalar(select(Body).where(Body.ags == "05762000"))
    with acting_as(coordinator.id, coordinator.email):
        ini = services.create_initiative(
            InitiativeCreate.model_validate(
                {
                    "title": "Gemeinsamer Bauhof",
                    "service_area": "other",
                    "lead_body_id": kreis.id,
                    "participants": [{"body_id": kreis.id, "role": "lead"}],
                }
            ),
            actor=coordinator,
        )
        db.session.commit()
    assert db.session.scalar(
        select(Follow).where(Follow.user_id == coordinator.id, Follow.initiative_id == ini.id)
    )
    assert isinstance(ini, Initiative)
