"""Follow and notify: people follow initiatives and grants; a resolution, a new phase and
conditions met become notifications in coop (counted in the header) and, as chosen, a daily or
weekly e-mail digest in text and HTML through a real SMTP server; each person can opt out of
reminders and digests."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from coop import jobs
from coop.audit import acting_as
from coop.extensions import db
from coop.initiatives.schemas import InitiativeUpdate
from coop.models import Activity, Follow, Grant, User
from coop.reminders import notifications
from tests import factories
from tests.conftest import AuthActions
from tests.reminders.test_send import situation  # noqa: F401  (a grant with open conditions)


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _header_count(client) -> str | None:
    page = client.get("/account").get_data(as_text=True)
    found = re.search(r'class="coop-count">([^<]+)<', page)
    return found.group(1) if found else None


def test_follow_and_be_told_of_a_resolution_and_a_phase(client, seed, ini):
    auth = AuthActions(client)
    auth.login("viewer@test.example")
    page = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    assert ">Folgen<" in page
    token = _token(client, f"/initiatives/{ini.id}")
    answer = client.post(f"/initiatives/{ini.id}/follow", data={"csrf_token": token})
    assert answer.status_code == 302
    assert "Nicht mehr folgen" in client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    assert _header_count(client) is None
    auth.logout()

    # the coordinator records Brakel's decision and moves the initiative on
    auth.login("coordinator@test.example")
    coordinator = _user("coordinator@test.example")
    from coop.initiatives import services as initiatives

    with acting_as(coordinator.id, coordinator.email):
        factories.resolution(ini, seed.bodies["brakel"], session_date="2026-11-12")
        initiatives.update_initiative(
            ini, InitiativeUpdate.model_validate({"phase": "implementation"}), actor=coordinator
        )
        db.session.commit()
    assert _header_count(client) is None  # nobody is told of their own doing
    auth.logout()

    auth.login("viewer@test.example")
    assert _header_count(client) == "2"
    page = client.get("/notifications").get_data(as_text=True)
    assert "Brakel, Rat: beschlossen (Sitzung am 12.11.2026)" in page
    assert "Jetzt in der Phase „Umsetzung“" in page
    assert page.count("coop-notification--new") == 2
    assert _header_count(client) is None  # seen
    assert "coop-notification--new" not in client.get("/notifications").get_data(as_text=True)
    # stop following: nothing more
    token = _token(client, "/notifications")
    client.post(f"/initiatives/{ini.id}/follow", data={"csrf_token": token, "stop": "1"})
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0


def test_a_grant_whose_conditions_are_met_tells_its_followers(client, seed, situation):  # noqa: F811
    from coop.funding import services as funding

    grant = db.session.scalars(select(Grant).order_by(Grant.id)).first()
    funding.refresh_checks()
    db.session.commit()
    before = db.session.get(Grant, grant.id).open_conditions
    assert before
    officer = _user("funding_officer@test.example")
    notifications.follow(officer, grant=grant)
    db.session.commit()
    # every missing council decides: fewer conditions are open
    with acting_as(None, "test"):
        for p in grant.initiative.deciding_participants:
            factories.resolution(grant.initiative, p.body, session_date="2026-11-20")
        db.session.commit()
    funding.refresh_checks()
    db.session.commit()
    items = notifications.feed(officer)
    assert [a.kind for a in items] == ["conditions"]
    assert items[0].actor_id is None
    text = notifications.describe(items[0])
    assert "Förderbedingung" in text or "Förderbedingungen" in text


def test_the_digest_goes_by_mail_in_text_and_html(mail_app, smtp, seed, ini):
    from tests.reminders.conftest import Inbox  # noqa: F401

    viewer = _user("viewer@test.example")
    notifications.follow(viewer, initiative=ini)
    viewer.digest = "daily"
    db.session.commit()
    with acting_as(None, "test"):
        factories.resolution(ini, seed.bodies["nieheim"], session_date="2026-11-19")
        db.session.commit()
    assert jobs.send_digests(date(2026, 12, 3)) == "1 digests sent"
    mail = smtp.to("viewer@test.example")[0]
    assert mail["Subject"] == "coop: 1 neue Mitteilung"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Digitalnetzwerk Kreis Höxter" in text and "Nieheim" in text
    assert "/notifications" in text
    assert f'href="http://127.0.0.1:5000/initiatives/{ini.id}"' in html
    assert "<li" in html and "Nieheim" in html
    # told once: the next run has nothing new
    assert jobs.send_digests(date(2026, 12, 4)) == "0 digests sent"
    # weekly ones only on Mondays
    viewer.digest = "weekly"
    db.session.commit()
    with acting_as(None, "test"):
        factories.resolution(ini, seed.bodies["marienmuenster"], session_date="2026-11-26")
        db.session.commit()
    assert jobs.send_digests(date(2026, 12, 5)) == "0 digests sent"
    assert jobs.send_digests(date(2026, 12, 7)) == "1 digests sent"


def test_each_person_chooses_their_mails(client, seed):
    auth = AuthActions(client)
    auth.login("partner_editor@test.example")
    token = _token(client, "/notifications")
    answer = client.post(
        "/notifications", data={"csrf_token": token, "digest": "weekly"}, follow_redirects=True
    )
    assert "Ihre Auswahl der E-Mails ist gespeichert." in answer.get_data(as_text=True)
    editor = _user("partner_editor@test.example")
    assert editor.digest == "weekly" and editor.reminders_by_mail is False
    token = _token(client, "/notifications")
    answer = client.post("/notifications", data={"csrf_token": token, "digest": "hourly"})
    assert answer.status_code == 200 and "Not a valid choice" not in answer.get_data(as_text=True)
    assert _user("partner_editor@test.example").digest == "weekly"


def test_who_opted_out_of_reminders_gets_none(mail_app, smtp, seed, situation):  # noqa: F811
    editor = _user("partner_editor@test.example")
    editor.reminders_by_mail = False
    db.session.commit()
    jobs.send_reminders()
    assert not smtp.to("partner_editor@test.example")
    assert smtp.to("coordinator@test.example")


def _queries(action) -> int:
    from sqlalchemy import event

    n = 0

    def count(*_a, **_k):
        nonlocal n
        n += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return n


def test_the_header_count_is_two_queries_whatever_the_activities(client, seed, ini):
    viewer = _user("viewer@test.example")
    assert _queries(lambda: notifications.unread_count(viewer)) == 1  # follows nothing
    notifications.follow(viewer, initiative=ini)
    db.session.commit()
    with acting_as(None, "test"):
        for _n in range(30):
            db.session.add(Activity(kind="phase", initiative_id=ini.id, params={"phase": "idea"}))
        db.session.commit()
    assert notifications.unread_count(viewer) == 30
    assert _queries(lambda: notifications.unread_count(viewer)) == 2
    for _n in range(80):
        db.session.add(Activity(kind="phase", initiative_id=ini.id, params={"phase": "idea"}))
    db.session.commit()
    assert notifications.unread_count(viewer) == notifications.CAP + 1
    assert _queries(lambda: notifications.unread_count(viewer)) == 2


def test_notifications_older_than_a_year_are_forgotten(app, seed, ini):
    from datetime import timedelta

    from coop.models.base import utcnow

    for age in (10, 400):
        db.session.add(
            Activity(kind="phase", initiative_id=ini.id, at=utcnow() - timedelta(days=age))
        )
    db.session.commit()
    assert "1 old notifications" in jobs.forget_old_records()
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 1
