"""Every page in a real Chromium: axe-core (WCAG 2.1 AA) finds nothing, keyboard use works,
and nothing is requested from another host."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from coop.audit import acting_as
from coop.extensions import db
from coop.savings.schemas import CostModelIn
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def login(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/")


def assert_accessible(page, label):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not violations, f"{label}: {summary}"


def test_every_page_passes_axe(page, live):
    _base, seed = live
    page.goto("/")
    assert_accessible(page, "start (anonymous)")
    page.goto("/login")
    assert_accessible(page, "login")
    page.fill("#email", "x@y.example")
    page.fill("#password", "falsch-falsch")
    page.press("#password", "Enter")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "login with error")
    login(page, "admin@test.example")
    b = seed.bodies
    pages = {
        "start": "/",
        "bodies": "/bodies/",
        "bodies filtered": f"/bodies/?district={b['hoexter'].id}&sort=-population",
        "body detail": f"/bodies/{b['hoexter'].id}",
        "body new": "/bodies/new",
        "body edit": f"/bodies/{b['brakel'].id}/edit",
        "users": "/users/",
        "user new": "/users/new",
        "user edit": f"/users/{seed.users['viewer'].id}/edit",
        "account": "/account",
        "404": "/bodies/999999",
    }
    for label, path in pages.items():
        page.goto(path)
        assert_accessible(page, label)
    page.goto("/bodies/new")
    page.fill("#name", "X")
    page.fill("#ags", "123")
    page.click("button[type=submit] >> text=Speichern")
    page.wait_for_selector("#ags-error")
    assert_accessible(page, "body form with errors")


def test_403_page_and_english(page, live):
    login(page, "viewer@test.example")
    page.goto("/bodies/new")
    assert page.locator("h1").inner_text() == "Nicht erlaubt"
    assert_accessible(page, "403")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    page.goto("/bodies/")
    assert "bodies found" in page.content()
    assert_accessible(page, "bodies (English)")


def test_keyboard_skip_link_and_login(page, live):
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # sign in with the keyboard only
    page.focus("#email")
    page.keyboard.type("coordinator@test.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # a redirect keeps the fragment (#main) of the page the form was on
    page.wait_for_url(lambda url: "/login" not in url)
    assert "Angemeldet als coordinator@test.example" in page.content()
    # the registry's filter by keyboard
    page.goto("/bodies/")
    page.focus("#q")
    page.keyboard.type("Brak")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Brak**")
    assert "1 Körperschaft gefunden" in page.content()


def _initiative_with_resolutions(seed):
    from tests import factories

    with acting_as(None, "test seed"):
        ini = factories.initiative(seed, public=True)
        res = factories.resolution(ini, seed.bodies["marienmuenster"], reference="560/2022")
        factories.resolution(
            ini, seed.bodies["nieheim"], outcome="scheduled", session_date="2022-03-10"
        )
        db.session.commit()
    return ini, res


def test_initiative_pages_pass_axe(page, live):
    _base, seed = live
    ini, res = _initiative_with_resolutions(seed)
    page.goto(f"/initiatives/{ini.id}")
    assert "Ergebnis fehlt" in page.content()
    assert_accessible(page, "initiative detail (anonymous)")
    page.goto("/initiatives/")
    assert_accessible(page, "initiatives (anonymous)")
    login(page, "admin@test.example")
    hoexter = seed.bodies["hoexter"].id
    pages = {
        "initiatives": "/initiatives/?sort=-phase",
        "initiative detail": f"/initiatives/{ini.id}",
        "initiative new": "/initiatives/new",
        "initiative new for district": f"/initiatives/new?district={hoexter}",
        "initiative edit": f"/initiatives/{ini.id}/edit",
        "matrix without district": "/initiatives/matrix",
        "matrix": f"/initiatives/matrix?district={hoexter}",
        "resolution": f"/resolutions/{res.id}",
        "resolution new": f"/initiatives/{ini.id}/resolutions/new",
        "resolution edit": f"/resolutions/{res.id}/edit",
        "body with initiatives": f"/bodies/{seed.bodies['brakel'].id}",
    }
    for label, path in pages.items():
        page.goto(path)
        assert_accessible(page, label)
    page.goto(f"/initiatives/{ini.id}/edit")
    page.fill("#title", "")
    page.select_option("#participants-4-body_id", str(seed.bodies["brakel"].id))
    page.click("button[type=submit] >> text=Speichern")
    page.wait_for_selector("#error-summary")
    assert "Brakel ist bereits beteiligt" in page.content()
    assert_accessible(page, "initiative form with errors")
    page.goto(f"/initiatives/{ini.id}/resolutions/new")
    page.fill("#votes_yes", "-1")
    page.click("button[type=submit] >> text=Speichern")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "resolution form with errors")
    # a paper over 20 MB is named at its field before anything is sent
    page.goto(f"/initiatives/{ini.id}/resolutions/new")
    page.fill("#organ", "Rat der Stadt Brakel")
    page.set_input_files(
        "#document",
        files=[
            {
                "name": "vorlage.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4" + b"0" * (21 * 1024 * 1024),
            }
        ],  # fmt: skip
    )
    page.click("button[type=submit] >> text=Speichern")
    note = page.locator("#document-size-error")
    assert "größer als 20 MB" in note.inner_text()
    assert "/resolutions/new" in page.url and page.input_value("#organ") == "Rat der Stadt Brakel"
    assert page.evaluate("document.activeElement.id") == "document"
    assert_accessible(page, "resolution form with a file too large")


def test_record_a_resolution_with_the_keyboard(page, live):
    _base, seed = live
    ini, _res = _initiative_with_resolutions(seed)
    login(page, "partner_editor@test.example")
    page.goto(f"/initiatives/{ini.id}/resolutions/new")
    # Brakel's editor: the body is preset; fill the rest by keyboard
    page.focus("#organ")
    page.keyboard.type("Rat der Stadt Brakel")
    page.focus("#kind")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.fill("#session_date", "2022-03-03")
    page.select_option("#outcome", "adopted")
    page.focus("#result_text")
    page.keyboard.type("einstimmig")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/resolutions/new" not in url)
    assert "Der Beschluss wurde erfasst." in page.content(), page.inner_text("main")
    assert "03.03.2022" in page.content()
    page.goto(f"/initiatives/{ini.id}")
    assert "2 von 4 Räten haben beschlossen" in page.content()


def _funding(seed):
    from datetime import date, timedelta

    from tests import factories

    soon = (date.today() + timedelta(days=5)).isoformat()
    with acting_as(None, "test"):
        nrw = factories.program(application_until=(date.today() + timedelta(days=20)).isoformat())
        ini = factories.hoexter_eleven(seed)
        factories.resolution(ini, seed.bodies["brakel"], session_date=soon, outcome="scheduled")
        grant = factories.grant(
            ini,
            nrw,
            amount_requested="490000.00",
            eligible_costs="560000.00",
            tranches=[{"date": soon, "amount": "50000", "state": "planned"}],
        )
        db.session.commit()
    return nrw, ini, grant


def test_funding_pages_pass_axe(page, live):
    _base, seed = live
    nrw, ini, grant = _funding(seed)
    login(page, "funding_officer@test.example")
    pages = {
        "funding overview": "/funding/",
        "funding overview filtered": f"/funding/?status=planned&program_id={nrw.id}",
        "programmes": "/funding/programs/",
        "programme": f"/funding/programs/{nrw.id}",
        "programme new from preset": "/funding/programs/new?preset=nrw-ikz",
        "programme new by tiers": "/funding/programs/new?preset=hessen-ikz",
        "programme new per project": "/funding/programs/new?preset=bayern-ikz",
        "programme edit": f"/funding/programs/{nrw.id}/edit",
        "grant": f"/funding/grants/{grant.id}",
        "grant new": f"/funding/grants/new?initiative_id={ini.id}",
        "grant edit": f"/funding/grants/{grant.id}/edit",
        "printable check": f"/funding/grants/{grant.id}/check",
        "reminders": "/reminders/",
        "initiative with its grant": f"/initiatives/{ini.id}",
        "account with calendar": "/account",
    }
    for label, path in pages.items():
        page.goto(path)
        assert_accessible(page, label)
    page.goto(f"/funding/grants/{grant.id}")
    text = page.inner_text("main")
    assert "490.000,00\xa0€" in text and "Nieheim (terminiert 10.03.2022, Ergebnis fehlt)" in text
    # a form with errors
    page.goto(f"/funding/grants/{grant.id}/edit")
    page.fill("#amount_requested", "-5")
    page.fill("#tranches-0-amount", "viel")
    page.click("button[type=submit] >> text=Speichern")
    page.wait_for_selector("#error-summary")
    assert "Der Betrag darf nicht negativ sein." in page.content()
    assert_accessible(page, "grant form with errors")
    page.goto("/funding/programs/new")
    page.fill("#name", "Test")
    page.fill("#max_funding_rate", "150")
    page.click("button[type=submit] >> text=Speichern")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "programme form with errors")
    # the calendar address, shown once
    page.goto("/account")
    page.click("text=Kalender-Adresse erzeugen")
    page.wait_for_selector("#calendar-url")
    assert_accessible(page, "account with a new calendar address")


def test_record_a_tranche_with_the_keyboard(page, live):
    _base, seed = live
    _nrw, _ini, grant = _funding(seed)
    login(page, "coordinator@test.example")
    page.goto(f"/funding/grants/{grant.id}/edit")
    page.focus("#tranches-1-date")
    page.fill("#tranches-1-date", "2027-03-01")  # the field order of a date input varies
    page.focus("#tranches-1-amount")
    page.keyboard.type("60.000,00")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # state: requested
    page.focus("#reference")
    page.keyboard.type("IKZ-2022-17")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith(f"/funding/grants/{grant.id}"))
    content = page.inner_text("main")
    assert "Die Änderungen wurden gespeichert." in content, content
    tranches = content.split("Mittelabrufe", 1)[1][:400]
    assert "60.000,00\xa0€" in tranches and "01.03.2027" in tranches, tranches


def _savings(seed):
    from coop.savings import services

    nrw, ini, grant = _funding(seed)
    b = seed.bodies
    with acting_as(None, "test"):
        db.session.execute(text("UPDATE bodies SET population = 5000 WHERE population IS NULL"))
        model = services.save_model(
            ini,
            None,
            CostModelIn.model_validate(
                {
                    "first_year": 2026,
                    "horizon_years": 6,
                    "allocation_key": "population",
                    "baseline": [
                        {
                            "body_id": b["hoexter"].id,
                            "category": "staff",
                            "pay_grade": "E11",
                            "fte": "1",
                        },
                        {
                            "body_id": b["brakel"].id,
                            "category": "staff",
                            "pay_grade": "E9c",
                            "fte": "0.5",
                        },
                    ],
                    "shared": [{"category": "staff", "pay_grade": "E11", "fte": "1.2"}],
                    "one_off": [{"year": 2026, "amount": "90000"}],
                    "revenue": [{"amount": "4000", "description": "Gebühren Dritter"}],
                    "one_off_revenue": [{"year": 2027, "amount": "2500"}],
                    "yearly_values": [
                        {"body_id": b["brakel"].id, "year": 2028, "population": 15800}
                    ],
                }
            ),
            actor=None,
        )
        db.session.execute(
            __import__("sqlalchemy").text(
                "UPDATE bodies SET population = 5000 WHERE population IS NULL"
            )
        )
        db.session.commit()
    return ini, model


def test_savings_pages_and_charts_pass_axe(page, live):
    _base, seed = live
    ini, model = _savings(seed)
    hoexter = seed.bodies["hoexter"].id
    # the public sees public savings and what a town saves
    page.goto(f"/bodies/{seed.bodies['brakel'].id}/savings")
    page.wait_for_selector("#town-plot .main-svg")
    assert_accessible(page, "my town (anonymous)")
    login(page, "coordinator@test.example")
    pages = {
        "savings estimate": f"/initiatives/{ini.id}/savings",
        "savings form": f"/initiatives/{ini.id}/savings/{model.id}/edit",
        "savings new": f"/initiatives/{ini.id}/savings/new",
        "compare": f"/initiatives/{ini.id}/savings/compare",
        "dashboard": f"/dashboard/?district={hoexter}",
        "report": f"/report/?district={hoexter}",
        "rate tables": "/savings/rates/",
    }
    for label, path in pages.items():
        page.goto(path)
        if page.locator("[data-figure]").count():
            page.wait_for_selector("[data-figure] .main-svg")  # Plotly has drawn
            assert page.locator("[data-figure] .main-svg").count() >= 1
        assert_accessible(page, label)
    page.goto(f"/initiatives/{ini.id}/savings")
    page.click("summary >> nth=0")  # the data of the first chart, opened by keyboard-able summary
    assert_accessible(page, "savings with a chart's table open")
    page.goto(f"/initiatives/{ini.id}/savings/{model.id}/edit")
    page.fill("#horizon_years", "0")
    page.fill("#shared-0-fte", "-1")
    page.click("button[type=submit] >> text=Speichern")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "savings form with errors")


def test_proposal_pages_pass_axe_and_confirm_by_keyboard(page, live):
    from datetime import date

    from coop.models import Proposal

    _base, seed = live
    with acting_as(None, "test"):
        from tests import factories

        ini = factories.initiative(seed, keywords=["Digitalnetzwerk"])
        proposal = Proposal(
            initiative_id=ini.id,
            body_id=seed.bodies["marienmuenster"].id,
            consultation_id="https://ris.example/oparl/consultation/1",
            organ="Rat der Stadt Marienmünster",
            reference="560/2022",
            title="Gründung eines Digitalnetzwerks",
            session_date=date(2022, 2, 23),
            outcome="adopted",
            votes_yes=13,
            votes_no=0,
            votes_abstain=0,
            result_text="13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen",
            source_url="https://ris.example/vo0050.asp?__kvonr=1",
            matched_by="Drucksache 560/2022",
        )
        db.session.add(proposal)
        db.session.commit()
    login(page, "coordinator@test.example")
    for label, path in {
        "proposals": "/proposals/",
        "proposal": f"/proposals/{proposal.id}",
        "oparl url on the body form": f"/bodies/{seed.bodies['marienmuenster'].id}/edit",
        "keywords on the initiative form": f"/initiatives/{ini.id}/edit",
    }.items():
        page.goto(path)
        assert_accessible(page, label)
    page.goto(f"/proposals/{proposal.id}")
    page.focus("#votes_abstain")
    page.keyboard.press("Control+a")
    page.keyboard.type("1")
    page.focus("button[name=confirm]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/resolutions/*")
    assert "Der Beschluss wurde erfasst." in page.inner_text("main")
    page.goto(f"/initiatives/{ini.id}")
    assert "1 von 4 Räten hat beschlossen" in page.inner_text("main")


def test_search_page_passes_axe_and_keeps_a_search_by_keyboard(page, live):
    from tests import factories

    _base, seed = live
    with acting_as(None, "test"):
        ini = factories.initiative(seed, title="Gemeinsame E-Rechnung")
        factories.resolution(ini, seed.bodies["brakel"], reference="77/2023", organ="Rat")
        db.session.commit()
    login(page, "coordinator@test.example")
    page.goto("/search/")
    assert_accessible(page, "search, empty")
    page.focus("#q")
    page.keyboard.type("E-Rechnung")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results-heading")
    assert "2 Treffer" in page.inner_text("main")
    assert_accessible(page, "search with results")
    page.goto("/search/?from=2023-02-01&to=2022-01-01")
    assert "Das Ende liegt vor dem Anfang." in page.inner_text("main")
    assert_accessible(page, "search with an error")
    page.goto("/search/?q=E-Rechnung")
    page.focus("#name")
    page.keyboard.type("Rechnungen")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Die Suche ist gespeichert.")
    assert "Ihre gespeicherten Suchen" in page.inner_text("main")
    assert_accessible(page, "search saved")


def test_mapping_a_systems_bodies_passes_axe_and_works_by_keyboard(page, live):
    from tests.oparl.fake_server import CIS, serve

    _base, seed = live
    system = CIS(papers=5)
    system.more_bodies = [("Stadt Brakel", "05762016"), ("Stadt Warburg", "05762040")]
    server = serve(system)
    try:
        login(page, "coordinator@test.example")
        district = seed.bodies["hoexter"].id
        page.goto(f"/bodies/{district}")
        page.click("text=Körperschaften eines Systems den Partnern zuordnen")
        page.fill("#url", system.url("/system"))
        page.press("#url", "Enter")
        page.wait_for_selector("#remote-caption")
        assert_accessible(page, "system's bodies with suggestions")
        page.focus("#map-1")  # Stadt Marienmünster, suggested; Brakel is map-0
        page.focus("button:has-text('Zuordnung speichern')")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/bodies/{district}")
        assert "2 Partner lesen jetzt ihre Körperschaft des Systems" in page.inner_text("main")
        # a link with ?url= only fills the form; the button reads
        page.goto(f"/bodies/{district}/oparl-system?url={system.url('/notoparl')}")
        assert page.input_value("#url") == system.url("/notoparl")
        page.click("button:has-text('Körperschaften lesen')")
        page.wait_for_selector("#url-error")
        assert_accessible(page, "an address that is no system")
    finally:
        server.shutdown()
