"""The form of a nudge (subject and message, proposed and editable), and each person's choice
of e-mails."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice


class NudgeForm(FlaskForm):
    subject = StringField(_l("Subject"), render_kw={"maxlength": 300})
    message = TextAreaField(
        _l("Message"),
        description=_l("Proposed by coop; change it as you like. At most 5,000 characters."),
        render_kw={"rows": 12, "maxlength": 5000},
    )


class PreferencesForm(FlaskForm):
    digest = RadioField(
        _l("E-mail digest of your notifications"),
        choices=[
            SelectChoice("off", _l("No digest")),
            SelectChoice("daily", _l("Daily")),
            SelectChoice("weekly", _l("Weekly, on Mondays")),
        ],
        default="off",
    )
    reminders_by_mail = BooleanField(
        _l("Reminders of deadlines, sessions and tasks by e-mail"),
        description=_l("Without them you find what is due on your start page."),
    )
