"""/api/v1/trash: the recycle bin. A DELETE of the API puts the record there, as the pages do;
this lists what a client may bring back and restores it whole."""

from datetime import datetime

from flask import g
from flask_babel import gettext as _
from pydantic import BaseModel

from .. import trash
from ..auth import permissions
from ..extensions import db
from ..models import TrashItem
from . import bp
from .auth import ApiAbort, found
from .schemas import PageOf
from .spec import Answer, listing, operation


class TrashItemOut(BaseModel):
    id: int
    entity_type: str
    entity_id: int
    label: str
    context: str | None
    deleted_at: datetime
    expires_at: datetime
    with_it: dict[str, int]


class TrashList(PageOf):
    items: list[TrashItemOut]


class Restored(BaseModel):
    entity_type: str
    entity_id: int


def _out(item: TrashItem) -> dict:
    own = item.counts or {}
    return TrashItemOut(
        id=item.id,
        entity_type=item.entity_type,
        entity_id=item.entity_id,
        label=item.label,
        context=item.context,
        deleted_at=item.deleted_at,
        expires_at=item.expires_at,
        with_it={k: v for k, v in own.items()},
    ).model_dump(mode="json")


@bp.get("/trash")
@listing("listTrash", "List what was deleted in the last 30 days", TrashList, "deleted records")
def list_trash():
    """What the client's account may restore, newest first (at most 500)."""
    items = trash.items_for(permissions.bin_scope(g.api_user))
    return {"items": [_out(i) for i in items], "page": 1, "per_page": 500, "total": len(items)}


@bp.post("/trash/<int:item_id>/restore")
@operation(
    "restoreFromTrash",
    "Restore a deleted record whole",
    answers={200: Answer("Restored", Restored)},
    errors=(401, 403, 404, 409),
)
def restore_from_trash(item_id: int):
    """Bring the record back with everything that was deleted with it."""
    item = found(
        db.session.get(TrashItem, item_id),
        _("There is nothing in the recycle bin with id %(id)d.", id=item_id),
    )
    if not permissions.can_restore(g.api_user, item):
        raise ApiAbort(403, _("Your role does not allow this."))
    kind = item.entity_type
    restored = trash.restore(item)
    db.session.commit()
    return {"entity_type": kind, "entity_id": restored.id}
