"""What an imported decision matrix asks for, row by row and cell by cell, before anything is
stored: the same columns as the matrix export (coop/initiatives/matrix.py), headed in German or
English; each body column holds that partner's role or decision ("✔ beschlossen (12.03.2026)").

`plan` reads and checks; `apply` stores the valid rows through the services, so an import obeys
the same rules and permissions as the forms and lands in the audit trail like them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select

from .. import validation as v
from ..auth import permissions
from ..commands import bind, parse
from ..core import clock
from ..errors import ServiceError
from ..extensions import db
from ..i18n import fmt_date, fmt_number
from ..initiatives import services as initiatives
from ..initiatives.schemas import InitiativeCreate, InitiativeUpdate
from ..labels import (
    DECISION_STATUS_LABELS,
    DECISION_STATUS_SYMBOLS,
    PARTICIPANT_ROLE_LABELS,
    PHASE_LABELS,
    SERVICE_AREA_LABELS,
)
from ..models import (
    Body,
    BodyKind,
    DecisionStatus,
    Initiative,
    InitiativeDistrict,
    Outcome,
    Participant,
    ParticipantRole,
    Phase,
    Resolution,
    Role,
    User,
)
from ..resolutions import services as resolutions
from ..resolutions.schemas import ResolutionRecord, ResolutionUpdate
from .reading import Table

KINDS = ("resolutions", "initiatives")
FIXED = {
    "initiative": "Initiative",
    "service_area": "Service area",
    "phase": "Phase",
    "decided": "Councils decided",
    "status": "Status",
}
OUTCOME_OF = {
    DecisionStatus.DECIDED: Outcome.ADOPTED,
    DecisionStatus.REJECTED: Outcome.REJECTED,
    DecisionStatus.DEFERRED: Outcome.DEFERRED,
    DecisionStatus.SCHEDULED: Outcome.SCHEDULED,
}
# Words councils and spreadsheets use for the same status as our labels.
SYNONYMS = {
    "zugestimmt": DecisionStatus.DECIDED,
    "angenommen": DecisionStatus.DECIDED,
    "adopted": DecisionStatus.DECIDED,
    "geplant": DecisionStatus.SCHEDULED,
    "planned": DecisionStatus.SCHEDULED,
    "kein beschluss": DecisionStatus.NONE,
}
ORGAN_OF = {BodyKind.DISTRICT: "Kreistag", BodyKind.ASSOCIATION: "Verbandsversammlung"}
DATE_TOKEN = re.compile(
    r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|[A-Za-z]{3,9}\.? \d{1,2}, \d{4}|\d{1,2}\. ?[A-Za-zä]{3,9}\.? \d{4}"
)
SYMBOLS = "".join(DECISION_STATUS_SYMBOLS.values()) + "✓✗×"
CHUNK = 500  # titles per query when looking initiatives up
# Problems a job keeps (and the pages and the API show); the rest are counted. A file of
# 20,000 rows can have millions, and each answer about the job would carry them all.
SHOWN = 500
QUOTED = 80  # characters of a cell a message quotes


def quote(text: str) -> str:
    """A cell's text as a message quotes it: at most QUOTED characters, cut with "…"."""
    text = (text or "").strip()
    return text if len(text) <= QUOTED else text[:QUOTED].rstrip() + "…"


@dataclass
class Problem:
    row: int  # as the spreadsheet numbers it: the heading is row 1
    column: str  # the column's heading (quoted); empty for the whole row
    message: str

    def __post_init__(self):
        self.column = quote(self.column)


@dataclass
class Action:
    row: int
    what: str  # in words, for the preview
    op: str  # create_resolution, update_resolution, create_initiative, update_initiative
    data: dict = field(default_factory=dict)


@dataclass
class Plan:
    kind: str
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    unchanged: int = 0  # rows that ask for nothing new
    # cells left as they are because coop knows more than the file (changed since the
    # download): explained, and the row's other cells are stored all the same
    notes: list[Problem] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> set[int]:
        """Rows that will not be stored (row 1: the file's columns, so none is stored)."""
        return {p.row for p in self.problems}

    @property
    def valid_rows(self) -> int:
        """Rows that will be stored when the person confirms."""
        return len({a.row for a in self.actions})

    def as_dict(self) -> dict:
        """JSON for the job record and the API: the first SHOWN problems and their count."""
        return {
            "kind": self.kind,
            "total": self.total,
            "valid_rows": self.valid_rows,
            "unchanged": self.unchanged,
            **kept(self.problems, "problems"),
            **kept(self.notes, "notes"),
            "actions": [asdict(a) for a in self.actions],
        }


def kept(problems: list[Problem], key: str) -> dict:
    """What a job stores of `problems` under `key`: the first SHOWN, how many there are and
    the row of the first one left out (problems come row by row)."""
    out: dict = {key: [asdict(p) for p in problems[:SHOWN]], f"{key}_total": len(problems)}
    if len(problems) > SHOWN:
        out[f"{key}_more_from"] = problems[SHOWN].row
    return out


def listed(result: dict, key: str = "problems") -> list[dict]:
    """The problems a job kept under `key`, and when it found more a last line "… and 1.234
    more problems from this row on" (at the row of the first one left out)."""
    shown = list(result.get(key) or [])
    more = int(result.get(f"{key}_total") or len(shown)) - len(shown)
    if more > 0:
        shown.append(
            {
                "row": int(result.get(f"{key}_more_from") or 0),
                "column": "",
                "message": ngettext(
                    "… and %(count)s more problem from this row on",
                    "… and %(count)s more problems from this row on",
                    more,
                    count=fmt_number(more),
                ),
            }
        )
    return shown


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").strip().lower()
    return re.sub(r"\s+", " ", text)


def _words(labels: dict) -> dict[str, object]:
    """Each label in German and English (and the code) → its member."""
    out: dict[str, object] = {}
    for member, label in labels.items():
        for locale in ("de", "en"):
            with force_locale(locale):
                out[_norm(str(label))] = member
        out[_norm(str(member.value).replace("_", " "))] = member
    return out


def _fixed_headings() -> dict[str, str]:
    out = {}
    for key, msgid in FIXED.items():
        for locale in ("de", "en"):
            with force_locale(locale):
                out[_norm(_(msgid))] = key
    return out


def parse_day(text: str) -> date | None:
    """A date as our exports write it: 12.03.2026 (German), Mar 12, 2026 (English) or ISO."""
    day = v.parse_date({}, "day", text)  # the forms' rule: German or ISO
    if day is not None:
        return day
    try:
        return datetime.strptime(text.strip().replace(".", ""), "%b %d, %Y").date()
    except ValueError:
        return None


@dataclass
class CellReading:
    """One body cell: nothing, a role, or a decision status with its date (or a problem)."""

    role: ParticipantRole | None = None
    status: DecisionStatus | None = None
    day: date | None = None
    problem: str | None = None
    empty: bool = False


def read_cell(raw: str, roles: dict, statuses: dict) -> CellReading:
    """What a matrix cell says, tolerant of the symbols, a missing bracket and the note
    "– Ergebnis fehlt"; strict about the date, which is 12.03.2026 or 2026-03-12."""
    text = (raw or "").strip()
    if text in ("", "–", "-", "—"):
        return CellReading(empty=True)
    text = re.split(r"\s[–—-]\s", text, maxsplit=1)[0].strip()
    text = text.lstrip(SYMBOLS + " ").strip()
    if _norm(text) in roles:
        return CellReading(role=roles[_norm(text)])
    day_text = None
    bracket = re.search(r"\(([^)]*)\)", text)
    if bracket:
        day_text = bracket.group(1).strip()
        text = (text[: bracket.start()] + text[bracket.end() :]).strip()
    else:
        token = DATE_TOKEN.search(text)
        if token:
            day_text = token.group(0)
            text = (text[: token.start()] + text[token.end() :]).strip()
    word = _norm(re.sub(r"\b(am|on|vom)\b", "", text))
    status = statuses.get(word)
    if status is None:
        return CellReading(
            problem=_(
                "“%(text)s” is neither a decision nor a role. Write, for example, "
                "“beschlossen (12.03.2026)”, “abgelehnt (12.03.2026)”, “vertagt (12.03.2026)”, "
                "“terminiert (12.03.2026)” or “Partner”.",
                text=quote(raw),
            )
        )
    if status == DecisionStatus.NONE:
        return CellReading(status=status)
    if not day_text:
        return CellReading(problem=_("The date of the session is missing; write it as 12.03.2026."))
    day = parse_day(day_text)
    if day is None:
        return CellReading(
            problem=_(
                "“%(text)s” is not a date in the form 12.03.2026 (day.month.year).",
                text=quote(day_text),
            )
        )
    return CellReading(status=status, day=day)


class _Context:
    """What every row needs, read once: headings, bodies of the columns, initiatives named."""

    def __init__(self, kind: str, table: Table, district: Body, actor: User | None):
        self.kind, self.table, self.district, self.actor = kind, table, district, actor
        self.roles = _words(PARTICIPANT_ROLE_LABELS)
        self.statuses = {**_words(DECISION_STATUS_LABELS), **SYNONYMS}
        for status, symbol in DECISION_STATUS_SYMBOLS.items():
            self.statuses.setdefault(symbol, status)
        self.areas = _words(SERVICE_AREA_LABELS)
        self.phases = _words(PHASE_LABELS)
        self.fixed: dict[str, int] = {}
        self.bodies: dict[int, Body] = {}

    def columns(self, plan: Plan) -> None:
        """Which column is what: our fixed headings and, for the rest, the bodies they name."""
        headings = _fixed_headings()
        names: dict[str, list[int]] = {}
        seen: dict[str, int] = {}
        for col, heading in enumerate(self.table.header):
            key = _norm(heading)
            if not key:
                if any(col < len(cells) and cells[col] for _n, cells in self.table.rows):
                    plan.problems.append(
                        Problem(1, _("column %(n)d", n=col + 1), _("This column has no heading."))
                    )
                continue
            if key in seen:
                plan.problems.append(
                    Problem(
                        1,
                        heading,
                        _("This column appears twice (first in column %(n)d).", n=seen[key] + 1),
                    )
                )
                continue
            seen[key] = col
            if key in headings:
                self.fixed[headings[key]] = col
            else:
                names.setdefault(key, []).append(col)
        if "initiative" not in self.fixed:
            plan.problems.append(
                Problem(
                    1,
                    _("Initiative"),
                    _(
                        "The column “%(name)s” with the initiatives' titles is missing.",
                        name=_("Initiative"),
                    ),
                )
            )
        if not names:
            return
        district_id = self.district.id
        found: dict[str, list[Body]] = {}
        for body in db.session.scalars(
            select(Body).where(
                func.lower(Body.name).in_(list(names)),
                or_(
                    Body.id == district_id,
                    Body.district_id == district_id,
                    exists().where(
                        Participant.body_id == Body.id,
                        InitiativeDistrict.initiative_id == Participant.initiative_id,
                        InitiativeDistrict.district_id == district_id,
                    ),
                ),
            )
        ):
            found.setdefault(_norm(body.name), []).append(body)
        for key, cols in names.items():
            heading = self.table.header[cols[0]]
            bodies = found.get(key, [])
            if len(bodies) == 1:
                self.bodies[cols[0]] = bodies[0]
            elif bodies:
                plan.problems.append(
                    Problem(
                        1,
                        heading,
                        _(
                            "Several bodies of %(district)s are called "
                            "“%(name)s”; this column cannot be assigned.",
                            district=self.district.name,
                            name=quote(heading),
                        ),
                    )
                )
            else:
                plan.problems.append(
                    Problem(
                        1,
                        heading,
                        _(
                            "Unknown column: it is neither a column of the "
                            "export nor a body of %(district)s.",
                            district=self.district.name,
                        ),
                    )
                )

    def initiatives(self) -> dict[str, list[Initiative]]:
        """The district's initiatives named in the file, by title (in chunks of CHUNK)."""
        col = self.fixed.get("initiative")
        if col is None:
            return {}
        titles = sorted({_norm(c[col]) for _n, c in self.table.rows if _norm(c[col])})
        out: dict[str, list[Initiative]] = {}
        for start in range(0, len(titles), CHUNK):
            chunk = titles[start : start + CHUNK]
            stmt = initiatives.initiative_query(district_id=self.district.id).where(
                func.lower(Initiative.title).in_(chunk)
            )
            for ini in db.session.scalars(stmt).unique():
                out.setdefault(_norm(ini.title), []).append(ini)
        return out


def _organ(body: Body) -> str:
    return ORGAN_OF.get(body.kind, "Rat")


def _status_words(status: DecisionStatus, day: date | None) -> str:
    text = str(DECISION_STATUS_LABELS[status])
    return f"{text} ({fmt_date(day)})" if day else text


# how far a council's decision has come: a file may only move it on
_PROGRESS = {
    DecisionStatus.NONE: 0,
    DecisionStatus.SCHEDULED: 1,
    DecisionStatus.DEFERRED: 2,
    DecisionStatus.DECIDED: 3,
    DecisionStatus.REJECTED: 3,
}


def _outdated(cell: CellReading, decision) -> bool:
    """Whether the file shows less than coop knows: no decision, or only a session, where
    coop has a later or further one (an export from before that change)."""
    if decision is None or decision.status == DecisionStatus.NONE:
        return False
    if cell.status == DecisionStatus.NONE:
        return True
    if _PROGRESS[cell.status] >= _PROGRESS[decision.status]:
        return False
    return cell.day is None or decision.session_date is None or decision.session_date >= cell.day


def _resolution_row(
    ctx: _Context, plan: Plan, n: int, cells: list[str], ini: Initiative, summary
) -> list[Action]:
    actions: list[Action] = []
    current = {p.body_id: p.decision for p in summary.partners}
    for col, body in ctx.bodies.items():
        heading = ctx.table.header[col]
        if (n, col) in ctx.table.formulas:
            continue  # named as a formula already
        cell = read_cell(cells[col] if col < len(cells) else "", ctx.roles, ctx.statuses)
        if cell.problem:
            plan.problems.append(Problem(n, heading, cell.problem))
            continue
        if cell.empty or cell.role is not None:
            continue
        decision = current.get(body.id)
        if _outdated(cell, decision):
            # the file was downloaded before this decision (or asks to delete it, which an
            # import never does): the cell stays as coop has it, the row's others count
            plan.notes.append(
                Problem(
                    n,
                    heading,
                    _(
                        "Changed since your download: coop has “%(now)s”; this cell is left "
                        "as it is (an import never deletes or takes back a decision).",
                        now=_status_words(decision.status, decision.session_date),
                    ),
                )
            )
            continue
        if cell.status == DecisionStatus.NONE:
            continue
        if decision is not None and (decision.status, decision.session_date) == (
            cell.status,
            cell.day,
        ):
            continue
        outcome = OUTCOME_OF[cell.status]
        what = _(
            "%(body)s: %(status)s", body=body.name, status=_status_words(cell.status, cell.day)
        )
        data = {
            "body_id": body.id,
            "organ": _organ(body),
            "kind": "basic_decision",
            "session_date": cell.day.isoformat(),
            "outcome": outcome.value,
            "public": True,
            "authoritative": True,
        }
        # the same checks whether the result completes a scheduled session or is new
        command, errors = bind(ResolutionRecord, data)
        if command is not None and not errors:
            errors = resolutions.check_resolution(ini, command, actor=ctx.actor)
        if (
            decision is not None
            and decision.status == DecisionStatus.SCHEDULED
            and decision.session_date == cell.day
            and decision.resolution_id
        ):
            action = Action(
                n,
                what,
                "update_resolution",
                {"resolution_id": decision.resolution_id, "outcome": outcome.value},
            )
        else:
            action = Action(n, what, "create_resolution", {"initiative_id": ini.id, **data})
        if errors:
            for message in dict.fromkeys(errors.values()):
                plan.problems.append(Problem(n, heading, message))
            continue
        actions.append(action)
    return actions


def _choice(ctx: _Context, plan: Plan, n: int, cells: list[str], key: str, words: dict):
    col = ctx.fixed.get(key)
    raw = cells[col].strip() if col is not None and col < len(cells) else ""
    if not raw:
        return None, True
    member = words.get(_norm(raw))
    if member is None:
        allowed = ", ".join(
            sorted(
                {
                    str(v)
                    for v in (
                        SERVICE_AREA_LABELS if key == "service_area" else PHASE_LABELS
                    ).values()
                }
            )
        )
        plan.problems.append(
            Problem(
                n,
                ctx.table.header[col],
                _("“%(text)s” is not one of: %(allowed)s.", text=quote(raw), allowed=allowed),
            )
        )
        return None, False
    return member, True


def _initiative_row(
    ctx: _Context, plan: Plan, n: int, cells: list[str], title: str, found: Initiative | None
) -> list[Action]:
    area, area_ok = _choice(ctx, plan, n, cells, "service_area", ctx.areas)
    phase, phase_ok = _choice(ctx, plan, n, cells, "phase", ctx.phases)
    if not (area_ok and phase_ok):
        return []
    if found is not None:
        change = {}
        if area is not None and area != found.service_area:
            change["service_area"] = area.value
        if phase is not None and phase != found.phase:
            change["phase"] = phase.value
        if not change:
            return []
        if ctx.actor is not None and not permissions.can_edit_initiative(ctx.actor, found):
            plan.problems.append(
                Problem(
                    n,
                    _("Initiative"),
                    _("You may not change this initiative: no body of your district takes part."),
                )
            )
            return []
        words = []
        if "service_area" in change:
            words.append(str(SERVICE_AREA_LABELS[area]))
        if "phase" in change:
            words.append(str(PHASE_LABELS[phase]))
        return [
            Action(
                n,
                _("%(title)s: now %(what)s", title=title, what=", ".join(words)),
                "update_initiative",
                {"initiative_id": found.id, **change},
            )
        ]
    if area is None:
        col = ctx.fixed.get("service_area")
        plan.problems.append(
            Problem(
                n,
                _("Service area") if col is None else ctx.table.header[col],
                _("A new initiative needs its service area."),
            )
        )
        return []
    participants, problems = [], False
    for col, body in ctx.bodies.items():
        if (n, col) in ctx.table.formulas:
            problems = True
            continue
        cell = read_cell(cells[col] if col < len(cells) else "", ctx.roles, ctx.statuses)
        if cell.problem:
            plan.problems.append(Problem(n, ctx.table.header[col], cell.problem))
            problems = True
        elif not cell.empty:
            participants.append(
                {"body_id": body.id, "role": (cell.role or ParticipantRole.PARTNER).value}
            )
    if problems:
        return []
    leads = [p for p in participants if p["role"] == ParticipantRole.LEAD.value]
    if len(leads) > 1:
        plan.problems.append(Problem(n, "", _("Only one participant can lead.")))
        return []
    actor = ctx.actor
    if actor is not None and actor.role != Role.ADMIN:
        # the rule of create_initiative, checked here so that the preview names it
        own = permissions.coordinator_district_id(actor)
        taking_part = {p["body_id"] for p in participants}
        if not any(
            own in (b.id, b.district_id) for b in ctx.bodies.values() if b.id in taking_part
        ):
            plan.problems.append(
                Problem(n, "", _("Choose a body of your district as lead or participant."))
            )
            return []
    data = {
        "title": title,
        "service_area": area.value,
        "phase": (phase or Phase.IDEA).value,
        "participants": participants,
    }
    if leads:
        data["lead_body_id"] = leads[0]["body_id"]
    _command, refused = bind(InitiativeCreate, data)  # the row as a form would send it
    if refused:
        for field, message in refused.items():
            heading = _("Initiative") if field == "title" else ""
            plan.problems.append(Problem(n, heading, message))
        return []
    return [
        Action(
            n,
            _(
                "New initiative “%(title)s” with %(n)d participants",
                title=title,
                n=len(participants),
            ),
            "create_initiative",
            data,
        )
    ]


def plan(
    kind: str,
    table: Table,
    district: Body,
    actor: User | None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Every row checked, nothing stored: the problems by row and column, and what the valid
    rows would store. A problem in the columns (row 1) leaves nothing to store."""
    result = Plan(kind, total=len(table.rows))
    ctx = _Context(kind, table, district, actor)
    ctx.columns(result)
    named = ctx.initiatives()
    summaries = {}
    if kind == "resolutions":
        unique = [inis[0] for inis in named.values() if len(inis) == 1]
        summaries = initiatives.decision_summaries(unique, clock.today())
    title_col = ctx.fixed.get("initiative")
    seen: dict[str, int] = {}
    formulas: dict[int, list[int]] = {}
    for row, col in sorted(table.formulas):
        formulas.setdefault(row, []).append(col)
    for i, (n, cells) in enumerate(table.rows):
        if progress is not None and i and i % 500 == 0:
            progress(i)
        before = len(result.problems)
        for col in formulas.get(n, ()):
            heading = table.header[col] if col < len(table.header) else str(col + 1)
            result.problems.append(
                Problem(n, heading, _("The cell holds a formula; please enter its value instead."))
            )
        if title_col is None:
            continue
        title = re.sub(r"\s+", " ", cells[title_col]).strip()
        key = _norm(title)
        if not key:
            result.problems.append(
                Problem(n, table.header[title_col], _("The title of the initiative is missing."))
            )
            continue
        if key in seen:
            result.problems.append(
                Problem(
                    n,
                    table.header[title_col],
                    _(
                        "This initiative is already in row %(row)d; each may appear once.",
                        row=seen[key],
                    ),
                )
            )
            continue
        seen[key] = n
        found = named.get(key, [])
        if len(found) > 1:
            result.problems.append(
                Problem(
                    n,
                    table.header[title_col],
                    _(
                        "Several initiatives of %(district)s have this title; record this "
                        "one on its page.",
                        district=district.name,
                    ),
                )
            )
            continue
        if kind == "resolutions":
            if not found:
                result.problems.append(
                    Problem(
                        n,
                        table.header[title_col],
                        _(
                            "%(district)s has no initiative of this title; import it as an "
                            "initiative first.",
                            district=district.name,
                        ),
                    )
                )
                continue
            actions = _resolution_row(ctx, result, n, cells, found[0], summaries[found[0].id])
        else:
            actions = _initiative_row(ctx, result, n, cells, title, found[0] if found else None)
        if len(result.problems) > before:
            continue
        if actions:
            result.actions.extend(actions)
        else:
            result.unchanged += 1
    if any(p.row == 1 for p in result.problems):
        result.actions = []
    rejected = result.rows_with_errors  # a set, built once
    result.actions = [a for a in result.actions if a.row not in rejected]
    return result


def apply(actions: list[dict], actor: User | None) -> tuple[list[dict], list[Problem]]:
    """Store the actions of one or more rows through the services, each row in a savepoint:
    a row that no longer passes (something changed since the preview) is left out and named."""
    done: list[dict] = []
    problems: list[Problem] = []
    rows: dict[int, list[dict]] = {}
    for a in actions:
        rows.setdefault(a["row"], []).append(a)
    for n, row_actions in rows.items():
        try:
            with db.session.begin_nested():
                for a in row_actions:
                    _store(a, actor)
            done.extend(row_actions)
        except ServiceError as exc:
            for message in dict.fromkeys((exc.fields or {"": exc.message}).values()):
                problems.append(Problem(n, "", message))
    return done, problems


def _store(action: dict, actor: User | None) -> None:
    data = dict(action["data"])
    op = action["op"]
    if op == "create_resolution":
        initiative = initiatives.load_initiative(data.pop("initiative_id"))
        if initiative is None:
            raise ServiceError(_("This initiative does not exist any more."))
        resolutions.create_resolution(initiative, parse(ResolutionRecord, data), actor=actor)
    elif op == "update_resolution":
        resolution = db.session.get(Resolution, data.pop("resolution_id"))
        if resolution is None:
            raise ServiceError(_("The scheduled session's resolution no longer exists."))
        resolutions.update_resolution(resolution, parse(ResolutionUpdate, data), actor=actor)
    elif op == "create_initiative":
        initiatives.create_initiative(parse(InitiativeCreate, data), actor=actor)
    elif op == "update_initiative":
        initiative = initiatives.load_initiative(data.pop("initiative_id"))
        if initiative is None:
            raise ServiceError(_("This initiative does not exist any more."))
        initiatives.update_initiative(initiative, parse(InitiativeUpdate, data), actor=actor)
