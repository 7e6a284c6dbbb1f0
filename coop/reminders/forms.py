"""The form of a nudge: subject and message, proposed and editable."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField


class NudgeForm(FlaskForm):
    subject = StringField(_l("Subject"), render_kw={"maxlength": 300})
    message = TextAreaField(
        _l("Message"),
        description=_l("Proposed by coop; change it as you like. At most 5,000 characters."),
        render_kw={"rows": 12, "maxlength": 5000},
    )
