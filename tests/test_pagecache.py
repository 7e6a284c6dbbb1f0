"""The page cache (coop/pagecache.py): a repeated read costs one query, and no answer is ever
shown to another reader, after a write, with another session's CSRF token or a used flash."""

import re

from coop.audit import acting_as
from coop.extensions import db
from coop.initiatives.schemas import InitiativeUpdate
from tests import factories
from tests.conftest import AuthActions


def _counted(queries, client, path, **kwargs):
    queries["n"] = 0
    response = client.get(path, **kwargs)
    return response, queries["n"]


def test_a_repeated_page_is_answered_with_one_query(app, seed, client, auth, queries):
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        db.session.commit()
    auth.login("coordinator@test.example")
    first, rendered = _counted(queries, client, f"/initiatives/{ini.id}")
    again, stored = _counted(queries, client, f"/initiatives/{ini.id}")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert rendered > 3 and stored == 1
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_a_write_shows_at_once(app, seed, client, auth):
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        db.session.commit()
    auth.login("coordinator@test.example")
    assert "Digitalnetzwerk Kreis Höxter" in client.get("/initiatives/").get_data(as_text=True)
    from coop.initiatives import services

    with acting_as(None, "test"):
        services.update_initiative(
            services.load_initiative(ini.id),
            InitiativeUpdate.model_validate({"title": "Netzwerk Höxter digital"}),
            actor=None,
        )
        db.session.commit()
    page = client.get("/initiatives/").get_data(as_text=True)
    assert "Netzwerk Höxter digital" in page and "Digitalnetzwerk" not in page


def test_each_reader_gets_an_answer_of_their_own(app, seed, client):
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        db.session.commit()
    path = f"/initiatives/{ini.id}"
    coordinator = app.test_client()
    AuthActions(coordinator).login("coordinator@test.example")
    edit_link = f'href="/initiatives/{ini.id}/edit"'
    assert edit_link in coordinator.get(path).get_data(as_text=True)
    viewer = app.test_client()
    AuthActions(viewer).login("viewer@test.example")
    assert edit_link not in viewer.get(path).get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get("/dashboard/").status_code == 302  # not the coordinator's dashboard
    assert coordinator.get("/dashboard/").status_code == 200
    assert anonymous.get("/dashboard/").status_code == 302


def test_an_anonymous_page_needs_no_session(app, seed, client, queries):
    first = client.get("/initiatives/")
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    again, stored = _counted(queries, app.test_client(), "/initiatives/")
    assert again.data == first.data and stored == 1


def test_forms_on_a_stored_page_carry_this_sessions_token(app, seed):
    one, two = app.test_client(), app.test_client()
    AuthActions(one).login("coordinator@test.example")
    AuthActions(two).login("coordinator@test.example")
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    one.get("/initiatives/")
    page = two.get("/initiatives/").get_data(as_text=True)
    response = two.post("/logout", data={"csrf_token": token.search(page).group(1)})
    assert response.status_code == 302  # signed out, not "the form has expired"
    assert one.get("/dashboard/").status_code == 200


def test_a_flash_message_is_shown_once(app, seed, client, auth):
    auth.login("coordinator@test.example")
    client.get("/initiatives/")  # stored
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Die Initiative wurde gespeichert.")]
    assert "wurde gespeichert" in client.get("/initiatives/").get_data(as_text=True)
    assert "wurde gespeichert" not in client.get("/initiatives/").get_data(as_text=True)


def test_a_revoked_token_is_refused_although_its_answer_is_stored(app, seed, client):
    headers = {"Authorization": f"Bearer {seed.tokens['viewer']}"}
    assert client.get("/api/v1/initiatives", headers=headers).status_code == 200
    assert client.get("/api/v1/initiatives", headers=headers).status_code == 200
    from coop.auth import services
    from coop.models import ApiToken

    with acting_as(None, "test"):
        for token in db.session.scalars(db.select(ApiToken)):
            if token.user_id == seed.users["viewer"].id:
                services.revoke_token(token)
        db.session.commit()
    assert client.get("/api/v1/initiatives", headers=headers).status_code == 401


def test_a_stored_oparl_answer_is_conditional(app, seed, client):
    first = client.get("/oparl/v1/system")
    etag = first.headers["ETag"]
    again = client.get("/oparl/v1/system", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_result_stored_by_another_release_is_not_used(app, monkeypatch):
    from coop import cache

    calls = []

    def compute():
        calls.append(1)
        return b"x"

    assert cache.cached("k", compute) == b"x" and cache.cached("k", compute) == b"x"
    assert len(calls) == 1
    monkeypatch.setattr(cache, "code_version", lambda: "next-release")
    cache.cached("k", compute)
    assert len(calls) == 2
