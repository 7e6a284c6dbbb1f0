"""Remind a partner, now and by hand, to decide on an initiative ("Partner erinnern").

The message is proposed in German and can be edited; it goes through SMTP to the body's
contact address and its editors in coop, and is logged on the initiative: who, when, to whom.
A body is nudged about an initiative at most once a day: the row is claimed before the mail
goes out (a unique key in the database, for every app instance) and given back if sending
fails. Flushes, never commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..core import clock
from ..errors import ValidationError
from ..extensions import db
from ..i18n import fmt_date
from ..links import external_url
from ..mail import build_message, send_all
from ..models import Body, Initiative, Nudge, Role, User

MAX_MESSAGE = 5000
# A nudge goes to at most this many addresses (the partner's editors first, then the
# addresses in its contact field, which its own editor controls); the others are named.
MAX_RECIPIENTS = 5
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Draft:
    """What the form proposes: to whom, subject, message; `left_out`: further addresses
    beyond MAX_RECIPIENTS, named but not written to."""

    recipients: list[str]
    subject: str
    message: str
    left_out: list[str]


def addresses(body: Body) -> list[str]:
    """Every address a nudge to the body could go to: its active editors in coop (who did
    not opt out of reminders), then the addresses in its contact field."""
    editors = db.session.scalars(
        select(User.email)
        .where(
            User.body_id == body.id,
            User.role == Role.PARTNER_EDITOR,
            User.active.is_(True),
            User.erased_at.is_(None),
            User.reminders_by_mail.is_(True),  # who opted out of reminders is not nudged
        )
        .order_by(User.id)
    )
    found = [e.lower() for e in editors]
    for candidate in _ADDRESS.findall(body.contact or ""):
        try:
            found.append(validate_email(candidate, check_deliverability=False).normalized.lower())
        except EmailNotValidError:
            continue
    return list(dict.fromkeys(found))


def recipients(body: Body) -> list[str]:
    """The addresses a nudge to the body goes to: at most MAX_RECIPIENTS of `addresses`."""
    return addresses(body)[:MAX_RECIPIENTS]


def today_nudge(initiative: Initiative, body: Body) -> Nudge | None:
    """The nudge already sent today to this body about this initiative, if any."""
    return db.session.scalar(
        select(Nudge).where(
            Nudge.initiative_id == initiative.id,
            Nudge.body_id == body.id,
            Nudge.sent_on == clock.today(),
        )
    )


def draft(initiative: Initiative, body: Body, sender: User, next_session=None) -> Draft:
    """The proposed message, in German (the partners' language)."""
    council = body.council_name or _("your council")
    # the address people reach coop at (as in the daily reminders), not this request's host
    link = external_url("resolutions.create", initiative_id=initiative.id, body=body.id)
    lines = [
        "Guten Tag,",
        "",
        f"für das Vorhaben „{initiative.title}“ fehlt in coop noch der Beschluss "
        f"von {body.name} ({council}).",
    ]
    if next_session:
        lines.append(f"Nach unserem Stand berät das Gremium am {fmt_date(next_session)} darüber.")
    lines += [
        "Bitte tragen Sie den Beschluss ein, sobald er gefasst ist, oder teilen Sie uns den "
        "Sitzungstermin mit:",
        link,
        "",
        "Mit freundlichen Grüßen",
        sender.name or sender.email,
    ]
    if sender.body is not None:
        lines.append(sender.body.name)
    every = addresses(body)
    return Draft(
        recipients=every[:MAX_RECIPIENTS],
        left_out=every[MAX_RECIPIENTS:],
        subject=f"coop: Beschluss von {body.name} zu „{initiative.title}“",
        message="\n".join(lines),
    )


def claim(
    initiative: Initiative,
    body: Body,
    *,
    sender: User,
    subject: str,
    message: str,
    by_hand: bool = False,
) -> Nudge:
    """Check and log the nudge (flushes); ValidationError (by field) when it cannot go. The
    caller commits the claim before `deliver` sends it, so that of several people pressing
    the button at once one sends and the others are told it went (the unique key of a body's
    nudge a day refuses their claims). `by_hand`: the sender wrote to the partner themselves
    (the body has no address in coop); logged without recipients, nothing is sent."""
    subject = " ".join((subject or "").split())
    message = (message or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Please enter a subject.")
    elif len(subject) > 300:
        errors["subject"] = _("At most %(n)d characters.", n=300)
    if not message:
        errors["message"] = _("Please enter a message.")
    elif len(message) > MAX_MESSAGE:
        errors["message"] = _("At most %(n)d characters.", n=MAX_MESSAGE)
    to = [] if by_hand else recipients(body)
    if not to and not by_hand:
        errors["recipients"] = _(
            "%(name)s has no e-mail address in coop: enter one as the body's contact or "
            "give the body a partner editor.",
            name=body.name,
        )
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    earlier = today_nudge(initiative, body)
    if earlier is not None:
        raise ValidationError(_already(earlier), {"recipients": _already(earlier)})
    nudge = Nudge(
        initiative_id=initiative.id,
        body_id=body.id,
        sender_id=sender.id,
        sender_name=sender.name or sender.email,
        sent_on=clock.today(),
        recipients=to,
        subject=subject,
        message=message,
    )
    db.session.add(nudge)
    try:
        with db.session.begin_nested():  # claimed before the mail goes out
            db.session.flush()
    except IntegrityError:
        if nudge in db.session:
            db.session.expunge(nudge)
        earlier = today_nudge(initiative, body)
        raise already(initiative, body) from None
    return nudge


def already(initiative: Initiative, body: Body) -> ValidationError:
    """The error of a nudge that someone else sent (or is sending) today."""
    earlier = today_nudge(initiative, body)
    text = _already(earlier) if earlier else _("This partner has been reminded today already.")
    return ValidationError(text, {"recipients": text})


def deliver(nudge: Nudge, sender: User) -> None:
    """Send a claimed nudge; raises when the mail server refuses it (the caller then gives
    the claim back with `release`)."""
    mail = build_message(", ".join(nudge.recipients), nudge.subject, nudge.message)
    if sender.email and "@" in sender.email:
        mail["Reply-To"] = sender.email
    del mail["Auto-Submitted"]  # a person wrote it; an answer is welcome
    send_all([mail])


def release(nudge_id: int) -> None:
    """Give back the claim of a nudge that could not be sent (flushes)."""
    nudge = db.session.get(Nudge, nudge_id)
    if nudge is not None:
        db.session.delete(nudge)
        db.session.flush()


def _already(nudge: Nudge) -> str:
    from ..i18n import fmt_datetime

    return _(
        "This partner was reminded today already (%(time)s by %(name)s); once a day is enough.",
        time=fmt_datetime(nudge.sent_at),
        name=nudge.sender_name,
    )


def log(initiative_id: int, limit: int = 20) -> list[Nudge]:
    """The latest nudges of an initiative, newest first."""
    return list(
        db.session.scalars(
            select(Nudge)
            .where(Nudge.initiative_id == initiative_id)
            .options(joinedload(Nudge.body))
            .order_by(Nudge.sent_at.desc(), Nudge.id.desc())
            .limit(limit)
        )
    )


def mailto(subject: str, message: str, to: str = "") -> str:
    """A `mailto:` address that opens the person's own mail program with the text."""
    from urllib.parse import quote

    return f"mailto:{quote(to)}?subject={quote(subject)}&body={quote(message)}"
