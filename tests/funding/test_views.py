"""Funding pages as their users use them: programme and grant forms with German input, errors at
the field, permissions, the check in the page, print and PDF, documents, and the calendar."""

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import event, func, select

from coop.audit import acting_as
from coop.auth.services import find_user_by_email
from coop.extensions import db
from coop.models import AuditEntry, FundingProgram, Grant, GrantDocument, Tranche, User
from tests import factories
from tests.factories import PDF


def program_form(**extra):
    data = {
        "name": "IKZ Hessen",
        "provider": "Land Hessen",
        "state": "06",
        "legal_basis": "",
        "legal_basis_url": "",
        "base_amount": "100.000,00",
        "base_partners": "3",
        "amount_per_additional_partner": "",
        "max_funding_rate": "90",
        "min_partners": "3",
        "min_duration_years": "5",
        "min_savings_rate": "15",
        "requires_all_council_resolutions": "y",
        "application_from": "",
        "application_until": "",
        "notes": "",
    }
    data.update(extra)
    return data


def test_programme_form_takes_german_numbers_and_percentages(client, auth, seed):
    auth.login("funding_officer@test.example")
    page = client.get("/funding/programs/new?preset=nrw-ikz").get_data(as_text=True)
    assert 'value="175.000,00"' in page and 'value="90"' in page and 'value="15"' in page
    r = auth.post("/funding/programs/new", program_form(), "/funding/programs/new")
    assert r.status_code == 302, r.get_data(as_text=True)
    program = db.session.scalar(select(FundingProgram))
    assert program.base_amount == 100000 and str(program.max_funding_rate) == "0.9000"
    assert str(program.min_savings_rate) == "0.1500" and program.requires_all_council_resolutions
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "100.000,00\xa0€ für die ersten 3 Partner" in page
    assert "höchstens 90 % der zuwendungsfähigen Ausgaben" in page


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"base_amount": "-5"}, "base_amount", "darf nicht negativ sein"),
        ({"base_amount": "viel"}, "base_amount", "Bitte geben Sie einen Betrag an"),
        ({"max_funding_rate": "120"}, "max_funding_rate", "zwischen 0 und 100"),
        (
            {"application_from": "2025-07-01", "application_until": "2025-06-30"},
            "application_until",
            "nicht vor seinem Beginn enden",
        ),
    ],
)
def test_programme_form_errors_at_the_field(client, auth, seed, change, field, message):
    auth.login("funding_officer@test.example")
    r = auth.post("/funding/programs/new", program_form(**change), "/funding/programs/new")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(func.count(FundingProgram.id))) == 0


def test_tier_errors_are_named_in_the_summary_with_their_row(client, auth, seed):
    """Unordered tiers: the summary names the row and links to its field."""
    auth.login("funding_officer@test.example")
    tiers = {
        "amount_tiers-0-min_partners": "3", "amount_tiers-0-amount": "75.000",
        "amount_tiers-1-min_partners": "2", "amount_tiers-1-amount": "50.000",
    }  # fmt: skip
    form = program_form(base_amount="", base_partners="", min_partners="2", **tiers)
    r = auth.post("/funding/programs/new", form, "/funding/programs/new")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'href="#amount_tiers-1-min_partners"' in page
    assert "(2): Die Stufen steigen" in page
    assert db.session.scalar(select(func.count(FundingProgram.id))) == 0


def grant_form(ini, nrw, **extra):
    data = {
        "initiative_id": str(ini.id),
        "program_id": str(nrw.id),
        "status": "approved",
        "reference": "IKZ-2022-17",
        "application_date": "2022-04-29",
        "eligible_costs": "300.000,00",
        "amount_requested": "245.000",
        "amount_granted": "245.000,00",
        "grant_letter_date": "2022-06-15",
        "period_start": "2022-07-01",
        "period_end": "2027-06-30",
        "proof_of_use_due": "2027-12-31",
        "proof_of_use_submitted": "",
        "notes": "",
        "tranches-0-date": "2022-09-01",
        "tranches-0-amount": "100.000,00",
        "tranches-0-state": "received",
        "tranches-1-date": "",
        "tranches-1-amount": "",
        "tranches-1-state": "planned",
    }
    data.update(extra)
    return data


def test_grant_form_and_detail_page_with_the_check(client, auth, seed, ini, nrw):
    auth.login("coordinator@test.example")
    r = auth.post("/funding/grants/new", grant_form(ini, nrw), "/funding/grants/new")
    assert r.status_code == 302, r.get_data(as_text=True)
    grant = db.session.scalar(select(Grant))
    assert grant.amount_requested == 245000 and len(grant.tranches) == 1
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    # four partners: 175.000 + 2 × 35.000 = 245.000; 90 % of 300.000 = 270.000
    assert "Höchstbetrag: 245.000,00\xa0€" in page
    assert "Noch nicht förderfähig" in page
    assert "0 von 4 Räten haben beschlossen bis zum Antragsdatum 29.04.2022" in page
    assert "Vom bewilligten Betrag noch offen: 145.000,00\xa0€" in page
    # the change history speaks German too: labels, money and dates, not stored codes
    history = page.split("Änderungsverlauf", 1)[1]
    assert "Tranche „01.09.2022, 100.000,00\xa0€“" in history
    assert "approved" not in history and "2022-04-29" not in history and "245000.00" not in history
    assert "bewilligt" in history and "29.04.2022" in history and "245.000,00\xa0€" in history
    # on the initiative's page and in the overview
    assert "Förderung anlegen" in client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    overview = client.get("/funding/").get_data(as_text=True)
    assert "Noch fehlende Ratsbeschlüsse" in overview and "Marienmünster" in overview


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount_requested": "-1"}, "amount_requested"),
        ({"eligible_costs": "zehn"}, "eligible_costs"),
        ({"tranches-0-amount": "245.000,01"}, "tranches-0-amount"),
        ({"period_end": "2021-01-01"}, "period_end"),
    ],
)
def test_grant_form_errors_at_the_field_store_nothing(client, auth, seed, ini, nrw, change, field):
    auth.login("funding_officer@test.example")
    r = auth.post("/funding/grants/new", grant_form(ini, nrw, **change), "/funding/grants/new")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    # an error over all tranches is shown in the summary; a row's error at its field
    assert (f'id="{field}-error"' in page) or ("Die Tranchen ergeben zusammen" in page)
    assert db.session.scalar(select(func.count(Grant.id))) == 0
    assert db.session.scalar(select(func.count(Tranche.id))) == 0


def test_tranches_over_the_amount_granted_are_refused_with_their_sum(client, auth, seed, ini, nrw):
    auth.login("funding_officer@test.example")
    data = grant_form(
        ini, nrw, **{"tranches-1-date": "2023-09-01", "tranches-1-amount": "145.000,01"}
    )
    r = auth.post("/funding/grants/new", data, "/funding/grants/new")
    assert r.status_code == 422
    assert (
        "Die Tranchen ergeben zusammen 245.000,01\xa0€, mehr als die bewilligten 245.000,00\xa0€"
        in r.get_data(as_text=True)
    )


def test_who_sees_and_changes_funding(client, auth, seed, ini, nrw):
    with acting_as(None, "test"):
        grant = factories.grant(ini, nrw)
        db.session.commit()
    assert client.get("/funding/").status_code == 302  # to the login
    assert client.get(f"/funding/grants/{grant.id}/check.pdf").status_code == 302
    auth.login("viewer@test.example")
    assert client.get("/funding/").status_code == 200
    assert client.get(f"/funding/grants/{grant.id}").status_code == 200
    assert client.get(f"/funding/grants/{grant.id}/edit").status_code == 403
    assert client.get("/funding/programs/new").status_code == 403
    assert client.get("/funding/grants/new").status_code == 403
    assert client.get("/reminders/").status_code == 403
    auth.logout()
    auth.login("coordinator_helmstedt@test.example")
    assert client.get(f"/funding/grants/{grant.id}/edit").status_code == 403
    r = auth.post(f"/funding/grants/{grant.id}/delete", {"version": grant.version}, "/funding/")
    assert r.status_code == 403
    assert db.session.get(Grant, grant.id) is not None


def test_printable_check_and_pdf(client, auth, seed, nrw):
    with acting_as(None, "test"):
        ini = factories.hoexter_eleven(seed)
        grant = factories.grant(ini, nrw, amount_requested="490000.00")
        db.session.commit()
    auth.login("funding_officer@test.example")
    page = client.get(f"/funding/grants/{grant.id}/check").get_data(as_text=True)
    assert "Förderprüfung" in page and "490.000,00\xa0€" in page
    assert "Nieheim (terminiert 10.03.2022, Ergebnis fehlt)" in page
    r = client.get(f"/funding/grants/{grant.id}/check.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF-") and len(r.data) > 5000
    assert "attachment" in r.headers["Content-Disposition"]


def test_documents_of_a_grant(client, auth, seed, ini, nrw):
    with acting_as(None, "test"):
        grant = factories.grant(ini, nrw)
        db.session.commit()
    auth.login("funding_officer@test.example")
    path = f"/funding/grants/{grant.id}"
    import io

    bad = client.post(
        f"{path}/documents",
        data={
            "csrf_token": auth.csrf(path),
            "title": "Bescheid",
            "document": (io.BytesIO(b"nope"), "x.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "keine PDF" in bad.get_data(as_text=True).replace(
        "kein PDF", "keine PDF"
    )
    r = client.post(
        f"{path}/documents",
        data={
            "csrf_token": auth.csrf(path),
            "title": "Bewilligungsbescheid",
            "document": (io.BytesIO(PDF), "bescheid.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    item = db.session.scalar(select(GrantDocument))
    got = client.get(f"{path}/documents/{item.id}")
    assert got.data == PDF and "bescheid.pdf" in got.headers["Content-Disposition"]
    types = {
        e.entity_type
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.context_type == "Grant"))
    }
    assert "GrantDocument" in types


def test_calendar_feed_parses_and_holds_the_dates(client, auth, seed, nrw):
    today = date.today()
    with acting_as(None, "test"):
        ini = factories.hoexter_eleven(seed)
        ini.milestones[0].due_on = today + timedelta(days=30)
        factories.resolution(
            ini,
            seed.bodies["brakel"],
            session_date=(today + timedelta(days=5)).isoformat(),
            outcome="scheduled",
        )
        factories.grant(
            ini,
            nrw,
            status="approved",
            application_date="2022-04-29",
            amount_granted="490000.00",
            proof_of_use_due=(today + timedelta(days=20)).isoformat(),
            tranches=[
                {
                    "date": (today + timedelta(days=3)).isoformat(),
                    "amount": "50000",
                    "state": "planned",
                }
            ],
        )
        db.session.commit()
    auth.login("coordinator@test.example")
    r = auth.post("/account/calendar", {}, "/account")
    url = re.search(r'id="calendar-url">([^<]+)<', r.get_data(as_text=True)).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    auth.logout()
    feed = client.get("/" + path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    cal = Calendar.from_ical(feed.data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert any(s.startswith("Sitzung: Brakel") for s in events)
    assert any(s.startswith("Mittelabruf:") for s in events)
    assert any(s.startswith("Verwendungsnachweis:") for s in events)
    assert any(s.startswith("Meilenstein: Beschlüsse aller Räte") for s in events)
    session = next(e for s, e in events.items() if s.startswith("Sitzung: Brakel"))
    assert session.decoded("dtstart") == today + timedelta(days=5)
    assert str(session["uid"]).startswith("session-")
    # a person who chose English gets the feed in English
    with acting_as(None, "test"):
        find_user_by_email("coordinator@test.example").language = "en"
        db.session.commit()
    english = Calendar.from_ical(client.get("/" + path).data)
    summaries = [str(e["summary"]) for e in english.walk("VEVENT")]
    assert any(s.startswith("Session: Brakel") for s in summaries)
    assert any(s.startswith("Drawdown:") for s in summaries)
    # a new address revokes the old one; a wrong one is not found
    auth.login("coordinator@test.example")
    auth.post("/account/calendar", {}, "/account")
    assert client.get("/" + path).status_code == 404
    assert client.get("/calendar/cal_wrong.ics").status_code == 404
    user = db.session.scalar(select(User).where(User.email == "coordinator@test.example"))
    assert user.calendar_token_hash and user.calendar_token_hash not in url


def test_overview_needs_constant_queries(app, client, auth, seed, nrw):
    auth.login("funding_officer@test.example")

    def count(path):
        n = 0

        def on(*_a, **_k):
            nonlocal n
            n += 1

        event.listen(db.engine, "before_cursor_execute", on)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", on)
        return n

    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        factories.grant(ini, nrw)
        db.session.commit()
    few = count("/funding/")
    with acting_as(None, "test"):
        for i in range(8):
            other = factories.initiative(seed, title=f"Initiative {i}")
            factories.resolution(other, seed.bodies["brakel"])
            factories.grant(
                other, nrw, tranches=[{"date": "2023-01-01", "amount": "1", "state": "planned"}]
            )
        db.session.commit()
    assert count("/funding/") == few
