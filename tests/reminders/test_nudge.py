"""'Partner erinnern': a coordinator reminds Brakel to decide; the message goes through a real
SMTP server to Brakel's contact and editors, is logged on the initiative (who, when, to whom)
and in the change history; nobody is reminded twice a day; no mail server, no log."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.models import AuditEntry, Nudge
from tests import factories
from tests.conftest import AuthActions


def _network(seed):
    with acting_as(None, "test"):
        seed.bodies["brakel"].contact = "Bürgermeisteramt Brakel, ikz@brakel.example, 05272 360-0"
        ini = factories.initiative(seed)
        factories.resolution(ini, seed.bodies["hoexter"])
        db.session.commit()
    return ini


def _form(client, path: str) -> tuple[str, str, str]:
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    subject = re.search(r'id="subject"[^>]*value="([^"]*)"', page).group(1)
    message = re.search(r'<textarea[^>]*id="message"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return token, subject, message.group(1)


def test_coordinator_nudges_brakel(mail_app, smtp, seed):
    ini = _network(seed)
    brakel = seed.bodies["brakel"]
    client = mail_app.test_client()
    AuthActions(client).login("coordinator@test.example")
    page = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    path = f"/initiatives/{ini.id}/nudge/{brakel.id}"
    assert f'href="{path}"' in page and "Partner erinnern" in page
    form = client.get(path).get_data(as_text=True)
    assert "ikz@brakel.example" in form and "partner_editor@test.example" in form
    token, subject, message = _form(client, path)
    assert "Brakel" in subject and "Guten Tag" in message
    sent = client.post(
        path,
        data={"csrf_token": token, "subject": subject, "message": message + "\nBitte bis Freitag."},
    )
    assert sent.status_code == 302
    (mail,) = smtp.messages
    assert set(mail["X-Rcpt"].split(",")) == {"ikz@brakel.example", "partner_editor@test.example"}
    assert mail["Reply-To"] == "coordinator@test.example"
    assert "Bitte bis Freitag." in mail.get_content() and "Digitalnetzwerk" in mail["Subject"]
    nudge = db.session.scalar(select(Nudge))
    assert nudge.body_id == brakel.id and nudge.sender_name
    log = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    assert "Erinnerte Partner" in log and "hat Brakel erinnert" in log
    assert db.session.scalar(
        select(func.count()).where(
            AuditEntry.entity_type == "Nudge", AuditEntry.context_id == ini.id
        )
    )

    # the same day again: refused, no second mail
    token, subject, message = _form(client, path)
    again = client.post(path, data={"csrf_token": token, "subject": subject, "message": message})
    assert again.status_code == 422
    assert "heute schon erinnert" in again.get_data(as_text=True)
    assert len(smtp.messages) == 1 and db.session.scalar(select(func.count(Nudge.id))) == 1


def test_only_those_who_coordinate_may_nudge(mail_app, smtp, seed):
    ini = _network(seed)
    path = f"/initiatives/{ini.id}/nudge/{seed.bodies['brakel'].id}"
    for email in ("viewer@test.example", "partner_editor@test.example"):
        client = mail_app.test_client()
        AuthActions(client).login(email)
        assert client.get(path).status_code == 403
        assert "Partner erinnern" not in client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    client = mail_app.test_client()
    AuthActions(client).login("funding_officer@test.example")
    assert client.get(path).status_code == 200
    assert (
        client.get(f"/initiatives/{ini.id}/nudge/{seed.bodies['helmstedt'].id}").status_code == 404
    )


def test_an_empty_message_and_a_body_without_address(mail_app, smtp, seed):
    ini = _network(seed)
    client = mail_app.test_client()
    AuthActions(client).login("coordinator@test.example")
    path = f"/initiatives/{ini.id}/nudge/{seed.bodies['brakel'].id}"
    token, subject, _message = _form(client, path)
    empty = client.post(path, data={"csrf_token": token, "subject": subject, "message": " "})
    assert empty.status_code == 422 and "Bitte geben Sie eine Nachricht ein." in empty.get_data(
        as_text=True
    )
    nieheim = f"/initiatives/{ini.id}/nudge/{seed.bodies['nieheim'].id}"
    page = client.get(nieheim).get_data(as_text=True)
    assert "keine E-Mail-Adresse hinterlegt" in page
    # without an address: the text to copy, a mailto: link, and the reminder noted by hand
    assert 'href="mailto:?subject=' in page and "Vermerken, dass ich erinnert habe" in page
    token, subject, message = _form(client, nieheim)
    noted = client.post(nieheim, data={"csrf_token": token, "subject": subject, "message": message})
    assert noted.status_code == 302
    assert "selbst erinnert" in client.get(noted.location).get_data(as_text=True)
    nudge = db.session.scalar(select(Nudge))
    assert (
        smtp.messages == []
        and nudge.recipients == []
        and nudge.body_id == seed.bodies["nieheim"].id
    )


def test_without_a_mail_server_the_nudge_lands_in_the_outbox(app, seed):
    """Issue 29: in the demo "Partner erinnern" answered 502 under "Bitte prüfen Sie Ihre
    Eingaben". Without a mail server the form says beforehand where the mail goes, and the
    mail is kept in the outbox, which the page of the outbox shows."""
    from coop.models import OutboxMail

    app.config["OUTBOX_OPEN"] = False
    ini = _network(seed)
    client = app.test_client()
    AuthActions(client).login("coordinator@test.example")
    path = f"/initiatives/{ini.id}/nudge/{seed.bodies['brakel'].id}"
    assert "Postausgang" in client.get(path).get_data(as_text=True)
    token, subject, message = _form(client, path)
    answer = client.post(path, data={"csrf_token": token, "subject": subject, "message": message})
    assert answer.status_code == 302
    assert "liegt im Postausgang" in client.get(answer.location).get_data(as_text=True)
    mail = db.session.scalar(select(OutboxMail))
    assert mail.state == "kept" and mail.subject == subject and "brakel" in mail.recipients
    assert db.session.scalar(select(func.count(Nudge.id))) == 1
    # admins read the outbox; others only where it is open to all (the demo)
    assert client.get("/reminders/outbox").status_code == 403
    app.config["OUTBOX_OPEN"] = True
    assert subject in client.get("/reminders/outbox").get_data(as_text=True).replace("&#34;", '"')


def test_a_mail_server_that_fails_is_our_failure_not_the_input(app, seed):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    ini = _network(seed)
    client = app.test_client()
    AuthActions(client).login("coordinator@test.example")
    path = f"/initiatives/{ini.id}/nudge/{seed.bodies['brakel'].id}"
    token, subject, message = _form(client, path)
    answer = client.post(path, data={"csrf_token": token, "subject": subject, "message": message})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 502
    assert "Das hat nicht geklappt" in text and "Bitte prüfen Sie Ihre Eingaben" not in text
    assert "nicht gesendet werden" in text
    assert db.session.scalar(select(func.count(Nudge.id))) == 0


def test_a_nudge_goes_to_five_addresses_and_names_the_others(mail_app, smtp, seed):
    """Security issue, finding 7: a partner editor controls the contact field; a nudge went
    to every address in it (62 in the probe)."""
    ini = _network(seed)
    brakel = seed.bodies["brakel"]
    with acting_as(None, "test"):
        brakel.contact = ", ".join(f"person{i}@brakel.example" for i in range(62))
        db.session.commit()
    client = mail_app.test_client()
    AuthActions(client).login("coordinator@test.example")
    path = f"/initiatives/{ini.id}/nudge/{brakel.id}"
    form = client.get(path).get_data(as_text=True)
    assert "person61@brakel.example" in form and "höchstens 5 Adressen" in form
    token, subject, message = _form(client, path)
    sent = client.post(path, data={"csrf_token": token, "subject": subject, "message": message})
    assert sent.status_code == 302
    (mail,) = smtp.messages
    rcpt = mail["X-Rcpt"].split(",")
    # the editor in coop first, then the contact field's first addresses
    assert rcpt == ["partner_editor@test.example"] + [f"person{i}@brakel.example" for i in range(4)]


def test_four_nudges_at_once_send_one_mail(mail_app, smtp, seed):
    """Security issue, finding 7: four simultaneous nudges gave one mail and three 500s. The
    first request is held at the mail server while three more arrive: they are told the
    partner is being reminded, and only one mail leaves."""
    import threading

    ini = _network(seed)
    path = f"/initiatives/{ini.id}/nudge/{seed.bodies['brakel'].id}"
    release = threading.Event()
    arrived = threading.Event()
    original = type(smtp).handle_DATA

    async def held(self, server, session, envelope):
        arrived.set()
        release.wait(30)  # until the three other clicks have had their answer
        return await original(self, server, session, envelope)

    type(smtp).handle_DATA = held
    try:
        clients = []
        for _ in range(4):
            c = mail_app.test_client()
            AuthActions(c).login("coordinator@test.example")
            clients.append((c, _form(c, path)))
        answers = {}

        def first():
            c, (token, subject, message) = clients[0]
            with mail_app.app_context():
                answers["first"] = c.post(
                    path, data={"csrf_token": token, "subject": subject, "message": message}
                )

        thread = threading.Thread(target=first)
        thread.start()
        assert arrived.wait(30)
        others = []
        for c, (token, subject, message) in clients[1:]:
            others.append(
                c.post(path, data={"csrf_token": token, "subject": subject, "message": message})
            )
        release.set()
        thread.join(30)
    finally:
        type(smtp).handle_DATA = original
        release.set()
    assert answers["first"].status_code == 302
    for answer in others:
        assert answer.status_code == 422
        assert "heute schon erinnert" in answer.get_data(as_text=True)
    assert len(smtp.messages) == 1 and db.session.scalar(select(func.count(Nudge.id))) == 1


def test_without_public_url_links_follow_the_address_coop_is_served_at(app, seed):
    """Issue 29: served on another port (`PORT=5077 make run`), mails and the legal pages still
    named http://127.0.0.1:5000. Without PUBLIC_URL (never in production) the request's own
    address counts; only loopback names reach coop then."""
    from coop.models import OutboxMail

    app.config["PUBLIC_URL"] = ""
    ini = _network(seed)
    client = app.test_client()
    base = "http://127.0.0.1:5077"
    client.get("/login", base_url=base)
    token = re.search(
        r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
        client.get("/login", base_url=base).get_data(as_text=True),
    ).group(1)
    client.post(
        "/login",
        data={"email": "coordinator@test.example", "password": "correct-horse-battery",
              "csrf_token": token},
        base_url=base,
    )  # fmt: skip
    path = f"/initiatives/{ini.id}/nudge/{seed.bodies['brakel'].id}"
    page = client.get(path, base_url=base).get_data(as_text=True)
    assert f"{base}/initiatives/{ini.id}" in page  # the link in the proposed message
    assert "127.0.0.1:5000" not in page
    legal = client.get("/barrierefreiheit", base_url=base).get_data(as_text=True)
    assert "127.0.0.1:5000" not in legal
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0
