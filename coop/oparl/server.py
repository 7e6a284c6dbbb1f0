"""Our public data as OParl 1.1: the objects, built from the public resolutions of public
initiatives.

Mapping: a Body per participant (with its AGS); an Organization per organ that decided (the
council, a committee); a Meeting per organ and session date; a Paper per body and reference (a
resolution without reference is a paper of its own); a Consultation and an AgendaItem (with its
result) per resolution; a File per public PDF. Ids are stable URLs derived from the data, so
that clients can sync incrementally; an object that went (a deleted resolution, the meeting it
left empty, a paper whose reference changed) answers as deleted, from the marks that
`marks.py` keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import g
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..labels import OUTCOME_LABELS, label
from ..links import external_url
from ..models import AuditEntry, Body, Initiative, Participant, PublishedMark, Resolution
from .marks import meeting_key, org_key, paper_key

OPARL = "https://schema.oparl.org/1.1/"
LICENSE = "https://www.govdata.de/dl-de/by-2-0"


def type_of(name: str) -> str:
    """The OParl 1.1 type URI of an object kind."""
    return OPARL + name


def stamp(value: datetime | None) -> str | None:
    """A time as OParl writes it (ISO 8601 to the second)."""
    if value is None:
        return None
    return value.isoformat(timespec="seconds")


# Our own objects' addresses, built by formatting instead of url_for: a page of 100 papers
# names about 2,000 URLs, and url_for costs more than the rest of building them.
_PATHS = {
    "oparl.system": "system",
    "oparl.bodies": "bodies",
    "oparl.body": "body/{body_id}",
    "oparl.body_list": "body/{body_id}/{kind}",
    "oparl.organization": "organization/{key}",
    "oparl.organization_meetings": "organization/{key}/meetings",
    "oparl.meeting": "meeting/{key}",
    "oparl.paper": "paper/{key}",
    "oparl.consultation": "consultation/{resolution_id}",
    "oparl.agenda_item": "agendaitem/{resolution_id}",
    "oparl.file": "file/{document_id}",
}


def _u(endpoint: str, **values) -> str:
    path = _PATHS.get(endpoint)
    if path is None:
        return external_url(endpoint, **values)
    if "coop_oparl_base" not in g:  # from PUBLIC_URL, never from the request's Host
        g.coop_oparl_base = external_url("oparl.system")[: -len("system")]
    return g.coop_oparl_base + path.format(**values)


@dataclass
class Catalog:
    """Everything public, grouped the OParl way."""

    bodies: dict[int, Body]
    resolutions: list[Resolution]
    by_org: dict[str, list[Resolution]] = field(default_factory=dict)
    by_meeting: dict[str, list[Resolution]] = field(default_factory=dict)
    by_paper: dict[str, list[Resolution]] = field(default_factory=dict)

    def __post_init__(self):
        for r in self.resolutions:
            self.by_org.setdefault(org_key(r.body_id, r.organ), []).append(r)
            self.by_meeting.setdefault(meeting_key(r.body_id, r.organ, r.session_date), []).append(
                r
            )
            self.by_paper.setdefault(paper_key(r), []).append(r)


def public_resolutions():
    """Public resolutions of public initiatives (a select to narrow further)."""
    return select(Resolution).where(
        Resolution.public.is_(True),
        exists().where(Initiative.id == Resolution.initiative_id, Initiative.public.is_(True)),
    )


def resolution_options():
    """What every OParl object built from resolutions needs loaded with them."""
    return (
        joinedload(Resolution.body),
        joinedload(Resolution.initiative),
        joinedload(Resolution.document),
    )


def published_bodies():
    """Bodies that take part in a public initiative (only participants decide: the
    resolutions service refuses a resolution of any other body)."""
    return select(Body).where(
        exists().where(
            Participant.body_id == Body.id,
            Participant.initiative_id == Initiative.id,
            Initiative.public.is_(True),
        )
    )


def load_body(body_id: int) -> Body | None:
    """The body if it is published."""
    return db.session.scalar(published_bodies().where(Body.id == body_id))


def load_catalog(body_id: int) -> Catalog:
    """One body's published resolutions, grouped: never the whole catalogue."""
    body = load_body(body_id)
    if body is None:
        return Catalog({}, [])
    resolutions = list(
        db.session.scalars(
            public_resolutions()
            .where(Resolution.body_id == body_id)
            .options(*resolution_options())
            .order_by(Resolution.session_date, Resolution.id)
        )
    )
    return Catalog({body.id: body}, resolutions)


def load_resolution(resolution_id: int) -> Resolution | None:
    """A public resolution with what its objects need, or None."""
    return db.session.scalar(
        public_resolutions().where(Resolution.id == resolution_id).options(*resolution_options())
    )


def meeting_siblings(r: Resolution) -> Catalog:
    """The resolutions of the meeting `r` was decided in (for the agenda item's order)."""
    rs = list(
        db.session.scalars(
            public_resolutions()
            .where(
                Resolution.body_id == r.body_id,
                Resolution.organ == r.organ,
                Resolution.session_date == r.session_date,
            )
            .options(*resolution_options())
            .order_by(Resolution.session_date, Resolution.id)
        )
    )
    return Catalog({r.body_id: r.body}, rs)


def _times(rs: Iterable) -> dict:
    rs = list(rs)
    return {
        "created": stamp(min(r.created_at for r in rs)),
        "modified": stamp(max(r.modified_at for r in rs)),
    }


def system() -> dict:
    """The OParl System object of this server; `created` and `modified` span what it
    publishes (its oldest and its latest public record, or the latest removal of one: a
    delete never moves `modified` back)."""
    first, last, removed = db.session.execute(
        select(
            func.min(Resolution.created_at),
            func.max(Resolution.modified_at),
            select(func.max(PublishedMark.touched_at)).scalar_subquery(),
        ).where(Resolution.id.in_(public_resolutions().with_only_columns(Resolution.id)))
    ).one()
    if last is not None and removed is not None:
        last = max(last, removed)
    out = {
        "id": _u("oparl.system"),
        "type": type_of("System"),
        "oparlVersion": OPARL,
        "name": "coop – Interkommunale Zusammenarbeit",
        "body": _u("oparl.bodies"),
        "license": LICENSE,
        "website": _u("main.index"),
    }
    if first is not None:
        out["created"], out["modified"] = stamp(first), stamp(last)
    return out


def error(message: str, debug: str | None = None) -> dict:
    """An OParl Error object (what a client gets instead of an object or a list)."""
    return {"type": type_of("Error"), "message": message, **({"debug": debug} if debug else {})}


def body(b: Body) -> dict:
    """A body as an OParl Body, with the URLs of its lists."""
    out = {
        "id": _u("oparl.body", body_id=b.id),
        "type": type_of("Body"),
        "system": _u("oparl.system"),
        "name": b.name,
        "organization": _u("oparl.body_list", body_id=b.id, kind="organization"),
        "person": _u("oparl.body_list", body_id=b.id, kind="person"),
        "meeting": _u("oparl.body_list", body_id=b.id, kind="meeting"),
        "paper": _u("oparl.body_list", body_id=b.id, kind="paper"),
        "agendaItem": _u("oparl.body_list", body_id=b.id, kind="agendaItem"),
        "consultation": _u("oparl.body_list", body_id=b.id, kind="consultation"),
        "file": _u("oparl.body_list", body_id=b.id, kind="file"),
        "legislativeTerm": [],
        "license": LICENSE,
        "web": _u("savings.body", body_id=b.id),
        "created": stamp(b.created_at),
        "modified": stamp(b.modified_at),
    }
    if b.ags:
        out["ags"] = b.ags
    if b.ars:
        out["rgs"] = b.ars
    if b.website:
        out["website"] = b.website
    return out


def organization(cat: Catalog, key: str) -> dict:
    """An organ (council, committee) as an OParl Organization."""
    rs = cat.by_org[key]
    return organization_of(rs[0], key, _times(rs))


def organization_of(first: Resolution, key: str, times: dict) -> dict:
    """An organ as an Organization: from its first resolution and its times."""
    return {
        "id": _u("oparl.organization", key=key),
        "type": type_of("Organization"),
        "body": _u("oparl.body", body_id=first.body_id),
        "name": f"{first.organ} ({first.body.name})",
        "shortName": first.organ,
        "organizationType": "Gremium",
        "classification": "Rat" if first.authoritative else "Ausschuss",
        "meeting": _u("oparl.organization_meetings", key=key),
        **times,
    }


def meeting(cat: Catalog, key: str) -> dict:
    """An organ's session as an OParl Meeting, with its agenda items."""
    rs = cat.by_meeting[key]
    first = rs[0]
    # coop knows the day of a session, not its hour: OParl's `start` is a date-time, so it is
    # left out rather than invented (the day is in the name)
    return {
        "id": _u("oparl.meeting", key=key),
        "type": type_of("Meeting"),
        "name": f"Sitzung {first.organ} ({first.body.name}) am {first.session_date:%d.%m.%Y}",
        "meetingState": "eingeladen"
        if all(r.outcome == "scheduled" for r in rs)
        else "durchgeführt",
        "organization": [_u("oparl.organization", key=org_key(first.body_id, first.organ))],
        "agendaItem": [agenda_item(r, i) for i, r in enumerate(rs, start=1)],
        **_times(rs),
    }


def settle_agenda(meeting_obj: dict) -> dict:
    """Give a meeting's embedded agenda items the meeting's final `modified` (after its mark
    moved it), as each agenda item answers on its own."""
    for item in meeting_obj.get("agendaItem", []):
        if isinstance(item, dict) and meeting_obj["modified"] > item["modified"]:
            item["modified"] = meeting_obj["modified"]
    return meeting_obj


def meeting_times(body_id: int, rs: Iterable[Resolution]) -> dict[tuple[str, date], datetime]:
    """When each meeting of these resolutions (all of one body, each with all the public
    resolutions of its meeting) last changed: its latest resolution, or the latest time one
    left it (its mark), whichever is later; one query for the marks."""
    times: dict[tuple[str, date], datetime] = {}
    for r in rs:
        k = (r.organ, r.session_date)
        if k not in times or r.modified_at > times[k]:
            times[k] = r.modified_at
    return _with_meeting_marks(body_id, times)


def _with_meeting_marks(body_id: int, times: dict) -> dict:
    if not times:
        return times
    M = PublishedMark
    for organ, day, at in db.session.execute(
        select(M.organ, M.day, M.touched_at).where(
            M.kind == "meeting", M.body_id == body_id, M.day.in_({d for _, d in times})
        )
    ):
        k = (organ, day)
        if k in times and at > times[k]:
            times[k] = at
    return times


def file(r: Resolution) -> dict:
    """A resolution's paper as an OParl File."""
    d = r.document
    return {
        "id": _u("oparl.file", document_id=d.id),
        "type": type_of("File"),
        "name": r.title or d.file_name,
        "fileName": d.file_name,
        "mimeType": d.media_type,
        "size": d.size,
        "accessUrl": _u("resolutions.document", resolution_id=r.id),
        "downloadUrl": _u("resolutions.document", resolution_id=r.id),
        "created": stamp(d.created_at),
        "modified": stamp(d.modified_at),
    }


def consultation(r: Resolution) -> dict:
    """A resolution as the OParl Consultation of its paper."""
    return {
        "id": _u("oparl.consultation", resolution_id=r.id),
        "type": type_of("Consultation"),
        "paper": _u("oparl.paper", key=paper_key(r)),
        "agendaItem": _u("oparl.agenda_item", resolution_id=r.id),
        "meeting": _u("oparl.meeting", key=meeting_key(r.body_id, r.organ, r.session_date)),
        "organization": [_u("oparl.organization", key=org_key(r.body_id, r.organ))],
        "authoritative": bool(r.authoritative),
        "role": "Entscheidung" if r.authoritative else "Vorberatung",
        "created": stamp(r.created_at),
        "modified": stamp(r.modified_at),
    }


def agenda_item(
    r: Resolution,
    order: int | None = None,
    cat: Catalog | None = None,
    meeting_modified: datetime | None = None,
) -> dict:
    """An agenda item; its order in the meeting comes from `cat` (the meeting's resolutions)
    when not given, else the list's own numbering is left out.

    Its `modified` is its meeting's (`meeting_modified`, or from `cat` and the meeting's mark):
    the order is a place among the others, which moves when one before it goes or comes,
    so a client that syncs by `modified_since` must read the item again then."""
    if order is None and cat is not None:
        rs = cat.by_meeting[meeting_key(r.body_id, r.organ, r.session_date)]
        order = next(i for i, x in enumerate(rs, start=1) if x.id == r.id)
        if meeting_modified is None:
            meeting_modified = meeting_times(r.body_id, rs).get((r.organ, r.session_date))
    result = str(label(OUTCOME_LABELS, r.outcome))
    if r.result_text:
        result += f" ({r.result_text})"
    out = {
        "id": _u("oparl.agenda_item", resolution_id=r.id),
        "type": type_of("AgendaItem"),
        "meeting": _u("oparl.meeting", key=meeting_key(r.body_id, r.organ, r.session_date)),
        "order": order,
        "name": r.title or r.initiative.title,
        "public": True,
        "consultation": _u("oparl.consultation", resolution_id=r.id),
        "result": result,
        "web": _u("resolutions.detail", resolution_id=r.id),
        "created": stamp(r.created_at),
        "modified": stamp(max(r.modified_at, meeting_modified or r.modified_at)),
    }
    if r.resolution_text:
        out["resolutionText"] = r.resolution_text
    if r.document is not None:
        out["resolutionFile"] = file(r)
    return out


def paper(cat: Catalog, key: str) -> dict:
    """A paper as an OParl Paper, with its consultations (one per organ that decided on it)."""
    rs = cat.by_paper[key]
    first = rs[0]
    out = {
        "id": _u("oparl.paper", key=key),
        "type": type_of("Paper"),
        "body": _u("oparl.body", body_id=first.body_id),
        "name": first.title or first.initiative.title,
        "date": min(r.session_date for r in rs).isoformat(),
        "paperType": "Beschlussvorlage",
        "consultation": [consultation(r) for r in rs],
        "web": _u("main.initiative", initiative_id=first.initiative_id),
        "keyword": [first.initiative.title],
        **_times(rs),
    }
    if first.reference:
        out["reference"] = first.reference
    documents = [r for r in rs if r.document is not None]
    if documents:
        out["mainFile"] = file(documents[0])
        if len(documents) > 1:
            out["auxiliaryFile"] = [file(r) for r in documents[1:]]
    return out


_TYPES = {
    "organization": "Organization",
    "meeting": "Meeting",
    "paper": "Paper",
    "consultation": "Consultation",
    "agendaItem": "AgendaItem",
    "file": "File",
}
_ENDPOINTS = {
    "organization": ("oparl.organization", "key"),
    "meeting": ("oparl.meeting", "key"),
    "paper": ("oparl.paper", "key"),
    "consultation": ("oparl.consultation", "resolution_id"),
    "agendaItem": ("oparl.agenda_item", "resolution_id"),
    "file": ("oparl.file", "document_id"),
}


def belongs(kind: str):
    """The condition that a resolution belongs to the object a PublishedMark of this kind
    names (the one rule for a mark's liveness and for joining marks to grouped lists)."""
    R, M = Resolution, PublishedMark
    if kind in ("consultation", "agendaItem"):
        return R.id == M.ref_id
    if kind == "file":
        return R.document_id == M.ref_id
    if kind == "organization":
        return (R.body_id == M.body_id) & (R.organ == M.organ)
    if kind == "meeting":
        return (R.body_id == M.body_id) & (R.organ == M.organ) & (R.session_date == M.day)
    return (R.body_id == M.body_id) & (  # a paper: its reference, else its one resolution
        ((M.ref_id == 0) & (R.reference == M.reference))
        | ((M.ref_id != 0) & (R.id == M.ref_id) & R.reference.is_(None))
    )


def _alive(kind: str):
    """A condition on a PublishedMark: its object still has a public resolution."""
    return public_resolutions().with_only_columns(Resolution.id).where(belongs(kind)).exists()


def tombstone(mark: PublishedMark) -> dict:
    """A deleted object as OParl 1.1 answers it: id, type, created, modified, deleted."""
    endpoint, arg = _ENDPOINTS[mark.kind]
    value = int(mark.key) if arg != "key" else mark.key
    return {
        "id": _u(endpoint, **{arg: value}),
        "type": type_of(_TYPES[mark.kind]),
        "created": stamp(mark.created_at),
        "modified": stamp(mark.touched_at),
        "deleted": True,
    }


def gone(kind: str, key: str) -> PublishedMark | None:
    """The mark of a published object that has nothing left, or None."""
    M = PublishedMark
    return db.session.scalar(select(M).where(M.kind == kind, M.key == key, ~_alive(kind)))


def gone_since(
    kind: str,
    body_id: int,
    since: datetime,
    organ: str | None = None,
    until: datetime | None = None,
    created_since: datetime | None = None,
    created_until: datetime | None = None,
) -> list[PublishedMark]:
    """The body's objects of a kind that went since `since` (for lists on modified_since),
    within the list's other filters: a tombstone's `modified` is when the object went."""
    M = PublishedMark
    stmt = select(M).where(
        M.kind == kind, M.body_id == body_id, M.touched_at >= since, ~_alive(kind)
    )
    if organ is not None:
        stmt = stmt.where(M.organ == organ)
    if until is not None:
        stmt = stmt.where(M.touched_at <= until)
    if created_since is not None:
        stmt = stmt.where(M.created_at >= created_since)
    if created_until is not None:
        stmt = stmt.where(M.created_at <= created_until)
    return list(db.session.scalars(stmt.order_by(M.id)))


def touched(kind: str, items: list[dict]) -> list[dict]:
    """Move each object's `modified` to when it last lost an embedded object, if later."""
    if not items:
        return items
    keys = {o["id"].rsplit("/", 1)[-1]: o for o in items}
    M = PublishedMark
    for key, at in db.session.execute(
        select(M.key, M.touched_at).where(M.kind == kind, M.key.in_(list(keys)))
    ):
        o = keys[key]
        if stamp(at) > (o.get("modified") or ""):
            o["modified"] = stamp(at)
    return items


def _sibling_of(r):
    """A select of the public resolutions in the same meeting as `r` (a resolution column
    set of the enclosing query), to narrow further."""
    S = aliased(Resolution)
    return select(S.id).where(
        S.public.is_(True),
        exists().where(Initiative.id == S.initiative_id, Initiative.public.is_(True)),
        S.body_id == r.body_id,
        S.organ == r.organ,
        S.session_date == r.session_date,
    ), S


def _meeting_mark_of(r):
    M = PublishedMark
    return select(M.id).where(
        M.kind == "meeting",
        M.body_id == r.body_id,
        M.organ == r.organ,
        M.day == r.session_date,
    ), M


def agenda_modified_since(since: datetime):
    """The condition that an agenda item's `modified` (its meeting's) is at or after `since`:
    a resolution of its meeting changed, or one left it, since then."""
    siblings, S = _sibling_of(Resolution)
    mark, M = _meeting_mark_of(Resolution)
    changed = siblings.where(S.modified_at >= since).exists()
    left = mark.where(M.touched_at >= since).exists()
    return changed | left


def agenda_modified_until(until: datetime):
    """The condition that an agenda item's `modified` (its meeting's) is at or before `until`."""
    siblings, S = _sibling_of(Resolution)
    mark, M = _meeting_mark_of(Resolution)
    changed_after = siblings.where(S.modified_at > until).exists()
    left_after = mark.where(M.touched_at > until).exists()
    return ~changed_after & ~left_after


def list_changed(body_id: int | None, organ: str | None = None):
    """A select of one row: times after which a list may read differently (None for those
    that never happened). Its objects' own times do not suffice: an object that goes takes
    its time with it, and one that comes with its initiative keeps its old one. So: the
    latest change of a public resolution in the list's scope (a body, or an organ of it), the
    latest removal of anything from that scope (its marks, of every kind, so that every list
    of the body moves on), the latest change of a public initiative with a resolution there,
    and of the body (its name is in organizations and meetings). `body_id=None`: the list of
    bodies, which changes with participations and initiatives too (a participation that ends
    leaves no row behind: the audit trail's latest entry dates it)."""
    R, M = Resolution, PublishedMark
    if body_id is None:
        return select(
            published_bodies().with_only_columns(func.max(Body.modified_at)).scalar_subquery(),
            select(func.max(Initiative.modified_at)).scalar_subquery(),
            select(func.max(M.touched_at)).scalar_subquery(),
            select(func.max(AuditEntry.at)).scalar_subquery(),
        )
    live = public_resolutions().with_only_columns(func.max(R.modified_at))
    live = live.where(R.body_id == body_id)
    gone = select(func.max(M.touched_at)).where(M.body_id == body_id)
    if organ is not None:
        live = live.where(R.organ == organ)
        gone = gone.where(M.organ == organ)
    initiatives = select(func.max(Initiative.modified_at)).where(
        Initiative.public.is_(True),
        exists().where(R.initiative_id == Initiative.id, R.body_id == body_id, R.public.is_(True)),
    )
    body = select(Body.modified_at).where(Body.id == body_id)
    return select(
        live.scalar_subquery(),
        gone.scalar_subquery(),
        initiatives.scalar_subquery(),
        body.scalar_subquery(),
    )
