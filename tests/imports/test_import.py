"""Importing the decision matrix: an exported file, edited and uploaded again, records the new
resolutions after a preview and a confirmation; bad files and rows are named by row and column
and store nothing."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.models import AuditEntry, ImportJob, Initiative, Resolution
from tests import factories
from tests.conftest import AuthActions


def _initiatives(seed):
    with acting_as(None, "test"):
        first = factories.initiative(seed)
        second = factories.initiative(seed, title="E-Rechnung gemeinsam")
        db.session.commit()
    return first, second


def _export(client, seed, fmt="csv") -> bytes:
    answer = client.get(f"/initiatives/matrix.{fmt}?district={seed.bodies['hoexter'].id}")
    assert answer.status_code == 200
    return answer.data


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _upload(client, seed, data: bytes, name="matrix.csv", kind="resolutions"):
    page = client.get(f"/import/{kind}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        f"/import/{kind}",
        data={
            "csrf_token": token,
            "district_id": str(seed.bodies["hoexter"].id),
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def _confirm(client, job_page: str, job_id: int):
    token = re.search(r'name="csrf_token" value="([^"]+)"', job_page).group(1)
    return client.post(f"/import/jobs/{job_id}/confirm", data={"csrf_token": token})


def _set(rows, title: str, body: str, value: str):
    col = rows[0].index(body)
    for row in rows[1:]:
        if row[0] == title:
            row[col] = value


def test_an_exported_matrix_edited_and_imported_back_records_the_resolutions(client, seed):
    first, second = _initiatives(seed)
    AuthActions(client).login("coordinator@test.example")
    rows = _rows(_export(client, seed))
    assert rows[0][:3] == ["Vorhaben", "Aufgabenbereich", "Phase"]
    _set(rows, "Digitalnetzwerk Kreis Höxter", "Brakel", "✔ beschlossen (12.11.2026)")
    _set(rows, "E-Rechnung gemeinsam", "Nieheim", "abgelehnt 19.11.2026")
    _set(rows, "E-Rechnung gemeinsam", "Brakel", "terminiert (2027-01-21)")
    answer = _upload(client, seed, _csv(rows))
    assert answer.status_code == 302
    job_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    preview = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "nichts ist bisher gespeichert" in preview.lower()
    assert "Brakel: beschlossen (12.11.2026)" in preview
    assert "Nieheim: abgelehnt (19.11.2026)" in preview
    assert "2 Zeilen können gespeichert werden" in preview
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0  # not yet
    assert _confirm(client, preview, job_id).status_code == 302
    stored = {
        (r.initiative_id, r.body.name, r.outcome.value, r.session_date.isoformat(), r.organ)
        for r in db.session.scalars(select(Resolution))
    }
    assert stored == {
        (first.id, "Brakel", "adopted", "2026-11-12", "Rat"),
        (second.id, "Nieheim", "rejected", "2026-11-19", "Rat"),
        (second.id, "Brakel", "scheduled", "2027-01-21", "Rat"),
    }
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "Resolution")
    ).all()
    assert len(audit) == 3 and {a.actor_label for a in audit} == {
        "coordinator@test.example (Import)"
    }
    done = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "2 Zeilen gespeichert." in done
    # a second confirmation stores nothing more; the same file again finds nothing new
    assert _confirm(client, preview, job_id).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 3
    again = _upload(client, seed, _export(client, seed))
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert (
        "2 Zeilen unverändert" in page
        and "Speichern" not in page.split("<main")[-1].split("Zeilen können")[0][-40:]
    )


def test_an_xlsx_export_goes_back_in_as_well(client, seed):
    _initiatives(seed)
    AuthActions(client).login("coordinator@test.example")
    workbook = load_workbook(io.BytesIO(_export(client, seed, "xlsx")))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "E-Rechnung gemeinsam":
            row[header.index("Marienmünster")].value = "beschlossen (03.11.2026)"
    out = io.BytesIO()
    workbook.save(out)
    answer = _upload(client, seed, out.getvalue(), "matrix.xlsx")
    job = db.session.get(ImportJob, int(answer.headers["Location"].rsplit("/", 1)[-1]))
    assert job.state == "checked" and job.result["valid_rows"] == 1, job.result["problems"]


def test_every_problem_is_named_by_row_and_column_and_nothing_is_stored(client, seed):
    _initiatives(seed)
    AuthActions(client).login("coordinator@test.example")
    rows = _rows(_export(client, seed))
    rows[0].append("Musterstadt")  # a body that does not exist
    for row in rows[1:]:
        row.append("")
    _set(rows, "Digitalnetzwerk Kreis Höxter", "Brakel", "beschlossen (11/12/2026)")
    _set(rows, "E-Rechnung gemeinsam", "Nieheim", '=HYPERLINK("http://x")')
    rows.append(list(rows[1]))  # the same row twice
    rows.append(["Gibt es nicht", "IT-Betrieb", "Idee"] + [""] * (len(rows[0]) - 3))
    answer = _upload(client, seed, _csv(rows))
    job = db.session.get(ImportJob, int(answer.headers["Location"].rsplit("/", 1)[-1]))
    problems = {(p["row"], p["column"]): p["message"] for p in job.result["problems"]}
    assert "weder eine Spalte des Exports noch eine Körperschaft" in problems[(1, "Musterstadt")]
    assert "kein Datum in der Form 12.03.2026" in problems[(2, "Brakel")]
    assert "Formel" in problems[(3, "Nieheim")]
    assert "schon in Zeile 2" in problems[(4, "Vorhaben")]
    assert "kein Vorhaben dieses Titels" in problems[(5, "Vorhaben")]
    assert job.result["valid_rows"] == 0
    page = client.get(f"/import/jobs/{job.id}").get_data(as_text=True)
    assert "Musterstadt" in page and "Speichern" not in page.split("Probleme")[0][-300:]
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0


def test_a_file_that_is_no_table_is_refused_in_the_form(client, seed):
    AuthActions(client).login("coordinator@test.example")
    for name, data, words in (
        ("paper.pdf", b"%PDF-1.7 ...", "keine CSV- oder XLSX-Datei"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "alte Excel-Datei"),
        ("empty.csv", b"", "Bitte wählen Sie eine Datei"),
    ):
        answer = _upload(client, seed, data, name)
        assert answer.status_code == 200, name
        assert words in answer.get_data(as_text=True), name
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_new_initiatives_from_matrix_rows(client, seed):
    AuthActions(client).login("coordinator@test.example")
    rows = [
        ["Vorhaben", "Aufgabenbereich", "Phase", "Kreis Höxter", "Brakel", "Nieheim"],
        ["Gemeinsame Vergabestelle", "Vergabestelle", "Idee", "Federführung", "Partner", "–"],
        ["Ohne Bereich", "", "Idee", "Federführung", "", ""],
    ]
    answer = _upload(client, seed, _csv(rows), kind="initiatives")
    job_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    page = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "Neues Vorhaben „Gemeinsame Vergabestelle“ mit 2 Beteiligten" in page
    assert "braucht seinen Aufgabenbereich" in page
    _confirm(client, page, job_id)
    created = db.session.scalars(select(Initiative)).all()
    assert [(i.title, i.lead_body.name, len(i.participants)) for i in created] == [
        ("Gemeinsame Vergabestelle", "Kreis Höxter", 2)
    ]


def test_only_importers_reach_it_and_only_their_own_jobs(client, seed):
    _initiatives(seed)
    auth = AuthActions(client)
    auth.login("viewer@test.example")
    assert client.get("/import/resolutions").status_code == 403
    auth.logout()
    auth.login("coordinator@test.example")
    answer = _upload(client, seed, _export(client, seed))
    job_path = answer.headers["Location"]
    auth.logout()
    auth.login("partner_editor@test.example")
    assert client.get("/import/initiatives").status_code == 403
    assert client.get(job_path).status_code == 404


def test_import_files_are_forgotten_after_two_weeks(app, seed):
    from datetime import timedelta

    from coop import jobs
    from coop.models.base import utcnow

    for age in (1, 15):
        db.session.add(
            ImportJob(
                kind="resolutions",
                district_id=seed.bodies["hoexter"].id,
                file_name="x.csv",
                content=b"x",
                created_at=utcnow() - timedelta(days=age),
            )
        )
    db.session.commit()
    assert "1 import files" in jobs.forget_old_records()
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_an_outdated_export_keeps_what_changed_since_and_stores_the_rest(client, seed):
    """Issue 29: a matrix downloaded before someone recorded a decision was refused row by
    row ("Ein Import löscht keine Beschlüsse…"), dropping the valid edit of the same row."""
    from coop.resolutions import services as resolutions
    from coop.resolutions.schemas import ResolutionUpdate

    first, _second = _initiatives(seed)
    with acting_as(None, "test"):  # Brakel's council has the paper on its agenda
        scheduled = factories.resolution(
            first, seed.bodies["brakel"], outcome="scheduled", session_date="2026-11-12"
        )
        db.session.commit()
    AuthActions(client).login("coordinator@test.example")
    old = _rows(_export(client, seed))  # downloaded now …
    assert any("terminiert (12.11.2026)" in cell for cell in old[1])
    with acting_as(None, "test"):  # … then someone records Brakel's result
        resolutions.update_resolution(
            scheduled, ResolutionUpdate.model_validate({"outcome": "adopted"}), actor=None
        )
        db.session.commit()
    _set(old, "Digitalnetzwerk Kreis Höxter", "Nieheim", "✔ beschlossen (12.11.2026)")
    answer = _upload(client, seed, _csv(old))
    job_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    preview = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "Seit Ihrem Download geändert" in preview
    assert "In coop steht „beschlossen (12.11.2026)“" in preview
    assert "1 Zeile kann gespeichert werden" in preview
    assert "Kreistag" in preview and 'name="kind"' in preview  # what it stores, and a choice
    token = re.search(r'name="csrf_token" value="([^"]+)"', preview).group(1)
    client.post(f"/import/jobs/{job_id}/confirm", data={"csrf_token": token, "kind": "accession"})
    stored = {(r.body.name, r.kind.value) for r in db.session.scalars(select(Resolution))}
    assert ("Nieheim", "accession") in stored and len(stored) == 2  # Brakel's stays as it was
    assert db.session.get(Resolution, scheduled.id).outcome.value == "adopted"


def test_an_english_matrix_goes_in_as_well(client, seed):
    """Issue 29: the import page asked English users for German column names and cells."""
    first, _second = _initiatives(seed)
    AuthActions(client).login("coordinator@test.example")
    AuthActions(client).post("/language/en", {"next": "/"}, form_path="/")
    page = client.get("/import/resolutions").get_data(as_text=True)
    assert "beschlossen" not in page and "decided (Mar 12, 2026)" in page
    rows = [
        ["Initiative", "Service area", "Phase", "Brakel"],
        ["Digitalnetzwerk Kreis Höxter", "", "", "decided (Mar 12, 2026)"],
    ]
    answer = _upload(client, seed, _csv(rows))
    job_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    preview = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "1 row can be stored" in preview, preview[preview.find("<main") :][:2000]
