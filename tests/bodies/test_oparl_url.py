"""The address of a body's council information system is read by coop's server, so only the
district's coordinators and admins set it; a partner editor sees it, cannot change it."""

import re

from coop.extensions import db
from coop.models import Body
from tests.api.test_bodies_api import h

SYSTEM = "https://ris.brakel.example/oparl/v1/system"
MESSAGE_DE = (
    "Nur der koordinierende Kreis oder die Administration kann die Adresse des "
    "Ratsinformationssystems festlegen."
)


def _field(page: str) -> str:
    return re.search(r'<input[^>]*id="oparl_url"[^>]*>', page).group(0)


def _form(body_id: int) -> dict:
    """The edit form as the page fills it."""
    body = db.session.get(Body, body_id)
    keys = ("name", "kind_detail", "ags", "ars", "population", "parent_id", "state",
            "council_name", "website", "contact")  # fmt: skip
    form = {k: "" if getattr(body, k) is None else str(getattr(body, k)) for k in keys}
    return {**form, "kind": body.kind.value, "attributes": body.attributes or [],
            "version": str(body.version)}  # fmt: skip


def test_a_partner_editor_sees_the_field_disabled_and_cannot_post_it(client, auth, seed):
    brakel = seed.bodies["brakel"]
    auth.login("partner_editor@test.example")
    page = client.get(f"/bodies/{brakel.id}/edit").get_data(as_text=True)
    assert "disabled" in _field(page) and 'aria-describedby="oparl_url-hint"' in _field(page)
    assert MESSAGE_DE in page
    r = auth.post(
        f"/bodies/{brakel.id}/edit",
        {
            "population": "16050",
            "oparl_url": "http://127.0.0.1:6379/",
            "version": str(brakel.version),
        },
    )
    assert r.status_code == 302  # what it may change is saved; the address is not taken
    body = db.session.get(Body, brakel.id)
    assert (body.population, body.oparl_url) == (16050, None)


def test_the_api_refuses_a_partner_editors_address_with_the_field(client, seed):
    brakel = seed.bodies["brakel"]
    r = client.patch(
        f"/api/v1/bodies/{brakel.id}",
        json={"oparl_url": "http://127.0.0.1:6379/"},
        headers=h(seed, "partner_editor"),
    )
    assert r.status_code == 403
    assert r.json["error"]["fields"]["oparl_url"] == MESSAGE_DE
    assert db.session.get(Body, brakel.id).oparl_url is None
    r = client.patch(  # sending the address unchanged is fine (a client sends what it read)
        f"/api/v1/bodies/{brakel.id}",
        json={"oparl_url": None, "population": 16051},
        headers=h(seed, "partner_editor"),
    )
    assert r.status_code == 200 and r.json["population"] == 16051


def test_the_coordinator_sets_the_address_in_the_form_and_the_api(client, auth, seed):
    brakel, nieheim = seed.bodies["brakel"], seed.bodies["nieheim"]
    auth.login("coordinator@test.example")
    page = client.get(f"/bodies/{brakel.id}/edit").get_data(as_text=True)
    assert "disabled" not in _field(page) and MESSAGE_DE not in page
    r = auth.post(f"/bodies/{brakel.id}/edit", {**_form(brakel.id), "oparl_url": SYSTEM})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert db.session.get(Body, brakel.id).oparl_url == SYSTEM
    r = client.patch(
        f"/api/v1/bodies/{nieheim.id}",
        json={"oparl_url": SYSTEM.replace("brakel", "nieheim")},
        headers=h(seed, "coordinator"),
    )
    assert r.status_code == 200 and r.json["oparl_url"].startswith("https://ris.nieheim")
    r = client.patch(
        f"/api/v1/bodies/{nieheim.id}", json={"oparl_url": None}, headers=h(seed, "admin")
    )
    assert r.status_code == 200 and r.json["oparl_url"] is None
