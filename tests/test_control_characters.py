"""Security issue, findings 6 and 7: control characters a person sends (NUL included) are
cleaned where texts enter or refused with a message naming the field; e-mail headers are built
from cleaned values only; a job that fails for one item does the others and names it; an
export with a control character in a stored text still works."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from coop import jobs
from coop.audit import acting_as
from coop.core import clock
from coop.extensions import db
from coop.models import Initiative, SavedSearch
from coop.models.base import utcnow
from coop.search import services as search
from tests import factories
from tests.reminders.conftest import Inbox


def _token(client, path: str) -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_nul_is_refused_with_a_message_never_a_500(app, seed, client):
    for path in ("/kommunen?q=%00", "/search/?q=a%00b"):
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert "Steuerzeichen" in answer.get_data(as_text=True)
    token = _token(client, "/login")
    answer = client.post(
        "/login", data={"csrf_token": token, "email": "a\x00@b.example", "password": "x"}
    )
    assert answer.status_code == 400 and "Steuerzeichen" in answer.get_data(as_text=True)
    api = {"Authorization": f"Bearer {seed.tokens['coordinator']}"}
    answer = client.post(
        "/api/v1/initiatives",
        json={"title": "Netz\u0000werk", "service_area": "it", "phase": "idea"},
        headers=api,
    )
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {"title"}
    answer = client.get("/api/v1/initiatives", query_string={"q": "\x00"}, headers=api)
    assert answer.status_code == 400 and set(answer.json["error"]["fields"]) == {"q"}


def test_control_characters_are_cleaned_where_texts_enter(app, seed, client):
    api = {"Authorization": f"Bearer {seed.tokens['coordinator']}"}
    answer = client.post(
        "/api/v1/initiatives",
        json={
            "title": "Netz\x07werk\nHöxter\u2028digital",
            "description": "Erste Zeile\r\nzweite\x1b Zeile",
            "service_area": "it",
            "phase": "idea",
            "lead_body_id": seed.bodies["hoexter"].id,
        },
        headers=api,
    )
    assert answer.status_code == 201, answer.json
    stored = db.session.get(Initiative, answer.json["id"])
    assert stored.title == "Netzwerk Höxter digital"  # one line
    assert stored.description == "Erste Zeile\nzweite Zeile"  # lines kept


def test_an_export_with_a_stored_control_character_works(app, seed, client, auth):
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        db.session.commit()
    # written before texts were cleaned (or by hand in the database)
    db.session.execute(
        text("UPDATE initiatives SET title = :t WHERE id = :i"),
        {"t": "Digital\x07netz\x1bwerk", "i": ini.id},
    )
    db.session.commit()
    auth.login("coordinator@test.example")
    answer = client.get(f"/initiatives/matrix.xlsx?district={seed.bodies['hoexter'].id}")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).worksheets[0]
    assert "Digitalnetzwerk" in [c.value for c in next(sheet.iter_cols(max_col=1))]


class Refusing(Inbox):
    """A real SMTP server that refuses one recipient."""

    refused = "coordinator@test.example"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.refused:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing(app):
    from aiosmtpd.controller import Controller

    from tests import pg

    inbox = Refusing()
    controller = Controller(inbox, hostname="127.0.0.1", port=pg.free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="coop <coop@test.example>"
    )
    yield inbox
    controller.stop()


def test_saved_search_alerts_survive_a_line_break_and_a_refused_recipient(app, seed, refusing):
    users = seed.users
    with acting_as(None, "test"):
        for key in ("viewer", "coordinator", "partner_editor"):
            search.save_search(
                users[key], "Netz\nBcc: all@evil.example", search.Filters(q="Netzwerk")
            )
        db.session.commit()
    names = set(db.session.scalars(select(SavedSearch.name)))
    assert names == {"Netz Bcc: all@evil.example"}
    # a name stored before names were cleaned
    db.session.execute(text("UPDATE saved_searches SET name = 'Netz\nX-Evil: 1'"))
    db.session.execute(
        text("UPDATE saved_searches SET notified_until = :t"),
        {"t": utcnow() - timedelta(days=1)},
    )
    with acting_as(None, "test"):
        factories.initiative(seed, title="Netzwerk Höxter")
        db.session.commit()
    with acting_as(None, "test"), pytest.raises(jobs.PartlyFailed) as failed:
        jobs.notify_saved_searches()
    assert "1 failed" in str(failed.value) and "SMTPRecipientsRefused" in str(failed.value)
    told = {m["To"] for m in refusing.messages}
    assert told == {"viewer@test.example", "partner_editor@test.example"}
    for message in refusing.messages:
        assert message["X-Evil"] is None and "\n" not in message["Subject"]


def test_the_reminder_run_survives_a_council_name_with_a_line_break(app, seed, refusing):
    from tests.reminders.test_send import situation  # noqa: F401  (the fixture's data)

    with acting_as(None, "test"):
        nrw = factories.program(application_until=(clock.today() + timedelta(days=10)).isoformat())
        ini = factories.hoexter_eleven(seed)
        factories.resolution(
            ini,
            seed.bodies["brakel"],
            session_date=(clock.today() + timedelta(days=5)).isoformat(),
            outcome="scheduled",
        )
        factories.grant(ini, nrw, amount_requested="490000.00")
        db.session.commit()
    db.session.execute(
        text("UPDATE bodies SET council_name = 'Rat der\nStadt Brakel', name = 'Brakel\r\n'")
    )
    db.session.commit()
    with acting_as(None, "test"), pytest.raises(jobs.PartlyFailed) as failed:
        jobs.send_reminders()
    assert "coordinator@test.example" in str(failed.value)
    assert {m["To"] for m in refusing.messages} == {
        "funding_officer@test.example",
        "partner_editor@test.example",
    }
