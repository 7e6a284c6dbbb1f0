"""Benchmarks: whole-Germany GV100AD import on SQLite; queries and time per registry page and
per initiative page, the matrix at 100 initiatives x 50 partners.

Run with `make bench`. Speed is measured here, not asserted in tests.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "GV100AD_301123.txt"
PACKED = ROOT / "tests" / "data" / "GV100AD_301123.txt.gz"


def flask(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def main():
    folder = tempfile.mkdtemp()
    data = DATA
    if not data.exists():
        import gzip

        data = Path(folder) / DATA.name
        data.write_bytes(gzip.decompress(PACKED.read_bytes()))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite"}
    flask(env, "db", "upgrade")
    for run in ("first", "second"):
        started = time.perf_counter()
        out = flask(env, "bodies", "import-gv100ad", str(data))
        wall = time.perf_counter() - started
        print(f"import {run} run: {wall:.1f} s wall, {out.strip().splitlines()[-1]}")

    from sqlalchemy import event

    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    from coop import create_app
    from coop.extensions import db

    app = create_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        flask(
            env,
            "users",
            "create",
            "--email",
            "bench@x.example",
            "--role",
            "admin",
            "--password",
            "bench-bench-1",
        )
        count = {"n": 0}
        event.listen(
            db.engine, "before_cursor_execute", lambda *a: count.__setitem__("n", count["n"] + 1)
        )
    client = app.test_client()
    client.post("/login", data={"email": "bench@x.example", "password": "bench-bench-1"})
    for path in (
        "/bodies/",
        "/bodies/?per_page=25&page=200",
        "/bodies/?q=stadt",
        "/bodies/1",
        "/api/v1/openapi.json",
    ):
        count["n"] = 0
        started = time.perf_counter()
        client.get(path)
        print(f"{path}: {count['n']} queries, {1000 * (time.perf_counter() - started):.0f} ms")

    with app.app_context():
        district_id, ids = _initiatives(db, n_initiatives=100, n_partners=50)
    for path in (
        f"/initiatives/matrix?district={district_id}",
        f"/initiatives/matrix.csv?district={district_id}",
        f"/initiatives/matrix.xlsx?district={district_id}",
        "/initiatives/",
        f"/initiatives/{ids[0]}",
    ):
        count["n"] = 0
        started = time.perf_counter()
        client.get(path)
        print(f"{path}: {count['n']} queries, {1000 * (time.perf_counter() - started):.0f} ms")

    token = flask(env, "tokens", "create", "--email", "bench@x.example").strip().splitlines()[-1]
    with app.app_context():
        grant_ids = _grants(db, ids)
    for path in (
        "/funding/",
        f"/funding/grants/{grant_ids[0]}",
        f"/api/v1/grants/{grant_ids[0]}/check",
        f"/funding/grants/{grant_ids[0]}/check.pdf",
        "/reminders/",
    ):
        count["n"] = 0
        started = time.perf_counter()
        r = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, (path, r.status_code)
        print(f"{path}: {count['n']} queries, {1000 * (time.perf_counter() - started):.0f} ms")
    with app.app_context():
        _models(db, ids)
    for path in (
        f"/dashboard/?district={district_id}",
        f"/initiatives/{ids[0]}/savings",
        f"/report/?district={district_id}",
        f"/report.pdf?district={district_id}",
        f"/api/v1/initiatives/{ids[0]}/savings",
    ):
        count["n"] = 0
        started = time.perf_counter()
        r = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, (path, r.status_code)
        print(f"{path}: {count['n']} queries, {1000 * (time.perf_counter() - started):.0f} ms")
    with app.app_context():
        from coop.reminders import services as reminders

        count["n"] = 0
        started = time.perf_counter()
        summary = reminders.send_reminders(dry_run=True)
        print(
            f"reminders dry run ({summary.due} due): {count['n']} queries, "
            f"{1000 * (time.perf_counter() - started):.0f} ms"
        )


def _models(db, initiative_ids: list[int]) -> None:
    """A savings estimate for every initiative: each partner's staff today, a joint team."""
    from coop.audit import acting_as
    from coop.savings import services

    started = time.perf_counter()
    with acting_as(None, "bench"):
        for ini_id in initiative_ids:
            ini = services.initiative_with_partners(ini_id)
            services.save_model(
                ini,
                None,
                {
                    "first_year": 2026,
                    "allocation_key": "equal",
                    "baseline": [
                        {"body_id": p.body_id, "pay_grade": "E9a", "fte": "0.5"}
                        for p in ini.deciding_participants
                    ],
                    "shared": [{"pay_grade": "E11", "fte": "8"}],
                    "one_off": [{"year": 2026, "amount": "100000"}],
                },
                actor=None,
            )
        db.session.commit()
    print(
        f"created {len(initiative_ids)} savings estimates x 50 partners: "
        f"{time.perf_counter() - started:.1f} s"
    )


def _grants(db, initiative_ids: list[int]) -> list[int]:
    """An NRW IKZ grant with four tranches for every initiative."""
    from datetime import date, timedelta

    from coop.audit import acting_as
    from coop.funding import presets
    from coop.funding import services as funding

    soon = date.today() + timedelta(days=7)
    ids = []
    with acting_as(None, "bench"):
        program = funding.save_program(
            None, {**presets.preset_values(presets.NRW_IKZ), "application_until": soon}, actor=None
        )
        for n, ini in enumerate(initiative_ids):
            grant = funding.save_grant(
                None,
                {
                    "initiative_id": ini,
                    "program_id": program.id,
                    "status": "planned" if n % 2 else "approved",
                    "application_date": None if n % 2 else "2024-06-01",
                    "amount_requested": "490000.00",
                    "amount_granted": None if n % 2 else "490000.00",
                    "proof_of_use_due": soon + timedelta(days=n % 40),
                    "tranches": [
                        {
                            "date": soon + timedelta(days=30 * k),
                            "amount": "100000",
                            "state": "planned",
                        }
                        for k in range(4)
                    ],
                },
                actor=None,
            )
            ids.append(grant.id)
        db.session.commit()
    print(f"created {len(ids)} grants with 4 tranches each")
    return ids


def _initiatives(db, n_initiatives: int, n_partners: int):
    """A district with `n_partners` partners (itself and its members) in `n_initiatives`
    initiatives, each with resolutions of some partners."""
    from sqlalchemy import func, select

    from coop.audit import acting_as
    from coop.initiatives import services as initiatives
    from coop.models import Body
    from coop.resolutions import services as resolutions

    district_id = db.session.scalar(
        select(Body.district_id)
        .where(Body.district_id.is_not(None), Body.kind != "collective_municipality")
        .group_by(Body.district_id)
        .having(func.count() >= n_partners)
        .order_by(Body.district_id)
        .limit(1)
    )
    members = db.session.scalars(
        select(Body.id)
        .where(Body.district_id == district_id, Body.id != district_id)
        .order_by(Body.id)
        .limit(n_partners - 1)
    ).all()
    started = time.perf_counter()
    ids = []
    with acting_as(None, "bench"):
        for i in range(n_initiatives):
            ini = initiatives.create_initiative(
                {
                    "title": f"Vorhaben {i:03}",
                    "service_area": "it",
                    "participants": [{"body_id": district_id, "role": "lead"}]
                    + [{"body_id": m, "role": "partner"} for m in members],
                },
                actor=None,
            )
            for m in members[: i % 10]:
                resolutions.create_resolution(
                    ini,
                    {
                        "body_id": m,
                        "organ": "Rat",
                        "kind": "accession",
                        "session_date": "2024-05-02",
                        "outcome": "adopted",
                    },
                    actor=None,
                )
            ids.append(ini.id)
        db.session.commit()
    print(
        f"created {n_initiatives} initiatives x {len(members) + 1} partners: "
        f"{time.perf_counter() - started:.1f} s"
    )
    return district_id, ids


if __name__ == "__main__":
    main()
