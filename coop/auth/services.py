"""Authentication workflows: password sign-in with lockout, API token lookup."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ApiToken, User, hash_token
from ..models.base import utcnow

MIN_PASSWORD_LENGTH = 10


class LoginResult:
    """Outcome of a sign-in attempt: the user, or why not (`invalid`, `locked`)."""

    def __init__(self, user: User | None = None, reason: str | None = None, until=None):
        self.user, self.reason, self.until = user, reason, until


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(
    email: str, password: str, *, max_failures: int, lockout_minutes: int
) -> LoginResult:
    """Check a password; after `max_failures` wrong ones the account is locked for a while.

    The failure counter lives in the database, so the lockout holds across app instances.
    A locked account is refused even with the right password until the time has passed.
    """
    user = find_user_by_email(email)
    now = utcnow()
    if user is None:
        # Spend the same time as a real check, so timing does not reveal which emails exist.
        User(password_hash="scrypt:32768:8:1$x$0").check_password(password)
        return LoginResult(reason="invalid")
    locked_until = user.locked_until
    if locked_until and locked_until > now:
        return LoginResult(reason="locked", until=locked_until)
    if not user.active or not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lockout_minutes)
            user.failed_logins = 0
            db.session.flush()
            return LoginResult(reason="locked", until=user.locked_until)
        db.session.flush()
        return LoginResult(reason="invalid")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return LoginResult(user=user)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/bodies?page=2"), else None.

    Refuses absolute URLs, scheme-relative "//host" and backslash tricks ("/\\host").
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(c in target for c in "\r\n\t"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


LAST_USED_PRECISION = timedelta(minutes=5)


def user_for_token(secret: str) -> User | None:
    """The active user a valid, unrevoked API token belongs to."""
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(secret))
        .options(joinedload(ApiToken.user))
    )
    if token is None or token.revoked or not token.user.active:
        return None
    now = utcnow()
    # "last used" to the minute is enough; writing it on every request would make every read
    # a write (a commit per API call)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
    return token.user
