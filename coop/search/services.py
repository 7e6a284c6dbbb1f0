"""Full-text search across the partners' synced papers and our own initiatives and resolutions.

The index (`search_entries`) holds one entry per paper, initiative and resolution: its title,
reference, body, organ, day and the text searched (a paper's name, number, type and the
organs, roles and results of its consultations). PostgreSQL searches it with the German text
configuration (stemming: "Rechnungen" finds "Rechnung"); SQLite with FTS5 (every word of the
query, as a prefix). Papers are indexed after each sync, for what the run brought; initiatives
and resolutions whenever a flush changes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, func, insert, literal_column, select, text
from sqlalchemy.orm import Session

from .. import links
from ..errors import ValidationError
from ..extensions import db
from ..links import external_url
from ..messages import N_
from ..models import (
    Body,
    Initiative,
    OParlObject,
    Resolution,
    SavedSearch,
    SearchEntry,
    User,
)
from ..models.base import utcnow
from ..oparl import sync
from ..reminders.services import language
from ..validation import line

KINDS = ("paper", "initiative", "resolution")
_BATCH = 500


# --- building entries ---------------------------------------------------------------------------


def _text(*parts) -> str:
    return " ".join(str(p) for p in parts if p)[:100_000]


def _ids(value) -> list[str]:
    """The ids a field names: one URL, a list of URLs, or embedded objects with ids."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append(item["id"])
    return out


def _stored(body_id: int, ids: Iterable[str]) -> dict[str, dict]:
    """What the body's stored objects of these ids say (deleted ones left out)."""
    found = sync.stored_objects(body_id, ids)
    return {k: o.raw for k, o in found.items() if not o.deleted}


def paper_entries(body_id: int, papers: list[OParlObject]) -> list[dict]:
    """Index entries of synced papers, with what their consultations say (organ, role, the
    agenda item's name and result, the meeting's day)."""
    consultations = {}
    wanted = []
    for p in papers:
        for c in p.raw.get("consultation") or []:
            if isinstance(c, dict):
                consultations[c.get("id")] = c
            elif isinstance(c, str):
                wanted.append(c)
    consultations.update(_stored(body_id, wanted))
    refs = []
    for c in consultations.values():
        if isinstance(c, dict):
            refs += _ids(c.get("agendaItem")) + _ids(c.get("meeting"))
            refs += _ids(c.get("organization"))
    linked = _stored(body_id, refs)
    entries = []
    for p in papers:
        raw = p.raw
        words, organs, days = [], [], []
        for cid in _ids(raw.get("consultation")):
            c = consultations.get(cid) or {}
            words.append(c.get("role"))
            for oid in _ids(c.get("organization")):
                name = (linked.get(oid) or {}).get("name")
                if name:
                    organs.append(name)
            for aid in _ids(c.get("agendaItem")):
                item = linked.get(aid) or {}
                words += [item.get("name"), item.get("result")]
            for mid in _ids(c.get("meeting")):
                day = sync.day_of((linked.get(mid) or {}).get("start"))
                if day:
                    days.append(day)
        name = raw.get("name") or raw.get("reference") or ""
        reference = raw.get("reference")
        organ = ", ".join(dict.fromkeys(organs))[:500] or None
        entries.append(
            {
                "kind": "paper",
                "ref_id": p.id,
                "body_id": body_id,
                "organ": organ,
                "paper_type": (raw.get("paperType") or None) and str(raw["paperType"])[:200],
                "day": sync.day_of(raw.get("date")) or (min(days) if days else None),
                "title": str(name)[:500],
                "reference": str(reference)[:100] if reference else None,
                "url": str(raw.get("web") or raw.get("id"))[:1000],
                "document": _text(name, reference, raw.get("paperType"), organ, *words),
            }
        )
    return entries


def initiative_entry(i: Initiative) -> dict:
    """The index entry of one of our initiatives."""
    return {
        "kind": "initiative",
        "ref_id": i.id,
        "body_id": i.lead_body_id,
        "organ": None,
        "paper_type": None,
        "day": i.start_date,
        "title": i.title[:500],
        "reference": None,
        "url": None,
        "document": _text(i.title, i.description, *(i.keywords or [])),
    }


def resolution_entry(r: Resolution, initiative_title: str | None = None) -> dict:
    """The index entry of one of our resolutions (its initiative's title stands in for a
    missing title of its own)."""
    title = r.title or initiative_title or r.reference or ""
    return {
        "kind": "resolution",
        "ref_id": r.id,
        "body_id": r.body_id,
        "organ": r.organ,
        "paper_type": None,
        "day": r.session_date,
        "title": title[:500],
        "reference": r.reference,
        "url": r.source_url,
        "document": _text(title, r.reference, r.organ, r.result_text, r.resolution_text),
    }


def _put(connection, entries: list[dict]) -> None:
    """Replace the entries of these things (a delete and an insert: the FTS5 triggers keep
    SQLite's text index in step)."""
    if not entries:
        return
    now = utcnow()
    for kind in KINDS:
        ids = [e["ref_id"] for e in entries if e["kind"] == kind]
        if ids:
            connection.execute(
                delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id.in_(ids))
            )
    connection.execute(insert(SearchEntry), [{**e, "indexed_at": now} for e in entries])


def _all_papers(body_id: int) -> Iterable[list[OParlObject]]:
    last = 0
    while rows := db.session.scalars(
        select(OParlObject)
        .where(
            OParlObject.body_id == body_id,
            OParlObject.type == "Paper",
            OParlObject.id > last,
        )
        .order_by(OParlObject.id)
        .limit(_BATCH)
    ).all():
        last = rows[-1].id
        yield rows


def index_papers(body_id: int, since: datetime | None = None) -> int:
    """Index the body's papers that a sync brought or touched since `since` (all, without
    it); gone papers leave the index. Returns how many entries were written."""
    batches = _all_papers(body_id) if since is None else sync.papers_touched(body_id, since)
    written = 0
    for rows in batches:
        gone = [r.id for r in rows if r.deleted]
        if gone:
            db.session.execute(
                delete(SearchEntry).where(SearchEntry.kind == "paper", SearchEntry.ref_id.in_(gone))
            )
        live = [r for r in rows if not r.deleted and isinstance(r.raw, dict)]
        entries = paper_entries(body_id, live)
        _put(db.session.connection(), entries)
        written += len(entries)
    return written


# --- searching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a search asks: the words and the narrowing filters."""

    q: str = ""
    body_id: int | None = None
    kind: str | None = None
    organ: str | None = None
    day_from: date | None = None
    day_to: date | None = None


_WORD = re.compile(r"\w+", re.UNICODE)


def _fts5_query(q: str) -> str | None:
    """Every word of the query as a phrase of its parts, the last one a prefix (German words
    bend: "Digitalnetzwerk" finds "Digitalnetzwerks"): "E-Rechnung" → "e rechnung"*, which
    finds "E-Rechnung" and "E-Rechnungen" but not "Rechnungsprüfung" (the parts must stand
    in a row). A user's quotes, stars or operators never reach FTS5's own syntax."""
    terms = []
    for word in q.lower().split():
        parts = _WORD.findall(word)
        if parts:
            terms.append(f'"{" ".join(parts)}"*')
    return " ".join(terms) or None


def _matches(q: str):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_tsvector(literal_column("'german'"), SearchEntry.document).op("@@")(
            func.websearch_to_tsquery(literal_column("'german'"), q)
        )
    query = _fts5_query(q)
    if query is None:
        return None
    matching = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q").bindparams(q=query)
    return SearchEntry.id.in_(matching)


def search_query(f: Filters):
    """The entries that match, newest first (a statement: pages read only their rows)."""
    stmt = select(SearchEntry)
    if f.q.strip():
        condition = _matches(f.q.strip()[:500])
        stmt = stmt.where(condition) if condition is not None else stmt.where(False)
    if f.body_id:
        stmt = stmt.where(SearchEntry.body_id == f.body_id)
    if f.kind:
        stmt = stmt.where(SearchEntry.kind == f.kind)
    if f.organ:
        stmt = stmt.where(SearchEntry.organ.ilike(f"%{f.organ}%"))
    if f.day_from:
        stmt = stmt.where(SearchEntry.day >= f.day_from)
    if f.day_to:
        stmt = stmt.where(SearchEntry.day <= f.day_to)
    return stmt.order_by(SearchEntry.day.desc().nulls_last(), SearchEntry.id.desc())


def check_filters(f: Filters) -> None:
    """A search needs words or a filter; its kind is one we know; its days are in order."""
    errors = {}
    if f.kind and f.kind not in KINDS:
        errors["kind"] = "unknown"
    if f.day_from and f.day_to and f.day_from > f.day_to:
        errors["day_to"] = "before"
    if errors:
        messages = {
            "kind": _("Choose papers, initiatives or resolutions."),
            "day_to": _("The end lies before the start."),
        }
        raise ValidationError(
            _("Please correct the marked fields."), {k: messages[k] for k in errors}
        )


# --- saved searches ------------------------------------------------------------------------------


def save_search(user: User, name: str, f: Filters, initiative_id: int | None = None) -> SavedSearch:
    """Keep a search for its owner; from now on they hear of each new match."""
    name = line(name) or ""  # it heads e-mails: one line, no control characters
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the search a name.")
    elif len(name) > 200:
        errors["name"] = _("At most %(n)d characters.", n=200)
    if not f.q.strip():
        errors["q"] = _("A saved search needs words to look for.")
    elif len(f.q) > 500:
        errors["q"] = _("At most %(n)d characters.", n=500)
    if initiative_id is not None and db.session.get(Initiative, initiative_id) is None:
        errors["initiative_id"] = _("There is no such initiative.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    check_filters(f)
    saved = SavedSearch(
        user_id=user.id,
        name=name.strip(),
        query=f.q.strip(),
        body_id=f.body_id,
        kind=f.kind,
        initiative_id=initiative_id,
        notified_until=utcnow(),
    )
    db.session.add(saved)
    db.session.flush()
    return saved


def own_saved_search(user: User, saved_id: int) -> SavedSearch | None:
    """One of the person's saved searches, or None (another person's does not exist for them)."""
    saved = db.session.get(SavedSearch, saved_id)
    return saved if saved is not None and saved.user_id == user.id else None


def delete_saved_search(saved: SavedSearch) -> None:
    """Forget a saved search (audited); nothing hangs on it."""
    db.session.delete(saved)
    db.session.flush()


def saved_filters(saved: SavedSearch) -> Filters:
    """The filters a saved search stands for."""
    return Filters(q=saved.query, body_id=saved.body_id, kind=saved.kind)


def new_matches(saved: SavedSearch, until: datetime, limit: int = 50) -> list[SearchEntry]:
    """Entries indexed since the owner last heard, up to `until`, that match."""
    stmt = search_query(saved_filters(saved)).where(
        SearchEntry.indexed_at > saved.notified_until, SearchEntry.indexed_at <= until
    )
    return list(db.session.scalars(stmt.limit(limit)))


def saved_searches_of(user: User) -> list[SavedSearch]:
    """A person's saved searches, by name."""
    return list(
        db.session.scalars(
            select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.name)
        )
    )


# --- keeping our own records in the index ---------------------------------------------------------


def reindex_records(session: Session, _context) -> None:
    """After each flush: the entries of the initiatives and resolutions it changed."""
    put, gone, resolutions = [], [], []
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Initiative) and obj.id is not None:
            put.append(initiative_entry(obj))
        elif isinstance(obj, Resolution) and obj.id is not None:
            resolutions.append(obj)
    put += _resolution_entries(session, resolutions)
    for obj in session.deleted:
        if isinstance(obj, Initiative | Resolution) and obj.id is not None:
            gone.append(("initiative" if isinstance(obj, Initiative) else "resolution", obj.id))
    connection = session.connection()
    for kind, ref_id in gone:
        connection.execute(
            delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id == ref_id)
        )
    _put(connection, put)


def _resolution_entries(session: Session, resolutions: list[Resolution]) -> list[dict]:
    """Entries of resolutions, with their initiatives' titles read in one query."""
    ids = {r.initiative_id for r in resolutions if not r.title}
    stmt = select(Initiative.id, Initiative.title).where(Initiative.id.in_(ids))
    titles = dict(session.execute(stmt).all()) if ids else {}
    return [resolution_entry(r, titles.get(r.initiative_id)) for r in resolutions]


def reindex_all() -> int:
    """Build the whole index again: every initiative, resolution and synced paper."""
    connection = db.session.connection()
    connection.execute(delete(SearchEntry))
    written = 0
    for model in (Initiative, Resolution):
        last = 0
        while rows := db.session.scalars(
            select(model).where(model.id > last).order_by(model.id).limit(_BATCH)
        ).all():
            if model is Initiative:
                _put(connection, [initiative_entry(r) for r in rows])
            else:
                _put(connection, _resolution_entries(db.session, rows))
            written += len(rows)
            last = rows[-1].id
    for (body_id,) in db.session.execute(select(OParlObject.body_id).distinct()):
        written += index_papers(body_id)
    return written


# --- alerts -----------------------------------------------------------------------------------


KIND_LABELS = {"paper": N_("paper"), "initiative": N_("initiative"), "resolution": N_("resolution")}


def entry_link(entry: SearchEntry) -> str | None:
    """Where an entry leads: a paper to its source, our records to their page."""
    if entry.kind == "paper":
        return entry.url
    if entry.kind == "initiative":
        return external_url("main.initiative", initiative_id=entry.ref_id)
    return external_url("resolutions.detail", resolution_id=entry.ref_id)


def compose_alert(saved: SavedSearch, matches: list[SearchEntry]) -> tuple[str, str]:
    """Subject and text of the e-mail telling a search's owner of new matches, in their
    language, with a link to each match and to the search."""
    user = saved.user
    lang = language(user)
    base = links.base()
    bodies = {
        b.id: b.name
        for b in db.session.scalars(
            select(Body).where(Body.id.in_({m.body_id for m in matches if m.body_id}))
        )
    }
    with force_locale(lang), current_app.test_request_context(base_url=base):
        subject = "coop: " + ngettext(
            "%(num)d new match for “%(name)s”",
            "%(num)d new matches for “%(name)s”",
            len(matches),
            name=saved.name,
        )
        lines = [_("Dear %(name)s,", name=user.name or user.email), ""]
        lines.append(_("New for your saved search “%(name)s”:", name=saved.name))
        lines.append("")
        for m in matches:
            where = ", ".join(
                str(x)
                for x in (
                    _(KIND_LABELS[m.kind]),
                    bodies.get(m.body_id),
                    m.organ,
                    format_date(m.day) if m.day else None,
                )
                if x
            )
            lines += [f"• {m.title}", f"  {where}"]
            link = entry_link(m)
            if link:
                lines.append(f"  {link}")
            lines.append("")
        lines += [
            _("The search in coop:"),
            url_for("search.index", saved=saved.id, _external=True),
            "",
            "--",
            _("You receive this message because you saved this search in coop."),
        ]
        return str(subject), "\n".join(str(line) for line in lines)


# Markers around the matched words in a snippet (characters no document holds), replaced by
# <mark> after the text is escaped.
_START, _END = "\x02", "\x03"


def snippets(q: str, ids: list[int]) -> dict[int, Markup]:
    """A short passage of each entry around the words searched for, the words marked: one
    query for the page's entries (FTS5's snippet on SQLite, ts_headline on PostgreSQL)."""
    if not q.strip() or not ids:
        return {}
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = select(
            SearchEntry.id,
            func.ts_headline(
                literal_column("'german'"),
                SearchEntry.document,
                func.websearch_to_tsquery(literal_column("'german'"), q),
                f"StartSel={_START}, StopSel={_END}, MaxWords=25, MinWords=10, MaxFragments=2, "
                "FragmentDelimiter= … ",
            ),
        ).where(SearchEntry.id.in_(ids))
        rows = db.session.execute(stmt).all()
    else:
        query = _fts5_query(q)
        if query is None:
            return {}
        listed = ",".join(str(int(i)) for i in ids)
        rows = db.session.execute(
            text(
                "SELECT rowid, snippet(search_fts, 0, :start, :end, ' … ', 16) FROM search_fts "
                f"WHERE search_fts MATCH :q AND rowid IN ({listed})"
            ).bindparams(q=query, start=_START, end=_END)
        ).all()
    out = {}
    for entry_id, passage in rows:
        if passage and _START in passage:
            escaped = str(Markup.escape(passage))
            out[entry_id] = Markup(escaped.replace(_START, "<mark>").replace(_END, "</mark>"))
    return out
