"""The funding overview at scale: paged, filtered by district, programme, status and open
conditions, sorted, with counts over everything selected; its stored checks follow every
change to their inputs; bad filter values get a message, never an error."""

import pytest
from sqlalchemy import select

from coop.audit import acting_as
from coop.extensions import db
from coop.funding import services
from coop.funding.schemas import FundingProgramUpdate
from coop.models import Grant
from tests import factories


@pytest.fixture
def grants(seed):
    """30 grants of one initiative of Kreis Höxter under a programme that asks only for the
    councils' resolutions, and one under the NRW programme."""
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        councils = factories.councils_only_program()
        made = [
            factories.grant(ini, councils, amount_requested=f"{1000 + n}.00") for n in range(30)
        ]
        nrw = factories.program()
        made.append(factories.grant(ini, nrw, status="applied", application_date="2022-05-01"))
        db.session.commit()
    return ini, made


def _open_counts():
    return dict(db.session.execute(select(Grant.id, Grant.open_conditions)).all())


def test_pages_filters_counts_and_sort(client, auth, seed, grants):
    ini, made = grants
    auth.login("funding_officer@test.example")
    first = client.get("/funding/").get_data(as_text=True)
    assert "Förderungen (31)" in first and "Seite 1 von 2" in first
    # a page beyond the last shows the last
    last = client.get("/funding/?page=999").get_data(as_text=True)
    assert "Seite 2 von 2" in last
    # all 31 have open conditions (no council has decided yet)
    assert "Mit offenen Voraussetzungen</dt><dd><a" in first
    by_program = client.get(f"/funding/?program_id={made[-1].program_id}").get_data(as_text=True)
    assert "Förderungen (1)" in by_program
    applied = client.get("/funding/?status=applied").get_data(as_text=True)
    assert "Förderungen (1)" in applied
    other = seed.bodies["helmstedt"].id
    assert "Förderungen (0)" in client.get(f"/funding/?district={other}").get_data(as_text=True)
    hoexter = seed.bodies["hoexter"].id
    assert "Förderungen (31)" in client.get(f"/funding/?district={hoexter}").get_data(as_text=True)
    cheapest = client.get("/funding/?sort=requested").get_data(as_text=True)
    assert cheapest.index("1.000,00") < cheapest.index("1.001,00")
    # bad values: a message, everything shown
    bad = client.get("/funding/?status=bogus&district=x&sort=nope").get_data(as_text=True)
    assert "Diesen Status gibt es nicht" in bad and "Diese Sortierung gibt es nicht" in bad
    assert "Der Filter „Kreis“ wurde nicht verstanden" in bad and "Förderungen (31)" in bad
    many = client.get("/funding/?per_page=5000").get_data(as_text=True)
    assert "Höchstens 100 Förderungen je Seite" in many and "Seite 1 von 1" not in many


def test_stored_checks_follow_their_inputs(client, auth, seed, grants):
    ini, made = grants
    assert services.refresh_checks() == 31
    db.session.commit()
    assert services.refresh_checks() == 0  # nothing changed
    assert all(n > 0 for n in _open_counts().values())
    # every council decides: the 30 grants under the councils-only programme are complete
    with acting_as(None, "test"):
        for name in ("hoexter", "brakel", "nieheim", "marienmuenster"):
            factories.resolution(ini, seed.bodies[name])
        db.session.commit()
    stale = db.session.scalars(select(Grant.id).where(Grant.checked_on.is_(None))).all()
    assert len(stale) == 31
    auth.login("funding_officer@test.example")
    page = client.get("/funding/?open=1").get_data(as_text=True)
    assert "Förderungen (1)" in page  # only the NRW grant still lacks something
    counts = _open_counts()
    assert sum(1 for n in counts.values() if n == 0) == 30
    # a change of the programme marks its grants stale again
    with acting_as(None, "test"):
        program = db.session.get(type(made[0].program), made[0].program_id)
        services.save_program(
            program, FundingProgramUpdate.model_validate({"min_partners": 5}), actor=None
        )
        db.session.commit()
    assert (
        db.session.scalar(select(Grant.id).where(Grant.checked_on.is_(None)).limit(1)) is not None
    )
    page = client.get("/funding/?open=1").get_data(as_text=True)
    assert "Förderungen (31)" in page  # four partners are fewer than five
