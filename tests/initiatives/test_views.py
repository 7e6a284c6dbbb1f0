"""Initiative and resolution pages as users use them: forms with rows, permissions, the
public view, uploads, the matrix and its exports, and constant queries per page."""

import csv
import io
import re

import pytest
from sqlalchemy import event, func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.initiatives.schemas import InitiativeCreate
from coop.models import Body, Initiative, Participant, Resolution
from coop.resolutions.schemas import ResolutionRecord
from tests import factories
from tests.factories import PDF


@pytest.fixture
def ini(public_ini):
    """The initiatives' pages are tested with a public initiative."""
    return public_ini


def form_data(seed, **extra):
    b = seed.bodies
    data = {
        "title": "Gemeinsame E-Akte",
        "description": "Eine E-Akte für alle.",
        "service_area": "e_records",
        "phase": "concept",
        "phase_changed_on": "2025-01-15",
        "legal_form": "agreement_mandate",
        "lead_body_id": str(b["hoexter"].id),
        "start_date": "2025-07-01",
        "end_date": "",
        "public": "y",
        "participants-0-body_id": str(b["brakel"].id),
        "participants-0-role": "partner",
        "participants-0-joined_on": "2025-02-01",
        "participants-0-left_on": "",
        "participants-1-body_id": "",
        "participants-1-role": "partner",
        "milestones-0-milestone_id": "",
        "milestones-0-title": "Ausschreibung",
        "milestones-0-due_on": "2025-09-30",
        "milestones-0-done_on": "",
    }
    data.update(extra)
    return data


def test_create_with_rows_in_one_form(client, auth, seed):
    auth.login("coordinator@test.example")
    page = client.get("/initiatives/new").get_data(as_text=True)
    assert "Vorhaben anlegen" in page and 'id="participants-2-body_id"' in page
    r = auth.post("/initiatives/new", form_data(seed))
    assert r.status_code == 302, r.get_data(as_text=True)
    ini = db.session.scalar(select(Initiative))
    assert ini.title == "Gemeinsame E-Akte" and ini.public and ini.end_date is None
    assert {(p.body.name, p.role.value) for p in ini.participants} == {
        ("Kreis Höxter", "lead"),
        ("Brakel", "partner"),
    }
    assert [m.title for m in ini.milestones] == ["Ausschreibung"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Gemeinsame E-Akte" in page and "0 von 2 Räten haben beschlossen" in page
    assert "15.01.2025: Konzept" in page  # phase history in German dates
    assert "Beteiligung „Brakel“ angelegt" in page  # the parts in the history


def test_bad_rows_are_marked_and_nothing_is_stored(client, auth, seed):
    auth.login("coordinator@test.example")
    b = seed.bodies
    data = form_data(
        seed,
        **{
            "participants-1-body_id": str(b["brakel"].id),
            "milestones-0-due_on": "31.02.2025",
            "end_date": "2020-01-01",
        },
    )
    r = auth.post("/initiatives/new", data, "/initiatives/new")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Brakel ist bereits beteiligt (Zeile 1)." in page
    assert 'id="participants-1-body_id-error"' in page
    assert "Bitte ein gültiges Datum eingeben" in page
    assert "Das Ende kann nicht vor dem Beginn liegen." in page
    assert 'href="#milestones-0-due_on"' in page  # the summary links to the row's field
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_add_district_rows_and_more_rows(client, auth, seed):
    auth.login("coordinator@test.example")
    r = auth.post("/initiatives/new", form_data(seed, add_district="1"), "/initiatives/new")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    selected = re.findall(r'<option selected value="(\d+)">([^<]+)</option>', page)
    names = [name for _id, name in selected]
    # the lead's district and each of its towns once; nothing saved yet
    for name in ("Kreis Höxter", "Brakel", "Nieheim", "Marienmünster"):
        assert names.count(name) >= 1
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0
    r = auth.post("/initiatives/new", form_data(seed, add_rows="1"), "/initiatives/new")
    assert 'id="participants-4-body_id"' in r.get_data(as_text=True)


def test_edit_keeps_version_and_refuses_stale(client, auth, seed, ini):
    auth.login("coordinator@test.example")
    page = client.get(f"/initiatives/{ini.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    b = seed.bodies
    data = form_data(
        seed,
        title="Digitalnetzwerk Kreis Höxter",
        phase="implementation",
        version=version,
        **{
            "participants-1-body_id": str(b["nieheim"].id),
            "participants-2-body_id": str(b["marienmuenster"].id),
        },
    )
    r = auth.post(f"/initiatives/{ini.id}/edit", data)
    assert r.status_code == 302, r.get_data(as_text=True)
    r = auth.post(f"/initiatives/{ini.id}/edit", data)
    assert r.status_code == 409
    assert "Jemand anderes hat" in r.get_data(as_text=True) or "zwischenzeitlich" in r.get_data(
        as_text=True
    )


def test_permissions_in_the_ui(client, auth, seed, ini):
    auth.login("viewer@test.example")
    assert client.get(f"/initiatives/{ini.id}").status_code == 200
    assert client.get("/initiatives/new").status_code == 403
    assert client.get(f"/initiatives/{ini.id}/edit").status_code == 403
    assert client.get(f"/initiatives/{ini.id}/resolutions/new").status_code == 403
    auth.post("/logout", {}, "/")
    auth.login("coordinator_helmstedt@test.example")
    assert client.get(f"/initiatives/{ini.id}/edit").status_code == 403
    auth.post("/logout", {}, "/")
    auth.login("partner_editor@test.example")
    page = client.get(f"/initiatives/{ini.id}/resolutions/new").get_data(as_text=True)
    # Brakel's editor can only choose Brakel
    assert re.findall(
        r'<option[^>]*value="(\d+)"', page.split('id="body_id"')[1].split("</select>")[0]
    ) == [str(seed.bodies["brakel"].id)]
    r = auth.post(
        f"/initiatives/{ini.id}/resolutions/new",
        {
            "body_id": str(seed.bodies["nieheim"].id),
            "organ": "Rat",
            "kind": "basic_decision",
            "session_date": "2022-02-23",
            "outcome": "adopted",
        },
    )
    assert r.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0


def test_public_sees_public_initiatives_and_resolutions_only(client, seed, ini):
    with acting_as(None, "test"):
        hidden = factories.initiative(seed, title="Interne Prüfung", public=False)
        public_res = factories.resolution(ini, seed.bodies["brakel"])
        secret_res = factories.resolution(
            ini, seed.bodies["nieheim"], public=False, organ="Hauptausschuss nö"
        )
        db.session.commit()
    page = client.get("/initiatives/").get_data(as_text=True)
    assert "Digitalnetzwerk Kreis Höxter" in page and "Interne Prüfung" not in page
    assert client.get(f"/initiatives/{hidden.id}").status_code == 404
    page = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    assert "Hauptausschuss nö" not in page
    assert client.get(f"/resolutions/{public_res.id}").status_code == 200
    assert client.get(f"/resolutions/{secret_res.id}").status_code == 404
    assert client.get(f"/initiatives/{ini.id}/edit").status_code == 302  # to login


def test_record_resolution_with_pdf_and_read_sequence(client, auth, seed, ini):
    auth.login("partner_editor@test.example")
    brakel = seed.bodies["brakel"]
    base = {
        "body_id": str(brakel.id),
        "organ": "Haupt- und Finanzausschuss",
        "reference": "BV 17/2022",
        "title": "Digitalnetzwerk",
        "kind": "basic_decision",
        "session_date": "2022-02-14",
        "public": "y",
        "outcome": "adopted",
        "votes_yes": "",
        "votes_no": "",
        "votes_abstain": "",
    }
    path = f"/initiatives/{ini.id}/resolutions/new"
    bad = {**base, "votes_yes": "-3", "document": (io.BytesIO(b"GIF89a"), "x.pdf")}
    r = client.post(
        path, data={**bad, "csrf_token": auth.csrf(path)}, content_type="multipart/form-data"
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "Die Zahl kann nicht negativ sein." in page
    not_pdf = {**base, "document": (io.BytesIO(b"GIF89a"), "x.pdf")}
    r = client.post(
        path, data={**not_pdf, "csrf_token": auth.csrf(path)}, content_type="multipart/form-data"
    )
    assert r.status_code == 422 and "Die Datei ist kein PDF-Dokument." in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0
    first = {**base, "document": (io.BytesIO(PDF), "Vorlage BV 17-2022.pdf")}
    r = client.post(
        path, data={**first, "csrf_token": auth.csrf(path)}, content_type="multipart/form-data"
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    second = {
        **base,
        "organ": "Rat der Stadt Brakel",
        "session_date": "2022-03-03",
        "outcome": "scheduled",
        "authoritative": "y",
    }
    r = client.post(
        path, data={**second, "csrf_token": auth.csrf(path)}, content_type="multipart/form-data"
    )
    assert r.status_code == 302
    res = db.session.scalars(select(Resolution).order_by(Resolution.id)).all()
    assert res[0].authoritative is False and res[1].authoritative is True
    page = client.get(f"/resolutions/{res[1].id}").get_data(as_text=True)
    assert "Ergebnis fehlt" in page
    page = page[page.index('id="sequence-heading"') :]
    assert page.index("14.02.2022, Haupt- und Finanzausschuss") < page.index("03.03.2022")
    assert "Beratungsfolge" in page
    doc = client.get(f"/resolutions/{res[0].id}/document")
    assert doc.status_code == 200 and doc.data == PDF
    assert "Vorlage%20BV%2017-2022.pdf" in doc.headers["Content-Disposition"] or (
        "Vorlage BV 17-2022.pdf" in doc.headers["Content-Disposition"]
    )
    auth.post("/logout", {}, "/")
    assert client.get(f"/resolutions/{res[0].id}/document").status_code == 200  # public
    with acting_as(None, "test"):
        db.session.get(Resolution, res[0].id).public = False
        db.session.commit()
    assert client.get(f"/resolutions/{res[0].id}/document").status_code == 404


def _matrix_seed(seed, n_initiatives: int, n_towns: int):
    """n towns in Höxter and n initiatives with all of them and a resolution each."""
    from coop.initiatives import services as initiatives
    from coop.resolutions import services as resolutions

    hoexter = seed.bodies["hoexter"]
    towns = [
        factories.body(name=f"Ort {i:03}", kind="municipality", parent_id=hoexter.id)
        for i in range(n_towns)
    ]
    for i in range(n_initiatives):
        ini = initiatives.create_initiative(
            InitiativeCreate.model_validate(
                {
                    "title": f"Vorhaben {i:03}",
                    "service_area": "it",
                    "participants": [{"body_id": hoexter.id, "role": "lead"}]
                    + [{"body_id": t.id, "role": "partner"} for t in towns],
                }
            ),
            actor=None,
        )
        for t in towns[: i % 5 + 1]:
            resolutions.create_resolution(
                ini,
                ResolutionRecord.model_validate(
                    {
                        "body_id": t.id,
                        "organ": "Rat",
                        "kind": "accession",
                        "session_date": "2024-05-02",
                        "outcome": "adopted",
                    }
                ),
                actor=None,
            )
    db.session.commit()


def _count_queries(client, path):
    counter = {"n": 0}

    def before(*_args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        r = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert r.status_code == 200
    return counter["n"], r


def test_matrix_constant_queries_and_exports(client, auth, seed):
    auth.login("coordinator@test.example")
    hoexter = seed.bodies["hoexter"].id
    path = f"/initiatives/matrix?district={hoexter}"
    with acting_as(None, "test"):
        _matrix_seed(seed, 3, 4)
    small, _r = _count_queries(client, path)
    with acting_as(None, "test"):
        _matrix_seed(seed, 100, 46)  # 100 more initiatives, 50 partners and more
    large, r = _count_queries(client, path)
    assert large == small, (small, large)
    page = r.get_data(as_text=True)
    assert "103 Vorhaben" in page and "Ort 045" in page
    assert "✔" in page and "beschlossen (02.05.2024)" in page
    csv_r = client.get(f"/initiatives/matrix.csv?district={hoexter}")
    assert csv_r.mimetype == "text/csv"
    text = csv_r.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["Vorhaben", "Aufgabenbereich", "Phase", "Räte beschlossen", "Stand"]
    assert len(rows) == 104
    xlsx = client.get(f"/initiatives/matrix.xlsx?district={hoexter}")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws.cell(1, 1).value == "Vorhaben" and ws.max_row == 104


def test_matrix_cell_texts_and_summary_line(client, auth, seed, ini):
    b = seed.bodies
    with acting_as(None, "test"):
        factories.resolution(ini, b["hoexter"], organ="Kreistag")
        factories.resolution(ini, b["marienmuenster"], reference="560/2022")
        factories.resolution(ini, b["nieheim"], outcome="scheduled", session_date="2099-03-10")
        db.session.commit()
    auth.login("funding_officer@test.example")
    page = client.get(f"/initiatives/matrix?district={b['hoexter'].id}").get_data(as_text=True)
    assert "2 von 4 beschlossen" in page and "terminiert (10.03.2099)" in page
    assert "coop-cell--scheduled" in page and "Partner als Zeilen" in page
    # one initiative transposed: partners as rows, with the summary line
    one = client.get(f"/initiatives/matrix?district={b['hoexter'].id}&initiative={ini.id}")
    one = one.get_data(as_text=True)
    assert (
        "2 von 4 Räten haben beschlossen; offen: Brakel (kein Beschluss), "
        "Nieheim (terminiert 10.03.2099)" in one
    )
    assert one.count('<th class="kern-table__cell" scope="row">') == 4


def test_matrix_cells_lead_to_the_resolution_form(client, auth, seed, ini):
    b = seed.bodies
    auth.login("coordinator@test.example")
    page = client.get(f"/initiatives/matrix?district={b['hoexter'].id}").get_data(as_text=True)
    form = f'href="/initiatives/{ini.id}/resolutions/new?body={b["brakel"].id}"'
    assert form in page and "Beschluss von Brakel erfassen" in page
    assert f"/initiatives/{ini.id}/nudge/{b['brakel'].id}" in page
    # a viewer's cells lead to the initiative, not to a form
    client.post("/logout", data={"csrf_token": auth.csrf("/account")})
    auth.login("viewer@test.example")
    page = client.get(f"/initiatives/matrix?district={b['hoexter'].id}").get_data(as_text=True)
    assert (
        "/resolutions/new" not in page and f'href="/initiatives/{ini.id}#partners-heading"' in page
    )


def test_matrix_pages_and_partner_filter(client, auth, seed, ini):
    b = seed.bodies
    with acting_as(None, "test"):
        for n in range(25):
            factories.initiative(
                seed,
                title=f"Vorhaben {n:02}",
                participants=[
                    {"body_id": b["hoexter"].id, "role": "lead"},
                    {"body_id": b["brakel"].id, "role": "partner"},
                ],
            )
        db.session.commit()
    auth.login("viewer@test.example")
    url = f"/initiatives/matrix?district={b['hoexter'].id}"
    first = client.get(url).get_data(as_text=True)
    assert "26 Vorhaben" in first and "Seite 1 von 2" in first
    # a page beyond the last shows the last
    last = client.get(url + "&page=99").get_data(as_text=True)
    assert "Seite 2 von 2" in last
    # only the partners of the initiatives shown are columns
    assert first.count('<th class="kern-table__header" scope="col">') == 5
    assert last.count('<th class="kern-table__header" scope="col">') == 3
    only = client.get(url + f"&partner={b['nieheim'].id}").get_data(as_text=True)
    assert "1 Vorhaben" in only and "Digitalnetzwerk Kreis Höxter" in only


def test_body_page_lists_its_initiatives(client, auth, seed, ini):
    auth.login("viewer@test.example")
    page = client.get(f"/bodies/{seed.bodies['brakel'].id}").get_data(as_text=True)
    assert "Digitalnetzwerk Kreis Höxter" in page and "(Partner, Entscheidung)" in page


def test_delete_initiative_removes_its_resolutions(client, auth, seed, ini):
    with acting_as(None, "test"):
        factories.resolution(ini, seed.bodies["brakel"])
        db.session.commit()
    auth.login("coordinator@test.example")
    r = auth.post(
        f"/initiatives/{ini.id}/delete", {"version": str(ini.version)}, f"/initiatives/{ini.id}"
    )
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    assert db.session.scalar(select(func.count()).select_from(Body)) == 8


def test_list_filters_by_partner_area_phase_and_text(client, auth, seed, ini):
    with acting_as(None, "test"):
        factories.initiative(
            seed,
            title="Gemeinsame Rechnungsprüfung Helmstedt",
            service_area="audit",
            phase="idea",
            lead_body_id=seed.bodies["helmstedt"].id,
            participants=[{"body_id": seed.bodies["suepplingen"].id, "role": "partner"}],
            milestones=[],
        )
        db.session.commit()
    auth.login("viewer@test.example")
    page = client.get("/initiatives/").get_data(as_text=True)
    assert "2 Vorhaben gefunden" in page
    brakel = seed.bodies["brakel"].id
    page = client.get(f"/initiatives/?body={brakel}").get_data(as_text=True)
    assert "1 Vorhaben gefunden" in page and "an denen Brakel beteiligt ist" in page
    for query in (
        "service_area=audit",
        "phase=idea",
        "q=rechnungspr",
        f"district={seed.bodies['helmstedt'].id}",
    ):
        page = client.get(f"/initiatives/?{query}").get_data(as_text=True)
        assert "1 Vorhaben gefunden" in page and "Rechnungsprüfung Helmstedt" in page, query
    page = client.get("/initiatives/?sort=-title").get_data(as_text=True)
    assert page.index("Gemeinsame Rechnungsprüfung") < page.index("Digitalnetzwerk")
