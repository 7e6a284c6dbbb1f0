"""The grammar slips a first-time user saw (issue 29), each read where it showed."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop import demo
from coop.audit import acting_as
from coop.extensions import db
from coop.models import Body
from tests.conftest import AuthActions


def test_the_slips_read_right(app):
    with acting_as(None, "demo"):
        demo.load()
        db.session.commit()
    client = app.test_client()
    AuthActions(client).login("koordination@kreis-hoexter.example", demo.DEMO_PASSWORD)
    kreis = db.session.scalar(select(Body).where(Body.ags == "05762000"))
    matrix = client.get(f"/initiatives/matrix?district={kreis.id}").get_data(as_text=True)
    assert "mit 11 Partnern" in matrix and "mit 11 Partner " not in matrix
    brakel = db.session.scalar(select(Body).where(Body.ags == "05762016"))
    page = client.get(f"/bodies/{brakel.id}").get_data(as_text=True)
    assert "Stadt · Stadt" not in page
    nudge = client.get(f"/initiatives/1/nudge/{brakel.id}").get_data(as_text=True)
    assert "ändern Sie sie nach Belieben" in nudge
    report = client.get(f"/report/?district={kreis.id}").get_data(as_text=True)
    assert "keins" not in report
    # English dates in one notation, without seconds
    AuthActions(client).post("/language/en", {"next": "/"}, form_path="/")
    english = client.get("/").get_data(as_text=True)
    assert "Dec 29, 2026" in english or "Dec " in english

    assert not re.search(
        r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}", english
    )
    assert not re.search(r"\d{1,2}:\d{2}:\d{2}", english)
