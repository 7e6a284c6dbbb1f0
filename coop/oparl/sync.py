"""Sync a body's council information system and propose resolutions from it.

A run reads the body's organizations, meetings (with their agenda items) and papers (with their
consultations) and keeps each object as sent. The first run reads everything; later runs ask for
what changed since the previous successful run began (`modified_since`). Objects marked
`deleted: true` are marked deleted here. Then papers are matched to initiatives, by the paper
references already recorded for the body and by the initiatives' keywords, and each consultation
of a matched paper becomes a proposed resolution, which waits for a person to confirm it.
Nothing is ever deleted here because a run failed: a failed list ends with a message, what was
stored stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from .. import activity
from ..core import clock
from ..extensions import db
from ..models import (
    Body,
    Initiative,
    OParlObject,
    OParlSync,
    Outcome,
    Participant,
    Proposal,
    ProposalState,
    Resolution,
    ResultReading,
)
from ..models.base import utcnow
from .client import Fetcher, FetchError, clean, type_name
from .results import ParsedResult, parse_result, reading_key

LISTS = (("organization", "Organization"), ("meeting", "Meeting"), ("paper", "Paper"))
# Meetings whose agenda can still change: results are entered inside them for a while after the
# session, often without the meeting's own `modified` moving. An incremental run reads these
# again, one by one.
RECENT_DAYS = 42
UPCOMING_DAYS = 60
EMBEDDED = {"Meeting": ("agendaItem", "AgendaItem"), "Paper": ("consultation", "Consultation")}


@dataclass
class Summary:
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    errors: list[str] = field(default_factory=list)
    proposals: int = 0
    looked_up: int = 0  # stored objects read to compare with what came (not kept with the run)

    def as_dict(self) -> dict:
        """The summary as stored with the run."""
        return {
            "fetched": self.fetched,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "skipped": [list(s) for s in self.skipped],
            "errors": self.errors,
            "proposals": self.proposals,
        }

    def __str__(self) -> str:
        text = (
            f"fetched {self.fetched}, new {self.new}, changed {self.changed}, "
            f"unchanged {self.unchanged}, deleted {self.deleted}, skipped {len(self.skipped)}, "
            f"new proposals {self.proposals}"
        )
        return text + (f"; errors: {' | '.join(self.errors)}" if self.errors else "")


def _body_object(fetcher: Fetcher, body: Body) -> dict:
    """The body's OParl Body, from its Body URL or a System URL (then matched by AGS or name)."""
    start = clean(fetcher.get(body.oparl_url))
    kind = type_name(start)
    if kind == "Body":
        return start
    if kind != "System":
        raise FetchError(_("%(url)s is neither an OParl system nor a body.", url=body.oparl_url))
    candidates = []
    for page in fetcher.pages(start["body"]) if isinstance(start.get("body"), str) else []:
        candidates += [clean(b, "Body") for b in page if isinstance(b, dict)]
    if len(candidates) == 1:
        return candidates[0]
    for b in candidates:
        if body.ags and b.get("ags") == body.ags:
            return b
    for b in candidates:
        if (b.get("name") or "").lower() == body.name.lower():
            return b
    raise FetchError(
        _(
            "The system %(url)s has no body with the AGS %(ags)s.",
            url=body.oparl_url,
            ags=body.ags,
        )
    )


def _store(body_id: int, obj: dict, kind: str, existing: dict, summary: Summary, where: str):
    oparl_id = obj.get("id")
    if not isinstance(oparl_id, str) or not oparl_id:
        summary.skipped.append((where, _("%(kind)s without id", kind=kind)))
        return
    summary.fetched += 1
    row = existing.get(oparl_id)
    deleted = bool(obj.get("deleted"))
    if row is None:
        if deleted:
            return
        row = OParlObject(
            body_id=body_id, oparl_id=oparl_id, type=kind, raw=obj, modified=obj.get("modified")
        )
        db.session.add(row)
        existing[oparl_id] = row
        summary.new += 1
    elif deleted:
        if not row.deleted:
            row.deleted, row.fetched_at = True, utcnow()
            summary.deleted += 1
        else:
            summary.unchanged += 1
    elif row.raw != obj or row.deleted:
        row.raw, row.type, row.modified, row.deleted = obj, kind, obj.get("modified"), False
        row.fetched_at = utcnow()
        summary.changed += 1
    else:
        summary.unchanged += 1
    # embedded parts (agenda items of a meeting, consultations of a paper) are objects too
    if kind in EMBEDDED and not deleted:
        key, part_kind = EMBEDDED[kind]
        seen: set[str] = set()
        for i, part in enumerate(obj.get(key) or []):
            if isinstance(part, dict):
                part = clean(part, part_kind)
                if type_name(part, part_kind) != part_kind:
                    continue
                if part.get("id") in seen:
                    # Some servers give a paper's second hearing (another meeting) the id of the
                    # first. Stored once; the paper keeps both, and each becomes its own proposal.
                    summary.skipped.append(
                        (f"{where}/{key}[{i}]", _("same id as an earlier part of this object"))
                    )
                    continue
                seen.add(part.get("id"))
                _store(body_id, part, part_kind, existing, summary, f"{where}/{key}[{i}]")


class BodyReading:
    """One run over a body's server: `pages()` stores page after page (flushing), `finish()`
    derives proposals and closes the run. The caller (a job) decides when to commit."""

    def __init__(self, body: Body, *, fetcher: Fetcher | None = None, full: bool = False):
        self.body = body
        self.fetcher = fetcher or Fetcher()
        self.summary = Summary()
        self.reached = False  # the server answered with the body; only then are there papers
        previous = db.session.scalar(
            select(OParlSync)
            .where(OParlSync.body_id == body.id, OParlSync.ok.is_(True))
            .order_by(OParlSync.started_at.desc())
            .limit(1)
        )
        self.since = None if full or previous is None else previous.started_at
        self.previous_matching = (previous.summary or {}).get("matching") if previous else None
        self.came: set[str] = set()  # ids of the objects this run's pages brought
        self.run = OParlSync(body_id=body.id, started_at=utcnow(), incremental_since=self.since)
        db.session.add(self.run)
        db.session.flush()

    def pages(self) -> Iterator[tuple[str, int]]:
        """Read every list; after each stored page yield (list name, objects on the page). A
        list that fails ends with a message in the summary; the next list is still read."""
        summary = self.summary
        # Only the stored objects a page names are read, a page at a time: a run costs what
        # changed at the server, not what is stored here (a first run reads nothing, a second
        # run with nothing new reads nothing).
        existing: dict[str, OParlObject] = {}
        try:
            remote = _body_object(self.fetcher, self.body)
        except FetchError as exc:
            summary.errors.append(str(exc))
            return
        self.reached = True
        since = self.since
        params = {"modified_since": since.isoformat(timespec="seconds")} if since else None
        for field_name, kind in LISTS:
            url = remote.get(field_name)
            if not isinstance(url, str):
                summary.errors.append(_("The body names no list “%(name)s”.", name=field_name))
                continue
            try:
                for n, page in enumerate(self.fetcher.pages(url, params), start=1):
                    self._look_up(page, existing)
                    for i, raw in enumerate(page):
                        where = _("%(list)s, page %(page)d, entry %(entry)d",
                                  list=field_name, page=n, entry=i + 1)  # fmt: skip
                        if not isinstance(raw, dict):
                            summary.skipped.append((where, _("not an object")))
                            continue
                        obj = clean(raw, kind)
                        if type_name(obj, kind) != kind:
                            summary.skipped.append(
                                (
                                    where,
                                    _(
                                        "type %(found)s instead of %(expected)s",
                                        found=str(obj.get("type")).rsplit("/", 1)[-1],
                                        expected=kind,
                                    ),
                                )  # fmt: skip
                            )
                            continue
                        _store(self.body.id, obj, kind, existing, summary, where)
                    db.session.flush()
                    yield field_name, len(page)
            except FetchError as exc:
                summary.errors.append(str(exc))
        if since is not None:
            yield from self._recent_meetings(existing)

    def _recent_meetings(self, existing: dict) -> Iterator[tuple[str, int]]:
        """Read again the stored meetings of the last weeks and the coming ones that this run
        did not bring (their agenda items may have gained a result since)."""
        today = clock.today()
        lowest, highest = today - timedelta(days=RECENT_DAYS), today + timedelta(days=UPCOMING_DAYS)
        # ISO 8601 dates sort as text: the window is chosen in the database, so a run reads
        # the few meetings of these weeks, not every meeting ever stored
        start = OParlObject.raw["start"].as_string()
        stored = db.session.scalars(
            select(OParlObject).where(
                OParlObject.body_id == self.body.id,
                OParlObject.type == "Meeting",
                OParlObject.deleted.is_(False),
                start >= lowest.isoformat(),
                start < (highest + timedelta(days=1)).isoformat(),
            )
        )
        due = [
            row
            for row in stored
            if row.oparl_id not in self.came
            and (day := day_of(row.raw.get("start"))) is not None
            and lowest <= day <= highest
        ]
        for row in due:
            existing.setdefault(row.oparl_id, row)
            try:
                obj = clean(self.fetcher.get(row.oparl_id), "Meeting")
            except FetchError as exc:
                self.summary.errors.append(str(exc))
                continue
            where = _("meeting read again: %(url)s", url=row.oparl_id)
            self._look_up([obj], existing)
            _store(self.body.id, obj, "Meeting", existing, self.summary, where)
            db.session.flush()
            yield "meeting", 1

    def _look_up(self, page: list, existing: dict) -> None:
        """Read the stored objects of the ids on this page (and of their embedded parts)."""
        ids = set()
        for raw in page:
            if isinstance(raw, dict):
                ids.add(raw.get("id"))
                for key, _part in EMBEDDED.values():
                    parts = raw.get(key)
                    for part in parts if isinstance(parts, list) else [parts]:
                        if isinstance(part, dict):
                            ids.add(part.get("id"))
        self.came.update(i for i in ids if isinstance(i, str))
        wanted = [i for i in ids if isinstance(i, str) and i and i not in existing]
        for start in range(0, len(wanted), 500):
            for row in db.session.scalars(
                select(OParlObject).where(
                    OParlObject.body_id == self.body.id,
                    OParlObject.oparl_id.in_(wanted[start : start + 500]),
                )
            ):
                existing[row.oparl_id] = row
                self.summary.looked_up += 1

    def finish(self) -> OParlSync:
        """Propose resolutions from what is stored (when anything came, or what papers are
        matched by changed: an initiative's keywords or paper numbers), then close the run."""
        matching = _matching_fingerprint(self.body)
        came = self.summary.new or self.summary.changed or self.summary.deleted
        if self.reached and (matching != self.previous_matching or self.since is None):
            self.summary.proposals = derive_proposals(self.body)
        elif self.reached and came:
            # what matches stayed: only the papers this run brought or touched are matched
            self.summary.proposals = sum(
                derive_for_papers(self.body, rows)
                for rows in papers_touched(self.body.id, self.run.started_at)
            )
        run, summary = self.run, self.summary
        run.finished_at = utcnow()
        run.ok = not summary.errors
        run.summary = {**summary.as_dict(), "matching": matching}
        run.message = "; ".join(summary.errors) or None
        db.session.flush()
        return run


# --- from papers to proposals ----------------------------------------------------------------


def day_of(value: Any) -> date | None:
    """The day an OParl date or date-time names (its first ten characters), or None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _first(value):
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _matches(paper: dict, initiatives: list[Initiative], references: dict[str, int]):
    """(initiative, how) for each initiative the paper belongs to."""
    ref = (paper.get("reference") or "").strip()
    if ref and ref in references:
        ini = next((i for i in initiatives if i.id == references[ref]), None)
        if ini is not None:
            return [(ini, _("Paper %(reference)s", reference=ref))]
    text = " ".join(
        str(x) for x in (paper.get("name"), ref, " ".join(paper.get("keyword") or [])) if x
    ).lower()
    out = []
    for ini in initiatives:
        for word in ini.keywords or []:
            if word and word.lower() in text:
                out.append((ini, _("Keyword “%(word)s”", word=word)))
                break
    return out


def derive_proposals(body: Body, today: date | None = None) -> int:
    """Propose resolutions from the stored papers; returns how many are new. Re-runnable: a
    proposal already confirmed or dismissed stays as it is."""
    today = today or date.today()
    objects = {
        o.oparl_id: o
        for o in db.session.scalars(
            select(OParlObject).where(
                OParlObject.body_id == body.id, OParlObject.deleted.is_(False)
            )
        )
    }
    initiatives, references = _matching_inputs(body)
    known = {
        p.consultation_id: p
        for p in db.session.scalars(select(Proposal).where(Proposal.body_id == body.id))
    }
    recorded = set(
        db.session.scalars(
            select(Resolution.external_id).where(
                Resolution.body_id == body.id, Resolution.external_id.is_not(None)
            )
        )
    )
    new = 0
    context = _Context(body.id, objects, known, recorded, today, _readings())
    for paper_row in [o for o in objects.values() if o.type == "Paper"]:
        for ini, how in _matches(paper_row.raw, initiatives, references):
            new += _propose(context, paper_row.raw, ini, how)
    db.session.flush()
    return new


@dataclass
class _Context:
    """What proposing needs besides the paper: the stored objects it names, the proposals and
    resolutions already there, the day and people's readings of result texts."""

    body_id: int
    objects: dict
    known: dict
    recorded: set
    today: date
    readings: dict


def _propose(context: _Context, paper: dict, ini: Initiative, how: str) -> int:
    """A proposal per hearing of the paper for the initiative; returns how many are new. An
    open proposal takes what changed; a confirmed or dismissed one stays as it is."""
    new = 0
    for cid, consultation in _hearings(paper, context.objects):
        if cid in context.recorded:
            continue
        values = _proposal_values(
            paper, consultation, context.objects, context.today, context.readings
        )
        values.update(matched_by=how, initiative_id=ini.id)
        proposal = context.known.get(cid)
        if proposal is None:
            proposal = Proposal(body_id=context.body_id, consultation_id=cid, **values)
            db.session.add(proposal)
            context.known[cid] = proposal
            new += 1
            body = db.session.get(Body, context.body_id)  # once a sync: the identity map
            outcome = values.get("outcome")
            activity.record(
                "proposal",
                initiative_id=ini.id,
                body=body.name if body else None,
                organ=values.get("organ"),
                reference=values.get("reference"),
                outcome=getattr(outcome, "value", outcome),
            )
        elif proposal.state == ProposalState.OPEN:
            for key, value in values.items():
                if getattr(proposal, key) != value:
                    setattr(proposal, key, value)
    return new


def _related(body_id: int, papers: list[dict]) -> dict:
    """The stored objects the papers' consultations name (consultations, their meetings,
    agenda items and organizations), by id: three queries, however much the body stores."""

    def load(ids):
        return {k: o for k, o in stored_objects(body_id, ids).items() if not o.deleted}

    objects = load(c for p in papers for c in p.get("consultation") or [] if isinstance(c, str))
    consultations = [o.raw for o in objects.values()] + [
        c for p in papers for c in p.get("consultation") or [] if isinstance(c, dict)
    ]
    objects.update(
        load(
            _first(c.get(name))
            for c in consultations
            for name in ("meeting", "agendaItem", "organization")
        )
    )
    # a consultation that names no organ: its meeting's
    objects.update(
        load(_first(o.raw.get("organization")) for o in objects.values() if o.type == "Meeting")
    )
    return objects


def _matching_inputs(body: Body) -> tuple[list[Initiative], dict[str, int]]:
    """The initiatives the body takes part in, and its recorded paper numbers."""
    initiatives = list(
        db.session.scalars(
            select(Initiative)
            .join(Participant, Participant.initiative_id == Initiative.id)
            .where(Participant.body_id == body.id)
        ).unique()
    )
    references = {
        ref: ini_id
        for ref, ini_id in db.session.execute(
            select(Resolution.reference, Resolution.initiative_id).where(
                Resolution.body_id == body.id, Resolution.reference.is_not(None)
            )
        )
    }
    return initiatives, references


def _readings() -> dict:
    """How people read result texts the parser misread (a small table: one row per text)."""
    return {
        r.text: ParsedResult(r.outcome, r.votes_yes, r.votes_no, r.votes_abstain)
        for r in db.session.scalars(select(ResultReading))
    }


def _propose_each(body_id: int, paper_rows: list[OParlObject], choose) -> int:
    """Proposals for these stored papers, for the initiatives `choose(paper)` names (with how
    each was found), reading only the objects the papers name; returns how many are new."""
    papers = [p.raw for p in paper_rows if isinstance(p.raw, dict) and not p.deleted]
    objects = _related(body_id, papers)
    ids = [cid for paper in papers for cid, _c in _hearings(paper, objects)]
    known = {
        p.consultation_id: p
        for p in db.session.scalars(
            select(Proposal).where(Proposal.body_id == body_id, Proposal.consultation_id.in_(ids))
        )
    }
    recorded = set(
        db.session.scalars(
            select(Resolution.external_id).where(
                Resolution.body_id == body_id, Resolution.external_id.in_(ids)
            )
        )
    )
    context = _Context(body_id, objects, known, recorded, clock.today(), _readings())
    new = sum(_propose(context, paper, ini, how) for paper in papers for ini, how in choose(paper))
    db.session.flush()
    return new


def propose_papers(body_id: int, paper_rows: list[OParlObject], ini: Initiative, how: str) -> int:
    """Propose these stored papers to an initiative (a saved search that names it found
    them); returns how many proposals are new."""
    return _propose_each(body_id, paper_rows, lambda _paper: [(ini, how)])


def derive_for_papers(body: Body, paper_rows: list[OParlObject]) -> int:
    """Propose these stored papers to the initiatives they match (by paper number or
    keyword): what an incremental run does with the papers it brought."""
    initiatives, references = _matching_inputs(body)
    return _propose_each(
        body.id, paper_rows, lambda paper: _matches(paper, initiatives, references)
    )


def papers_touched(body_id: int, since: datetime, batch: int = 500) -> Iterator[list[OParlObject]]:
    """The body's stored papers, in batches, that changed since `since` or whose consultations,
    agenda items or meetings did (a result entered at a meeting); each paper once."""
    done: set[int] = set()
    last = 0
    base = select(OParlObject).where(
        OParlObject.body_id == body_id,
        OParlObject.fetched_at >= since,
        OParlObject.type.in_(("Paper", "Consultation", "AgendaItem", "Meeting")),
    )
    while rows := db.session.scalars(
        base.where(OParlObject.id > last).order_by(OParlObject.id).limit(batch)
    ).all():
        last = rows[-1].id
        papers = {r.oparl_id: r for r in rows if r.type == "Paper"}
        others = [r.raw for r in rows if r.type != "Paper" and isinstance(r.raw, dict)]
        # a meeting's agenda items, an agenda item's consultation, a consultation's paper
        items = [i for m in others for i in m.get("agendaItem") or [] if isinstance(i, dict)]
        named = {_first(x.get("consultation")) for x in [*others, *items]} - {None}
        consultations = [x for x in others if x.get("paper")] + [
            o.raw for o in stored_objects(body_id, named).values()
        ]
        wanted = {_first(c.get("paper")) for c in consultations} - {None} - set(papers)
        papers.update(stored_objects(body_id, wanted))
        fresh = [p for p in papers.values() if p.id not in done]
        done.update(p.id for p in fresh)
        if fresh:
            yield fresh


def stored_objects(body_id: int, ids) -> dict[str, OParlObject]:
    """The body's stored objects of these ids (deleted ones too), by id; one query."""
    ids = sorted({i for i in ids if isinstance(i, str)})
    if not ids:
        return {}
    return {
        o.oparl_id: o
        for o in db.session.scalars(
            select(OParlObject).where(OParlObject.body_id == body_id, OParlObject.oparl_id.in_(ids))
        )
    }


def _matching_fingerprint(body: Body) -> str:
    """A digest of what decides which papers become proposals for this body: its initiatives,
    their keywords, the paper numbers and the consultations already recorded."""
    import hashlib

    rows = db.session.execute(
        select(Initiative.id, Initiative.keywords)
        .join(Participant, Participant.initiative_id == Initiative.id)
        .where(Participant.body_id == body.id)
        .order_by(Initiative.id)
    ).all()
    recorded = db.session.execute(
        select(Resolution.reference, Resolution.external_id, Resolution.initiative_id)
        .where(Resolution.body_id == body.id)
        .order_by(Resolution.id)
    ).all()
    text = repr(([tuple(r) for r in rows], [tuple(r) for r in recorded]))
    return hashlib.sha256(text.encode()).hexdigest()


def _hearings(paper: dict, objects: dict) -> list[tuple[str, dict]]:
    """(key, consultation) of each hearing of a paper. The key is the consultation's id; a
    further hearing that a server gives the same id (at another meeting) is keyed by its id
    and its meeting, so that each hearing is its own proposal and none overwrites another."""
    out: list[tuple[str, dict]] = []
    seen: set[str] = set()
    for item in paper.get("consultation") or []:
        found = objects.get(item) if isinstance(item, str) else None
        consultation = found.raw if found else item
        if not isinstance(consultation, dict) or not consultation.get("id"):
            continue
        key = consultation["id"]
        if key in seen:
            key = f"{key}#{_first(consultation.get('meeting')) or len(out)}"
        if key in seen:
            continue
        seen.add(key)
        out.append((key, consultation))
    return out


def _proposal_values(
    paper: dict, consultation: dict, objects: dict, today: date, readings: dict
) -> dict:
    meeting = objects.get(_first(consultation.get("meeting")) or "")
    meeting = meeting.raw if meeting else {}
    org_id = _first(consultation.get("organization")) or _first(meeting.get("organization"))
    org = objects.get(org_id or "")
    org = org.raw if org else {}
    item = objects.get(_first(consultation.get("agendaItem")) or "")
    item = item.raw if item else {}
    session = day_of(meeting.get("start")) or day_of(item.get("start"))
    parsed = readings.get(reading_key(item.get("result"))) or parse_result(item.get("result"))
    outcome = parsed.outcome
    if outcome is None and session is not None and session >= today:
        outcome = Outcome.SCHEDULED.value
    organ = org.get("name") or org.get("shortName") or "Rat"
    authoritative = consultation.get("authoritative")
    return {
        "paper_id": paper.get("id"),
        "organ": str(organ)[:200],
        "authoritative": True if authoritative is None else bool(authoritative),
        "reference": (paper.get("reference") or None) and str(paper["reference"])[:50],
        "title": (paper.get("name") or None) and str(paper["name"])[:300],
        "session_date": session,
        "outcome": outcome,
        "votes_yes": parsed.votes_yes,
        "votes_no": parsed.votes_no,
        "votes_abstain": parsed.votes_abstain,
        "result_text": (item.get("result") or None) and str(item["result"])[:500],
        "source_url": (paper.get("web") or paper.get("id") or "")[:500] or None,
    }


def bodies_to_sync(body_id: int | None = None) -> list[Body]:
    """The bodies with an OParl URL (or the one of `body_id`), by name."""
    stmt = select(Body).where(Body.oparl_url.is_not(None)).order_by(Body.name)
    if body_id is not None:
        stmt = stmt.where(Body.id == body_id)
    return list(db.session.scalars(stmt))
