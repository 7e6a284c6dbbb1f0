"""Results of expensive reads (dashboard, report, its PDF, a town's savings, matrix exports),
kept in the database and valid for one generation of the data and one day.

Every transaction that changes a record bumps the one generation counter (`data_generation`) in
the same transaction, so the bump becomes visible exactly when the change does, to every app
instance sharing the database. A cached result is used only if it was computed at the current
generation on the current day; otherwise it is computed again and stored. Nothing can be served
stale after a write through another instance, and no process-local state is involved.

A reader that sees generation N and then data newer than N stores a result under N that the
next reader ignores (the generation has moved on): the race only ever costs a recomputation.
"""

from __future__ import annotations

import functools
import hashlib
import json
import weakref
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import render_template
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .extensions import db
from .models import CachedResult, DataGeneration
from .models.base import utcnow

# Records whose changes do not change what people read (this cache, a token's last use).
_IGNORED = {
    "cached_results",
    "data_generation",
    "api_tokens",
    "login_throttles",
    "rate_limits",
    "idempotency_keys",
    "import_jobs",  # an import's progress (what it stores bumps the generation itself)
    "queued_tasks",  # the job queue (what a job changes bumps the generation itself)
}
_BUMPED = "coop_generation_bumped"


def touch(session: Session) -> None:
    """Mark the data changed in this transaction (for bulk statements that bypass the flush)."""
    if session.info.get(_BUMPED):
        return
    session.connection().execute(
        update(DataGeneration.__table__)
        .where(DataGeneration.__table__.c.id == 1)
        .values(value=DataGeneration.__table__.c.value + 1)
    )
    session.info[_BUMPED] = True


def bump_generation(session: Session, _context) -> None:
    """After a flush that changed a record: move the data generation, once per transaction."""
    if session.info.get(_BUMPED):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table and table not in _IGNORED:
            if obj in session.dirty and not session.is_modified(obj):
                continue
            touch(session)
            return


def forget_bump(session: Session, transaction) -> None:
    """At the end of the outer transaction: the next one moves the generation again."""
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)


def generation() -> int:
    """The current data generation (plain SQL: every cached answer asks for it first)."""
    result = db.session.connection().exec_driver_sql(
        "SELECT value FROM data_generation WHERE id = 1"
    )
    return result.scalar() or 0


_AUTOCOMMIT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def read_committed(statement, params: dict | None = None):
    """The first row of `statement` as committed now, for a request that has written nothing
    yet (the page cache asks before anything else runs). On PostgreSQL through the same pool
    in autocommit: one round trip instead of BEGIN, the statement and ROLLBACK."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return db.session.connection().execute(statement, params or {}).first()
    if engine not in _AUTOCOMMIT:
        _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    with _AUTOCOMMIT[engine].connect() as connection:
        return connection.execute(statement, params or {}).first()


@functools.cache
def code_version() -> str:
    """A fingerprint of the code, templates and translations this process runs: results an
    older release stored are not used after a deploy (the data generation did not move)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for folder, pattern in (
        (root, "**/*.py"),
        (root, "**/*.mo"),
        (root.parent / "templates", "**/*"),
    ):
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(root.parent)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:12]


def cached(key: str, compute: Callable[[], bytes], today: date | None = None) -> bytes:
    """The stored result for `key` if it belongs to the current generation and day, else
    `compute()`, stored (in its own short transaction) for the next reader."""
    key = f"{code_version()}|{key}"[:500]
    day = today or date.today()
    current = generation()
    hit = db.session.scalar(
        select(CachedResult.value).where(
            CachedResult.key == key, CachedResult.generation == current, CachedResult.day == day
        )
    )
    if hit is not None:
        return hit
    value = compute()
    table = CachedResult.__table__
    values = {
        "key": key,
        "generation": current,
        "day": day,
        "value": value,
        "computed_at": utcnow(),
    }
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table).values(**values)
        connection.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={k: stmt.excluded[k] for k in ("generation", "day", "value", "computed_at")},
            )
        )
    return value


SEPARATOR = "\x1e"  # between the blocks of `_blocks.html`


def render_cached(key: str, template: str, context: Callable[[], dict]) -> str:
    """A page whose title, content and scripts are cached while the frame (menu, the
    signed-in person, the language switch) is rendered per request. The template extends
    `base_template`; `context` gives its values and is called only when the cache misses."""

    def compute() -> bytes:
        html = render_template(template, base_template="_blocks.html", **context())
        title, content, scripts = html.split(SEPARATOR)
        return json.dumps({"title": title, "content": content, "scripts": scripts}).encode()

    blocks = json.loads(cached(key, compute))
    return render_template("_cached.html", blocks=blocks)


def request_key(*parts) -> str:
    """A cache key for this request: path, sorted query, language and the reader's scope."""
    from flask import request
    from flask_babel import get_locale
    from flask_login import current_user

    query = "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))
    if current_user.is_authenticated:
        scope = f"{current_user.role}:{current_user.body_id or ''}"
    else:
        scope = "anonymous"
    return "|".join(map(str, (request.path, query, get_locale(), scope, *parts)))[:500]
