"""The pages every German public website must have, filled from the operator's settings:
Impressum (§ 5 DDG, § 18 MStV), Datenschutzerklärung (Art. 13 DSGVO), Erklärung zur
Barrierefreiheit (§ 12b BGG, BITV 2.0) with its feedback form, and the licences of what coop
serves. Legal texts are whole documents per language, not sentence by sentence."""

from __future__ import annotations

import smtplib
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from .. import links

bp = Blueprint("legal", __name__)


class FeedbackForm(FlaskForm):
    """A barrier on a page, told to the operator (§ 12b Abs. 2 Nr. 2 BGG)."""

    failure: str | None = None  # what went wrong on our side, if anything

    message = TextAreaField(
        _l("What did not work for you?"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Describe the barrier and what you wanted to do. At most 5,000 characters."),
    )
    page = StringField(
        _l("On which page?"),
        validators=[Optional(), Length(max=500)],
        description=_l("The page's address or its title."),
    )
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    email = EmailField(
        _l("Your e-mail address for our answer"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "de"


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _context() -> dict:
    config = current_app.config
    return {
        "operator": {
            key.lower(): config.get(f"OPERATOR_{key}") or ""
            for key in (
                "NAME",
                "ADDRESS",
                "REPRESENTATIVE",
                "EMAIL",
                "PHONE",
                "SUPERVISORY_AUTHORITY",
                "VAT_ID",
            )
        },
        "dpo": config.get("DATA_PROTECTION_OFFICER") or "",
        "dpa": config.get("DATA_PROTECTION_AUTHORITY") or "",
        "audit_days": int(config.get("AUDIT_RETENTION_DAYS") or 0),
        "statement_date": _date(config.get("ACCESSIBILITY_STATEMENT_DATE")),
        "evaluated_on": _date(config.get("ACCESSIBILITY_EVALUATED_ON")),
        "arbitration_name": config.get("ACCESSIBILITY_ARBITRATION_NAME"),
        "arbitration_url": config.get("ACCESSIBILITY_ARBITRATION_URL"),
        "contact_email": config.get("ACCESSIBILITY_CONTACT_EMAIL") or config.get("OPERATOR_EMAIL"),
        "public_url": links.base(),
        "sso": bool(config.get("OIDC_ISSUER") or config.get("LDAP_URL")),
    }


@bp.route("/impressum")
def imprint():
    """Impressum: who runs this coop."""
    return render_template(f"legal/imprint.{_language()}.html", **_context())


@bp.route("/datenschutz")
def privacy():
    """Datenschutzerklärung: what coop stores about whom, why, and for how long."""
    return render_template(f"legal/privacy.{_language()}.html", **_context())


@bp.route("/barrierefreiheit", methods=["GET", "POST"])
def accessibility():
    """Erklärung zur Barrierefreiheit, with the form that reports a barrier by e-mail."""
    form = FeedbackForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            status = _submit(form)
            if status == 302:
                flash(_("Thank you. Your message has been sent to the operator."), "success")
                return redirect(url_for("legal.accessibility") + "#feedback")
    return render_template(
        f"legal/accessibility.{_language()}.html", form=form, **_context()
    ), status


def _submit(form: FeedbackForm) -> int:
    """Send a checked message within the limits: 302 when it went, else the status of the
    page that says why (429: too many, 502: the mail server did not take it), as a failure
    on our side, not as a problem of the input."""
    email = _context()["contact_email"]
    if not _within_limits():
        form.failure = _(
            "Many messages have been sent from here in the last hour. Please try again "
            "later or write to %(email)s.",
            email=email,
        )
        return 429
    if not _send_feedback(form):
        form.failure = _(
            "Your message could not be sent just now: the mail server did not accept it. "
            "Please write to %(email)s.",
            email=email,
        )
        return 502
    return 302


def _within_limits() -> bool:
    """Count this message against the limit of its address and, within that, against the
    overall one (committed, a refused message too); False when one is exceeded. One address
    beyond its own limit does not use up everyone's."""
    from datetime import timedelta

    from .. import ratelimit
    from ..extensions import db

    config = current_app.config
    hour = timedelta(hours=1)
    allowed = ratelimit.hit(
        f"feedback:{request.remote_addr}", config["FEEDBACK_PER_HOUR"], hour
    ) and ratelimit.hit("feedback", config["FEEDBACK_ALL_PER_HOUR"], hour)
    db.session.commit()
    return allowed


def _send_feedback(form: FeedbackForm) -> bool:
    from ..mail import build_message, send_all

    context = _context()
    lines = [
        "Rückmeldung zur Barrierefreiheit über das Formular von coop",
        "",
        f"Seite: {form.page.data or '(nicht angegeben)'}",
        f"Name: {form.name.data or '(nicht angegeben)'}",
        f"E-Mail: {form.email.data or '(nicht angegeben)'}",
        "",
        form.message.data,
    ]
    message = build_message(
        context["contact_email"], "coop: Rückmeldung zur Barrierefreiheit", "\n".join(lines)
    )
    if form.email.data:
        message["Reply-To"] = form.email.data
    del message["Auto-Submitted"]  # a person wrote this; an answer is wanted
    try:
        send_all([message])
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.error("accessibility feedback not sent: %r", exc)
        return False
    current_app.logger.info("accessibility feedback sent to the operator")
    return True


@bp.route("/lizenzen")
def licences():
    """The licences of coop and of what it serves (KERN UX, Plotly, fonts, reference data)."""
    return render_template("legal/licences.html")
