"""Deleting means one rule (issue 26): every record a person or the API can delete takes what
hangs on it along, each audited, or is refused with 409 and a message naming what uses it; on
SQLite and PostgreSQL alike. Afterwards every page and API read answers (no 500) as every role,
and no row points at a record that is gone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import exists, func, select, text

from coop.audit import acting_as
from coop.bodies.schemas import BodyCreate
from coop.demo import DEMO_PASSWORD
from coop.extensions import db
from coop.funding.schemas import FundingProgramCreate, GrantCreate, GrantUpdate
from coop.initiatives.schemas import InitiativeCreate
from coop.models import (
    Activity,
    ApiToken,
    AuditEntry,
    Body,
    CostModel,
    Document,
    Follow,
    FundingProgram,
    Grant,
    GrantStatus,
    ImportJob,
    Initiative,
    InitiativeDistrict,
    Milestone,
    Nudge,
    OParlObject,
    OParlSync,
    Proposal,
    Resolution,
    SavedSearch,
    SearchEntry,
    Tranche,
    User,
)
from coop.resolutions.schemas import ResolutionUpdate, TaskIn
from coop.users.schemas import UserCreate
from tests import factories
from tests.conftest import AuthActions

HOEXTER = "Digitalnetzwerk Kreis Höxter"
PAYROLL = "Zukunftspakt: Personalabrechnung"
ACCOUNTS = {
    "admin": "admin@coop.example",
    "coordinator": "koordination@kreis-hoexter.example",
    "partner_editor": "redaktion@brakel.example",
    "funding_officer": "foerderung@coop.example",
    "viewer": "rat@marienmuenster.example",
}


# --- the demo, with something of every kind hanging on its records -------------------------------


def _one(model, *where):
    return db.session.scalar(select(model).where(*where).limit(1))


def _user(role: str) -> User:
    return _one(User, User.email == ACCOUNTS[role])


def _paper(name: str) -> Document:
    from coop.resolutions import documents

    return documents.store_pdf(name, factories.PDF)


def _proposal(ini: Initiative, body: Body, n: int, **values) -> Proposal:
    proposal = Proposal(
        initiative_id=ini.id,
        body_id=body.id,
        consultation_id=f"https://ris.example/consultation/{body.id}-{n}",
        organ="Rat",
        reference=f"{n}/2024",
        title="Interkommunale Zusammenarbeit",
        session_date=date(2024, 3, 14),
        outcome="adopted",
        result_text="einstimmig beschlossen",
        **values,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def _nudge(ini: Initiative, body: Body) -> Nudge:
    nudge = Nudge(
        initiative_id=ini.id,
        body_id=body.id,
        sender_name="Karl Koordinator",
        sent_on=date(2026, 1, 12),
        recipients=["rat@example.org"],
        subject="Bitte beschließen",
        message="Der Beschluss fehlt noch.",
    )
    db.session.add(nudge)
    db.session.flush()
    return nudge


def _hang_on(ini: Initiative, body: Body, program: FundingProgram, *, status: str) -> dict:
    """On `ini`: a grant of `status` with a tranche, two papers, a follower and an activity; a
    decided resolution of `body` with its paper, a task and a proposal confirmed into it; an
    open proposal, a nudge, a follow, a saved search naming it and a second estimate."""
    from coop import activity
    from coop.funding import services as funding
    from coop.oparl import proposals
    from coop.reminders import notifications
    from coop.resolutions import services as resolutions
    from coop.resolutions import tasks
    from coop.savings import services as savings
    from coop.search import services as search

    viewer = _user("viewer")
    grant = funding.save_grant(
        None,
        GrantCreate.model_validate(
            {
                "initiative_id": ini.id,
                "program_id": program.id,
                "status": status,
                "application_date": "2022-04-29",
                "amount_requested": "245000.00",
                "amount_granted": "245000.00" if status != "planned" else None,
                "tranches": [{"date": "2022-09-01", "amount": "45000.00", "state": "received"}],
            }
        ),
        actor=None,
    )
    funding.add_document(grant, "Bewilligungsbescheid", _paper("bescheid.pdf"), actor=None)
    funding.add_document(grant, "Verwendungsnachweis", _paper("nachweis.pdf"), actor=None)
    notifications.follow(viewer, grant=grant)
    notifications.follow(viewer, initiative=ini)
    activity.record("conditions", initiative_id=ini.id, grant_id=grant.id, by_system=True, open=1)
    activity.record("phase", initiative_id=ini.id, phase="implementation")
    confirmed = _proposal(ini, body, 1)
    resolution = proposals.confirm(confirmed, actor=None)
    resolutions.update_resolution(
        resolution,
        ResolutionUpdate.model_validate({}),
        actor=None,
        document=_paper("beschluss.pdf"),
    )
    task = tasks.add_task(
        resolution, TaskIn.model_validate({"title": "Vereinbarung unterzeichnen"})
    )
    open_proposal = _proposal(ini, body, 2)
    nudge = _nudge(ini, body)
    saved = search.save_search(
        viewer, "Digitales", search.Filters(q="Digital"), initiative_id=ini.id
    )
    models = db.session.scalars(select(CostModel).where(CostModel.initiative_id == ini.id)).all()
    if len(models) < 2:
        savings.copy_model(models[0], "Zweites Szenario", actor=None)
    db.session.flush()
    return {
        "initiative": ini.id,
        "grant": grant.id,
        "grant_items": [d.id for d in grant.documents],
        "resolution": resolution.id,
        "resolution_document": resolution.document_id,
        "task": task.id,
        "confirmed_proposal": confirmed.id,
        "open_proposal": open_proposal.id,
        "nudge": nudge.id,
        "saved": saved.id,
        "models": db.session.scalars(
            select(CostModel.id).where(CostModel.initiative_id == ini.id).order_by(CostModel.id)
        ).all(),
    }


def _body_with_its_own(district: Body, payroll: Initiative) -> dict:
    """Stadt Testhausen: nobody's partner, but with synced papers, a sync run, their index
    entries, a nudge and a proposal (from before it was taken off the partners), a saved
    search limited to it and an import job for it."""
    from coop.bodies import services as bodies
    from coop.search import services as search

    town = bodies.create_body(
        BodyCreate.model_validate(
            {"name": "Testhausen", "kind": "city", "ags": "05762099", "parent_id": district.id}
        ),
        actor=None,
    )
    db.session.add(
        OParlObject(
            body_id=town.id,
            oparl_id="https://ris.testhausen.example/paper/1",
            type="Paper",
            raw={
                "id": "https://ris.testhausen.example/paper/1",
                "type": "https://schema.oparl.org/1.1/Paper",
                "name": "Digitalstrategie Testhausen",
                "reference": "12/2024",
                "date": "2024-03-01",
            },
        )
    )
    db.session.add(OParlSync(body_id=town.id, ok=True))
    db.session.flush()
    search.index_papers(town.id)
    _nudge(payroll, town)
    _proposal(payroll, town, 3)
    search.save_search(_user("viewer"), "Testhausen", search.Filters(q="Digital", body_id=town.id))
    db.session.add(
        ImportJob(
            kind="resolutions",
            district_id=town.id,
            user_id=_user("coordinator").id,
            file_name="beschluesse.xlsx",
            content=b"x",
            state="checked",
        )
    )
    db.session.flush()
    return {"body": town.id}


@pytest.fixture
def demo(app):
    """The demo of `make run`, with something of every kind on the Höxter initiative (its grant
    still planned) and on the Wolfenbüttel payroll initiative (its grant approved), a body
    nothing refuses to lose, a second programme, an account to anonymise, an import job, and
    an API token per role."""
    from coop import demo as demo_data
    from coop.auth import services as auth_services
    from coop.funding import presets
    from coop.funding import services as funding
    from coop.initiatives import services as initiatives
    from coop.reminders import calendar, notifications
    from coop.users import services as users

    with acting_as(None, "demo"):
        demo_data.load()
        db.session.commit()
    with acting_as(None, "test"):
        nrw = _one(FundingProgram, FundingProgram.name == presets.NRW_IKZ.name)
        hoexter = _one(Initiative, Initiative.title == HOEXTER)
        payroll = _one(Initiative, Initiative.title == PAYROLL)
        kreis = _one(Body, Body.ags == "05762000")
        brakel = _one(Body, Body.ags == "05762016")
        wolfenbuettel = _one(Body, Body.ags == "03158000")
        planned = _one(Grant, Grant.initiative_id == hoexter.id)
        ids = {
            "hoexter": {
                **_hang_on(hoexter, brakel, nrw, status="planned"),
                "demo_grant": planned.id,
            },
            "payroll": _hang_on(payroll, wolfenbuettel, nrw, status="approved"),
            **_body_with_its_own(kreis, payroll),
        }
        # a second approved grant of the payroll initiative, for deleting on its own
        lone = funding.save_grant(
            None,
            GrantCreate.model_validate(
                {
                    "initiative_id": payroll.id,
                    "program_id": nrw.id,
                    "status": "approved",
                    "application_date": "2023-01-16",
                    "amount_granted": "1000.00",
                    "tranches": [{"date": "2023-03-01", "amount": "1000.00", "state": "planned"}],
                }
            ),
            actor=None,
        )
        funding.add_document(lone, "Antrag", _paper("antrag.pdf"), actor=None)
        notifications.follow(_user("funding_officer"), grant=lone)
        ids["lone_grant"] = lone.id
        unused = funding.save_program(
            None,
            FundingProgramCreate.model_validate(
                {**presets.preset_values(presets.NRW_IKZ), "name": "Ungenutzt"}
            ),
            actor=None,
        )
        ids["unused_program"] = unused.id
        ids["program"] = nrw.id
        # another initiative of Kreis Höxter, which stays
        own = initiatives.create_initiative(
            InitiativeCreate.model_validate(
                {
                    "title": "E-Rechnung im Kreis Höxter",
                    "service_area": "smart_region",
                    "phase": "decision",
                    "phase_changed_on": "2024-01-15",
                    "lead_body_id": kreis.id,
                    "participants": [
                        {"body_id": kreis.id, "role": "lead"},
                        {"body_id": brakel.id, "role": "partner"},
                    ],
                }
            ),
            actor=None,
        )
        ids["own"] = {
            "initiative": own.id,
            "resolution": factories.resolution(own, brakel).id,
            "grant": funding.save_grant(
                None,
                GrantCreate.model_validate(
                    {"initiative_id": own.id, "program_id": nrw.id, "status": "planned"}
                ),
                actor=None,
            ).id,
            "body": brakel.id,
        }
        leaving = users.create_user(
            UserCreate.model_validate(
                {
                    "email": "weg@brakel.example",
                    "role": "partner_editor",
                    "password": factories.PASSWORD,
                    "body_id": brakel.id,
                }
            ),
            actor=None,
        )
        ids["leaving"] = leaving.id
        auth_services.issue_token(leaving, "weg")
        notifications.follow(leaving, initiative=payroll)
        ids["tokens"] = {
            role: auth_services.issue_token(_user(role), "test")[1] for role in ACCOUNTS
        }
        ids["spare_token"] = auth_services.issue_token(_user("coordinator"), "alt")[0].id
        job = ImportJob(
            kind="initiatives",
            district_id=kreis.id,
            user_id=_user("coordinator").id,
            file_name="vorhaben.xlsx",
            content=b"x",
            state="checked",
        )
        db.session.add(job)
        db.session.flush()
        ids["job"] = job.id
        ids["calendar"] = calendar.issue_token(_user("coordinator"))
        db.session.commit()
    return ids


# --- checks ---------------------------------------------------------------------------------------


def orphans() -> list[str]:
    """Rows that point at a record that is gone: SQLite's own check (whether or not it enforces
    foreign keys), every foreign key of the model on either database, and the search index."""
    found = []
    if db.engine.dialect.name == "sqlite":
        found += [
            f"foreign_key_check {tuple(r)}"
            for r in db.session.execute(text("PRAGMA foreign_key_check"))
        ]
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            parent = fk.column.table.alias()
            missing = ~exists().where(parent.c[fk.column.name] == fk.parent)
            n = db.session.scalar(
                select(func.count()).select_from(table).where(fk.parent.is_not(None), missing)
            )
            if n:
                found.append(f"{table.name}.{fk.parent.name}: {n} without {fk.column.table.name}")
    for kind, model in (
        ("initiative", Initiative),
        ("resolution", Resolution),
        ("paper", OParlObject),
    ):
        n = db.session.scalar(
            select(func.count())
            .select_from(SearchEntry)
            .where(SearchEntry.kind == kind, ~exists().where(model.id == SearchEntry.ref_id))
        )
        if n:
            found.append(f"search_entries: {n} {kind} entries of records that are gone")
    return found


def _clients(app) -> dict:
    """A signed-in test client per role, and one for the public."""
    clients = {"public": app.test_client()}
    for role, email in ACCOUNTS.items():
        client = app.test_client()
        assert AuthActions(client).login(email, DEMO_PASSWORD).status_code == 302, role
        clients[role] = client
    return clients


def _post(client, path: str, data: dict, form_path: str):
    """A form's POST with the CSRF token of the page that shows it."""
    return client.post(path, data={**data, "csrf_token": AuthActions(client).csrf(form_path)})


def _deleted(entity_type: str, entity_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).where(
                AuditEntry.entity_type == entity_type,
                AuditEntry.entity_id == entity_id,
                AuditEntry.action == "delete",
            )
        )
    )


def _gone(model, *where) -> bool:
    return not db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- the walk over every page -------------------------------------------------------------------

# not pages: files of the app, the provider's sign-in
SKIP = {"static", "auth.sso_start", "auth.sso_callback"}


def _samples(ids: dict) -> dict:
    """Values for the URL rules' arguments: records that are still there."""
    from coop.oparl import marks

    payroll = ids["payroll"]
    resolution = db.session.get(Resolution, ids["kept_resolution"])
    model = payroll["models"][0]
    return {
        "district": db.session.get(
            Body, db.session.get(Initiative, payroll["initiative"]).lead_body_id
        ).district_id,
        "initiative_id": [payroll["initiative"]],
        "body_id": [resolution.body_id],
        "grant_id": [payroll["grant"]],
        "item_id": [ids["kept_item"]],
        "model_id": [model],
        "chart_id": ["costs"],
        "resolution_id": [resolution.id],
        "document_id": [resolution.document_id],
        "program_id": [ids["program"]],
        "proposal_id": [payroll["open_proposal"]],
        "user_id": [_user("viewer").id],
        "job_id": [ids["kept_job"]],
        "secret": [ids["calendar"]],
        "fmt": ["csv", "xlsx"],
        "organization": [marks.org_key(resolution.body_id, resolution.organ)],
        "meeting": [
            marks.meeting_key(resolution.body_id, resolution.organ, resolution.session_date)
        ],
        "paper": [marks.paper_key(resolution)],
    }


def _paths(app, samples: dict, only: set[str] | None = None) -> list[str]:
    """Every GET route of the app with sample values (with `only`: the routes that take some of
    these arguments and no other)."""
    from coop.oparl.views import LIST_KINDS

    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        if only is not None and not (rule.arguments and rule.arguments <= only):
            continue
        combos = [{}]
        for arg in sorted(rule.arguments):
            if arg == "kind":
                oparl = rule.endpoint.startswith("oparl.")
                values = LIST_KINDS if oparl else ("resolutions", "initiatives")
            elif arg == "key":
                values = samples[rule.endpoint.split(".")[1].split("_")[0]]
            else:
                values = samples[arg]
            combos = [{**c, arg: v} for c in combos for v in values]
        for values in combos:
            paths.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(paths))


def _queries(samples: dict, gone_initiative: int) -> list[str]:
    """Pages and API lists that need a district or filter, also by a deleted initiative."""
    district = samples["district"]
    return [
        f"/report/?district={district}",
        f"/report.pdf?district={district}",
        f"/dashboard/?district={district}",
        f"/initiatives/matrix?district={district}",
        f"/initiatives/matrix.csv?district={district}",
        f"/initiatives/?q=Digital&district={district}",
        "/search/?q=Digital",
        "/api/v1/search?q=Digital",
        f"/funding/?initiative={gone_initiative}",
        f"/api/v1/grants?initiative_id={gone_initiative}",
        f"/api/v1/resolutions?initiative_id={gone_initiative}",
        f"/api/v1/proposals?initiative_id={gone_initiative}",
    ]


def walk(clients: dict, paths: list[str], tokens: dict) -> tuple[list[str], dict]:
    """GET every path as every role given (the API with the role's token): what answered 500,
    and how many answers were 200 per role."""
    failures, ok = [], {}
    for who, client in clients.items():
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        for path in paths:
            if path.startswith("/oparl/") and who != "public":
                continue  # public, the same for everyone
            answer = client.get(path, headers=headers if path.startswith("/api/") else {})
            if answer.status_code >= 500:
                failures.append(f"{who} {path}: {answer.status_code}")
            ok[who] = ok.get(who, 0) + (answer.status_code == 200)
    return failures, ok


# --- the tests ------------------------------------------------------------------------------------


def test_the_coordinator_deletes_an_initiative_with_everything_on_it(app, demo):
    """The report of issue 26: "Vorhaben löschen" on the Höxter initiative left its grant behind,
    and the start page, /funding/ and /reminders/ answered 500 from then on."""
    h = demo["hoexter"]
    clients = _clients(app)
    coordinator = clients["coordinator"]
    ini = db.session.get(Initiative, h["initiative"])
    ini_id, path = ini.id, f"/initiatives/{ini.id}"
    answer = _post(coordinator, f"{path}/delete", {"version": str(ini.version)}, path)
    assert answer.status_code == 302 and answer.location == "/initiatives/", answer.status_code
    page = coordinator.get("/initiatives/").get_data(as_text=True)
    assert f"„{HOEXTER}“ liegt jetzt im Papierkorb" in page.replace("&#34;", '"')
    # the pages that answered 500 once the grant was left behind
    for role in ("coordinator", "funding_officer", "admin", "viewer"):
        for page in ("/", "/funding/", "/reminders/", "/notifications", "/dashboard/"):
            assert clients[role].get(page).status_code < 500, (role, page)
    for role in ("coordinator", "funding_officer"):
        for page in ("/", "/funding/", "/reminders/"):
            assert clients[role].get(page).status_code == 200, (role, page)
        assert clients[role].get(path).status_code == 404

    assert db.session.get(Initiative, ini_id) is None
    # what went with it, each in the audit trail
    for kind, gone in (
        ("Grant", h["demo_grant"]),
        ("Grant", h["grant"]),
        ("Resolution", h["resolution"]),
        ("ResolutionTask", h["task"]),
        ("Document", h["resolution_document"]),
        ("Proposal", h["confirmed_proposal"]),
        ("Proposal", h["open_proposal"]),
        ("Nudge", h["nudge"]),
        *(("GrantDocument", item) for item in h["grant_items"]),
        *(("CostModel", model) for model in h["models"]),
    ):
        assert _deleted(kind, gone), (kind, gone)
    assert _gone(Grant, Grant.initiative_id == ini_id)
    assert _gone(Tranche, Tranche.grant_id.in_([h["grant"], h["demo_grant"]]))
    assert _gone(Document, Document.id == h["resolution_document"])
    assert _gone(Follow, Follow.initiative_id == ini_id)
    assert _gone(Follow, Follow.grant_id == h["grant"])
    assert _gone(Activity, Activity.initiative_id == ini_id)
    assert _gone(InitiativeDistrict, InitiativeDistrict.initiative_id == ini_id)
    assert _gone(Milestone, Milestone.initiative_id == ini_id)
    assert _gone(SearchEntry, SearchEntry.kind == "initiative", SearchEntry.ref_id == ini_id)
    # a person's saved search stays, no longer naming the initiative
    saved = db.session.get(SavedSearch, h["saved"])
    assert saved is not None and saved.initiative_id is None
    assert orphans() == []


def test_every_kind_of_record_deleted_then_every_page_reads_for_every_role(app, demo):
    """Each kind of record deleted through its page or the API, as the role that may, with
    everything on it; then every GET route, as every role and the public, answers without a
    500, the deleted records' pages answer 404, and no row is left pointing at them."""
    clients = _clients(app)
    tokens = demo["tokens"]
    api = {role: {"Authorization": f"Bearer {secret}"} for role, secret in tokens.items()}
    h, p = demo["hoexter"], demo["payroll"]
    admin, coordinator = clients["admin"], clients["coordinator"]
    officer, viewer = clients["funding_officer"], clients["viewer"]
    gone: list[str] = []

    # the Höxter initiative, through the API, as its coordinator
    answer = clients["coordinator"].delete(
        f"/api/v1/initiatives/{h['initiative']}", headers=api["coordinator"]
    )
    assert answer.status_code == 204, answer.get_json()
    gone += [f"/initiatives/{h['initiative']}", f"/api/v1/initiatives/{h['initiative']}"]
    gone += [f"/funding/grants/{h['grant']}", f"/resolutions/{h['resolution']}"]

    # a resolution with its paper, a task and the proposal confirmed into it (admin, API)
    answer = admin.delete(f"/api/v1/resolutions/{p['resolution']}", headers=api["admin"])
    assert answer.status_code == 204, answer.get_json()
    assert _deleted("ResolutionTask", p["task"]) and _deleted("Document", p["resolution_document"])
    unlinked = db.session.get(Proposal, p["confirmed_proposal"])
    assert unlinked is not None and unlinked.resolution_id is None
    gone += [f"/resolutions/{p['resolution']}", f"/api/v1/resolutions/{p['resolution']}"]

    # a grant with its tranches, papers and follows (the funding officer, its page)
    lone = db.session.get(Grant, demo["lone_grant"])
    grant = db.session.get(Grant, p["grant"])
    item, kept_item = p["grant_items"]
    path = f"/funding/grants/{grant.id}"
    answer = _post(officer, f"{path}/documents/{item}/delete", {}, path)
    assert answer.status_code == 302 and _deleted("GrantDocument", item)
    lone_id, lone_items = lone.id, [(d.id, d.document_id) for d in lone.documents]
    path = f"/funding/grants/{lone_id}"
    answer = _post(officer, f"{path}/delete", {"version": lone.version}, path)
    assert answer.status_code == 302
    assert db.session.get(Grant, lone_id) is None
    assert _gone(Tranche, Tranche.grant_id == lone_id) and _gone(Follow, Follow.grant_id == lone_id)
    assert lone_items and all(
        _deleted("GrantDocument", item) and _deleted("Document", document)
        for item, document in lone_items
    )
    gone += [path, f"/api/v1/grants/{lone_id}"]

    # a savings estimate with its parts (admin, its page)
    model = db.session.get(CostModel, p["models"][-1])
    model_id, path = model.id, f"/initiatives/{p['initiative']}/savings"
    answer = _post(admin, f"{path}/{model_id}/delete", {"version": str(model.version)}, path)
    assert answer.status_code == 302 and _deleted("CostModel", model_id)
    gone.append(f"{path}/{model_id}/edit")

    # a task of a resolution (its page), a milestone (API), a follow, a saved search (API)
    from coop.resolutions import tasks

    kept = db.session.scalar(
        select(Resolution)
        .where(Resolution.initiative_id == p["initiative"], Resolution.outcome == "adopted")
        .order_by(Resolution.id)
        .limit(1)
    )
    with acting_as(None, "test"):
        task_id = tasks.add_task(kept, TaskIn.model_validate({"title": "Dienstanweisung"})).id
        db.session.commit()
    path = f"/resolutions/{kept.id}"
    answer = _post(admin, f"{path}/tasks/{task_id}/delete", {}, path)
    assert answer.status_code == 302 and _deleted("ResolutionTask", task_id)
    milestones = db.session.scalars(
        select(Milestone.id).where(Milestone.initiative_id == p["initiative"])
    ).all()
    answer = admin.patch(
        f"/api/v1/initiatives/{p['initiative']}", json={"milestones": []}, headers=api["admin"]
    )
    assert answer.status_code == 200, answer.get_json()
    assert all(_deleted("Milestone", m) for m in milestones)
    path = f"/initiatives/{p['initiative']}"
    answer = _post(viewer, f"{path}/follow", {"stop": "1"}, path)
    assert answer.status_code == 302
    assert _gone(
        Follow, Follow.initiative_id == p["initiative"], Follow.user_id == _user("viewer").id
    )
    answer = viewer.delete(f"/api/v1/saved-searches/{p['saved']}", headers=api["viewer"])
    assert answer.status_code == 204 and _deleted("SavedSearch", p["saved"])

    # a body nothing refuses to lose, with what was read from its council system (admin, API)
    answer = admin.delete(f"/api/v1/bodies/{demo['body']}", headers=api["admin"])
    assert answer.status_code == 204, answer.get_json()
    town = demo["body"]
    assert _gone(OParlObject, OParlObject.body_id == town)
    assert _gone(OParlSync, OParlSync.body_id == town)
    assert _gone(ImportJob, ImportJob.district_id == town)
    assert _gone(SearchEntry, SearchEntry.body_id == town)
    assert _gone(Nudge, Nudge.body_id == town) and _gone(Proposal, Proposal.body_id == town)
    assert _gone(SavedSearch, SavedSearch.body_id == town)
    gone += [f"/bodies/{town}", f"/api/v1/bodies/{town}", f"/oparl/v1/body/{town}"]

    # a funding programme no grant uses (the funding officer, API)
    unused = demo["unused_program"]
    answer = officer.delete(f"/api/v1/funding-programs/{unused}", headers=api["funding_officer"])
    assert answer.status_code == 204 and _deleted("FundingProgram", unused)
    gone += [f"/funding/programs/{unused}", f"/api/v1/funding-programs/{unused}"]

    # an API token revoked, an import job discarded, an account anonymised
    answer = _post(coordinator, f"/account/tokens/{demo['spare_token']}/revoke", {}, "/account")
    assert answer.status_code == 302
    assert db.session.get(ApiToken, demo["spare_token"]).revoked
    answer = _post(coordinator, f"/import/jobs/{demo['job']}/discard", {}, "/import/initiatives")
    assert answer.status_code == 302 and db.session.get(ImportJob, demo["job"]) is None
    gone.append(f"/import/jobs/{demo['job']}")
    path = f"/users/{demo['leaving']}/erase"
    answer = _post(admin, path, {"confirm": "y"}, path)
    assert answer.status_code == 302
    assert db.session.get(User, demo["leaving"]).erased_at is not None
    assert _gone(ApiToken, ApiToken.user_id == demo["leaving"])
    assert _gone(Follow, Follow.user_id == demo["leaving"])

    assert orphans() == []

    # a few records to read that are still there
    with acting_as(None, "test"):
        from coop.resolutions import services as resolutions

        resolutions.update_resolution(
            kept, ResolutionUpdate.model_validate({}), actor=None, document=_paper("protokoll.pdf")
        )
        job = ImportJob(
            kind="resolutions",
            district_id=_one(Body, Body.ags == "05762000").id,
            user_id=_user("coordinator").id,
            file_name="beschluesse.xlsx",
            content=b"x",
            state="failed",
        )
        db.session.add(job)
        db.session.commit()
    ids = {**demo, "kept_resolution": kept.id, "kept_item": kept_item, "kept_job": job.id}

    samples = _samples(ids)
    paths = _paths(app, samples) + _queries(samples, h["initiative"])
    failures, ok = walk(clients, paths, tokens)
    # and the pages of a Höxter initiative, as the people of Kreis Höxter
    o = demo["own"]
    own = {
        **samples,
        "initiative_id": [o["initiative"]],
        "resolution_id": [o["resolution"]],
        "grant_id": [o["grant"]],
        "body_id": [o["body"]],
    }
    own_paths = _paths(app, own, only={"initiative_id", "resolution_id", "grant_id", "body_id"})
    people = {role: clients[role] for role in ("coordinator", "partner_editor", "viewer")}
    more, own_ok = walk(people, own_paths, tokens)
    failures += more
    assert failures == [], "\n".join(failures)
    # the samples lead to real pages, not to 404s
    assert ok["admin"] > 0.7 * len(paths) and own_ok["coordinator"] > 0.6 * len(own_paths)
    for path in gone:
        status = admin.get(path, headers=api["admin"] if "/api/" in path else {}).status_code
        assert status == 404, (path, status)
    assert orphans() == []


def _flashed(client, answer) -> str:
    """The page a refused one-button change leads back to, with its message."""
    assert answer.status_code == 302, answer.status_code
    page = client.get(answer.location)
    assert page.status_code == 200
    return re.sub(r"\s+", " ", page.get_data(as_text=True).replace("&#34;", '"'))


def test_each_refusal_names_what_uses_the_record_in_the_page_and_the_api(app, demo):
    """What refuses a delete: a grant applied for or granted (the initiative), grants (the
    programme), members, accounts or uses (the body). The page goes back to the record with the
    message; the API answers 409 with the same message; nothing is deleted."""
    from coop.funding import presets
    from coop.funding import services as funding

    clients = _clients(app)
    api = {role: {"Authorization": f"Bearer {secret}"} for role, secret in demo["tokens"].items()}
    h = demo["hoexter"]
    coordinator, admin, officer = (
        clients["coordinator"],
        clients["admin"],
        clients["funding_officer"],
    )

    # the Höxter grant has been applied for: the coordinator may not delete the initiative
    with acting_as(None, "test"):
        grant = db.session.get(Grant, h["demo_grant"])
        funding.save_grant(
            grant,
            GrantUpdate.model_validate({"status": "applied", "application_date": "2022-04-29"}),
            actor=None,
        )
        db.session.commit()
    ini = db.session.get(Initiative, h["initiative"])
    path = f"/initiatives/{ini.id}"
    expected = (
        f"{HOEXTER} kann nicht gelöscht werden: 2 Förderungen sind beantragt oder bewilligt "
        f"({presets.NRW_IKZ.name} (beantragt), {presets.NRW_IKZ.name} (bewilligt))"
    )
    with acting_as(None, "test"):
        db.session.get(Grant, h["grant"]).status = GrantStatus.APPROVED
        db.session.commit()
    page = _flashed(
        coordinator, _post(coordinator, f"{path}/delete", {"version": str(ini.version)}, path)
    )
    assert expected in page
    answer = coordinator.delete(f"/api/v1/initiatives/{ini.id}", headers=api["coordinator"])
    error = answer.get_json()["error"]
    assert answer.status_code == 409 and error["code"] == "conflict", answer.get_json()
    assert expected in error["message"]
    assert db.session.get(Initiative, ini.id) is not None
    assert db.session.get(Grant, h["demo_grant"]) is not None

    # a programme that grants use
    program = demo["program"]
    path = f"/funding/programs/{program}"
    version = db.session.get(FundingProgram, program).version
    page = _flashed(officer, _post(officer, f"{path}/delete", {"version": str(version)}, path))
    uses = db.session.scalar(select(func.count()).where(Grant.program_id == program))
    expected = f"{uses} Förderungen nutzen dieses Programm; es kann nicht gelöscht werden."
    assert expected in page
    answer = officer.delete(f"/api/v1/funding-programs/{program}", headers=api["funding_officer"])
    assert answer.status_code == 409 and expected in answer.get_json()["error"]["message"]
    assert db.session.get(FundingProgram, program) is not None

    # bodies: with members, with accounts, taking part in an initiative
    kreis = _one(Body, Body.ags == "05762000")
    brakel = _one(Body, Body.ags == "05762016")
    nieheim = _one(Body, Body.ags == "05762028")
    for body, expected in (
        (kreis, "Kreis Höxter hat noch"),
        (brakel, "an Brakel gebunden"),
        (nieheim, "Nieheim wird noch verwendet und kann nicht gelöscht werden: "),
    ):
        path = f"/bodies/{body.id}"
        page = _flashed(admin, _post(admin, f"{path}/delete", {"version": str(body.version)}, path))
        assert expected in page, (body.name, page[page.find("kern-alert") :][:400])
        answer = admin.delete(f"/api/v1/bodies/{body.id}", headers=api["admin"])
        assert answer.status_code == 409, answer.get_json()
        assert expected in answer.get_json()["error"]["message"]
        assert db.session.get(Body, body.id) is not None
    assert orphans() == []
