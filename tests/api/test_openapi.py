"""The OpenAPI document comes from the routes: every route declares its contract, and what a
route's query model lists is what it checks."""

from coop.api.openapi import declared_operations
from tests.api.test_bodies_api import h


def test_every_api_route_declares_its_contract(app):
    with app.app_context():
        routes = declared_operations()  # an undeclared view raises AttributeError here
    assert len(routes) >= 36
    documented = [(rule, method) for rule, method, op in routes if op is not None]
    assert ("/api/v1/openapi.json", "get") not in documented
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for rule, method in documented:
        path = rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        assert method in document["paths"][path], (rule, method)


def test_a_query_parameter_outside_its_declared_values_is_a_400_naming_it(client, seed):
    r = client.get("/api/v1/bodies?sort=nonsense", headers=h(seed))
    assert r.status_code == 400 and "sort" in r.json["error"]["fields"]
    assert "name, -name" in r.json["error"]["fields"]["sort"]
    r = client.get("/api/v1/initiatives?district_id=0", headers=h(seed))
    assert r.status_code == 400 and "district_id" in r.json["error"]["fields"]
    r = client.get("/api/v1/grants?status=", headers=h(seed))  # empty means absent
    assert r.status_code == 200
