"""Security issue, finding 1: the Host header (or X-Forwarded-Host behind a trusted proxy)
must never reach another client's answer. Absolute links come from PUBLIC_URL, a request for
another host gets 400, and the page cache keys answers by scheme and host as well."""

import pytest

from coop import create_app
from coop.audit import acting_as
from coop.extensions import db
from tests import factories

PUBLIC = "https://coop.kreis-hoexter.example"


def _public_app(app, **overrides):
    settings = {"PUBLIC_URL": PUBLIC, **overrides}
    other = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **settings
    )
    other.test_client_class = type(app.test_client())
    return other


@pytest.fixture
def published(app, seed):
    with acting_as(None, "test"):
        ini = factories.initiative(seed, public=True)
        factories.resolution(ini, seed.bodies["brakel"], reference="560/2022")
        db.session.commit()
    return ini


def _ids(answer: dict) -> list[str]:
    out = [answer.get("id", "")]
    out += [o["id"] for o in answer.get("data", [])]
    out += [v for v in (answer.get("links") or {}).values()]
    return [x for x in out if x]


def test_another_host_is_refused(app, published):
    client = _public_app(app).test_client()
    assert client.get("/oparl/v1/system", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "evil.example:443"}).status_code == 400
    assert (
        client.get("/oparl/v1/system", headers={"Host": "coop.kreis-hoexter.example"}).status_code
        == 200
    )
    # the container's own health check asks by the loopback address
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_forwarded_host_is_refused_behind_a_trusted_proxy(app, published):
    client = _public_app(app, TRUSTED_PROXIES=1).test_client()
    evil = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    assert client.get("/oparl/v1/bodies", headers=evil).status_code == 400


def test_a_poisoned_request_never_reaches_another_client(app, published):
    # an operator who allowed a second name (or a proxy passing any Host through): the
    # answers to that name still carry PUBLIC_URL, and are kept apart in the cache
    other = _public_app(app, ALLOWED_HOSTS="evil.example", TRUSTED_PROXIES=1)
    attacker, reader = other.test_client(), other.test_client()
    body = reader.get("/oparl/v1/bodies").json["data"][0]
    papers = body["paper"].split("/oparl/v1/", 1)[1]
    paths = ["/oparl/v1/system", "/oparl/v1/bodies", "/oparl/v1/" + papers]
    paths += ["/oparl/v1/bodies?limit=1"]
    for path in paths:
        for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}):
            for _ in range(3):
                assert attacker.get(path, headers=headers).status_code == 200
    for path in paths:
        answer = reader.get(path).json
        ids = _ids(answer)
        assert ids and all(i.startswith(PUBLIC + "/oparl/v1/") for i in ids), ids
        assert "evil.example" not in reader.get(path).get_data(as_text=True)


def test_public_url_carries_the_path_prefix(app, published):
    other = _public_app(app, PUBLIC_URL=PUBLIC + "/coop/", TRUSTED_PROXIES=1)
    answer = other.test_client().get("/oparl/v1/system", headers={"X-Forwarded-Prefix": "/coop"})
    assert answer.json["id"] == PUBLIC + "/coop/oparl/v1/system"
    assert answer.json["body"] == PUBLIC + "/coop/oparl/v1/bodies"


def test_production_needs_public_url(monkeypatch):
    from config import ConfigError, load_config

    for name, value in {
        "SECRET_KEY": "x" * 32,
        "OPERATOR_NAME": "Kreis Höxter",
        "OPERATOR_ADDRESS": "Moltkestraße 12, 37671 Höxter",
        "OPERATOR_EMAIL": "coop@kreis-hoexter.example",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_config("production")
    monkeypatch.setenv("PUBLIC_URL", "coop.kreis-hoexter.example")
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_config("production")
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    assert load_config("production").ENV_NAME == "production"
