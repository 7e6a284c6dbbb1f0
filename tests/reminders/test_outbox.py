"""The outbox keeps every mail coop sends; a link to set a password is read there by admins
only, and once the mail has left, the outbox keeps no secret of it."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop.extensions import db
from coop.models import OutboxMail
from tests.conftest import AuthActions


def test_a_sent_invitation_leaves_no_link_in_the_outbox(mail_app, smtp, seed):
    client = mail_app.test_client()
    AuthActions(client).login("admin@test.example")
    AuthActions(client).post(
        "/users/new", {"email": "neu@nieheim.example", "role": "viewer", "active": "y"}
    )
    (sent,) = [m for m in smtp.messages if "neu@nieheim.example" in str(m["To"])]
    assert re.search(r"/password/[A-Za-z0-9_-]{20,}", sent.get_body(("plain",)).get_content())
    kept = db.session.scalar(
        select(OutboxMail).where(OutboxMail.recipients == "neu@nieheim.example")
    )
    assert kept.state == "sent" and kept.sensitive
    assert "/password/…" in kept.text and not re.search(r"/password/[A-Za-z0-9_-]{20,}", kept.text)


def test_without_a_mail_server_only_admins_read_the_links(app, seed):
    app.config["OUTBOX_OPEN"] = True  # the demo: everyone signed in reads the outbox
    admin = app.test_client()
    AuthActions(admin).login("admin@test.example")
    AuthActions(admin).post(
        "/users/new", {"email": "neu@nieheim.example", "role": "viewer", "active": "y"}
    )
    assert "neu@nieheim.example" in admin.get("/reminders/outbox").get_data(as_text=True)
    other = app.test_client()
    AuthActions(other).login("coordinator@test.example")
    page = other.get("/reminders/outbox")
    assert page.status_code == 200 and "neu@nieheim.example" not in page.get_data(as_text=True)
