"""The form that keeps a search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField


class SaveSearchForm(FlaskForm):
    name = StringField(
        _l("Name of the search"),
        description=_l("You receive an e-mail when a new paper matches."),
        render_kw={"maxlength": 200, "autocomplete": "off"},
    )
    q = HiddenField()
    body_id = HiddenField()
    kind = HiddenField()
    initiative_id = HiddenField()
    propose = BooleanField(_l("Propose new papers to the initiative"))
