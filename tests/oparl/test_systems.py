"""One council information system for many bodies: a district lists the system's bodies,
confirms which partner each is, and one sync reads them all."""

import re

import pytest
from sqlalchemy import func, select

from coop import jobs
from coop.audit import acting_as
from coop.extensions import db
from coop.models import AuditEntry, Body, OParlObject
from coop.oparl import systems
from tests.oparl.fake_server import CIS, serve


@pytest.fixture
def cis():
    system = CIS(papers=20)
    system.more_bodies = [
        ("Stadt Brakel", "05762016"),
        ("Nieheim", None),  # no AGS: found by its name
        ("Kreis Höxter", "5762000"),  # seven digits
        ("Stadt Warburg", "05762040"),  # not a partner in coop
    ]
    server = serve(system)
    yield system
    server.shutdown()


def test_suggestions_by_ags_then_name_each_partner_once(seed):
    b = seed.bodies
    remote = [
        systems.RemoteBody("u1", "Stadt Brakel", "05762016"),
        systems.RemoteBody("u2", "Gemeinde Nieheim", None),
        systems.RemoteBody("u3", "Brakel", None),  # Brakel is taken already
        systems.RemoteBody("u4", "Stadt Warburg", "05762040"),
    ]
    got = systems.suggest(remote, systems.candidates(b["hoexter"]))
    assert got == {"u1": b["brakel"].id, "u2": b["nieheim"].id, "u3": None, "u4": None}


def test_a_district_maps_the_systems_bodies_and_one_sync_reads_them_all(client, auth, seed, cis):
    b = seed.bodies
    auth.login(seed.users["coordinator"].email)
    url = f"/bodies/{b['hoexter'].id}/oparl-system"
    token = auth.csrf(f"{url}?url={cis.url('/system')}")
    assert cis.requests == []  # the page alone reads nothing
    page = client.post(url, data={"url": cis.url("/system"), "csrf_token": token,
                                  "action": "read"})  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Stadt Warburg" in html
    selected = dict(re.findall(r'name="(map-\d+)">.*?<option value="(\d+)" selected', html, re.S))
    # alphabetical: Kreis Höxter, Nieheim, Stadt Brakel, Stadt Marienmünster, Stadt Warburg
    assert selected == {
        "map-0": str(b["hoexter"].id),
        "map-1": str(b["nieheim"].id),
        "map-2": str(b["brakel"].id),
        "map-3": str(b["marienmuenster"].id),
    }
    twice = client.post(url, data={"url": cis.url("/system"), "csrf_token": token,
                                   "map-0": b["brakel"].id, "map-2": b["brakel"].id})  # fmt: skip
    assert twice.status_code == 422
    assert "bereits für eine andere Körperschaft" in twice.get_data(as_text=True)
    assert db.session.get(Body, b["brakel"].id).oparl_url is None
    done = client.post(url, data={"url": cis.url("/system"), "csrf_token": token,
                                  **{k: v for k, v in selected.items()}})  # fmt: skip
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Body, b["brakel"].id).oparl_url == cis.url("/body/2")
    assert db.session.get(Body, b["marienmuenster"].id).oparl_url == cis.url("/body/1")
    assert (
        db.session.scalar(
            select(func.count()).where(
                AuditEntry.entity_type == "Body", AuditEntry.action == "update"
            )
        )
        >= 4
    )
    with acting_as(None, "test"):
        summary = jobs.sync_all_bodies()
    assert summary.count("ok") == 4, summary
    for key, least in (("marienmuenster", 20), ("brakel", 1), ("nieheim", 1), ("hoexter", 1)):
        stored = select(func.count()).where(OParlObject.body_id == b[key].id)
        assert db.session.scalar(stored) >= least, key


def test_only_the_districts_coordinators_map_and_a_bad_address_is_said(client, auth, seed, cis):
    b = seed.bodies
    auth.login(seed.users["partner_editor"].email)
    assert client.get(f"/bodies/{b['hoexter'].id}/oparl-system").status_code == 403
    auth.logout()
    auth.login(seed.users["coordinator_helmstedt"].email)
    assert client.get(f"/bodies/{b['hoexter'].id}/oparl-system").status_code == 403
    auth.logout()
    auth.login(seed.users["coordinator"].email)
    assert client.get(f"/bodies/{b['brakel'].id}/oparl-system").status_code == 403  # no district
    page = auth.post(
        f"/bodies/{b['hoexter'].id}/oparl-system",
        {"url": cis.url("/notoparl"), "action": "read"},
    )
    assert page.status_code == 422 and "ist kein OParl-System" in page.get_data(as_text=True)
