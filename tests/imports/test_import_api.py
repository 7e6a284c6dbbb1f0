"""The import through the API: dry run, storing, errors by row and column, and a file of
10,000 rows that runs as a job with progress."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from coop import queue
from coop.audit import acting_as
from coop.extensions import db
from coop.models import ImportJob, Initiative, Resolution
from tests import factories


def h(seed, role="coordinator", **extra):
    return {"Authorization": f"Bearer {seed.tokens[role]}", **extra}


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_dry_run_then_import(client, seed):
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        db.session.commit()
    district = seed.bodies["hoexter"].id
    rows = [
        ["Vorhaben", "Aufgabenbereich", "Phase", "Brakel", "Nieheim"],
        [ini.title, "Smart Region", "Entscheidung", "beschlossen (12.11.2026)", "vertagt"],
    ]
    path = f"/api/v1/resolutions/import?district_id={district}&dry_run=true"
    r = client.post(path, data=_csv(rows), headers=h(seed, **{"Content-Type": "text/csv"}))
    assert r.status_code == 200, r.json
    assert r.json["state"] == "checked" and r.json["dry_run"] is True
    assert r.json["valid_rows"] == 0
    assert r.json["problems"] == [
        {
            "row": 2,
            "column": "Nieheim",
            "message": "Das Datum der Sitzung fehlt; schreiben Sie es als 12.03.2026.",
        }
    ]
    rows[1][4] = "vertagt (19.11.2026)"
    r = client.post(path, data=_csv(rows), headers=h(seed, **{"Content-Type": "text/csv"}))
    assert r.json["valid_rows"] == 1 and [c["change"] for c in r.json["changes"]] == [
        "Brakel: beschlossen (12.11.2026)",
        "Nieheim: vertagt (19.11.2026)",
    ]
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0
    r = client.post(
        path.replace("true", "false"),
        data={"file": (io.BytesIO(_csv(rows)), "matrix.csv")},
        headers=h(seed),
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and r.json["state"] == "stored" and r.json["stored_rows"] == 1
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 2
    assert client.get(r.headers["Location"], headers=h(seed)).json["id"] == r.json["id"]
    assert client.get(r.headers["Location"], headers=h(seed, "admin")).status_code == 404


def test_bad_requests_name_the_field(client, seed):
    district = seed.bodies["hoexter"].id
    r = client.post(
        f"/api/v1/resolutions/import?district_id={district}",
        data=b"%PDF-1.7",
        headers=h(seed, **{"Content-Type": "application/pdf"}),
    )
    assert r.status_code == 422 and "file" in r.json["error"]["fields"]
    other = seed.bodies["helmstedt"].id
    r = client.post(f"/api/v1/resolutions/import?district_id={other}", data=b"x", headers=h(seed))
    assert r.status_code == 422 and "district_id" in r.json["error"]["fields"]
    r = client.post(
        f"/api/v1/initiatives/import?district_id={district}", data=b"x", headers=h(seed, "viewer")
    )
    assert r.status_code == 403


def test_ten_thousand_rows_run_as_a_job_with_progress(app, client, seed):
    """10,000 new initiatives in one file: the answer comes at once (202), the job shows its
    progress, and the valid rows are stored in batches."""
    app.config["IMPORT_INLINE_ROWS"] = 500
    district = seed.bodies["hoexter"].id
    rows = [["Vorhaben", "Aufgabenbereich", "Phase", "Kreis Höxter", "Brakel"]]
    rows += [
        [f"Vorhaben {n:05d}", "IT-Betrieb", "Idee", "Federführung", "Partner"]
        for n in range(10_000)
    ]
    rows.append(["Vorhaben 00001", "IT-Betrieb", "Idee", "Federführung", "Partner"])
    r = client.post(
        f"/api/v1/initiatives/import?district_id={district}&dry_run=true",
        data=_csv(rows),
        headers=h(seed, **{"Content-Type": "text/csv"}),
    )
    assert r.status_code == 202, r.json
    state = client.get(r.headers["Location"], headers=h(seed)).json
    # the answer does not wait for the check: a worker of the queue does it
    assert (state["state"], state["done"], state["total"]) == ("checking", 0, 10_001)
    queue.work(app, burst=True)
    state = client.get(r.headers["Location"], headers=h(seed)).json
    assert state["state"] == "checked", state
    assert state["total"] == 10_001 and state["valid_rows"] == 10_000
    assert state["problems"] == [
        {
            "row": 10_002,
            "column": "Vorhaben",
            "message": "Dieses Vorhaben steht schon in Zeile 3; jedes darf nur einmal vorkommen.",
        }
    ]
    db.session.expire_all()
    job = db.session.get(ImportJob, state["id"])
    assert job.result["dry_run"] is True


def test_a_large_file_is_stored_in_the_background_in_batches(app, client, seed):
    """Without dry run, a file above the inline limit is checked and stored by a job; its
    rows are in the database when the job says stored."""
    app.config["IMPORT_INLINE_ROWS"] = 20
    district = seed.bodies["hoexter"].id
    rows = [["Vorhaben", "Aufgabenbereich", "Phase", "Kreis Höxter", "Brakel"]]
    rows += [
        [f"Vorhaben {n:03d}", "WLAN", "Konzept", "Federführung", "Partner"] for n in range(250)
    ]
    r = client.post(
        f"/api/v1/initiatives/import?district_id={district}",
        data=_csv(rows),
        headers=h(seed, **{"Content-Type": "text/csv"}),
    )
    assert r.status_code == 202
    state = client.get(r.headers["Location"], headers=h(seed)).json
    assert state["state"] == "checking"  # a worker's job, not the request's
    queue.work(app, burst=True)  # a worker checks it, then stores it (two jobs)
    state = client.get(r.headers["Location"], headers=h(seed)).json
    assert state["state"] == "stored" and state["stored_rows"] == 250, state
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 250
