"""The registry's rules, through the service the UI and the API share."""

import pytest
from sqlalchemy import func, select

from coop.bodies import services
from coop.bodies.schemas import BodyCreate, BodyUpdate
from coop.commands import bind
from coop.errors import ConflictError, PermissionDenied, ValidationError
from coop.extensions import db
from coop.models import AuditEntry, Body, BodyKind


def count(model=Body):
    return db.session.scalar(select(func.count()).select_from(model))


def create(**values):
    return services.create_body(BodyCreate.model_validate(values), actor=None)


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"ags": "0576201"}, "ags", "genau 8 Ziffern"),
        ({"ags": "05762o16"}, "ags", "genau 8 Ziffern"),
        ({"ags": "05762016"}, "ags", "bereits an Brakel vergeben"),
        ({"population": -1}, "population", "nicht negativ"),
        ({"population": "viele"}, "population", "ganze Zahl"),
        ({"kind": "galaxy"}, "kind", "aus der Liste"),
        ({"name": "  "}, "name", "Pflichtfeld"),
        ({"ars": "12345"}, "ars", "genau 12 Ziffern"),
        ({"ags": "05762099", "ars": "057620000098"}, "ars", "passt nicht"),
        ({"website": "javascript:alert(1)"}, "website", "https://"),
        ({"state": "99"}, "state", "aus der Liste"),
        ({"ags": "05762099", "state": "03"}, "state", "Nordrhein-Westfalen"),
        ({"parent_id": 999999}, "parent_id", "gibt es nicht"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(seed, values, field, fragment):
    before = count(), count(AuditEntry)
    data = {"name": "Neu", "kind": "municipality", "parent_id": seed.bodies["hoexter"].id}
    data.update(values)
    command, errors = bind(BodyCreate, data)  # typed as into the form
    if not errors:
        with pytest.raises(ValidationError) as info:
            services.create_body(command, actor=None)
        errors = info.value.fields
    db.session.rollback()
    assert fragment in errors[field]
    assert (count(), count(AuditEntry)) == before


def test_member_ags_must_start_with_district_key(seed):
    with pytest.raises(ValidationError) as info:
        create(
            name="Fremd", kind="municipality", ags="03154099", parent_id=seed.bodies["hoexter"].id
        )
    assert "05762" in info.value.fields["ags"]
    # through a collective municipality the district two levels up counts
    with pytest.raises(ValidationError) as info:
        create(
            name="Fremd", kind="municipality", ags="05762099", parent_id=seed.bodies["nord_elm"].id
        )
    assert "03154" in info.value.fields["ags"]


def test_parent_cycle_is_refused(seed):
    nord_elm, suepplingen = seed.bodies["nord_elm"], seed.bodies["suepplingen"]
    with pytest.raises(ValidationError) as info:
        services.update_body(
            nord_elm, BodyUpdate.model_validate({"parent_id": nord_elm.id}), actor=None
        )
    assert "zu sich selbst" in info.value.fields["parent_id"]
    # a municipality cannot become a parent at all, and a district has none
    with pytest.raises(ValidationError):
        services.update_body(
            nord_elm, BodyUpdate.model_validate({"parent_id": suepplingen.id}), actor=None
        )
    with pytest.raises(ValidationError) as info:
        services.update_body(
            seed.bodies["helmstedt"],
            BodyUpdate.model_validate({"parent_id": nord_elm.id}),
            actor=None,
        )
    assert "Kreislauf" in info.value.fields["parent_id"]


def test_district_is_derived_through_collective_municipality(seed):
    b = seed.bodies
    assert b["hoexter"].district_id == b["hoexter"].id
    assert b["brakel"].district_id == b["hoexter"].id
    assert b["suepplingen"].district_id == b["helmstedt"].id
    assert b["dataport"].district_id is None
    kreisfrei = create(name="Braunschweig", kind="city", ags="03101000")
    assert kreisfrei.district_id == kreisfrei.id
    assert kreisfrei.state == "03"


def test_moving_a_collective_municipality_moves_its_members(seed):
    b = seed.bodies
    hoexter_sg = create(
        name="Samtgemeinde Test", kind="collective_municipality", parent_id=b["hoexter"].id
    )
    member = create(name="Dorf", kind="municipality", parent_id=hoexter_sg.id)
    assert member.district_id == b["hoexter"].id
    services.update_body(
        hoexter_sg, BodyUpdate.model_validate({"parent_id": b["helmstedt"].id}), actor=None
    )
    assert member.district_id == b["helmstedt"].id


def test_stale_version_is_refused(seed):
    brakel = seed.bodies["brakel"]
    services.update_body(
        brakel,
        BodyUpdate.model_validate({"population": 16100}),
        actor=None,
        expected_version=brakel.version,
    )
    db.session.commit()
    with pytest.raises(ConflictError):
        services.update_body(
            brakel,
            BodyUpdate.model_validate({"population": 1}),
            actor=None,
            expected_version=brakel.version - 1,
        )
    db.session.rollback()
    assert db.session.get(Body, brakel.id).population == 16100


def test_partner_editor_changes_only_descriptive_fields(seed):
    brakel, editor = seed.bodies["brakel"], seed.users["partner_editor"]
    services.update_body(
        brakel,
        BodyUpdate.model_validate(
            {"population": 16020, "website": "https://www.brakel.de", "name": "Brakel"}
        ),
        actor=editor,
    )
    assert brakel.population == 16020
    with pytest.raises(PermissionDenied) as info:
        services.update_body(brakel, BodyUpdate.model_validate({"ags": "05762017"}), actor=editor)
    assert "ags" in info.value.fields


def test_coordinator_creates_only_in_own_district(seed):
    coordinator = seed.users["coordinator"]
    body = services.create_body(
        BodyCreate.model_validate(
            {
                "name": "Zweckverband IT Höxter",
                "kind": "association",
                "parent_id": seed.bodies["hoexter"].id,
            }
        ),
        actor=coordinator,
    )
    assert body.district_id == seed.bodies["hoexter"].id
    with pytest.raises(PermissionDenied):
        services.create_body(
            BodyCreate.model_validate(
                {"name": "Fremd", "kind": "municipality", "parent_id": seed.bodies["helmstedt"].id}
            ),
            actor=coordinator,
        )


def test_delete_refuses_bodies_with_members_or_accounts(seed):
    with pytest.raises(ConflictError, match="Mitgliedskörperschaften"):
        services.delete_body(seed.bodies["hoexter"])
    with pytest.raises(ConflictError, match="1 Benutzerkonto ist an Brakel gebunden"):
        services.delete_body(seed.bodies["brakel"])
    services.delete_body(seed.bodies["nieheim"])
    db.session.commit()
    assert db.session.scalar(select(Body).where(Body.name == "Nieheim")) is None


def test_query_filters_and_sorts(seed):
    b = seed.bodies
    rows = (
        db.session.scalars(services.body_query(district_id=b["hoexter"].id, sort="-population"))
        .unique()
        .all()
    )
    assert [r.name for r in rows] == ["Brakel", "Nieheim", "Marienmünster", "Kreis Höxter"]
    rows = db.session.scalars(services.body_query(q="nord-")).unique().all()
    assert {r.name for r in rows} == {"Nord-Elm"}
    rows = db.session.scalars(services.body_query(q="0315", kind=BodyKind.MUNICIPALITY)).all()
    assert [r.name for r in rows] == ["Süpplingen"]
