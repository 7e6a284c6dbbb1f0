"""Reminders through a real SMTP server: who gets what, in German, and each only once."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop import jobs
from coop.audit import acting_as
from coop.extensions import db
from coop.models import ReminderSent
from tests import factories

TODAY = date.today()


def iso(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


@pytest.fixture
def situation(seed):
    """A planned grant whose deadline is in ten days while Brakel has not decided and meets in
    five; an approved grant with a tranche due in a week and its proof of use due in 20 days."""
    with acting_as(None, "test"):
        nrw = factories.program(application_until=iso(10))
        ini = factories.hoexter_eleven(seed)
        factories.resolution(ini, seed.bodies["brakel"], session_date=iso(5), outcome="scheduled")
        factories.grant(ini, nrw, amount_requested="490000.00")
        other = factories.initiative(seed, title="Gemeinsame Vergabestelle")
        for body in (
            seed.bodies["hoexter"],
            seed.bodies["brakel"],
            seed.bodies["nieheim"],
            seed.bodies["marienmuenster"],
        ):
            factories.resolution(other, body)
        factories.grant(
            other,
            nrw,
            status="approved",
            application_date="2022-04-29",
            amount_granted="245000.00",
            proof_of_use_due=iso(20),
            tranches=[{"date": iso(7), "amount": "45000", "state": "planned"}],
        )
        db.session.commit()


def test_reminders_go_once_to_the_people_responsible(mail_app, smtp, seed, situation):
    summary = jobs.send_reminders()
    assert summary.due == 4 and summary.sent == 3, summary.lines
    officer = smtp.to("funding_officer@test.example")[0]
    coordinator = smtp.to("coordinator@test.example")[0]
    editor = smtp.to("partner_editor@test.example")[0]
    assert not smtp.to("coordinator_helmstedt@test.example") and not smtp.to("viewer@test.example")
    assert officer["Subject"] == "coop: 4 Erinnerungen zu Fristen und Sitzungen"
    text = officer.get_content()
    assert "Guten Tag funding_officer@test.example," in text
    assert (
        f"Antragsfrist {(TODAY + timedelta(days=10)).strftime('%d.%m.%Y')}: 2 Ratsbeschlüsse fehlen"
        in text
    )
    assert "Brakel (Sitzung am" in text
    assert "Nieheim (Ergebnis der Sitzung am 10.03.2022 fehlt)" in text
    assert "Mittelabruf" in text and "45.000,00\xa0€" in text
    assert "Verwendungsnachweis fällig am" in text
    assert "http://127.0.0.1:5000/funding/grants/" in text
    # the Brakel editor hears of Brakel's session and of Brakel's missing resolution only
    assert "Sitzung am" in editor.get_content() and "Mittelabruf" not in editor.get_content()
    assert "Sitzung am" in coordinator.get_content()
    assert officer["Auto-Submitted"] == "auto-generated"
    sent_rows = db.session.scalar(select(func.count(ReminderSent.id)))
    # a second run sends nothing new
    again = jobs.send_reminders()
    assert again.sent == 0 and len(smtp.messages) == 3
    assert db.session.scalar(select(func.count(ReminderSent.id))) == sent_rows


def test_a_person_who_chose_english_gets_english_mail(
    client, auth, mail_app, smtp, seed, situation
):
    auth.login("funding_officer@test.example")
    assert client.post("/language/en", data={"next": "/"}).status_code == 302
    jobs.send_reminders()
    officer = smtp.to("funding_officer@test.example")[0]
    assert officer["Subject"] == "coop: 4 reminders of deadlines and sessions"
    text = officer.get_content()
    assert "Dear funding_officer@test.example," in text and "Drawdown" in text
    assert "2 council resolutions missing" in text and "€45,000.00" in text
    # the others chose nothing: German, as before
    assert "Guten Tag" in smtp.to("coordinator@test.example")[0].get_content()
    # and the next sign-in starts in English
    auth.logout()
    auth.login("funding_officer@test.example")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_dry_run_and_cli(mail_app, smtp, seed, situation, runner):
    r = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert r.exit_code == 0, r.output
    assert "Dry run: 4 reminders due" in r.output and "funding_officer@test.example" in r.output
    assert smtp.messages == [] and db.session.scalar(select(func.count(ReminderSent.id))) == 0
    r = runner.invoke(args=["reminders", "send"])
    assert r.exit_code == 0, r.output
    assert "3 e-mails sent to 3 people" in r.output and len(smtp.messages) == 3
    r = runner.invoke(args=["reminders", "send"])
    assert "0 e-mails sent" in r.output and len(smtp.messages) == 3


def test_a_failed_send_gives_the_reminder_back(app, seed, situation, smtp):
    from coop.models import User

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)  # nobody listens
    with pytest.raises(jobs.PartlyFailed, match="3 failed: .*ConnectionRefusedError"):
        jobs.send_reminders()
    assert db.session.scalar(select(func.count(ReminderSent.id))) == 0
    app.config.update(MAIL_PORT=smtp.port)
    assert jobs.send_reminders().sent == 3
    assert db.session.scalar(select(func.count(User.id))) > 0


def test_reminders_page_shows_what_is_due_and_sent(mail_app, smtp, client, auth, seed, situation):
    auth.login("funding_officer@test.example")
    page = client.get("/reminders/").get_data(as_text=True)
    assert "Heute fällig" in page and "2 Ratsbeschlüsse fehlen" in page
    assert "Noch keine Erinnerungen versandt." in page
    jobs.send_reminders()
    page = client.get("/reminders/").get_data(as_text=True)
    assert "partner_editor@test.example" in page and "Noch keine Erinnerungen versandt." not in page
    auth.logout()
    auth.login("coordinator_helmstedt@test.example")
    page = client.get("/reminders/").get_data(as_text=True)
    assert "Heute ist nichts fällig." in page and "funding_officer@test.example" not in page
