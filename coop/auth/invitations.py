"""Single-use links that let a person set their own password: the invitation to a new account
(an administrator or coordinator never types a password) and the reset a person asks for on
the sign-in page ("Passwort vergessen").

The link carries a random secret; only its SHA-256 is stored. A link works once, until it
expires (an invitation after INVITE_DAYS, a reset after RESET_HOURS), and only for an active
local account; a newer link of the same account ends the older ones. Setting the password ends
every session of the account (coop/models/user.py)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..core.enums import AuthSource
from ..errors import ValidationError
from ..extensions import db
from ..models import AccessLink, User, hash_token
from ..models.base import utcnow
from .services import new_password_errors

INVITE_DAYS = 7
RESET_HOURS = 1
INVITE, RESET = "invite", "reset"
# what an invited account stores until its person sets a password: nothing signs in with it
NO_PASSWORD_YET = "!invited"


def issue(user: User, purpose: str) -> str:
    """A new link's secret for `user` (flushes); earlier unused links of the account end."""
    now = utcnow()
    db.session.execute(
        update(AccessLink)
        .where(AccessLink.user_id == user.id, AccessLink.used_at.is_(None))
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(32)
    life = timedelta(days=INVITE_DAYS) if purpose == INVITE else timedelta(hours=RESET_HOURS)
    db.session.add(
        AccessLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(secret),
            created_at=now,
            expires_at=now + life,
        )
    )
    db.session.flush()
    return secret


def valid(secret: str) -> AccessLink | None:
    """The link of this secret while it works: unused, not expired, its account active and
    signing in with a password of coop's own."""
    if not secret or len(secret) > 100:
        return None
    link = db.session.scalar(select(AccessLink).where(AccessLink.token_hash == hash_token(secret)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    user = link.user
    if not user.active or user.auth_source != AuthSource.LOCAL or user.erased_at is not None:
        return None
    return link


def set_password(link: AccessLink, password: str, confirm: str) -> User:
    """Set the account's password through its link, which is used up (flushes)."""
    user = link.user
    errors = new_password_errors(user, password, confirm, ("password", "confirm"))
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    user.set_password(password)
    link.used_at = utcnow()
    db.session.flush()
    return user


def resettable(email: str) -> User | None:
    """The account a reset may be sent to: active, local, not anonymised (None otherwise; the
    page says the same either way)."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.active or user.auth_source != AuthSource.LOCAL:
        return None
    return None if user.erased_at is not None else user


def _language(user: User) -> str:
    return user.language if user.language in ("de", "en") else "de"


def send_invitation(user: User, inviter: User | None) -> None:
    """Invite `user` by e-mail to set their password (a new link; commits with the outbox)."""
    from flask_babel import force_locale

    from .. import links, mail

    secret = issue(user, INVITE)
    url = links.external_url("auth.set_password", secret=secret)
    with force_locale(_language(user)):
        who = (inviter.name or inviter.email) if inviter is not None else "coop"
        subject = _("Your account in coop")
        text = "\n".join(
            [
                _("Hello %(name)s,", name=user.name or user.email),
                "",
                _(
                    "%(who)s has made you an account in coop, the platform of the "
                    "inter-municipal cooperation. Set your password here to sign in:",
                    who=who,
                ),
                url,
                "",
                _(
                    "The link works once and for %(days)d days. If it has expired, ask for a "
                    "new one with “Forgot your password?” on the sign-in page.",
                    days=INVITE_DAYS,
                ),
                _("Your address for signing in: %(email)s", email=user.email),
            ]
        )
    mail.send_all([mail.build_message(user.email, subject, text)], sensitive=True)


def send_link(user: User, sender: User | None) -> None:
    """Send the account the link it needs: an invitation while it has no password yet, else a
    reset (an administrator's or coordinator's "send a link")."""
    if user.has_password:
        send_reset(user)
    else:
        send_invitation(user, sender)


def send_reset(user: User) -> None:
    """Send `user` a link to set a new password (commits with the outbox)."""
    from flask_babel import force_locale

    from .. import links, mail

    secret = issue(user, RESET)
    url = links.external_url("auth.set_password", secret=secret)
    with force_locale(_language(user)):
        subject = _("A new password for coop")
        text = "\n".join(
            [
                _("Hello %(name)s,", name=user.name or user.email),
                "",
                _("Someone asked for a new password for your account in coop. Set it here:"),
                url,
                "",
                _(
                    "The link works once and for %(hours)d hour. If you did not ask for it, "
                    "ignore this mail: your password stays as it is.",
                    hours=RESET_HOURS,
                ),
            ]
        )
    mail.send_all([mail.build_message(user.email, subject, text)], sensitive=True)
