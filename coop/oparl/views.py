"""/oparl/v1: our public data as OParl 1.1, without login. Lists are paginated through
`links.next`; `created_since`, `created_until`, `modified_since` and `modified_until` filter them
and are carried in the links; with `modified_since`, deleted objects come back as
`{"id", "type", "deleted": true}`."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, jsonify, request, url_for

from . import server as s

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1")
PAGE_SIZE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
LIST_KINDS = ("organization", "person", "meeting", "paper", "agendaItem", "consultation", "file")


class BadFilter(ValueError):
    pass


@bp.errorhandler(BadFilter)
def _bad_filter(exc):
    return jsonify({"error": str(exc)}), 400


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


def _keep(obj: dict, f: dict) -> bool:
    def at(key):
        return datetime.fromisoformat(obj[key]) if obj.get(key) else None

    created, modified = at("created"), at("modified")
    if f["created_since"] and (created is None or created < f["created_since"]):
        return False
    if f["created_until"] and (created is None or created > f["created_until"]):
        return False
    if f["modified_since"] and (modified is None or modified < f["modified_since"]):
        return False
    if f["modified_until"] and (modified is None or modified > f["modified_until"]):
        return False
    return True


def _page(items: list[dict], endpoint: str, **values):
    """One page of a list with its pagination and links (filters carried along)."""
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        raise BadFilter("page must be a whole number") from None
    carried = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    total = len(items)
    pages = max(1, -(-total // PAGE_SIZE))
    start = (page - 1) * PAGE_SIZE
    links = {
        "first": url_for(endpoint, _external=True, **values, **carried),
        "last": url_for(endpoint, _external=True, **values, **carried, page=pages),
        "self": url_for(endpoint, _external=True, **values, **carried, page=page),
    }
    if page < pages:
        links["next"] = url_for(endpoint, _external=True, **values, **carried, page=page + 1)
    if page > 1:
        links["prev"] = url_for(endpoint, _external=True, **values, **carried, page=page - 1)
    return jsonify(
        {
            "data": items[start : start + PAGE_SIZE],
            "pagination": {
                "totalElements": total,
                "elementsPerPage": PAGE_SIZE,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": links,
        }
    )


@bp.get("/system")
def system():
    return jsonify(s.system(s.load_catalog()))


@bp.get("/bodies")
def bodies():
    cat = s.load_catalog()
    f = _filters()
    items = [o for o in (s.body(cat, b) for b in cat.bodies.values()) if _keep(o, f)]
    return _page(items, "oparl.bodies")


@bp.get("/body/<int:body_id>")
def body(body_id: int):
    cat = s.load_catalog()
    if body_id not in cat.bodies:
        abort(404)
    return jsonify(s.body(cat, cat.bodies[body_id]))


def _objects(cat: s.Catalog, kind: str, body_id: int) -> list[dict]:
    if kind == "organization":
        return [s.organization(cat, k) for k in cat.of_body(cat.by_org, body_id)]
    if kind == "meeting":
        return [s.meeting(cat, k) for k in cat.of_body(cat.by_meeting, body_id)]
    if kind == "paper":
        return [s.paper(cat, k) for k in cat.of_body(cat.by_paper, body_id)]
    mine = [r for r in cat.resolutions if r.body_id == body_id]
    if kind == "consultation":
        return [s.consultation(cat, r) for r in mine]
    if kind == "agendaItem":
        return [s.agenda_item(cat, r) for r in mine]
    if kind == "file":
        return [s.file(r) for r in mine if r.document is not None]
    return []  # persons: coop keeps none


def _deleted(kind: str, body_id: int, since: datetime) -> list[dict]:
    """Tombstones of deleted resolutions' consultations and agenda items."""
    if kind not in ("consultation", "agendaItem"):
        return []
    out = []
    for entry in s.deleted_resolutions(since):
        old_body = (entry.changes.get("body_id") or [None])[0]
        if old_body is not None and int(old_body) != body_id:
            continue
        if kind == "consultation":
            url = url_for("oparl.consultation", resolution_id=entry.entity_id, _external=True)
            out.append(s.tombstone("Consultation", url, entry.at))
        else:
            url = url_for("oparl.agenda_item", resolution_id=entry.entity_id, _external=True)
            out.append(s.tombstone("AgendaItem", url, entry.at))
    return out


@bp.get("/body/<int:body_id>/<kind>")
def body_list(body_id: int, kind: str):
    if kind not in LIST_KINDS:
        abort(404)
    cat = s.load_catalog()
    if body_id not in cat.bodies:
        abort(404)
    f = _filters()
    items = [o for o in _objects(cat, kind, body_id) if _keep(o, f)]
    if f["modified_since"]:
        items += _deleted(kind, body_id, f["modified_since"])
    return _page(items, "oparl.body_list", body_id=body_id, kind=kind)


def _get(groups: dict, key: str):
    if key not in groups:
        abort(404)
    return key


@bp.get("/organization/<key>")
def organization(key: str):
    cat = s.load_catalog()
    return jsonify(s.organization(cat, _get(cat.by_org, key)))


@bp.get("/organization/<key>/meetings")
def organization_meetings(key: str):
    cat = s.load_catalog()
    _get(cat.by_org, key)
    f = _filters()
    keys = sorted(k for k in cat.by_meeting if k.startswith(key + "-"))
    items = [o for o in (s.meeting(cat, k) for k in keys) if _keep(o, f)]
    return _page(items, "oparl.organization_meetings", key=key)


@bp.get("/meeting/<key>")
def meeting(key: str):
    cat = s.load_catalog()
    return jsonify(s.meeting(cat, _get(cat.by_meeting, key)))


@bp.get("/paper/<key>")
def paper(key: str):
    cat = s.load_catalog()
    return jsonify(s.paper(cat, _get(cat.by_paper, key)))


def _resolution(cat: s.Catalog, resolution_id: int):
    r = next((x for x in cat.resolutions if x.id == resolution_id), None)
    if r is None:
        abort(404)
    return r


@bp.get("/consultation/<int:resolution_id>")
def consultation(resolution_id: int):
    cat = s.load_catalog()
    return jsonify(s.consultation(cat, _resolution(cat, resolution_id)))


@bp.get("/agendaitem/<int:resolution_id>")
def agenda_item(resolution_id: int):
    cat = s.load_catalog()
    return jsonify(s.agenda_item(cat, _resolution(cat, resolution_id)))


@bp.get("/file/<int:document_id>")
def file(document_id: int):
    cat = s.load_catalog()
    r = next((x for x in cat.resolutions if x.document_id == document_id), None)
    if r is None:
        abort(404)
    return jsonify(s.file(r))
