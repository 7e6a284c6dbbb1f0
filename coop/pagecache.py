"""Whole answers of read-only pages and API reads, kept in each process for one generation of
the data (see coop/cache.py) and one day.

A request to a view marked `@cacheable` reads the data generation (one query by primary key)
and, if this process already answered the same request for the same reader at that
generation on the same day, sends the same bytes again without loading the user or running
the view. Every write anywhere, through any instance, bumps the generation in its own
transaction, so no answer outlives the data it shows; nothing is shared between processes.

"The same request for the same reader" is: method GET, scheme, host, path and query,
language, and the reader: the signed-in account with its session (its CSRF secret, the
identifier Flask-Login binds the session to, the account's session epoch), an API token, or
an anonymous visitor without a session. A signed-in session is answered from here only while
it is good: the checks of coop/auth/sessions.py that need no database (lifetime, idle time,
address), and, in the same one query as the generation, the account's current epoch and
whether this session was signed out; a session that fails goes on to the view, which ends
it. An answer is kept only if rendering it left the session untouched (no new CSRF secret,
no flashed message shown, no sign-in, no last use written), set no cookie and was a
complete 200.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request, session
from sqlalchemy import bindparam, select
from werkzeug.wrappers import Response

from .cache import read_committed
from .core import clock
from .models import ApiToken, DataGeneration, User, hash_token
from .models.base import utcnow
from .models.user import EndedSession, session_account

# Blueprints whose every GET is a pure read of the data (the API, OParl).
READ_BLUEPRINTS = {"api", "oparl"}
_GENERATION = select(DataGeneration.value).where(DataGeneration.id == 1)
# A valid token's last use and the data generation, in one statement built once.
_TOKEN = (
    select(
        ApiToken.last_used_at,
        select(DataGeneration.value)
        .where(DataGeneration.id == 1)
        .scalar_subquery()
        .label("generation"),
    )
    .join(User, User.id == ApiToken.user_id)
    .where(
        ApiToken.token_hash == bindparam("hash"),
        ApiToken.revoked_at.is_(None),
        User.active.is_(True),
    )
)
# For a signed-in session: the generation, the account's session epoch (None when switched
# off) and whether this session was signed out, in one statement.
_SESSION = select(
    select(DataGeneration.value)
    .where(DataGeneration.id == 1)
    .scalar_subquery()
    .label("generation"),
    select(User.session_epoch)
    .where(User.id == bindparam("user"), User.active.is_(True))
    .scalar_subquery()
    .label("epoch"),
    select(EndedSession.sid).where(EndedSession.sid == bindparam("sid")).exists().label("ended"),
)
# Headers a stored answer keeps; the others (cookies, Vary from the session) are per request.
_KEPT = (
    "Content-Type",
    "Content-Disposition",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Access-Control-Allow-Origin",
)


def cacheable(view: Callable) -> Callable:
    """Mark a GET view whose answer depends only on the data, the day, the URL, the language
    and the reader's account (not on the clock within the day, nor on other state)."""
    view.page_cacheable = True
    return view


def uncached(view: Callable) -> Callable:
    """Mark a GET view of a read blueprint whose answer changes without the data generation
    moving (an import job's progress): it is never answered from the cache."""
    view.page_cacheable = False
    return view


@dataclass(frozen=True)
class Stored:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class Answers:
    """A least-recently-used map of answers, bounded in bytes, for one generation at a time."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.generation = -1
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, generation: int, key: str) -> Stored | None:
        """The stored answer of `key` at this generation, or None (a new generation empties
        the store)."""
        with self._lock:
            if generation != self.generation:
                return None
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, generation: int, key: str, answer: Stored) -> None:
        """Keep an answer, dropping the least recently used ones beyond the size limit."""
        size = len(answer.body) + len(key)
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if generation < self.generation:
                return  # computed before a write another request has already seen
            if generation > self.generation:
                self._items.clear()
                self._size = 0
                self.generation = generation
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old.body) + len(key)
            self._items[key] = answer
            self._size += size
            while self._size > self.max_bytes:
                old_key, old = self._items.popitem(last=False)
                self._size -= len(old.body) + len(old_key)

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._items.clear()
            self._size = 0
            self.generation = -1


def _reader() -> tuple[str, tuple[int, int, str] | None] | None:
    """Who reads, as far as the answer can differ, and for a signed-in session its account,
    epoch and session id (for the database to confirm); None when the answer must not be
    reused."""
    if "Authorization" in request.headers:
        if g.get("api_user") is None and not g.get("api_user_id_checked"):
            return None
        return "token:" + _token_hash(), None
    if "_flashes" in session:
        return None
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if remember in request.cookies:
        return None
    # the sign-in's own view of the session (coop/auth/sessions.py: for_cache)
    signed_in = current_app.extensions["coop_session"]()
    if signed_in is None:
        return f"anonymous:{session.get('csrf_token', '')}", None
    if signed_in is False:
        return None  # the session's own checks decide when the view runs
    value, reader, sid = signed_in
    account = session_account(value)
    if account is None:
        return None
    return reader, (*account, sid)


def _key() -> tuple[str, tuple[int, int, str] | None] | None:
    from flask_babel import get_locale

    found = _reader()
    if found is None:
        return None
    reader, signed_in = found
    query = request.query_string.decode("latin-1")
    # The host and scheme too: links are built from PUBLIC_URL, but nothing the client names
    # may ever reach another client's answer.
    where = f"{request.scheme}://{request.host}"
    key = "\x1f".join(
        (where, request.path, query, str(get_locale()), clock.today().isoformat(), reader)
    )
    return key, signed_in


def _token_hash() -> str:
    _scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return hash_token(secret.strip())


def _token_and_generation() -> int | None:
    """For an API read: the data generation if the bearer token is valid and its "last used"
    needs no update, in one query; else None (the API's own check answers or records it)."""

    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    row = read_committed(_TOKEN, {"hash": _token_hash()})
    if row is None or row.last_used_at is None:
        return None
    if utcnow() - row.last_used_at > ApiToken.LAST_USED_PRECISION:
        return None
    return row.generation


def _cacheable_request() -> bool:
    if request.method != "GET" or "coop_pages" not in current_app.extensions:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "page_cacheable", request.blueprint in READ_BLUEPRINTS)


def lookup(current: int | None = None) -> Response | None:
    """The stored answer to this request, or None (then the view runs and `store` keeps it).
    `current`: the data generation if the caller has read it already."""
    if not _cacheable_request() or g.get("coop_page") is not None:
        return None  # not cacheable, or already looked up in this request
    found = _key()
    if found is None:
        return None
    key, signed_in = found
    # what the session holds now, but for its last use (which answering may renew)
    g.coop_session_before = _session_state()
    if signed_in is not None:
        user_id, epoch, sid = signed_in
        row = read_committed(_SESSION, {"user": user_id, "sid": sid})
        if row is None or row.epoch != epoch or row.ended:
            return None  # an ended session: the view's sign-in check answers
        current = row.generation or 0
    elif current is None:
        row = read_committed(_GENERATION)
        current = row.value if row else 0
    g.coop_page = (current, key)
    answers: Answers = current_app.extensions["coop_pages"]
    found = answers.get(current, key)
    if found is None:
        return None
    g.coop_page = None  # already stored
    if signed_in is not None:
        current_app.extensions["coop_session_seen"]()  # the cookie goes with this answer
    response = Response(found.body, status=found.status, headers=list(found.headers))
    return response.make_conditional(request)


# What a session may change while its answer is still kept: its last use (written once a
# minute; the cookie of a stored answer is never stored with it).
_SESSION_NOTES = ("_seen",)


def _session_state() -> dict:
    return {k: v for k, v in session.items() if k not in _SESSION_NOTES}


def keep_out() -> None:
    """Keep the answer of this request out of the store: with the same data it will read
    differently a moment later (an OParl answer whose Last-Modified waits for the second of
    the last change to end)."""
    g.pop("coop_page", None)


def store(response: Response) -> Response:
    """After a request: keep the answer of a cacheable page for the next reader with the same
    key."""
    pending = g.pop("coop_page", None)
    if pending is None:
        return response
    if (
        response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
        or "Set-Cookie" in response.headers
        or (session.modified and _session_state() != g.get("coop_session_before"))
    ):
        return response
    generation, key = pending
    headers = tuple((k, v) for k, v in response.headers.items() if k in _KEPT)
    answers: Answers = current_app.extensions["coop_pages"]
    answers.put(generation, key, Stored(response.status_code, headers, response.get_data()))
    return response


def init_page_cache(app: Flask) -> None:
    """Register before every other request hook (the answer needs no user)."""
    size = int(app.config.get("PAGE_CACHE_BYTES", 0))
    if size <= 0:
        return
    app.extensions["coop_pages"] = Answers(size)

    @app.before_request
    def _answer_from_cache():
        if not request.path.startswith("/api/"):
            return lookup()
        if not _cacheable_request() or "Authorization" not in request.headers:
            return None
        current = _token_and_generation()
        if current is None:
            return None  # the API's token check answers (401) or records the use
        g.api_user_id_checked = True
        return lookup(current)

    app.after_request(store)
