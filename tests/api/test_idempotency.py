"""Safe retries: an API POST with an Idempotency-Key creates once, whatever happens to its
answer, and the same key with another request is refused."""

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.models import Initiative


def _post(client, seed, key, title="Gemeinsame E-Rechnung", **headers):
    return client.post(
        "/api/v1/initiatives",
        json={
            "title": title,
            "service_area": "e_invoicing",
            "phase": "idea",
            "lead_body_id": seed.bodies["hoexter"].id,
        },
        headers={
            "Authorization": f"Bearer {seed.tokens['coordinator']}",
            "Idempotency-Key": key,
            **headers,
        },
    )


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Initiative))


def test_a_retry_gets_the_first_answer_and_creates_nothing(client, seed):
    first = _post(client, seed, "7f1c-2026-11-30-a")
    assert first.status_code == 201, first.json
    again = _post(client, seed, "7f1c-2026-11-30-a")
    assert again.status_code == 201 and again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count() == 1


def test_the_same_key_with_another_request_is_refused(client, seed):
    assert _post(client, seed, "k-1").status_code == 201
    other = _post(client, seed, "k-1", title="Gemeinsame Personalabrechnung")
    assert other.status_code == 422 and "Idempotency-Key" in other.json["error"]["fields"]
    assert _count() == 1


def test_a_worker_that_died_after_the_commit_makes_no_duplicate(client, seed, monkeypatch):
    from coop.api import idempotency

    monkeypatch.setattr(idempotency, "remember", lambda response: response)  # answer lost
    assert _post(client, seed, "k-2").status_code == 201
    monkeypatch.undo()
    retry = _post(client, seed, "k-2")
    assert retry.status_code == 409 and retry.json["error"]["code"] == "idempotent_request_done"
    assert _count() == 1


def test_a_failed_request_can_be_retried_with_its_key(client, seed):
    bad = client.post(
        "/api/v1/initiatives",
        json={"title": ""},
        headers={"Authorization": f"Bearer {seed.tokens['coordinator']}", "Idempotency-Key": "k-3"},
    )
    assert bad.status_code == 422
    assert _post(client, seed, "k-3").status_code == 201 and _count() == 1


@pytest.mark.parametrize("key", ["", "x" * 201, "a\\x00b"])
def test_a_bad_key_is_a_400_naming_the_header(client, seed, key):
    r = _post(client, seed, key.replace("\\x00", "\x00"))
    assert r.status_code == 400 and "Idempotency-Key" in r.json["error"]["fields"]


def test_across_two_instances(pg_app, postgresql_url):
    from coop import create_app
    from coop.audit import acting_as
    from tests import factories
    from tests.conftest import FreshContextClient

    with acting_as(None, "test seed"):
        seed = factories.make_seed()
        db.session.commit()
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=postgresql_url)
    other.test_client_class = FreshContextClient
    first = _post(pg_app.test_client(), seed, "k-4")
    again = _post(other.test_client(), seed, "k-4")
    assert first.status_code == again.status_code == 201 and again.json == first.json
    assert _count() == 1
    with other.app_context():
        db.engine.dispose()


def test_keys_older_than_a_day_are_forgotten(client, seed):
    from datetime import timedelta

    from coop.auth import services
    from coop.models import IdempotencyKey
    from coop.models.base import utcnow

    assert _post(client, seed, "k-5").status_code == 201
    db.session.execute(db.update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    assert services.forget_old_idempotency_keys() == 1
