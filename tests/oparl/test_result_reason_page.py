"""The proposal page says what the parser read in the result text, or why it proposes no
outcome (issue 27), so the person knows what to read."""

from datetime import date

from coop.audit import acting_as
from coop.extensions import db
from coop.models import Proposal
from tests import factories


def _proposal(seed, text, outcome=None):
    with acting_as(None, "test"):
        ini = factories.initiative(seed, keywords=["Digitalnetzwerk"])
        p = Proposal(
            initiative_id=ini.id,
            body_id=seed.bodies["brakel"].id,
            consultation_id="https://ris.example/oparl/consultation/27",
            organ="Rat",
            authoritative=True,
            reference="560/2022",
            title="Gründung eines Digitalnetzwerks",
            session_date=date(2022, 2, 23),
            outcome=outcome,
            result_text=text,
            matched_by="Stichwort „Digitalnetzwerk“",
        )
        db.session.add(p)
        db.session.commit()
    return p


def test_the_page_says_why_no_outcome_is_proposed(client, auth, seed):
    p = _proposal(
        seed,
        "Der Antrag auf Vertagung wird abgelehnt. Die Vorlage wird einstimmig beschlossen.",
    )
    auth.login("coordinator@test.example")
    page = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "mehrere Anträge mit verschiedenen Ergebnissen" in page
    assert "Vertagung … abgelehnt … beschlossen" in page


def test_the_page_names_the_words_that_decided(client, auth, seed):
    p = _proposal(seed, "Der Beschlussvorschlag wird mehrheitlich angenommen.", "adopted")
    auth.login("coordinator@test.example")
    page = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "Aus dem Ergebnistext gelesen: „angenommen“" in page
