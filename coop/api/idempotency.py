"""Safe retries of API `POST`s with an `Idempotency-Key` header (as Stripe and the IETF draft
"The Idempotency-Key HTTP Header Field" describe it).

The key is written into the request's own transaction, before the endpoint runs: it commits
exactly when what the request creates commits, on whichever instance. The answer is then stored
with it. A retry with the same key and the same request gets that answer again and creates
nothing; if the worker died after the commit but before the answer was stored, the retry learns
that the request was carried out (409) instead of creating a duplicate. The same key with
another request is refused (422). Two requests with one key at the same time: the database's
unique key lets one commit; the other gets 409.
"""

from __future__ import annotations

import hashlib

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.wrappers import Response

from ..extensions import db
from ..main.errors import api_error
from ..models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY = 200


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.full_path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def begin(user_id: int):
    """Before a POST endpoint: the stored answer, a refusal, or None (the endpoint runs, and
    the key goes into its transaction)."""
    if request.method != "POST" or HEADER not in request.headers:
        return None
    key = request.headers[HEADER].strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        message = _("The Idempotency-Key must be 1 to %(n)d printable characters.", n=MAX_KEY)
        return api_error(400, message, {HEADER: message})
    fingerprint = _fingerprint()
    earlier = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            message = _("This Idempotency-Key was already used for another request.")
            return api_error(422, message, {HEADER: message})
        if earlier.status is None:
            return api_error(
                409,
                _(
                    "A request with this Idempotency-Key has already been carried out; its "
                    "answer was not kept. Read the record instead of sending it again."
                ),
                code="idempotent_request_done",
            )
        response = Response(earlier.body, status=earlier.status, mimetype="application/json")
        if earlier.location:
            response.headers["Location"] = earlier.location
        response.headers["Idempotent-Replayed"] = "true"
        return response
    db.session.add(IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint))
    g.idempotency = (user_id, key, fingerprint)  # committed with whatever the endpoint creates
    return None


def remember(response: Response) -> Response:
    """After the endpoint: keep a successful answer with its key. The key's row exists only if
    the endpoint committed; otherwise nothing was created and there is nothing to keep."""
    pending = g.pop("idempotency", None)
    if pending is None:
        return response
    db.session.rollback()  # whatever the endpoint left uncommitted
    if not 200 <= response.status_code < 300:
        return response
    user_id, key, fingerprint = pending
    result = db.session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.fingerprint == fingerprint,
            IdempotencyKey.status.is_(None),
        )
        .values(
            status=response.status_code,
            body=response.get_data(),
            location=response.headers.get("Location"),
        )
    )
    if result.rowcount:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def describe() -> dict:
    """The header in the OpenAPI document."""
    return {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": (
            "Send the same key again to retry safely: the first answer comes back and nothing "
            "is created twice; the same key with another request is a 422."
        ),
        "schema": {"type": "string", "maxLength": MAX_KEY},
    }
