"""Resolutions that cannot be true are refused at the field; what is merely late is allowed."""

from datetime import date, timedelta

import pytest

from coop.audit import acting_as
from coop.errors import ValidationError
from coop.extensions import db
from tests import factories


def _refused(ini, body, **values) -> dict:
    with pytest.raises(ValidationError) as caught, acting_as(None, "test"):
        factories.resolution(ini, body, **values)
    db.session.rollback()
    return caught.value.fields


def test_a_result_of_a_session_to_come_is_refused(ini, seed):
    brakel = seed.bodies["brakel"]
    fields = _refused(ini, brakel, session_date="2031-03-10", outcome="adopted")
    assert "noch nicht stattgefunden" in fields["outcome"]
    with acting_as(None, "test"):  # as scheduled it is right
        factories.resolution(ini, brakel, session_date="2031-03-10", outcome="scheduled")
        # a scheduled session in the past stays allowed: its result is missing
        factories.resolution(ini, brakel, session_date="2024-03-10", outcome="scheduled")
        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        factories.resolution(ini, brakel, session_date=tomorrow, outcome="scheduled")


def test_unanimous_with_votes_against_is_refused(ini, seed):
    fields = _refused(
        ini, seed.bodies["nieheim"], result_text="einstimmig beschlossen", votes_yes=20, votes_no=2
    )
    assert "einstimmig" in fields["result_text"]
    with acting_as(None, "test"):
        factories.resolution(
            ini, seed.bodies["nieheim"], result_text="einstimmig beschlossen", votes_yes=20
        )


def test_votes_on_a_scheduled_session_are_refused(ini, seed):
    fields = _refused(ini, seed.bodies["nieheim"], outcome="scheduled", votes_yes=3)
    assert "keine Stimmen" in fields["votes_yes"]


def test_the_api_names_the_field(client, seed, ini):
    headers = {"Authorization": f"Bearer {seed.tokens['coordinator']}"}
    r = client.post(
        "/api/v1/resolutions",
        json={
            "initiative_id": ini.id,
            "body_id": seed.bodies["hoexter"].id,
            "organ": "Kreistag",
            "kind": "basic_decision",
            "session_date": "2031-01-01",
            "outcome": "adopted",
        },
        headers=headers,
    )
    assert r.status_code == 422 and "outcome" in r.json["error"]["fields"]
