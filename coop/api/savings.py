"""/api/v1/initiatives/<id>/cost-model and /savings: the primary savings estimate."""

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from .. import messages
from ..auth import permissions
from ..extensions import db
from ..models import CostRateTable
from ..savings import services
from . import bp
from .auth import ApiAbort, expected_version, parse_json
from .initiatives import _get as get_initiative
from .schemas import (
    CostModelIn,
    CostModelOut,
    SavingsOut,
    cost_model_out,
    savings_out,
)
from .spec import Answer, operation, reading


def _primary(initiative_id: int):
    model = services.primary_models([initiative_id]).get(initiative_id)
    if model is None:
        raise ApiAbort(404, _("This initiative has no savings estimate yet."))
    return model


@bp.get("/initiatives/<int:initiative_id>/cost-model")
@reading("getCostModel", "Inputs of the primary savings estimate", CostModelOut, "The model")
def get_cost_model(initiative_id: int):
    """The inputs of the initiative's primary savings estimate."""
    get_initiative(initiative_id)
    return cost_model_out(_primary(initiative_id))


@bp.put("/initiatives/<int:initiative_id>/cost-model")
@operation(
    "putCostModel",
    "Create or replace the primary savings estimate",
    answers={200: Answer("Replaced", CostModelOut), 201: Answer("Created", CostModelOut)},
    errors=(400, 401, 403, 404, 409, 413, 415, 422),
    body=CostModelIn,
    if_match=True,
)
def put_cost_model(initiative_id: int):
    """Create or replace the primary savings estimate (all lists replace the old ones)."""
    initiative = get_initiative(initiative_id)
    payload = parse_json(CostModelIn)
    if not permissions.can_edit_partner_costs(g.api_user, initiative):
        raise ApiAbort(403, _("Your role does not allow this."))
    version = expected_version(payload.version)
    if payload.cost_rate_table is not None:
        table_id = db.session.scalar(
            select(CostRateTable.id).where(CostRateTable.name == payload.cost_rate_table)
        )
        if table_id is None:
            raise ApiAbort(
                422,
                _("Please correct the marked fields."),
                {"cost_rate_table": _("There is no cost-rate table of this name.")},
            )
        payload.cost_rate_table_id = table_id
    # a PUT replaces the model: what is left out takes its default (the lists empty); only
    # these stay as they are (or take the default of a new model) when absent
    as_it_is = ("discount_rate", "name", "notes", "cost_rate_table_id", "partners")
    for name in type(payload).model_fields:
        if name not in (*as_it_is, "version", "cost_rate_table"):
            setattr(payload, name, getattr(payload, name))  # given: its value or default
    model = services.primary_models([initiative_id]).get(initiative_id)
    created = model is None
    model = services.save_model(
        initiative, model, payload, actor=g.api_user, expected_version=version
    )
    db.session.commit()
    return cost_model_out(services.load_model(model.id)), 201 if created else 200


@bp.get("/initiatives/<int:initiative_id>/savings")
@operation(
    "getSavings",
    "Savings by year, npv, break-even year, savings rate, per partner",
    answers={200: Answer("The results", SavingsOut)},
    errors=(401, 404, 422),
)
def get_savings(initiative_id: int):
    """The results of the primary savings estimate: years, npv, break-even, rate, partners."""
    get_initiative(initiative_id)
    model = _primary(initiative_id)
    outcome = services.results([model])[model.id]
    if outcome.result is None:
        message = messages.here(outcome.error.text)
        raise ApiAbort(422, message, {outcome.error.field: message})
    return savings_out(outcome.result)
