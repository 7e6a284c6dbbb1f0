"""The recycle bin (issue 29): every delete asks first, naming what goes with it, and puts the
record into the bin, from which an authorised person restores it whole within 30 days; then
housekeeping removes it. The audit trail records the delete, the restore and the purge; on
SQLite and PostgreSQL alike, through the pages and the API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coop import trash
from coop.audit import acting_as
from coop.bodies.schemas import BodyCreate
from coop.extensions import db
from coop.models import (
    AuditEntry,
    Body,
    Initiative,
    InitiativeDistrict,
    Resolution,
    SavedSearch,
    SearchEntry,
    TrashItem,
)
from coop.models.base import utcnow
from tests import test_deletes
from tests.test_deletes import HOEXTER, _clients, _post, orphans

demo = test_deletes.demo  # the fixture: the demo with something of every kind on it

# what differs after a restore by design: versions move on, a grant's stored check is
# computed again, derived rows are rebuilt
MOVING = {"version", "modified_at", "checked_on", "check_generation", "open_conditions"}
COMPARED = (
    "initiatives",
    "initiative_participants",
    "milestones",
    "phase_changes",
    "resolutions",
    "resolution_tasks",
    "documents",
    "grants",
    "grant_tranches",
    "grant_documents",
    "cost_models",
    "cost_lines",
    "cost_events",
    "cost_model_partners",
    "cost_payments",
    "cost_partner_years",
    "proposals",
    "nudges",
    "follows",
    "activities",
    "saved_searches",
    "initiative_districts",
)


def _dump() -> dict[str, set]:
    tables = {t.name: t for t in db.metadata.sorted_tables}
    out = {}
    for name in COMPARED:
        table = tables[name]
        columns = [c for c in table.columns if c.name not in MOVING]
        rows = db.session.execute(select(*columns)).all()
        out[name] = {tuple(str(v) for v in row) for row in rows}
    return out


def _page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.get_data(as_text=True).replace("&#34;", '"')


def test_an_initiative_is_asked_for_deleted_into_the_bin_and_restored_whole(app, demo):
    h = demo["hoexter"]
    coordinator = _clients(app)["coordinator"]
    ini = db.session.get(Initiative, h["initiative"])
    ini_id, version, path = ini.id, ini.version, f"/initiatives/{ini.id}"
    before = _dump()

    # the initiative's page links to a page that asks, naming what goes with it
    assert f'href="{path}/delete"' in _page(coordinator, path)
    asking = _page(coordinator, f"{path}/delete")
    assert "Diese gehen mit:" in asking or "gehen mit" in asking
    assert "Beschlüsse" in asking or "Beschluss" in asking
    assert "2 Förderungen" in asking and "Papierkorb" in asking

    answer = _post(coordinator, f"{path}/delete", {"version": str(version)}, path)
    assert answer.status_code == 302
    said = _page(coordinator, answer.location)
    assert "liegt jetzt im Papierkorb" in said and 'href="/trash/">Zum Papierkorb</a>' in said
    assert db.session.get(Initiative, ini_id) is None
    assert coordinator.get(path).status_code == 404
    item = db.session.scalar(select(TrashItem).where(TrashItem.entity_id == ini_id))
    assert item is not None and item.entity_type == "Initiative"
    assert item.expires_at - item.deleted_at == timedelta(days=30)
    item_id = item.id
    # nothing of it shows: not in the list, not in the search index
    assert HOEXTER not in _page(coordinator, "/initiatives/")
    assert (
        db.session.scalar(
            select(SearchEntry).where(
                SearchEntry.kind == "initiative", SearchEntry.ref_id == ini_id
            )
        )
        is None
    )

    bin_page = _page(coordinator, "/trash/")
    assert HOEXTER in bin_page and "Wiederherstellen" in bin_page

    answer = _post(coordinator, f"/trash/{item_id}/restore", {}, "/trash/")
    assert answer.status_code == 302 and answer.location == path
    db.session.expire_all()
    restored = db.session.get(Initiative, ini_id)
    assert restored is not None and restored.version == version + 1
    assert _dump() == before  # every row as it was, the derived ones rebuilt
    assert db.session.get(SavedSearch, h["saved"]).initiative_id == ini_id  # a link set again
    assert (
        db.session.scalar(
            select(SearchEntry).where(
                SearchEntry.kind == "initiative", SearchEntry.ref_id == ini_id
            )
        )
        is not None
    )
    assert (
        db.session.scalar(
            select(InitiativeDistrict).where(InitiativeDistrict.initiative_id == ini_id)
        )
        is not None
    )
    assert db.session.get(TrashItem, item_id) is None
    assert HOEXTER in _page(coordinator, path)
    assert HOEXTER in _page(coordinator, "/initiatives/")
    # the audit trail has the delete and the restore of each record
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity_type == "Initiative", AuditEntry.entity_id == ini_id
            )
        )
    )
    assert {"delete", "restore"} <= {str(a) for a in actions}
    assert "wiederhergestellt" in _page(coordinator, path)
    assert orphans() == []


def test_a_stale_version_cannot_overwrite_the_restored_record(app, demo):
    from coop.errors import ConflictError
    from coop.initiatives import services
    from coop.initiatives.schemas import InitiativeUpdate

    ini = db.session.get(Initiative, demo["own"]["initiative"])
    version = ini.version
    with acting_as(None, "test"):
        services.delete_initiative(ini, expected_version=version)
        db.session.commit()
        item = db.session.scalar(select(TrashItem).order_by(TrashItem.id.desc()))
        trash.restore(item)
        db.session.commit()
    ini = db.session.get(Initiative, demo["own"]["initiative"])
    try:
        services.update_initiative(
            ini,
            InitiativeUpdate.model_validate({"title": "Alt"}),
            actor=None,
            expected_version=version,
        )
    except ConflictError:
        pass
    else:
        raise AssertionError("a version from before the delete was taken")


def test_restore_is_refused_with_a_reason_and_changes_nothing(app, demo):
    admin = _clients(app)["admin"]
    h = demo["hoexter"]
    # a resolution whose initiative is in the bin too: that one first
    resolution = db.session.get(Resolution, h["resolution"])
    with acting_as(None, "test"):
        from coop.initiatives import services as initiatives
        from coop.resolutions import services as resolutions

        resolutions.delete_resolution(resolution)
        db.session.commit()
        res_item = db.session.scalar(select(TrashItem).order_by(TrashItem.id.desc()))
        ini = db.session.get(Initiative, h["initiative"])
        initiatives.delete_initiative(ini)
        db.session.commit()
    answer = _post(admin, f"/trash/{res_item.id}/restore", {}, "/trash/")
    assert answer.status_code == 302 and answer.location == "/trash/"
    page = _page(admin, "/trash/")
    assert "zuerst" in page  # "… stellen Sie das zuerst wieder her"
    assert db.session.get(TrashItem, res_item.id) is not None

    # a body whose official key another body has taken since
    with acting_as(None, "test"):
        from coop.bodies import services as bodies

        kreis = db.session.scalar(select(Body).where(Body.ags == "05762000"))
        town = bodies.create_body(
            BodyCreate.model_validate(
                {
                    "name": "Neudorf",
                    "kind": "municipality",
                    "ags": "05762098",
                    "parent_id": kreis.id,
                }
            ),
            actor=None,
        )
        bodies.delete_body(town)
        db.session.commit()
        item = db.session.scalar(select(TrashItem).order_by(TrashItem.id.desc()))
        bodies.create_body(
            BodyCreate.model_validate(
                {
                    "name": "Neudorf (neu)",
                    "kind": "municipality",
                    "ags": "05762098",
                    "parent_id": kreis.id,
                }
            ),
            actor=None,
        )
        db.session.commit()
    answer = _post(admin, f"/trash/{item.id}/restore", {}, "/trash/")
    assert answer.status_code == 302
    assert "Amtlicher Gemeindeschlüssel" in _page(admin, "/trash/") or "AGS" in _page(
        admin, "/trash/"
    )
    assert db.session.get(TrashItem, item.id) is not None


def test_who_sees_and_restores_what_and_the_api(app, demo):
    clients = _clients(app)
    tokens = demo["tokens"]
    h = demo["hoexter"]
    ini_id = h["initiative"]
    ini = db.session.get(Initiative, ini_id)
    answer = clients["coordinator"].delete(
        f"/api/v1/initiatives/{ini_id}",
        headers={
            "Authorization": f"Bearer {tokens['coordinator']}",
            "If-Match": f'"{ini.version}"',
        },
    )
    assert answer.status_code == 204, answer.get_json()
    # the partner editor and the viewer do not see it; the admin does
    for role in ("partner_editor", "viewer"):
        assert HOEXTER not in _page(clients[role], "/trash/")
    listed = (
        clients["admin"]
        .get("/api/v1/trash", headers={"Authorization": f"Bearer {tokens['admin']}"})
        .get_json()
    )
    item = next(i for i in listed["items"] if i["entity_id"] == ini_id)
    assert item["entity_type"] == "Initiative" and item["with_it"]["resolutions"] >= 1
    refused = clients["viewer"].post(
        f"/api/v1/trash/{item['id']}/restore",
        headers={"Authorization": f"Bearer {tokens['viewer']}"},
    )
    assert refused.status_code == 403
    answer = clients["coordinator"].post(
        f"/api/v1/trash/{item['id']}/restore",
        headers={"Authorization": f"Bearer {tokens['coordinator']}"},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"entity_type": "Initiative", "entity_id": ini_id}
    assert (
        clients["coordinator"]
        .get(
            f"/api/v1/initiatives/{ini_id}",
            headers={"Authorization": f"Bearer {tokens['coordinator']}"},
        )
        .status_code
        == 200
    )


def test_housekeeping_removes_what_lay_30_days_in_the_bin_and_records_it(app, demo):
    from coop import jobs

    ini = db.session.get(Initiative, demo["own"]["initiative"])
    with acting_as(None, "test"):
        from coop.initiatives import services

        services.delete_initiative(ini)
        db.session.commit()
    item = db.session.scalar(select(TrashItem).order_by(TrashItem.id.desc()))
    item_id = item.id
    assert trash.purge_expired(utcnow()) == 0
    item.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    jobs.forget_old_records()
    assert db.session.get(TrashItem, item_id) is None
    purged = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "purge", AuditEntry.entity_id == ini.id)
    )
    assert purged is not None and purged.entity_type == "Initiative"


def test_oparl_answers_a_tombstone_while_in_the_bin_and_the_object_after_the_restore(app, demo):
    """Nothing deleted shows, OParl says so (soft delete), and a restore brings it back."""
    from coop.models import Resolution
    from coop.resolutions import services as resolutions

    public = db.session.scalar(
        select(Resolution).where(Resolution.public.is_(True)).order_by(Resolution.id)
    )
    rid = public.id
    client = app.test_client()
    assert client.get(f"/oparl/v1/consultation/{rid}").get_json().get("deleted") is not True
    with acting_as(None, "test"):
        resolutions.delete_resolution(public)
        db.session.commit()
    gone = client.get(f"/oparl/v1/consultation/{rid}").get_json()
    assert gone.get("deleted") is True
    item = db.session.scalar(select(TrashItem).order_by(TrashItem.id.desc()))
    with acting_as(None, "test"):
        trash.restore(item)
        db.session.commit()
    back = client.get(f"/oparl/v1/consultation/{rid}")
    assert back.status_code == 200 and back.get_json().get("deleted") is not True
