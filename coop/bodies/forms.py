"""The body form. Types and rules are checked in the service, so the form and the API
give the same messages; the form only renders fields and carries the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField

from ..commands import text_input
from ..core.attributes import BODY_ATTRIBUTES
from ..labels import BODY_FIELD_LABELS as L
from ..labels import BODY_KIND_LABELS
from ..models import STATES
from .schemas import BodyCreate


class BodyForm(FlaskForm):
    name = StringField(
        L["name"], render_kw=text_input(BodyCreate, "name", autocomplete="organization")
    )
    kind = SelectField(L["kind"], choices=[], validate_choice=False)
    kind_detail = StringField(
        L["kind_detail"],
        description=_l("e.g. Samtgemeinde, Kreis, Stadt"),
        render_kw=text_input(BodyCreate, "kind_detail"),
    )
    ags = StringField(
        L["ags"],
        description=_l("8 digits, e.g. 05762020"),
        render_kw={"inputmode": "numeric", "maxlength": 8, "autocomplete": "off"},
    )
    ars = StringField(
        L["ars"],
        description=_l("12 digits, e.g. 057620020020"),
        render_kw={"inputmode": "numeric", "maxlength": 12, "autocomplete": "off"},
    )
    population = StringField(L["population"], render_kw={"inputmode": "numeric"})
    parent_id = SelectField(L["parent_id"], choices=[], validate_choice=False)
    state = SelectField(L["state"], choices=[], validate_choice=False)
    council_name = StringField(
        L["council_name"], description=_l("e.g. Kreistag, Rat der Stadt Brakel")
    )
    website = StringField(L["website"], render_kw={"inputmode": "url", "autocomplete": "url"})
    contact = TextAreaField(L["contact"], render_kw={"rows": 3})
    oparl_url = StringField(
        L["oparl_url"],
        description=_l(
            "The System or Body URL of its OParl interface, e.g. https://ris.example/oparl/v1/system"
        ),
        render_kw=text_input(BodyCreate, "oparl_url", type="url"),
    )
    attributes = SelectMultipleField(L["attributes"], choices=[], validate_choice=False)
    version = HiddenField()

    def set_choices(self, parents) -> None:
        """Fill the selects: kinds, federal states and the possible parent bodies."""
        self.kind.choices = [("", _l("– please choose –"))] + [
            (k.value, v) for k, v in BODY_KIND_LABELS.items()
        ]
        self.parent_id.choices = [("", _l("– none –"))] + [
            (str(p.id), f"{p.name} ({p.ags or p.ars or '–'})") for p in parents
        ]
        self.state.choices = [("", _l("– from the AGS –"))] + list(STATES.items())
        self.attributes.choices = [(code, label) for code, (label, _s) in BODY_ATTRIBUTES.items()]

    def values(self, allowed: frozenset[str]) -> dict:
        """The posted values of the fields the user may change."""
        return {name: self[name].data for name in allowed if name in self}
