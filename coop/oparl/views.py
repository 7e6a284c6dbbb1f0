"""/oparl/v1: our public data as OParl 1.1, without login. Lists are paginated through
`links.next`; `created_since`, `created_until`, `modified_since` and `modified_until` filter them
and are carried in the links; with `modified_since`, deleted objects come back as
`{"id", "type", "deleted": true}`."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import case, func, select

from ..cache import cached
from ..extensions import db
from ..links import external_url
from ..models import Body, PublishedMark, Resolution
from . import server as s

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1")
PAGE_SIZE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
LIST_KINDS = ("organization", "person", "meeting", "paper", "agendaItem", "consultation", "file")


class BadFilter(ValueError):
    pass


@bp.errorhandler(BadFilter)
def _bad_filter(exc):
    return s.error(str(exc)), 400


@bp.after_request
def _public_json(response):
    """Every answer of the OParl server, errors and answers from the page cache included, is
    public JSON in UTF-8: any client on any site may read it (OParl 1.1, section 4.4)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.mimetype == "application/json":
        response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response


def _when(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadFilter(f"{name} must be an ISO 8601 date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _filters() -> dict[str, datetime | None]:
    return {name: _when(name) for name in FILTERS}


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        raise BadFilter("page must be a whole number") from None


def _after() -> int:
    """The keyset cursor of a `next` link: the list goes on after this id (0: from the start)."""
    raw = request.args.get("after", "0")
    if not raw.isdigit() or int(raw) > 2**31 - 1:
        raise BadFilter("after must be a whole number")
    return int(raw)


def _links(endpoint: str, values: dict, page: int, pages: int, after: int | None = None) -> dict:
    """first, last, self, next and prev. `next` carries the keyset cursor `after` when the
    page knows it, so a client walking the whole list never makes the database skip rows."""
    carried = {k: request.args[k] for k in (*FILTERS, "omit_internal") if request.args.get(k)}
    links = {
        "first": external_url(endpoint, **values, **carried),
        "last": external_url(endpoint, **values, **carried, page=pages),
        "self": external_url(endpoint, **values, **carried, page=page),
    }
    if page < pages:
        cursor = {"after": after} if after else {}
        links["next"] = external_url(endpoint, **values, **carried, page=page + 1, **cursor)
    if page > 1:
        links["prev"] = external_url(endpoint, **values, **carried, page=page - 1)
    return links


# objects a Meeting, Paper or AgendaItem embeds; `omit_internal=true` gives their URLs instead
_EMBEDDED = ("agendaItem", "consultation", "mainFile", "auxiliaryFile", "resolutionFile")


def _omit_internal(obj: dict) -> dict:
    for name in _EMBEDDED:
        value = obj.get(name)
        if isinstance(value, dict):
            obj[name] = value["id"]
        elif isinstance(value, list):
            obj[name] = [v["id"] if isinstance(v, dict) else v for v in value]
    return obj


def _answer(payload: dict, modified: list[str | None]):
    """JSON with Last-Modified and an ETag; 304 when the client has it."""
    if request.args.get("omit_internal", "").lower() in ("true", "1"):
        for obj in payload["data"] if "data" in payload else [payload]:
            _omit_internal(obj)
    response = jsonify(payload)
    stamps = [m for m in modified if m]
    if stamps:
        response.last_modified = max(datetime.fromisoformat(m) for m in stamps)
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response.make_conditional(request)


def _list(
    items: list[dict], total: int, page: int, endpoint: str, after: int | None = None, **values
):
    pages = max(1, -(-total // PAGE_SIZE))
    return _answer(
        {
            "data": items,
            "pagination": {
                "totalElements": total,
                "elementsPerPage": PAGE_SIZE,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": _links(endpoint, values, page, pages, after),
        },
        [o.get("modified") for o in items],
    )


def _page(items: list[dict], endpoint: str, **values):
    """One page of a list built in memory (one body's groups: bounded by that body's data)."""
    page = _page_number()
    start = (page - 1) * PAGE_SIZE
    return _list(items[start : start + PAGE_SIZE], len(items), page, endpoint, **values)


def _sql_filters(stmt, created, modified, f: dict):
    if f["created_since"]:
        stmt = stmt.where(created >= f["created_since"])
    if f["created_until"]:
        stmt = stmt.where(created <= f["created_until"])
    if f["modified_since"]:
        stmt = stmt.where(modified >= f["modified_since"])
    if f["modified_until"]:
        stmt = stmt.where(modified <= f["modified_until"])
    return stmt


def _count(stmt) -> int:
    """How many rows `stmt` selects: counted once per change of the data (the count is the
    costly part of a list page; the page itself reads only its own rows)."""

    def compute() -> bytes:
        n = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        return str(n).encode()

    sql = str(stmt.compile(compile_kwargs={"literal_binds": True}))
    key = "oparl-count|" + hashlib.sha256(sql.encode()).hexdigest()
    return int(cached(key, compute))


def _agenda_items(rows: list) -> list[dict]:
    """Agenda items with their order in their meeting: one more query for the page's meetings."""
    if not rows:
        return []
    body_id = rows[0].body_id
    meetings = {(r.organ, r.session_date) for r in rows}
    days = sorted({d for _, d in meetings})
    siblings = db.session.execute(
        s.public_resolutions()
        .with_only_columns(Resolution.id, Resolution.organ, Resolution.session_date)
        .where(Resolution.body_id == body_id, Resolution.session_date.in_(days))
        .order_by(Resolution.session_date, Resolution.id)
    ).all()
    order, seen = {}, {}
    for rid, organ, day in siblings:
        seen[(organ, day)] = seen.get((organ, day), 0) + 1
        order[rid] = seen[(organ, day)]
    return [s.agenda_item(r, order.get(r.id, 1)) for r in rows]


def _sql_page(stmt, order, endpoint: str, render, extra: list[dict] = (), **values):
    """One page of a list read from the database: a count and one bounded query (the order's
    column is indexed), whatever the size of the catalogue."""
    page, after = _page_number(), _after()
    total = _count(stmt.order_by(None)) + len(extra)
    start = (page - 1) * PAGE_SIZE
    key = order[0]
    if after:  # keyset: an indexed range, however deep the page
        stmt = stmt.where(key > after).order_by(*order).limit(PAGE_SIZE)
    else:
        stmt = stmt.order_by(*order).limit(PAGE_SIZE).offset(start)
    rows = db.session.scalars(stmt).unique().all()
    items = render(rows)
    # tombstones follow the live objects
    if len(items) < PAGE_SIZE and extra:
        skip = max(0, start - (total - len(extra)))
        items += list(extra)[skip : skip + PAGE_SIZE - len(items)]
    cursor = rows[-1].id if rows else after
    return _list(items, total, page, endpoint, cursor, **values)


@bp.get("/system")
def system():
    """The OParl System (the entry point of every client)."""
    system = s.system()
    return _answer(system, [system.get("modified")])


@bp.get("/bodies")
def bodies():
    """The bodies with published resolutions, paged."""
    f = _filters()
    stmt = _sql_filters(s.published_bodies(), Body.created_at, Body.modified_at, f)
    return _sql_page(stmt, (Body.id,), "oparl.bodies", lambda rows: [s.body(b) for b in rows])


@bp.get("/body/<int:body_id>")
def body(body_id: int):
    """One body."""
    found = s.load_body(body_id)
    if found is None:
        abort(404)
    return _answer(s.body(found), [])


def _tombstones(kind: str, body_id: int, f: dict, organ: str | None = None) -> list[dict]:
    """Objects of the body that went since `modified_since` (none without that filter)."""
    if not f["modified_since"]:
        return []
    return [s.tombstone(m) for m in s.gone_since(kind, body_id, f["modified_since"], organ)]


@bp.get("/body/<int:body_id>/<kind>")
def body_list(body_id: int, kind: str):
    """One of a body's lists (organizations, meetings, papers, …), paged and filterable."""
    if kind not in LIST_KINDS:
        abort(404)
    f = _filters()
    if s.load_body(body_id) is None:
        abort(404)
    if kind in ("consultation", "agendaItem", "file"):
        stmt = s.public_resolutions().where(Resolution.body_id == body_id)
        stmt = _sql_filters(stmt, Resolution.created_at, Resolution.modified_at, f)
        stmt = stmt.options(*s.resolution_options())
        if kind == "file":
            stmt = stmt.where(Resolution.document_id.is_not(None))

            def render(rows):
                return [s.file(r) for r in rows]
        elif kind == "consultation":

            def render(rows):
                return [s.consultation(r) for r in rows]
        else:
            render = _agenda_items
        extra = _tombstones(kind, body_id, f)
        return _sql_page(
            stmt, (Resolution.id,), "oparl.body_list", render, extra, body_id=body_id, kind=kind
        )
    if kind == "person":
        return _page([], "oparl.body_list", body_id=body_id, kind=kind)  # coop keeps none
    return _grouped_page(body_id, kind, f, None, "oparl.body_list", body_id=body_id, kind=kind)


def _grouped_page(owner: int, grouping: str, f: dict, organ: str | None, endpoint: str, **values):
    """A page of organizations, meetings or papers of one body, grouped in the database: a
    count, one query for the page's groups and one for their resolutions."""
    R = Resolution
    base = s.public_resolutions().where(R.body_id == owner)
    if organ is not None:
        base = base.where(R.organ == organ)
    if grouping == "organization":
        cols = (R.organ,)
    elif grouping == "meeting":
        cols = (R.organ, R.session_date)
    else:  # a paper: one reference of the body, or a resolution without reference
        cols = (func.coalesce(R.reference, ""), case((R.reference.is_(None), R.id), else_=0))
    M = PublishedMark
    # an object that lost an embedded one (a deleted consultation) is modified then
    base = base.outerjoin(M, (M.kind == grouping) & s.belongs(grouping))
    created = func.min(R.created_at)
    modified = func.max(case((M.touched_at > R.modified_at, M.touched_at), else_=R.modified_at))
    groups = base.with_only_columns(*cols, func.min(R.id), created, modified).group_by(*cols)
    for name, condition in (
        ("created_since", lambda v: created >= v),
        ("created_until", lambda v: created <= v),
        ("modified_since", lambda v: modified >= v),
        ("modified_until", lambda v: modified <= v),
    ):
        if f[name]:
            groups = groups.having(condition(f[name]))
    page, after = _page_number(), _after()
    extra = _tombstones(grouping, owner, f, organ)
    live = _count(groups)
    total = live + len(extra)
    if after:  # keyset over the groups' first resolution
        window = groups.having(func.min(R.id) > after)
    else:
        window = groups.offset((page - 1) * PAGE_SIZE)
    rows = db.session.execute(window.order_by(func.min(R.id)).limit(PAGE_SIZE)).all()
    cursor = rows[-1][-3] if rows else after
    if grouping == "organization":
        firsts = {
            r.id: r
            for r in db.session.scalars(
                select(R)
                .where(R.id.in_([row[-3] for row in rows]))
                .options(*s.resolution_options())
            )
        }
        items = [
            s.organization_of(
                firsts[row[-3]],
                s.org_key(owner, row[0]),
                {"created": s.stamp(row[-2]), "modified": s.stamp(row[-1])},
            )
            for row in rows
        ]
        return _list(_fill(items, extra, page, live), total, page, endpoint, cursor, **values)
    if grouping == "meeting":
        wanted = R.organ.in_({row[0] for row in rows}) & R.session_date.in_(
            {row[1] for row in rows}
        )
    else:
        wanted = R.reference.in_({row[0] for row in rows if row[0]}) | R.id.in_(
            {row[1] for row in rows if row[1]}
        )
    resolutions = db.session.scalars(
        base.where(wanted).options(*s.resolution_options()).order_by(R.session_date, R.id)
    ).all()
    firsts = {r.id: r for r in resolutions}
    cat = s.Catalog({}, list(resolutions))
    if grouping == "meeting":
        keys = [s.meeting_key(owner, row[0], row[1]) for row in rows]
        items = [s.meeting(cat, k) for k in keys]
    else:
        keys = [s.paper_key(firsts[row[-3]]) for row in rows]
        items = [s.paper(cat, k) for k in keys]
    for item, row in zip(items, rows, strict=True):
        item["modified"] = s.stamp(row[-1])
    return _list(_fill(items, extra, page, live), total, page, endpoint, cursor, **values)


def _fill(items: list[dict], extra: list[dict], page: int, live: int) -> list[dict]:
    """Tombstones follow the live objects, on the pages after them."""
    if len(items) >= PAGE_SIZE or not extra:
        return items
    skip = max(0, (page - 1) * PAGE_SIZE - live)
    return items + extra[skip : skip + PAGE_SIZE - len(items)]


def _body_of(key: str) -> int:
    head = key.split("-", 1)[0]
    if not head.isdigit() or int(head) > 2**31 - 1:
        abort(404)
    return int(head)


def _gone_or_404(kind: str, key: str):
    """A published object that went answers with its tombstone (200); else 404."""
    mark = s.gone(kind, key)
    if mark is None:
        abort(404)
    return _answer(s.tombstone(mark), [])


@bp.get("/organization/<key>")
def organization(key: str):
    """One organization."""
    cat = s.load_catalog(_body_of(key))
    if key not in cat.by_org:
        return _gone_or_404("organization", key)
    return _answer(s.touched("organization", [s.organization(cat, key)])[0], [])


@bp.get("/organization/<key>/meetings")
def organization_meetings(key: str):
    """The meetings of one organization, paged."""
    body_id = _body_of(key)
    organs = _organs_of(body_id, key)
    if not organs:
        abort(404)
    return _grouped_page(
        body_id, "meeting", _filters(), organs[0], "oparl.organization_meetings", key=key
    )


def _organs_of(body_id: int, key: str) -> list[str]:
    """The organ whose key is `key` (keys hash the organ's name)."""
    organs = db.session.scalars(
        s.public_resolutions()
        .with_only_columns(Resolution.organ)
        .where(Resolution.body_id == body_id)
        .distinct()
    ).all()
    return [o for o in organs if s.org_key(body_id, o) == key]


@bp.get("/meeting/<key>")
def meeting(key: str):
    """One meeting."""
    cat = s.load_catalog(_body_of(key))
    if key not in cat.by_meeting:
        return _gone_or_404("meeting", key)
    return _answer(s.touched("meeting", [s.meeting(cat, key)])[0], [])


@bp.get("/paper/<key>")
def paper(key: str):
    """One paper."""
    if key.startswith("r") and key[1:].isdigit():
        r = s.load_resolution(int(key[1:])) if int(key[1:]) <= 2**31 - 1 else None
        cat = s.Catalog({r.body_id: r.body}, [r]) if r is not None else s.Catalog({}, [])
    else:
        cat = s.load_catalog(_body_of(key))
    if key not in cat.by_paper:
        return _gone_or_404("paper", key)
    return _answer(s.touched("paper", [s.paper(cat, key)])[0], [])


@bp.get("/consultation/<int:resolution_id>")
def consultation(resolution_id: int):
    """One consultation (a tombstone once its resolution is gone)."""
    r = s.load_resolution(resolution_id)
    if r is None:
        return _gone_or_404("consultation", str(resolution_id))
    return _answer(s.consultation(r), [])


@bp.get("/agendaitem/<int:resolution_id>")
def agenda_item(resolution_id: int):
    """One agenda item (a tombstone once its resolution is gone)."""
    r = s.load_resolution(resolution_id)
    if r is None:
        return _gone_or_404("agendaItem", str(resolution_id))
    return _answer(s.agenda_item(r, cat=s.meeting_siblings(r)), [])


@bp.get("/file/<int:document_id>")
def file(document_id: int):
    """One file (the paper of a public resolution)."""
    r = db.session.scalar(
        s.public_resolutions()
        .where(Resolution.document_id == document_id)
        .options(*s.resolution_options())
        .limit(1)
    )
    if r is None:
        return _gone_or_404("file", str(document_id))
    return _answer(s.file(r), [])
