"""Accounts from single sign-on (OpenID Connect, LDAP / Active Directory).

The provider or the directory says who the person is and which groups they are in; the
operator's rules (`mapping`) turn the groups into a role and a body. The first sign-in creates
the account, every later one brings its role, body and name up to date. Flushes, never commits.

An account that exists in coop with the person's e-mail address (made by an administrator
before single sign-on) becomes the person's at their first sign-in: its role and body follow
the groups from then on, and its own password goes, so that the provider or directory alone
decides who gets in (the new password hash also ends the account's earlier sessions). An
administrator's account is never taken over this way unless the operator allows it
(SSO_LINK_EXISTING_ADMINS): whoever controls that address at the provider would otherwise
get, or take away, coop's highest role.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.enums import AuthSource, Role
from ..extensions import db
from ..models import Body, User
from ..models.base import utcnow
from .mapping import GroupRule, match_rule

# Accounts of single sign-on have no password of their own; "!" never matches one.
NO_PASSWORD = "!sso"
ROLES_NEEDING_BODY = (Role.COORDINATOR, Role.PARTNER_EDITOR)


@dataclass
class ExternalIdentity:
    """Who the provider or the directory says the person is."""

    source: AuthSource
    subject: str  # "issuer|sub" for OIDC, the entry's DN for LDAP
    email: str | None
    name: str = ""
    groups: list[str] = field(default_factory=list)
    ags: str | None = None  # the body, where the provider carries it


class SignInRefused(Exception):
    """Sign-in through the provider is refused; `reason` is for the log, `message` for people."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason, self.message = reason, message


def _body(ags: str | None) -> Body | None:
    if not ags:
        return None
    ags = ags.strip()
    if len(ags) == 5 and ags.isdigit():
        ags += "000"
    return db.session.scalar(select(Body).where(Body.ags == ags))


def sign_in(
    identity: ExternalIdentity, rules: list[GroupRule], *, link_admins: bool = False
) -> User:
    """The account of `identity`, created or brought up to date; refuses (SignInRefused) a
    person in no mapped group, a body that coop does not know, an account switched off, and
    an administrator's own account with the same e-mail address (unless `link_admins`)."""
    rule = match_rule(rules, identity.groups)
    if rule is None:
        raise SignInRefused(
            "no_mapped_group",
            _(
                "Your account is in none of the groups that give access to coop. "
                "Ask your administrator to add you to one."
            ),
        )
    ags = rule.ags or identity.ags
    body = _body(ags)
    if ags and body is None:
        raise SignInRefused(
            "unknown_body",
            _("The body of your account (AGS %(ags)s) is not registered in coop.", ags=ags),
        )
    if rule.role in ROLES_NEEDING_BODY and body is None:
        raise SignInRefused(
            "role_without_body",
            _("Your group gives a role bound to a body, but names none. Ask your administrator."),
        )
    if rule.role == Role.COORDINATOR and body.id != body.district_id:
        raise SignInRefused(
            "coordinator_not_district",
            _("A coordinator is bound to a district (or a kreisfreie Stadt)."),
        )
    email = None
    if identity.email:
        try:
            email = validate_email(identity.email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            email = None
    user = db.session.scalar(select(User).where(User.external_subject == identity.subject))
    if user is None and email:
        # The operator's own directory or provider vouches for the address: an account that
        # exists with it (made by an admin before single sign-on) becomes this person's.
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.external_subject not in (None, identity.subject):
            raise SignInRefused(
                "email_taken",
                _("Another account of single sign-on already uses your e-mail address."),
            )
        if user is not None and user.role == Role.ADMIN and not link_admins:
            raise SignInRefused(
                "existing_admin",
                _(
                    "An administrator's account with your e-mail address already exists in "
                    "coop. It is not linked to single sign-on automatically: please ask an "
                    "administrator."
                ),
            )
    if user is None:
        if email is None:
            raise SignInRefused(
                "no_email", _("Your account has no valid e-mail address; coop needs one.")
            )
        user = User(email=email, password_hash=NO_PASSWORD, language="de")
        db.session.add(user)
    elif not user.active:
        raise SignInRefused("inactive", _("Your account in coop is switched off."))
    if user.external_subject is None:
        user.password_hash = NO_PASSWORD  # linked: from now on the provider or directory decides
    user.auth_source = identity.source
    user.external_subject = identity.subject
    user.role = rule.role
    user.body_id = body.id if body else None
    if identity.name:
        user.name = identity.name[:200]
    if email and email != user.email:
        clash = db.session.scalar(
            select(User.id).where(func.lower(User.email) == email, User.id != user.id)
        )
        if not clash and user.id is not None:
            user.email = email
    user.last_login_at = utcnow()
    db.session.flush()
    return user
