"""What our OParl server has published and what changed shape: the keys of its objects, and
the marks that make soft delete work (OParl 1.1, chapter "Gelöschte Objekte").

Meetings, organizations and papers are derived from resolutions, so they have no row that
could carry `deleted: true`. Whenever a flush deletes a resolution, hides it, or moves it to
another paper, meeting or organ, this module marks every object the resolution belonged to
before (in the same flush, whatever code path made the change). The server then answers a
marked object that has nothing left with a tombstone, lists it on `modified_since`, and moves
the `modified` of a marked object that lives on (it lost an embedded object).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import inspect, select, tuple_
from sqlalchemy.orm import Session

from ..models import Initiative, PublishedMark, Resolution
from ..models.base import utcnow

# what decides which published objects a resolution belongs to
_SHAPE = ("public", "body_id", "organ", "session_date", "reference", "document_id")


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def org_key(body_id: int, organ: str) -> str:
    """The stable key of an organ of a body (its name hashed), used in URLs."""
    return f"{body_id}-{_digest(organ)}"


def meeting_key(body_id: int, organ: str, day) -> str:
    """The stable key of an organ's session on one day, used in URLs."""
    return f"{org_key(body_id, organ)}-{day:%Y%m%d}"


def paper_key_of(body_id: int, reference: str | None, resolution_id: int) -> str:
    """The stable key of a paper: its body and paper number, else the resolution's id."""
    return f"{body_id}-{_digest(reference)}" if reference else f"r{resolution_id}"


def paper_key(r: Resolution) -> str:
    """The key of the paper a resolution belongs to."""
    return paper_key_of(r.body_id, r.reference, r.id)


def marks_of(
    resolution_id: int,
    body_id: int,
    organ: str,
    day: date,
    reference: str | None,
    document_id: int | None,
) -> list[dict]:
    """Every published object a resolution with these values belongs to."""
    out = [
        {"kind": "organization", "key": org_key(body_id, organ), "organ": organ},
        {
            "kind": "meeting",
            "key": meeting_key(body_id, organ, day),
            "organ": organ,
            "day": day,
        },
        {
            "kind": "paper",
            "key": paper_key_of(body_id, reference, resolution_id),
            "reference": reference or "",
            "ref_id": 0 if reference else resolution_id,
        },
        {"kind": "consultation", "key": str(resolution_id), "ref_id": resolution_id},
        {"kind": "agendaItem", "key": str(resolution_id), "ref_id": resolution_id},
    ]
    if document_id is not None:
        out.append({"kind": "file", "key": str(document_id), "ref_id": document_id})
    for m in out:
        m["body_id"] = body_id
    return out


def _before(obj: Resolution, name: str):
    """The value a column had when the object was loaded (before this flush's change)."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, name)


def _was_published(obj: Resolution) -> bool:
    initiative = obj.initiative
    return bool(_before(obj, "public")) and (initiative is None or bool(initiative.public))


def _old_marks(obj: Resolution) -> list[dict]:
    return marks_of(
        obj.id,
        _before(obj, "body_id"),
        _before(obj, "organ"),
        _before(obj, "session_date"),
        _before(obj, "reference"),
        _before(obj, "document_id"),
    )


def _collect(session: Session) -> tuple[list[dict], dict]:
    wanted: list[dict] = []
    created: dict[tuple[str, str], datetime] = {}

    def add(marks, since):
        for m in marks:
            wanted.append(m)
            k = (m["kind"], m["key"])
            if since is not None and (k not in created or since < created[k]):
                created[k] = since  # the object is as old as its oldest resolution

    for obj in session.deleted:
        if isinstance(obj, Resolution) and obj.id is not None and _was_published(obj):
            add(_old_marks(obj), obj.created_at)
        elif isinstance(obj, Initiative) and obj.id is not None:
            for r in session.scalars(select(Resolution).where(Resolution.initiative_id == obj.id)):
                add(_old_marks(r), r.created_at)
    for obj in session.dirty:
        if isinstance(obj, Resolution) and obj.id is not None:
            state = inspect(obj)
            if any(state.attrs[c].history.has_changes() for c in _SHAPE) and _was_published(obj):
                add(_old_marks(obj), obj.created_at)
        elif isinstance(obj, Initiative) and obj.id is not None:
            history = inspect(obj).attrs["public"].history
            if history.deleted and history.deleted[0]:
                for r in session.scalars(
                    select(Resolution).where(Resolution.initiative_id == obj.id)
                ):
                    add(_old_marks(r), r.created_at)
    return wanted, created


def mark_published(session: Session, _context, _instances) -> None:
    """Before a flush: mark every published object a changed resolution belonged to."""
    with session.no_autoflush:
        wanted, created = _collect(session)
        if not wanted:
            return
        now = utcnow()
        keys = {(m["kind"], m["key"]) for m in wanted}
        known = {
            (m.kind, m.key): m
            for m in session.scalars(
                select(PublishedMark).where(tuple_(PublishedMark.kind, PublishedMark.key).in_(keys))
            )
        }
        for m in wanted:
            k = (m["kind"], m["key"])
            mark = known.get(k)
            if mark is None:
                mark = PublishedMark(**m, created_at=created.get(k) or now, touched_at=now)
                session.add(mark)
                known[k] = mark
            else:
                for name, value in m.items():
                    setattr(mark, name, value)
                mark.touched_at = now
                if created.get(k) and created[k] < mark.created_at:
                    mark.created_at = created[k]
