"""/oparl/v1: our public data as OParl 1.1, without login. Lists are paginated through
`links.next`; `created_since`, `created_until`, `modified_since` and `modified_until` filter them
and are carried in the links; with `modified_since`, deleted objects come back as
`{"id", "type", "created", "modified", "deleted": true}`.

Every answer under /oparl/, errors and answers from the page cache included, is public JSON in
UTF-8. Objects and list pages carry an ETag and, once the second of their last change is over,
Last-Modified; both answer conditional requests with 304."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import case, func, select
from werkzeug.http import HTTP_STATUS_CODES

from ..cache import cached
from ..extensions import db
from ..links import external_url
from ..models import Body, PublishedMark, Resolution
from ..pagecache import keep_out
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


@bp.after_app_request
def _public_json(response):
    """Every answer under /oparl/ is public JSON in UTF-8, whatever made it: our views, the
    page cache, the error handlers, the router (an unknown path, a bad id, a POST) or the
    checks before any view (an unknown host, a NUL in the query). Any client on any site may
    read it (OParl 1.1, CORS), also with its validators."""
    if not request.path.startswith("/oparl/"):
        return response
    if response.status_code >= 400 and response.mimetype != "application/json":
        response = _as_error(response)
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    if request.method == "OPTIONS" and response.status_code < 400:
        # a browser's preflight before a conditional request; the answer has no body
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        headers["Access-Control-Max-Age"] = "86400"
    elif response.mimetype == "application/json":
        headers["Content-Type"] = "application/json; charset=utf-8"
    return response


def _as_error(response):
    """An answer some other layer made in HTML or text, as an OParl Error of the same status."""
    text = response.get_data(as_text=True) if response.mimetype == "text/plain" else ""
    status = response.status_code
    error = jsonify(s.error(HTTP_STATUS_CODES.get(status, "Error"), text.strip() or None))
    error.status_code = status
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length"):
            error.headers[name] = value
    return error


# RFC 3339 date-time: date, T (or t, or a space), time, an optional fraction and the offset: Z,
# +HH:MM or -HH:MM (+HHMM and -HHMM too, as PHP's ISO8601 format writes it). A client that
# forgets to encode the `+` of its offset sends a space, as a query string decodes `+`: a
# space before the offset is read as `+` (a `-` arrives as it is).
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:[Zz]|([+\- ])(\d{2}):?(\d{2}))",
    re.ASCII,
)


def parse_instant(raw: str) -> datetime | None:
    """The instant (in UTC) an RFC 3339 date-time names, or None if `raw` is not one. A
    fraction beyond microseconds is cut; a leap second counts as the minute's last
    microsecond."""
    m = _DATE_TIME.fullmatch(raw)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(x) for x in m.groups()[:6])
    fraction, sign, off_h, off_m = m.groups()[6:]
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    if second == 60:
        second, micro = 59, 999999
    try:
        zone = UTC
        if sign is not None:
            if int(off_h) > 23 or int(off_m) > 59:
                return None
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            zone = timezone(-offset if sign == "-" else offset)
        value = datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _carried(raw: str) -> str:
    """A filter's value as the links carry it: the client's own, its `+` mended."""
    m = _DATE_TIME.fullmatch(raw)
    if m is not None and m.group(8) == " ":
        return raw[: m.start(8)] + "+" + raw[m.start(8) + 1 :]
    return raw


def _when(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    value = parse_instant(raw)
    if value is None:
        raise BadFilter(
            f"{name} must be a date-time with its time zone offset (RFC 3339), "
            "for example 2026-12-07T22:00:05+01:00 or 2026-12-07T21:00:05Z "
            "(encode the + as %2B)"
        )
    return value


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
    carried = {k: _carried(request.args[k]) for k in FILTERS if request.args.get(k)}
    if request.args.get("omit_internal"):
        carried["omit_internal"] = request.args["omit_internal"]
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


def _now() -> datetime:
    return datetime.now(UTC)


def _answer(payload: dict, changed: datetime | str | None):
    """JSON with an ETag and Last-Modified (when it last `changed`); 304 when the client has
    it. HTTP dates count whole seconds, so Last-Modified is sent only once the second of the
    last change is over: a client that read during that second would otherwise be told
    "not modified" after a second change within it (RFC 9110, 8.8.2.2)."""
    if request.args.get("omit_internal", "").lower() in ("true", "1"):
        for obj in payload["data"] if "data" in payload else [payload]:
            _omit_internal(obj)
    response = jsonify(payload)
    if isinstance(changed, str):
        changed = datetime.fromisoformat(changed)
    if changed is not None:
        second = changed.astimezone(UTC).replace(microsecond=0)
        if _now() >= second + timedelta(seconds=1):
            response.last_modified = second
        else:  # the next reader, a second later, gets it
            keep_out()
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response.make_conditional(request)


def _object(obj: dict):
    """One object (or tombstone), validated by its own `modified`."""
    return _answer(obj, obj.get("modified"))


def _list(
    items: list[dict],
    total: int,
    page: int,
    endpoint: str,
    after: int | None = None,
    changed: datetime | None = None,
    **values,
):
    """A list page. `changed`: when the list last changed as a whole (see `_totals`), not
    the latest of this page's objects: a delete or a new object moves every page."""
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
        changed,
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
    if modified is not None and f["modified_since"]:
        stmt = stmt.where(modified >= f["modified_since"])
    if modified is not None and f["modified_until"]:
        stmt = stmt.where(modified <= f["modified_until"])
    return stmt


def _totals(stmt, changed) -> tuple[int, datetime | None]:
    """How many rows `stmt` selects, and the latest of the times `changed` (a select of one
    row, `server.list_changed`) selects: computed once per change of the data (the count is
    the costly part of a list page; the page itself reads only its own rows)."""

    def compute() -> bytes:
        n = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        times = [t for t in db.session.execute(changed).one() if t is not None]
        return f"{n}|{max(times).isoformat() if times else ''}".encode()

    sql = "\x1f".join(
        str(x.compile(compile_kwargs={"literal_binds": True})) for x in (stmt, changed)
    )
    key = "oparl-count|" + hashlib.sha256(sql.encode()).hexdigest()
    n, _, at = bytes(cached(key, compute)).decode().partition("|")
    return int(n), datetime.fromisoformat(at) if at else None


def _agenda_items(rows: list) -> list[dict]:
    """Agenda items with their order in their meeting and their meeting's `modified`: one
    query for the page's meetings, one for their marks."""
    if not rows:
        return []
    body_id = rows[0].body_id
    meetings = {(r.organ, r.session_date) for r in rows}
    days = sorted({d for _, d in meetings})
    siblings = db.session.execute(
        s.public_resolutions()
        .with_only_columns(
            Resolution.id, Resolution.organ, Resolution.session_date, Resolution.modified_at
        )
        .where(Resolution.body_id == body_id, Resolution.session_date.in_(days))
        .order_by(Resolution.session_date, Resolution.id)
    ).all()
    order, seen = {}, {}
    for rid, organ, day, _modified in siblings:
        seen[(organ, day)] = seen.get((organ, day), 0) + 1
        order[rid] = seen[(organ, day)]
    times = s.meeting_times(body_id, siblings)
    return [
        s.agenda_item(r, order.get(r.id, 1), meeting_modified=times.get((r.organ, r.session_date)))
        for r in rows
    ]


def _sql_page(stmt, order, endpoint: str, render, changed, extra: list[dict] = (), **values):
    """One page of a list read from the database: a count and one bounded query (the order's
    column is indexed), whatever the size of the catalogue."""
    page, after = _page_number(), _after()
    live, last_change = _totals(stmt.order_by(None), changed)
    total = live + len(extra)
    start = (page - 1) * PAGE_SIZE
    key = order[0]
    if after:  # keyset: an indexed range, however deep the page
        stmt = stmt.where(key > after).order_by(*order).limit(PAGE_SIZE)
    else:
        stmt = stmt.order_by(*order).limit(PAGE_SIZE).offset(start)
    rows = db.session.scalars(stmt).unique().all()
    items = render(rows)
    cursor = rows[-1].id if rows else after
    items = _fill(items, list(extra), page, live)
    return _list(items, total, page, endpoint, cursor, last_change, **values)


@bp.get("/system")
def system():
    """The OParl System (the entry point of every client)."""
    return _object(s.system())


@bp.get("/bodies")
def bodies():
    """The bodies with published resolutions, paged."""
    f = _filters()
    stmt = _sql_filters(s.published_bodies(), Body.created_at, Body.modified_at, f)
    return _sql_page(
        stmt,
        (Body.id,),
        "oparl.bodies",
        lambda rows: [s.body(b) for b in rows],
        s.list_changed(None),
    )


@bp.get("/body/<int:body_id>")
def body(body_id: int):
    """One body."""
    found = s.load_body(body_id)
    if found is None:
        abort(404)
    return _object(s.body(found))


def _tombstones(kind: str, body_id: int, f: dict, organ: str | None = None) -> list[dict]:
    """Objects of the body that went since `modified_since` (none without that filter),
    within the other filters."""
    if not f["modified_since"]:
        return []
    marks = s.gone_since(
        kind,
        body_id,
        f["modified_since"],
        organ,
        until=f["modified_until"],
        created_since=f["created_since"],
        created_until=f["created_until"],
    )
    return [s.tombstone(m) for m in marks]


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
        if kind == "agendaItem":  # an agenda item is modified when its meeting is
            stmt = _sql_filters(stmt, Resolution.created_at, None, f)
            if f["modified_since"]:
                stmt = stmt.where(s.agenda_modified_since(f["modified_since"]))
            if f["modified_until"]:
                stmt = stmt.where(s.agenda_modified_until(f["modified_until"]))
        else:
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
        changed = s.list_changed(body_id)
        return _sql_page(
            stmt,
            (Resolution.id,),
            "oparl.body_list",
            render,
            changed,
            extra,
            body_id=body_id,
            kind=kind,
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
    live, last_change = _totals(groups, s.list_changed(owner, organ))
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
        items = _fill(items, extra, page, live)
        return _list(items, total, page, endpoint, cursor, last_change, **values)
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
        if grouping == "meeting":
            s.settle_agenda(item)
    items = _fill(items, extra, page, live)
    return _list(items, total, page, endpoint, cursor, last_change, **values)


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
    return _object(s.tombstone(mark))


@bp.get("/organization/<key>")
def organization(key: str):
    """One organization."""
    cat = s.load_catalog(_body_of(key))
    if key not in cat.by_org:
        return _gone_or_404("organization", key)
    return _object(s.touched("organization", [s.organization(cat, key)])[0])


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
    return _object(s.settle_agenda(s.touched("meeting", [s.meeting(cat, key)])[0]))


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
    return _object(s.touched("paper", [s.paper(cat, key)])[0])


@bp.get("/consultation/<int:resolution_id>")
def consultation(resolution_id: int):
    """One consultation (a tombstone once its resolution is gone)."""
    r = s.load_resolution(resolution_id)
    if r is None:
        return _gone_or_404("consultation", str(resolution_id))
    return _object(s.consultation(r))


@bp.get("/agendaitem/<int:resolution_id>")
def agenda_item(resolution_id: int):
    """One agenda item (a tombstone once its resolution is gone)."""
    r = s.load_resolution(resolution_id)
    if r is None:
        return _gone_or_404("agendaItem", str(resolution_id))
    return _object(s.agenda_item(r, cat=s.meeting_siblings(r)))


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
    return _object(s.file(r))
