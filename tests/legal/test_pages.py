"""The legal pages: linked in every footer, filled from the operator's settings, never
empty; the accessibility feedback reaches the operator through a real SMTP server."""

from __future__ import annotations

import re

import pytest

from coop import create_app
from tests.conftest import AuthActions

LEGAL = {
    "/impressum": ("Impressum", "Legal notice"),
    "/datenschutz": ("Datenschutzerklärung", "Privacy notice"),
    "/barrierefreiheit": ("Erklärung zur Barrierefreiheit", "Accessibility statement"),
    "/lizenzen": ("Lizenzen", "Licences"),
}


def _text(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.mark.parametrize(
    "path", ["/", "/login", "/initiatives/", "/impressum", "/nowhere", "/account"]
)
def test_every_footer_links_the_legal_pages(client, seed, path):
    if path == "/account":
        AuthActions(client).login("viewer@test.example")
    html = client.get(path).get_data(as_text=True)
    footer = html.split('<footer class="coop-footer">', 1)[1]
    for target in LEGAL:
        assert f'href="{target}"' in footer, (path, target)


@pytest.mark.parametrize("path", LEGAL)
def test_each_legal_page_has_content_in_both_languages(sqlite_app, path):
    client = sqlite_app.test_client()
    german = client.get(path)
    assert german.status_code == 200
    text = _text(german.get_data(as_text=True))
    assert LEGAL[path][0] in text and len(text) > 400, text[:200]
    assert "None" not in text
    client.post("/language/en", data={"next": path})
    english = _text(client.get(path).get_data(as_text=True))
    assert LEGAL[path][1] in english and len(english) > 400


def test_the_pages_carry_the_operators_settings(sqlite_app):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=sqlite_app.config["SQLALCHEMY_DATABASE_URI"],
        OPERATOR_NAME="Kreis Lippe",
        OPERATOR_ADDRESS="Felix-Fechenbach-Straße 5, 32756 Detmold",
        OPERATOR_EMAIL="ikz@kreis-lippe.example",
        OPERATOR_REPRESENTATIVE="Der Landrat",
        AUDIT_RETENTION_DAYS=3650,
        ACCESSIBILITY_ARBITRATION_NAME="Ombudsstelle für barrierefreie Informationstechnik NRW",
        ACCESSIBILITY_ARBITRATION_URL="https://www.mags.nrw/ombudsstelle",
        ACCESSIBILITY_STATEMENT_DATE="2026-11-30",
    )
    client = app.test_client()
    imprint = _text(client.get("/impressum").get_data(as_text=True))
    assert "Kreis Lippe" in imprint and "32756 Detmold" in imprint
    assert "ikz@kreis-lippe.example" in imprint and "Der Landrat" in imprint
    privacy = _text(client.get("/datenschutz").get_data(as_text=True))
    assert "3650 Tage" in privacy and "Cookie" in privacy and "anderen Server" in privacy
    statement = _text(client.get("/barrierefreiheit").get_data(as_text=True))
    assert "Ombudsstelle für barrierefreie Informationstechnik NRW" in statement
    assert "30.11.2026" in statement and "teilweise barrierefrei" in statement
    assert "axe-core" in statement


def _feedback(client, **data):
    auth = AuthActions(client)
    token = auth.csrf("/barrierefreiheit")
    return client.post("/barrierefreiheit", data={"csrf_token": token, **data})


def test_feedback_reaches_the_operator_by_mail(mail_app, smtp):
    client = mail_app.test_client()
    answer = _feedback(
        client,
        message="Die Tabelle der Beschlüsse lässt sich mit dem Screenreader nicht lesen.",
        page="/initiatives/3",
        name="Erika Muster",
        email="erika@example.org",
    )
    assert answer.status_code == 302
    (mail,) = smtp.to(mail_app.config["OPERATOR_EMAIL"])
    assert mail["Subject"] == "coop: Rückmeldung zur Barrierefreiheit"
    assert mail["Reply-To"] == "erika@example.org"
    body = mail.get_content()
    assert "Screenreader" in body and "/initiatives/3" in body and "Erika Muster" in body
    thanks = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Vielen Dank" in thanks


def test_feedback_without_a_message_or_with_a_bad_address(mail_app, smtp):
    client = mail_app.test_client()
    empty = _feedback(client, message="", email="nicht-gültig")
    assert empty.status_code == 422
    page = empty.get_data(as_text=True)
    assert 'id="error-summary"' in page and smtp.messages == []


def test_feedback_when_mail_is_down_says_where_to_write(sqlite_app):
    """A mail server that does not answer is our failure, said as such (issue 29: the
    heading was "Bitte prüfen Sie Ihre Eingaben"), with the address to write to instead."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sqlite_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    client = sqlite_app.test_client()
    answer = _feedback(client, message="Kontrast zu gering")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 502
    assert sqlite_app.config["OPERATOR_EMAIL"] in text
    assert "Das hat nicht geklappt" in text and "Bitte prüfen Sie Ihre Eingaben" not in text


def test_feedback_without_a_mail_server_lands_in_the_outbox(sqlite_app):
    from sqlalchemy import select

    from coop.extensions import db
    from coop.models import OutboxMail

    client = sqlite_app.test_client()
    answer = _feedback(client, message="Kontrast zu gering")
    assert answer.status_code == 302
    mail = db.session.scalar(select(OutboxMail))
    assert mail.recipients == sqlite_app.config["OPERATOR_EMAIL"]
    assert "Kontrast zu gering" in mail.text


def test_feedback_is_limited_per_address_and_overall(mail_app, smtp):
    """Security issue, finding 7: the form sent 40 mails in 0.9 s from one session. The
    limits hold across instances (counted in the database)."""
    from coop import create_app

    mail_app.config.update(FEEDBACK_PER_HOUR=3, FEEDBACK_ALL_PER_HOUR=5)
    client = mail_app.test_client()
    answers = [_feedback(client, message=f"Barriere {i}") for i in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert "in der letzten Stunde" in answers[-1].get_data(as_text=True)
    # another instance on the same database, another address: the overall limit is shared
    other = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=mail_app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mail_app.config["MAIL_PORT"],
        FEEDBACK_PER_HOUR=3,
        FEEDBACK_ALL_PER_HOUR=5,
    )
    other.test_client_class = type(client)
    elsewhere = other.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert [_feedback(elsewhere, message=f"B {i}").status_code for i in range(3)] == [
        302,
        302,
        429,
    ]
    assert len(smtp.messages) == 5
