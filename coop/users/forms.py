"""The account form for administrators and coordinators."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired

from ..commands import text_input
from ..labels import ROLE_LABELS
from .schemas import UserChange


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), render_kw={"autocomplete": "off"})
    name = StringField(_l("Name"), render_kw=text_input(UserChange, "name", autocomplete="off"))
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    body_id = SelectField(
        _l("Body"),
        choices=[],
        validate_choice=False,
        description=_l("Coordinators: their district. Partner editors: their body."),
    )
    active = BooleanField(_l("Account active"), default=True)
    version = HiddenField()

    def set_choices(self, roles, bodies) -> None:
        """Fill the selects: the roles and bodies the manager may give."""
        self.role.choices = [(r.value, ROLE_LABELS[r]) for r in roles]
        self.body_id.choices = [("", _l("– none –"))] + [
            (str(b.id), f"{b.name} ({b.ags or b.ars or '–'})") for b in bodies
        ]


class EraseForm(FlaskForm):
    """Confirm that an account is to be anonymised."""

    confirm = BooleanField(
        _l("I have checked that this person's data may be erased (no retention duty applies)."),
        validators=[DataRequired(_l("Please confirm."))],
    )
