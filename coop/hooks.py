"""What happens after a write, in one place: the hooks on SQLAlchemy's `Session` that every
change passes through, whatever code path made it (a form, the API, an import, a worker).

The app factory calls `install()` once; nothing registers a hook by being imported. SQLAlchemy
runs the hooks of one event in the order they were registered, which is the order of `HOOKS`:

1. before the flush, the OParl marks, because they add rows (`PublishedMark`) that the same
   flush must write;
2. after the flush, the audit trail first: it reads the attribute history of what was written,
   before any other hook writes more;
3. then the data generation of the page and result caches, so that a cached answer computed
   before this transaction is not used after it commits;
4. then the derived records that follow a change: stored funding checks marked stale, the
   search index's entries of initiatives and resolutions;
5. at the end of the outer transaction, the generation's "bumped" flag is forgotten.

The hooks of the models themselves (`before_delete` of a record that takes others with it) stay
with the models: they are part of what a record is, not of what a write sets off.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from . import audit, cache
from .funding import staleness
from .oparl import marks
from .search import services as search

# (event, function, what it does), in the order they run
HOOKS: tuple[tuple[str, Callable, str], ...] = (
    ("before_flush", marks.mark_published, "marks what our OParl server published"),
    ("after_flush", audit.write_audit_trail, "one audit entry per changed record"),
    ("after_flush", cache.bump_generation, "moves the data generation of the caches"),
    ("after_flush", staleness.mark_checks_stale, "marks stored funding checks stale"),
    ("after_flush", search.reindex_records, "keeps the search index of our records"),
    ("after_transaction_end", cache.forget_bump, "forgets the generation's bump"),
)


def install() -> None:
    """Register every hook on `Session`, once per process (a second call changes nothing)."""
    for name, function, _what in HOOKS:
        if not event.contains(Session, name, function):
            event.listen(Session, name, function)
