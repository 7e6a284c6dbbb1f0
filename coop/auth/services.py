"""Authentication workflows: password sign-in with lockout, API token lookup."""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from ..errors import ValidationError
from ..extensions import db
from ..models import ApiToken, IdempotencyKey, LoginThrottle, User, hash_token
from ..models.base import utcnow
from ..models.user import EndedSession, password_hash_method
from . import external
from .directory import DirectoryUnavailable
from .external import ExternalIdentity
from .mapping import GroupRule

MIN_PASSWORD_LENGTH = 12


class LoginResult:
    """Outcome of a sign-in attempt: the user and how they proved who they are (`password`,
    `ldap`), or why not (`invalid`, `locked`, `unavailable`)."""

    def __init__(
        self, user: User | None = None, reason: str | None = None, until=None, method=None
    ):
        self.user, self.reason, self.until, self.method = user, reason, until, method


def find_user_by_email(email: str) -> User | None:
    """The account of an e-mail address, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


MAX_LOCK = timedelta(hours=24)


@functools.cache
def _hash_of_nothing(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def _dummy_hash() -> str:
    """A hash of the configured method, to check a password against when the e-mail is
    unknown (as long as a real check)."""
    return _hash_of_nothing(password_hash_method())


def authenticate(
    email: str,
    password: str,
    *,
    address: str,
    max_failures: int,
    lockout_minutes: int,
    directory: Callable[[str, str], ExternalIdentity | None] | None = None,
    rules: list[GroupRule] | None = None,
    local: bool = True,
    link_admins: bool = False,
) -> LoginResult:
    """Check a password: against the directory first where one is configured (`directory`
    checks it and says who the person is; `rules` give the role), then against the account's
    own password where local passwords are on. After `max_failures` wrong ones for one login
    from one network address, that pair waits `lockout_minutes`, twice as long at each further
    lock (at most a day). The same account from another address is not affected, so a stranger
    cannot keep the owner out; the counters live in the database, for every app instance.

    Raises SignInRefused when the directory knows the person but coop may not let them in
    (`link_admins`: see `external.sign_in`);
    a directory that cannot be reached leaves the local passwords (the administrators' way in)
    and then says so (reason `unavailable`).
    """
    key = {"email": email.strip().lower()[:254], "address": (address or "unknown")[:64]}
    now = utcnow()
    throttle = db.session.scalar(select(LoginThrottle).filter_by(**key))
    if throttle is not None and throttle.locked_until and throttle.locked_until > now:
        return LoginResult(reason="locked", until=throttle.locked_until)
    unavailable = False
    if directory is not None:
        try:
            identity = directory(email, password)
        except DirectoryUnavailable:
            identity, unavailable = None, True
        if identity is not None:
            user = external.sign_in(identity, rules or [], link_admins=link_admins)
            db.session.execute(delete(LoginThrottle).filter_by(**key))
            return LoginResult(user=user, method="ldap")
    user = find_user_by_email(email) if local else None
    if user is None:
        # Spend the same time as a real check, so timing does not reveal which emails exist.
        User(password_hash=_dummy_hash()).check_password(password)
    elif user.active and user.check_password(password):
        db.session.execute(delete(LoginThrottle).filter_by(**key))
        user.last_login_at = now
        db.session.flush()
        return LoginResult(user=user, method="password")
    result = _failed(key, now, max_failures, timedelta(minutes=lockout_minutes))
    if unavailable and result.reason == "invalid":
        result.reason = "unavailable"
    return result


def _failed(key: dict, now, max_failures: int, lockout: timedelta) -> LoginResult:
    """Count a failure in one statement (concurrent ones on other instances add up)."""
    table = LoginThrottle.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(**key, failures=1, locks=0, last_failure_at=now)
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.email, table.c.address],
            set_={"failures": table.c.failures + 1, "last_failure_at": now},
        )
    )
    throttle = db.session.scalar(
        select(LoginThrottle).filter_by(**key).execution_options(populate_existing=True)
    )
    if throttle.failures < max_failures:
        return LoginResult(reason="invalid")
    throttle.locks += 1
    throttle.failures = 0
    throttle.locked_until = now + min(lockout * 2 ** (throttle.locks - 1), MAX_LOCK)
    db.session.flush()
    return LoginResult(reason="locked", until=throttle.locked_until)


def forget_old_throttles(days: int = 2) -> int:
    """Remove the failure counts of pairs that failed last more than `days` ago and are not
    locked; how many went."""
    now = utcnow()
    result = db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - timedelta(days=days),
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
        )
    )
    return result.rowcount or 0


def forget_old_idempotency_keys(hours: int = 24) -> int:
    """API retries are safe for a day; older keys go. How many went."""
    result = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - timedelta(hours=hours))
    )
    return result.rowcount or 0


def end_session(sid: str | None, *, keep_for: timedelta) -> None:
    """Record a signed-out session (its random id), so a saved copy of its cookie is refused
    on every instance; records older than `keep_for` (the sessions' lifetime, after which
    the session is refused anyway) go. Plain statements: nobody reads this data, so it must
    not move the data generation of the page cache."""
    table = EndedSession.__table__
    now = utcnow()
    db.session.execute(delete(table).where(table.c.ended_at < now - keep_for))
    if not sid:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(table).values(sid=sid, ended_at=now).on_conflict_do_nothing())


def end_all_sessions(user: User) -> None:
    """End every session of `user`, on every device and instance (the session epoch moves)."""
    user.end_sessions()
    db.session.flush()


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
    if token.last_used_at is None or now - token.last_used_at > ApiToken.LAST_USED_PRECISION:
        token.last_used_at = now
    return token.user


def password_problem(
    password: str | None, email: str | None = None, name: str | None = None
) -> str | None:
    """Why a new password is not acceptable, or None: at least MIN_PASSWORD_LENGTH characters,
    not the e-mail address or built from it, and not easy to guess. zxcvbn judges the last: it
    knows common passwords, words, names, keyboard rows, repetitions and dates; we ask for at
    least "safely unguessable" (score 3, some 10⁸ guesses), counting the person's own e-mail
    address and name as known words."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return _("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    email = (email or "").strip().lower()
    mine = [v for v in (email, email.split("@")[0], (name or "").strip().lower()) if len(v) >= 4]
    if any(v in password.lower() for v in mine):
        return _("The password must not contain your e-mail address or name.")
    from zxcvbn import zxcvbn

    words = mine + [part for part in re.split(r"[@._+-]", email) if len(part) >= 3]
    if zxcvbn(password[:100], user_inputs=words)["score"] < 3:
        return _(
            "This password is too easy to guess (a common password, a word, a keyboard row or "
            "a repetition). Take several unrelated words or a password manager's suggestion."
        )
    return None


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """A user changes their own password after proving the current one (the account's
    sessions end with it: the view keeps the one that made the change)."""
    errors = {}
    if not user.check_password(current or ""):
        errors["current_password"] = _("The current password is not correct.")
    errors |= new_password_errors(user, new, confirm, ("new_password", "confirm_password"))
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    user.set_password(new)
    db.session.flush()


def new_password_errors(user: User, new: str, confirm: str, fields: tuple[str, str]) -> dict:
    """Why a new password (typed twice) cannot be the account's, by field; empty when it can."""
    problem = password_problem(new, user.email, user.name)
    if problem:
        return {fields[0]: problem}
    if new != confirm:
        return {fields[1]: _("The two new passwords differ.")}
    return {}


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for `user`; the secret is returned once and stored only hashed."""
    if len(name) > 100:
        raise ValidationError(
            _("Please correct the marked fields."), {"name": _("At most %(n)d characters.", n=100)}
        )
    token, secret = ApiToken.issue(user, name.strip())
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    """Revoke an API token; a revoked token stays listed with its date."""
    if not token.revoked:
        token.revoke()
        db.session.flush()
