"""/api/v1/search: one search over the partners' papers and our own records; saved searches."""

from flask import g
from flask_babel import gettext as _

from ..auth import permissions
from ..errors import ValidationError
from ..extensions import db
from ..models import Initiative
from ..search import services
from . import bp
from .auth import ApiAbort, found, page_of, parse_json, parse_query
from .schemas import (
    SavedSearchIn,
    SavedSearchList,
    SavedSearchOut,
    SearchHit,
    SearchList,
    SearchQuery,
)
from .spec import Answer, creating, deleting, listing, operation


def _hit(entry) -> dict:
    return SearchHit(
        kind=entry.kind,
        id=entry.ref_id,
        title=entry.title,
        reference=entry.reference,
        body_id=entry.body_id,
        organ=entry.organ,
        day=entry.day,
        url=services.entry_link(entry),
    ).model_dump(mode="json")


def _saved_out(saved) -> dict:
    return SavedSearchOut(
        id=saved.id,
        name=saved.name,
        q=saved.query,
        body_id=saved.body_id,
        kind=saved.kind,
        initiative_id=saved.initiative_id,
    ).model_dump(mode="json")


@bp.get("/search")
@listing(
    "search", "Search papers, initiatives and resolutions", SearchList, "search", query=SearchQuery
)
def search():
    """Every word of q in a synced paper (name, number, consultations, results), an
    initiative or a resolution; filters body_id, kind, organ, from, to; newest first."""
    args = parse_query(SearchQuery)
    f = services.Filters(
        q=args.q or "",
        body_id=args.body_id,
        kind=args.kind,
        organ=args.organ,
        day_from=args.day_from,
        day_to=args.day_to,
    )
    try:
        services.check_filters(f)
    except ValidationError as exc:  # a bad query is a 400, as every other query parameter
        fields = {{"day_to": "to"}.get(k, k): v for k, v in exc.fields.items()}
        raise ApiAbort(400, exc.message, fields) from None
    return page_of(services.search_query(f), _hit)


@bp.get("/saved-searches")
@operation(
    "listSavedSearches",
    "Your saved searches",
    answers={200: Answer("Your saved searches", SavedSearchList)},
    errors=(401,),
)
def list_saved_searches():
    """The searches the token's owner keeps."""
    return {"items": [_saved_out(s) for s in services.saved_searches_of(g.api_user)]}


@bp.post("/saved-searches")
@creating("createSavedSearch", "Keep a search", SavedSearchIn, SavedSearchOut)
def create_saved_search():
    """Keep a search: its owner is told of new matches; with an initiative, new papers are
    proposed to it (for those who may change the initiative)."""
    payload = parse_json(SavedSearchIn)
    if payload.initiative_id is not None:
        initiative = db.session.get(Initiative, payload.initiative_id)
        if initiative is not None and not permissions.can_edit_initiative(g.api_user, initiative):
            raise ApiAbort(403, _("Your role does not allow this."))
    saved = services.save_search(
        g.api_user,
        payload.name,
        services.Filters(q=payload.q, body_id=payload.body_id, kind=payload.kind),
        payload.initiative_id,
    )
    db.session.commit()
    return _saved_out(saved), 201, {"Location": f"/api/v1/saved-searches/{saved.id}"}


@bp.delete("/saved-searches/<int:saved_id>")
@deleting("deleteSavedSearch", "Forget a saved search")
def delete_saved_search(saved_id: int):
    """Forget one of your saved searches."""
    saved = found(
        services.own_saved_search(g.api_user, saved_id),
        _("There is no saved search with id %(id)d.", id=saved_id),
    )
    services.delete_saved_search(saved)
    db.session.commit()
    return "", 204
