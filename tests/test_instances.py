"""Two app instances on one PostgreSQL database: what one writes, the other shows at once,
although both keep results of expensive reads (dashboard, report, matrix exports, stored
funding checks)."""

from coop import create_app
from coop.audit import acting_as
from coop.extensions import db
from coop.initiatives.schemas import InitiativeUpdate
from tests import factories
from tests.conftest import AuthActions, FreshContextClient


def _second(url):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    other.test_client_class = FreshContextClient
    return other


def test_a_write_through_one_instance_is_seen_by_the_other(pg_app, postgresql_url):
    with acting_as(None, "test seed"):
        seed = factories.make_seed()
        ini = factories.initiative(seed)
        db.session.commit()
    hoexter = seed.bodies["hoexter"].id
    a = pg_app.test_client()
    AuthActions(a).login("coordinator@test.example")
    other = _second(postgresql_url)
    b = other.test_client()
    AuthActions(b).login("coordinator@test.example")
    dashboard = f"/dashboard/?district={hoexter}"
    report = f"/report/?district={hoexter}"
    before = a.get(dashboard).get_data(as_text=True)
    assert a.get(report).status_code == 200
    assert "Digitalnetzwerk Kreis Höxter" in before
    # instance B changes the title; instance A's cached pages must not show the old one
    page = b.get(f"/initiatives/{ini.id}/edit").get_data(as_text=True)
    assert "Digitalnetzwerk" in page
    with other.app_context():
        from coop.initiatives import services

        with acting_as(None, "instance b"):
            target = services.load_initiative(ini.id)
            services.update_initiative(
                target,
                InitiativeUpdate.model_validate({"title": "Netzwerk Höxter digital"}),
                actor=None,
            )
            db.session.commit()
        db.engine.dispose()
    after = a.get(dashboard).get_data(as_text=True)
    assert "Netzwerk Höxter digital" in after and "Digitalnetzwerk Kreis Höxter" not in after
    assert "Netzwerk Höxter digital" in a.get(report).get_data(as_text=True)


def test_stored_funding_checks_follow_a_resolution_entered_elsewhere(pg_app, postgresql_url):
    with acting_as(None, "test seed"):
        seed = factories.make_seed()
        ini = factories.initiative(seed)
        only_councils = factories.councils_only_program()
        factories.grant(ini, only_councils)
        db.session.commit()
    a = pg_app.test_client()
    AuthActions(a).login("funding_officer@test.example")
    page = a.get("/funding/?open=1").get_data(as_text=True)
    assert "Digitalnetzwerk Kreis Höxter" in page
    other = _second(postgresql_url)
    with other.app_context():
        from coop.models import Initiative

        with acting_as(None, "instance b"):
            target = db.session.get(Initiative, ini.id)
            for name in ("hoexter", "brakel", "nieheim", "marienmuenster"):
                factories.resolution(
                    target, db.session.get(type(seed.bodies[name]), seed.bodies[name].id)
                )
            db.session.commit()
        db.engine.dispose()
    counts = a.get("/funding/").get_data(as_text=True)
    assert "Mit offenen Voraussetzungen</dt><dd>0</dd>" in counts
