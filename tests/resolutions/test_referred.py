"""A council may refer a paper to another organ first: stored, shown in words, and counted as
not decided yet (like a deferral) for the funding check and the matrix."""

from coop.audit import acting_as
from coop.core.enums import DecisionStatus
from coop.extensions import db
from coop.initiatives import services as initiatives
from tests import factories


def test_a_referred_resolution_is_stored_and_counts_as_not_decided_yet(client, auth, seed, ini):
    with acting_as(None, "test"):
        factories.resolution(ini, seed.bodies["brakel"], outcome="referred")
        db.session.commit()
    summary = initiatives.decision_summaries([initiatives.load_initiative(ini.id)])[ini.id]
    brakel = next(p for p in summary.partners if p.body_id == seed.bodies["brakel"].id)
    assert brakel.decision.status == DecisionStatus.DEFERRED
    auth.login("coordinator@test.example")
    page = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    assert "verwiesen (an ein anderes Gremium)" in page and ">referred<" not in page
