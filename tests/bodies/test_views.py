"""The registry's pages: list, detail, forms, permissions, versions, audit trail."""

import re

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.models import AuditEntry, Body


def test_list_search_filter_sort_paginate(client, auth, seed):
    auth.login("viewer@test.example")
    page = client.get("/bodies/").get_data(as_text=True)
    assert "8 Körperschaften gefunden" in page
    hoexter = seed.bodies["hoexter"].id
    page = client.get(f"/bodies/?district={hoexter}&kind=city&sort=-population").get_data(
        as_text=True
    )
    assert page.index("Brakel") < page.index("Nieheim") < page.index("Marienmünster")
    assert "16.012" in page  # German thousands separator
    page = client.get("/bodies/?q=süpp").get_data(as_text=True)
    assert "1 Körperschaft gefunden" in page
    for i in range(30):
        db.session.add(Body(name=f"Ort {i:02}", kind="municipality"))
    db.session.commit()
    page = client.get("/bodies/?page=2").get_data(as_text=True)
    assert "Seite 2 von 2" in page and 'rel="prev"' in page


def test_detail_shows_parent_members_and_audit_for_coordinators(client, auth, seed):
    hoexter = seed.bodies["hoexter"]
    auth.login("coordinator@test.example")
    page = client.get(f"/bodies/{hoexter.id}").get_data(as_text=True)
    assert "Mitglieder (3)" in page and "Brakel" in page and "Änderungsverlauf" in page
    brakel_page = client.get(f"/bodies/{seed.bodies['brakel'].id}").get_data(as_text=True)
    assert "Kreis Höxter" in brakel_page
    auth.post("/logout", {}, "/")
    auth.login("viewer@test.example")
    page = client.get(f"/bodies/{hoexter.id}").get_data(as_text=True)
    assert "Änderungsverlauf" not in page and "Bearbeiten" not in page
    assert client.get("/bodies/999999").status_code == 404


def test_create_edit_delete_through_forms(client, auth, seed):
    auth.login("coordinator@test.example")
    hoexter = seed.bodies["hoexter"]
    r = auth.post(
        "/bodies/new",
        {
            "name": "Steinheim",
            "kind": "city",
            "ags": "05762032",
            "population": "12659",
            "parent_id": str(hoexter.id),
        },
    )
    assert r.status_code == 302
    steinheim = db.session.scalar(select(Body).where(Body.ags == "05762032"))
    sid = steinheim.id
    assert steinheim.district_id == hoexter.id and steinheim.state == "05"
    form = f"/bodies/{steinheim.id}/edit"
    r = auth.post(
        form,
        {
            "name": "Steinheim",
            "kind": "city",
            "ags": "05762032",
            "population": "12700",
            "parent_id": str(hoexter.id),
            "version": str(steinheim.version),
        },
    )
    assert r.status_code == 302
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_id == steinheim.id, AuditEntry.action == "update"
        )
    ).all()[-1]
    assert entry.changes["population"] == [12659, 12700]
    assert entry.actor_label == "coordinator@test.example"
    page = client.get(f"/bodies/{steinheim.id}").get_data(as_text=True)
    assert "12.659 → 12.700" in page  # numbers in the page's notation
    r = auth.post(f"/bodies/{steinheim.id}/delete", {"version": "99"}, f"/bodies/{steinheim.id}")
    assert db.session.get(Body, steinheim.id) is not None
    version = db.session.get(Body, steinheim.id).version
    r = auth.post(f"/bodies/{sid}/delete", {"version": str(version)}, f"/bodies/{sid}")
    assert r.location == "/bodies/"
    assert db.session.get(Body, sid) is None


def test_form_errors_are_shown_at_the_field_and_nothing_is_stored(client, auth, seed):
    auth.login("admin@test.example")
    before = db.session.scalar(select(func.count()).select_from(Body))
    r = auth.post("/bodies/new", {"name": "X", "kind": "city", "ags": "123", "population": "-3"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="ags-error"' in page and "genau 8 Ziffern" in page
    assert 'id="population-error"' in page and "nicht negativ" in page
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(select(func.count()).select_from(Body)) == before


def test_stale_edit_is_refused(client, auth, seed):
    auth.login("coordinator@test.example")
    brakel = seed.bodies["brakel"]
    data = {
        "name": "Brakel",
        "kind": "city",
        "ags": "05762016",
        "ars": "057620016016",
        "parent_id": str(seed.bodies["hoexter"].id),
        "population": "16100",
        "version": str(brakel.version),
    }
    assert auth.post(f"/bodies/{brakel.id}/edit", data).status_code == 302
    r = auth.post(f"/bodies/{brakel.id}/edit", {**data, "population": "1"})
    assert r.status_code == 409 and "inzwischen geändert" in r.get_data(as_text=True)
    assert db.session.get(Body, brakel.id).population == 16100


@pytest.mark.parametrize("role", ["viewer", "funding_officer"])
def test_read_only_roles_get_403(client, auth, seed, role):
    auth.login(f"{role}@test.example")
    brakel = seed.bodies["brakel"]
    assert client.get("/bodies/new").status_code == 403
    assert client.get(f"/bodies/{brakel.id}/edit").status_code == 403
    r = client.post(f"/bodies/{brakel.id}/delete", data={"csrf_token": "x"})
    assert r.status_code in (400, 403)
    assert "Nicht erlaubt" in client.get("/bodies/new").get_data(as_text=True)


def test_partner_editor_form_only_enables_own_fields(client, auth, seed):
    auth.login("partner_editor@test.example")
    brakel = seed.bodies["brakel"]
    page = client.get(f"/bodies/{brakel.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*disabled[^>]*id="ags"|<input[^>]*id="ags"[^>]*disabled', page)
    r = auth.post(
        f"/bodies/{brakel.id}/edit", {"population": "16050", "version": str(brakel.version)}
    )
    assert r.status_code == 302
    assert db.session.get(Body, brakel.id).population == 16050
    assert db.session.get(Body, brakel.id).ags == "05762016"
    assert client.get(f"/bodies/{seed.bodies['nieheim'].id}/edit").status_code == 403


def test_english_interface(client, auth, seed):
    auth.login("viewer@test.example")
    auth.post("/language/en", {"next": "/bodies/"}, "/")
    page = client.get("/bodies/").get_data(as_text=True)
    assert '<html lang="en">' in page and "8 bodies found" in page


def test_deleting_a_body_in_use_shows_what_uses_it(client, auth, seed):
    from coop.audit import acting_as
    from coop.extensions import db
    from tests import factories

    with acting_as(None, "test"):
        factories.initiative(seed)
        db.session.commit()
    auth.login("admin@test.example")
    nieheim = seed.bodies["nieheim"]
    r = auth.post(
        f"/bodies/{nieheim.id}/delete",
        {"version": str(nieheim.version)},
        form_path=f"/bodies/{nieheim.id}",
    )
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "wird noch verwendet" in page and "Beteiligung (1)" in page
