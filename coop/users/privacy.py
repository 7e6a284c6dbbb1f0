"""Data protection duties towards a person (DSGVO): everything coop stores about them as one
document (Art. 15), the account anonymised (Art. 17) while the change history keeps its
entries under a pseudonym, and history older than the retention removed. Flushes, never
commits."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from ..audit import plain as _plain
from ..errors import PermissionDenied
from ..extensions import db
from ..models import ApiToken, AuditEntry, Follow, LoginThrottle, User
from ..models.base import utcnow
from ..models.funding import ReminderSent
from ..models.search import SavedSearch

ERASED_PASSWORD = "!erased"
_ACCOUNT_FIELDS = (
    "email",
    "name",
    "language",
    "role",
    "body_id",
    "active",
    "auth_source",
    "external_subject",
    "last_login_at",
    "created_at",
    "modified_at",
    "erased_at",
    "reminders_by_mail",
    "digest",
)


def pseudonym(user_id: int) -> str:
    """The name an erased account keeps in the history: stable, not reversible without the
    secret key, the same on every app instance."""
    key = (current_app.config.get("SECRET_KEY") or "").encode()
    digest = hmac.new(key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()[:10]
    return _("Former account %(code)s", code=digest)


def export_person(user: User) -> Iterator[str]:
    """Everything stored about the account's person, as a JSON document in pieces (the
    change history may be long; it is read in batches, not all at once)."""
    import json

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    account = {name: _plain(getattr(user, name)) for name in _ACCOUNT_FIELDS}
    account["body"] = user.body.name if user.body else None
    account["has_password"] = user.has_password
    account["calendar_feed"] = user.calendar_token_hash is not None
    yield '{"account": ' + dump(account)
    tokens = db.session.scalars(select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.id))
    yield ', "api_tokens": ' + dump(
        [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _plain(t.created_at),
                "last_used_at": _plain(t.last_used_at),
                "revoked_at": _plain(t.revoked_at),
            }
            for t in tokens
        ]
    )
    follows = db.session.scalars(select(Follow).filter_by(user_id=user.id).order_by(Follow.id))
    yield ', "follows": ' + dump(
        [
            {
                "initiative_id": f.initiative_id,
                "grant_id": f.grant_id,
                "label": f.audit_label(),
                "since": _plain(f.created_at),
            }
            for f in follows
        ]
    )
    searches = db.session.scalars(select(SavedSearch).filter_by(user_id=user.id))
    yield ', "saved_searches": ' + dump([{"name": s.name, "query": s.query} for s in searches])
    reminders = db.session.scalars(
        select(ReminderSent).filter_by(user_id=user.id).order_by(ReminderSent.sent_at)
    )
    yield ', "reminders_sent": ' + dump(
        [{"subject": r.subject, "sent_at": _plain(r.sent_at)} for r in reminders]
    )
    throttles = db.session.scalars(
        select(LoginThrottle).where(LoginThrottle.email == user.email.lower())
    )
    yield ', "failed_sign_ins": ' + dump(
        [
            {
                "address": t.address,
                "failures": t.failures,
                "last_failure_at": _plain(t.last_failure_at),
                "locked_until": _plain(t.locked_until),
            }
            for t in throttles
        ]
    )
    for key, condition in (
        ("changes_made", AuditEntry.actor_id == user.id),
        (
            "changes_to_account",
            (AuditEntry.entity_type == "User") & (AuditEntry.entity_id == user.id),
        ),
    ):
        yield f', "{key}": ['
        last_id, first = 0, True
        while True:  # keyset pages of 1,000: memory stays flat however long the history
            batch = db.session.scalars(
                select(AuditEntry)
                .where(condition, AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(1000)
            ).all()
            if not batch:
                break
            for e in batch:
                item = {
                    "at": _plain(e.at),
                    "action": e.action.value,
                    "record": e.entity_type,
                    "label": e.entity_label,
                    "changes": e.changes,
                }
                yield ("" if first else ", ") + dump(item)
                first = False
            last_id = batch[-1].id
        yield "]"
    yield "}"


def erase_user(user: User, *, actor: User) -> str:
    """Anonymise the account (Art. 17 DSGVO): no name, address, password, sign-in link,
    tokens, saved searches, follows or reminders remain; the change history keeps every entry, the
    person named by a pseudonym. Returns the pseudonym."""
    if user.id == actor.id:
        raise PermissionDenied(_("You cannot erase your own account."))
    name = pseudonym(user.id)
    old_email = user.email.lower()
    code = name.rsplit(" ", 1)[-1]
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(SavedSearch).where(SavedSearch.user_id == user.id))
    db.session.execute(delete(Follow).where(Follow.user_id == user.id))
    db.session.execute(delete(ReminderSent).where(ReminderSent.user_id == user.id))
    db.session.execute(delete(LoginThrottle).where(func.lower(LoginThrottle.email) == old_email))
    user.email = f"erased-{code}@invalid"
    user.name = ""
    user.password_hash = ERASED_PASSWORD
    user.external_subject = None
    user.calendar_token_hash = None
    user.active = False
    user.digest = "off"
    user.erased_at = utcnow()
    db.session.flush()  # writes the audit entry of this change, which is rewritten below too
    db.session.execute(
        update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_label=name)
    )
    about = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "User",
            AuditEntry.entity_id == user.id,
        )
    )
    for entry in about:
        entry.entity_label = name
        entry.changes = {
            field: (["***", "***"] if field in ("email", "name", "external_subject") else values)
            for field, values in (entry.changes or {}).items()
        }
    # entries whose label still carries the address (e.g. its API tokens)
    db.session.execute(
        update(AuditEntry)
        .where(or_(AuditEntry.entity_label.contains(old_email)))
        .values(entity_label=name)
    )
    db.session.flush()
    return name


def prune_audit(days: int) -> int:
    """Remove change-history entries older than `days` days (0: keep all); how many went."""
    if days <= 0:
        return 0
    result = db.session.execute(
        delete(AuditEntry).where(AuditEntry.at < utcnow() - timedelta(days=days))
    )
    return result.rowcount or 0
