"""People who use coop, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    event,
    inspect,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.enums import AuthSource, Role
from ..extensions import db
from .base import AuditedMixin, TimestampMixin, UtcDateTime, VersionedMixin, utcnow
from .body import Body, enum_column


class User(AuditedMixin, UserMixin, TimestampMixin, VersionedMixin, db.Model):
    """A person's account.

    Accounts are never deleted: the change history names who did what. Deactivating one keeps
    everything; anonymising one (coop.users.privacy.erase_user, Art. 17 DSGVO) removes its API
    tokens, saved searches, follows and reminders sent, and names it by a pseudonym."""

    __tablename__ = "users"
    __audit_exclude__ = (
        *AuditedMixin.__audit_exclude__,
        "last_login_at",
        "external_subject",  # the provider's identifier: nothing a person reads
        "seen_activity_id",  # moves on whenever the person reads their notifications
        "digest_activity_id",
        "session_epoch",  # moves with what is audited itself (password, role, active)
    )
    __audit_redact__ = ("password_hash", "calendar_token_hash")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # The language the person last chose: their pages after signing in and their e-mails.
    language: Mapped[str] = mapped_column(String(2), default="de", server_default="de")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # SHA-256 of the secret in the person's calendar feed address (shown once, when made).
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Accounts of single sign-on: where they sign in and who they are there (the provider's
    # issuer and subject, or the directory entry's DN); their role follows their groups.
    auth_source: Mapped[AuthSource] = mapped_column(
        enum_column(AuthSource, 10), default=AuthSource.LOCAL, server_default="local"
    )
    external_subject: Mapped[str | None] = mapped_column(String(500), unique=True)
    # When the account was anonymised (Art. 17 DSGVO); its history keeps a pseudonym.
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # What the person wants by e-mail: the automatic reminders (or not), and a digest of what
    # happened on what they follow: "off", "daily" or "weekly" (Mondays).
    reminders_by_mail: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    digest: Mapped[str] = mapped_column(String(10), default="off", server_default="off")
    # The last activity the person saw in coop, and the last one a digest told them of.
    seen_activity_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    digest_activity_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Every session carries the epoch it was signed in at (`get_id`); moving it on ends all the
    # account's sessions, on every instance (coop/auth/sessions.py).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    body: Mapped[Body | None] = relationship()
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", order_by="ApiToken.id")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    def audit_label(self) -> str:
        """What the change history calls an account: its e-mail address."""
        return self.email

    def get_id(self) -> str:
        """What a session carries to find its person again (Flask-Login): the id and the
        session epoch, so a session of an earlier epoch finds no one."""
        return f"{self.id}:{self.session_epoch or 0}"

    def end_sessions(self) -> None:
        """End every session of the account at the next flush (an atomic increment, so two
        instances ending them at once both count)."""
        self.session_epoch = User.session_epoch + 1

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        """Flask-Login asks this: a deactivated account cannot sign in or use its session."""
        return self.active

    def set_password(self, password: str) -> None:
        """Keep only the password's hash (scrypt; a cheap method in tests only)."""
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        """Whether `password` is the account's password (never for an account without one:
        single sign-on and anonymised accounts store "!")."""
        if not self.password_hash or self.password_hash.startswith("!"):
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        """Whether the account signs in with a password of its own."""
        return bool(self.password_hash) and not self.password_hash.startswith("!")


# What no session may outlive: a new password (own change, an administrator's reset, an
# anonymisation), another role, the account switched off or on.
SESSION_BOUND = ("password_hash", "role", "active")


@event.listens_for(User, "before_update")
def _end_sessions_on_change(_mapper, _connection, user: User) -> None:
    state = inspect(user)
    if any(state.attrs[name].history.has_changes() for name in SESSION_BOUND):
        user.end_sessions()


def session_account(value: object) -> tuple[int, int] | None:
    """The account id and session epoch of what a session carries (`User.get_id`), or None
    for anything else (a session of an older release)."""
    user_id, sep, epoch = str(value).partition(":")
    if not sep or not user_id.isdigit() or not epoch.isdigit():
        return None
    return int(user_id), int(epoch)


class EndedSession(db.Model):
    """A session that was signed out: its random id, so that a saved copy of its cookie is
    refused while the person's other sessions go on. Kept for PERMANENT_SESSION_LIFETIME,
    after which the session would be refused anyway."""

    __tablename__ = "ended_sessions"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


def password_hash_method() -> str:
    """scrypt (Werkzeug's default); the test suite configures a cheap method
    (`PASSWORD_HASH_METHOD`), since every test signs up and in several accounts."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(AuditedMixin, TimestampMixin, db.Model):
    """A bearer token of the API. Revoked, not deleted (its history stays), except with an
    anonymised account."""

    __tablename__ = "api_tokens"
    __audit_exclude__ = (*AuditedMixin.__audit_exclude__, "last_used_at")
    __audit_redact__ = ("token_hash",)
    # "Last used" to five minutes is enough: writing it on every request would turn every API
    # read into a write.
    LAST_USED_PRECISION = timedelta(minutes=5)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so people can tell their tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(16))
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")

    def audit_label(self) -> str:
        """What the change history calls a token: the start of its secret and its name."""
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    @property
    def revoked(self) -> bool:
        """The token has been revoked and no longer signs anyone in."""
        return self.revoked_at is not None

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        """A new token for `user`; returns the record and the secret, which is shown only once."""
        secret = "coop_" + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, token_hash=hash_token(secret), prefix=secret[:10])
        return token, secret

    def revoke(self) -> None:
        """Revoke the token from now on."""
        self.revoked_at = utcnow()


class LoginThrottle(db.Model):
    """Failed sign-ins of one e-mail address from one network address, and how long that pair
    must wait. The owner signing in from elsewhere is never locked out by a stranger."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("email", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locks: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class IdempotencyKey(db.Model):
    """An API `POST` sent with an `Idempotency-Key`: written in the same transaction as what
    the request creates, then completed with the answer, which a retry gets again."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class AccessLink(db.Model):
    """A single-use link that lets a person set their password: an invitation to a new account
    (valid for days) or a reset they asked for (valid for an hour). Only the SHA-256 of the
    secret in the link is stored; using it, or a newer link of the same account, ends it."""

    __tablename__ = "access_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))  # "invite" or "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()
