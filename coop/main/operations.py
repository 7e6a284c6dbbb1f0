"""What the operator's machinery asks of coop: is the process up (/healthz), can it serve
(/readyz: database reachable, migrations current), and one JSON line per request on stdout."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Flask, current_app, g, request
from sqlalchemy import select

from ..extensions import db

bp = Blueprint("operations", __name__)
request_log = logging.getLogger("coop.requests")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


@bp.route("/healthz")
def healthz():
    """Liveness: the process answers (no database, so a slow database does not get healthy
    processes restarted)."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz():
    """Readiness: the database answers and its schema is the one this code expects; 503 and
    the reason otherwise, so the load balancer sends no one here before the release step."""
    from alembic.runtime.migration import MigrationContext

    try:
        db.session.execute(select(1))
        current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    except Exception as exc:  # the database is down or refuses us
        db.session.rollback()
        current_app.logger.warning("readyz: database unavailable: %s", type(exc).__name__)
        return {"status": "unavailable", "database": "unreachable"}, 503
    expected = current_app.extensions["coop_migration_heads"]
    if current != expected:
        return {
            "status": "unavailable",
            "database": "ok",
            "migrations": "pending",
            "current": sorted(current),
            "expected": sorted(expected),
        }, 503
    return {"status": "ok", "database": "ok", "migrations": "current"}


def _heads(app: Flask) -> set[str]:
    from alembic.script import ScriptDirectory

    folder = Path(app.root_path).parent / "migrations"
    return set(ScriptDirectory(str(folder)).get_heads())


def init_operations(app: Flask) -> None:
    """The health routes, request ids, and (with LOG_REQUESTS) the request log. Runs before
    the page cache, so that its answers are timed and logged too."""
    app.extensions["coop_migration_heads"] = _heads(app)
    app.register_blueprint(bp)

    @app.before_request
    def _start():
        g.request_started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _finish(response):
        response.headers.setdefault("X-Request-ID", g.get("request_id", ""))
        if app.config.get("LOG_REQUESTS") and "request_started" in g:
            user = g.get("api_user") or g.get("_login_user")
            request_log.info(
                json.dumps(
                    {
                        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                        "request_id": g.request_id,
                        "method": request.method,
                        # the path only: query strings may carry secrets (calendar feeds)
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
                        "user_id": getattr(user, "id", None),
                        "remote_addr": request.remote_addr,
                        "bytes": response.calculate_content_length(),
                    },
                    ensure_ascii=False,
                )
            )
        return response

    if app.config.get("LOG_REQUESTS") and not request_log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
        request_log.propagate = False
