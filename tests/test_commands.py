"""Forms bind to the command models: values typed the way forms write them, rows bound to their
row models, what cannot be read named by field; the services take the bound command."""

from datetime import date
from decimal import Decimal

from coop.commands import bind, max_length, text_input, values_of
from coop.funding.schemas import GrantCreate
from coop.initiatives.schemas import InitiativeCreate, InitiativeUpdate
from coop.models import Phase


def _bind(app, model, values):
    with app.test_request_context():
        return bind(model, values)


GRANT_FORM = {
    "initiative_id": "12",
    "program_id": "3",
    "amount_requested": "490.000,00",
    "application_date": "29.04.2022",
    "status": "applied",
    "tranches": [{"date": "2022-09-01", "amount": "45.000", "state": "planned"}],
    "csrf_token": "not part of the command",
}
UNREADABLE = {
    "title": "  Gemeinsame E-Akte ",
    "phase": "sometime",
    "start_date": "31.02.2025",
    "participants": [{"body_id": "x", "role": "partner"}],
}


def test_a_form_binds_german_numbers_dates_codes_and_rows(app):
    command, errors = _bind(app, GrantCreate, GRANT_FORM)
    assert errors == {}
    data = values_of(command)
    assert data["initiative_id"] == 12 and data["amount_requested"] == Decimal("490000.00")
    assert data["application_date"] == date(2022, 4, 29) and "csrf_token" not in data
    assert data["tranches"][0]["amount"] == Decimal("45000")


def test_what_a_form_cannot_read_is_named_and_the_rest_is_a_command(app):
    command, errors = _bind(app, InitiativeUpdate, UNREADABLE)
    assert set(errors) == {"phase", "start_date", "participants.0.body_id"}
    assert errors["phase"] == "Bitte einen Wert aus der Liste wählen."
    assert errors["start_date"] == "Bitte ein gültiges Datum eingeben, z. B. 23.02.2022."
    # what could be read, for the service to name what else is wrong
    assert values_of(command, leave_out=("version",)) == {"title": "Gemeinsame E-Akte"}


def test_limits_are_read_from_the_model():
    assert max_length(InitiativeCreate, "title") == 300
    attributes = text_input(InitiativeCreate, "title", autocomplete="off")
    assert {k: str(x) for k, x in attributes.items()} == {"maxlength": "300", "autocomplete": "off"}
    assert Phase.IDEA in Phase  # the models speak the enums of the core
