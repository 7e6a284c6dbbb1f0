"""Sessions of signed-in people: what a session records at sign-in, and what every request
checks before the session counts.

Flask keeps the session in a signed cookie in the browser. Whoever saved a copy of it could
use it again, for as long as nothing on the server says otherwise; what says otherwise:

- the account's session epoch (`users.session_epoch`), which the session carries in its
  user id (`User.get_id`: "<id>:<epoch>", so Flask-Login's remember cookie would carry it
  too). It moves on a new password (own change or an administrator's), another role, the
  account switched off, and "Sign out on all devices": every session of the account ends,
  on every instance, because all of them read the account from the one database.
- the sessions signed out one by one (`ended_sessions`): signing out records the session's
  random id, so a saved copy of that session is refused while the person's other sessions
  (another device) go on.
- the session's own times: signed in longer ago than PERMANENT_SESSION_LIFETIME, or unused
  for longer than SESSION_IDLE_MINUTES (the last use is written at most once a minute, so
  that the page cache, which keeps only answers that left the session alone, still works).
- how it was signed in ("password", "oidc", "ldap"): a session of a local password ends when
  LOCAL_LOGIN is switched off.
- where from: the address and browser it was signed in from. The address is
  `request.remote_addr`, which X-Forwarded-For sets only through the trusted proxies
  (TRUSTED_PROXIES, ProxyFix); Flask-Login's own identifier reads X-Forwarded-For from any
  client, so a replay could name the victim's address.

A session failing any check is emptied (only the chosen language stays) and the person is
asked to sign in again. coop issues no remember cookies: a session has to carry what sign-in
records, so one restored from such a cookie is refused as well.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from flask import current_app, g, request, session
from flask_babel import gettext as _
from flask_login import login_user
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Body, User
from ..models.user import EndedSession, session_account

METHODS = ("password", "oidc", "ldap")
# The last use is written to the session at most this often (seconds).
SEEN_PRECISION = 60
# What sign-in puts into the session besides Flask-Login's keys.
KEYS = ("_sid", "_auth", "_since", "_seen")


def identifier() -> str:
    """What binds a session to where it was signed in: the client's address as the trusted
    proxies report it (never a header the client sets itself) and its browser."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()


def start(user: User, method: str) -> None:
    """Sign `user` in with a new session (`method`: how they proved who they are)."""
    login_user(user)
    now = int(time.time())
    session.permanent = True  # PERMANENT_SESSION_LIFETIME applies
    session["_sid"] = secrets.token_urlsafe(24)
    session["_auth"] = method
    session["_since"] = now
    session["_seen"] = now


def keep(user: User) -> None:
    """Keep this session after the account's epoch moved on its own doing (own new password):
    the other sessions end, this one carries the new epoch."""
    if session.get("_user_id") is not None:
        session["_user_id"] = user.get_id()


def _number(key: str) -> float | None:
    value = session.get(key)
    return float(value) if isinstance(value, int | float) else None


def problem(now: float | None = None) -> str | None:
    """Why the signed-in session of this request may not be used, as far as the cookie tells
    (no database), or None."""
    now = time.time() if now is None else now
    since, seen, method = _number("_since"), _number("_seen"), session.get("_auth")
    if not session.get("_sid") or since is None or seen is None or method not in METHODS:
        return "unknown"  # not made by sign-in: an older release's, a remember cookie's
    if method == "password" and not current_app.config["LOCAL_LOGIN"]:
        return "local_login_off"
    if now - since > current_app.permanent_session_lifetime.total_seconds():
        return "lifetime"
    if now - seen > float(current_app.config["SESSION_IDLE_MINUTES"]) * 60:
        return "idle"
    if session.get("_id") != identifier():
        return "elsewhere"
    return None


def for_cache() -> tuple[str, str, str] | bool | None:
    """The session as the page cache sees it, before the account is read: None when nobody is
    signed in, False when the session fails a check the cookie allows, else the account's
    session value, who reads (this session and its form token) and the session id. The cache
    then compares the epoch and the ended sessions itself, in its one query, and calls `seen`
    when it answers."""
    value = session.get("_user_id")
    if value is None:
        return None
    if problem() is not None:
        return False
    sid = session["_sid"]
    return value, f"user:{value}:{sid}:{session.get('csrf_token', '')}", sid


def seen() -> None:
    """Note the session's last use (at most once a SEEN_PRECISION): the answer then carries
    the renewed cookie, whether the view ran or the page cache answered."""
    now = int(time.time())
    if now - (_number("_seen") or 0) >= SEEN_PRECISION:
        session["_seen"] = now


def load_user(value: str) -> User | None:
    """Flask-Login's user loader: the account of a session that passes every check, with its
    body and district (the menu, start page and permission checks read them); else None,
    and the session is emptied."""
    account = session_account(value)
    reason = "unknown" if account is None else problem()
    user = None
    if reason is None:
        ended = exists().where(EndedSession.sid == session["_sid"])
        row = db.session.execute(
            select(User, ended)
            .where(User.id == account[0])
            .options(joinedload(User.body).joinedload(Body.district))
        ).first()
        if row is None or row[1] or row[0].session_epoch != account[1]:
            reason = "ended"
        else:
            user = row[0]
    if reason is not None:
        current_app.logger.info("session refused (%s): %s", reason, value)
        forget()
        g.coop_session_ended = True
        return None
    seen()
    return user


def forget() -> None:
    """Empty the session but for the chosen language (a sign-out, a refused session)."""
    language = session.get("lang")
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    session.clear()
    if language:
        session["lang"] = language
    if remember in request.cookies:
        session["_remember"] = "clear"  # Flask-Login deletes the cookie


def sign_in_message(message) -> str:
    """Flask-Login's message on the way to the sign-in page: why, if a session just ended."""
    if g.get("coop_session_ended"):
        return _("Your session has ended. Please sign in again.")
    return str(message)
