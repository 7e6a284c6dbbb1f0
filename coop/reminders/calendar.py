"""Each person's iCalendar feed (RFC 5545): council sessions, milestones, application deadlines,
tranches and proofs of use of the initiatives they deal with, as all-day events with stable UIDs,
so that Outlook and Thunderbird update rather than duplicate them."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..auth import permissions
from ..core.money import money
from ..extensions import db
from ..models import (
    Grant,
    GrantStatus,
    Initiative,
    Participant,
    Role,
    TrancheState,
    User,
    hash_token,
)
from ..resolutions import services as resolutions
from .services import OPEN_GRANT_STATES, language

PAST_DAYS = 90  # events this far back stay in the feed


def issue_token(user: User) -> str:
    """A new secret for the person's feed; the previous address stops working."""
    secret = "cal_" + secrets.token_urlsafe(32)
    user.calendar_token_hash = hash_token(secret)
    db.session.flush()
    return secret


def revoke_token(user: User) -> None:
    """Switch off the person's calendar address (flushes)."""
    user.calendar_token_hash = None
    db.session.flush()


def user_for_token(secret: str) -> User | None:
    """The active person whose calendar address carries this secret, or None."""
    if not secret or len(secret) > 100:
        return None
    user = db.session.scalar(
        select(User)
        .where(User.calendar_token_hash == hash_token(secret))
        .options(joinedload(User.body))
    )
    return user if user is not None and user.active else None


def relevant(user: User, initiative: Initiative) -> bool:
    """The initiatives a person deals with: admins, funding officers and unbound viewers see
    all; coordinators those of their district; others those their body takes part in."""
    if user.role in (Role.ADMIN, Role.FUNDING_OFFICER):
        return True
    if user.role == Role.COORDINATOR:
        return permissions.district_takes_part(user, initiative)
    if user.body_id is None:
        return True
    body_ids = {p.body_id for p in initiative.participants}
    if user.body_id in body_ids:
        return True
    return (
        user.body is not None
        and user.body.district_id is None
        and any(p.body.district_id == user.body_id for p in initiative.participants)
    )


def _event(uid: str, day, summary: str, description: str, stamp: datetime, host: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
    return event


def build_feed(user: User, today, host: str = "coop") -> bytes:
    """The person's calendar in their language, from a fixed number of queries."""
    lang = language(user)
    with force_locale(lang):
        return _feed(user, today, host, lang)


def _feed(user: User, today, host: str, lang: str) -> bytes:
    stamp = datetime.now(UTC).replace(microsecond=0)
    since = today - timedelta(days=PAST_DAYS)
    cal = Calendar()
    cal.add("prodid", "-//coop//Interkommunale Zusammenarbeit//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("coop – dates and deadlines"))
    cal.add("x-wr-timezone", "Europe/Berlin")
    initiatives = [
        i
        for i in db.session.scalars(
            select(Initiative).options(
                joinedload(Initiative.lead_body),
                selectinload(Initiative.participants).joinedload(Participant.body),
                selectinload(Initiative.milestones),
            )
        ).unique()
        if relevant(user, i)
    ]
    ids = [i.id for i in initiatives]
    by_id = {i.id: i for i in initiatives}
    if not ids:
        return cal.to_ical()
    for r in resolutions.scheduled_sessions(ids, since):
        title = by_id[r.initiative_id].title
        values = {"body": r.body.name, "organ": r.organ, "title": title}
        cal.add_component(
            _event(
                f"session-{r.id}",
                r.session_date,
                _("Session: %(body)s, %(organ)s – %(title)s", **values),
                _(
                    "%(organ)s (%(body)s) deliberates on “%(title)s”, paper %(reference)s.",
                    reference=r.reference,
                    **values,
                )  # fmt: skip
                if r.reference
                else _("%(organ)s (%(body)s) deliberates on “%(title)s”.", **values),
                stamp,
                host,
            )
        )
    for i in initiatives:
        for m in i.milestones:
            if m.due_on and m.done_on is None and m.due_on >= since:
                cal.add_component(
                    _event(
                        f"milestone-{m.id}",
                        m.due_on,
                        _("Milestone: %(milestone)s – %(title)s", milestone=m.title, title=i.title),
                        _(
                            "The milestone “%(milestone)s” of the initiative “%(title)s” is due.",
                            milestone=m.title,
                            title=i.title,
                        ),  # fmt: skip
                        stamp,
                        host,
                    )
                )
    grants = db.session.scalars(
        select(Grant)
        .where(Grant.initiative_id.in_(ids), Grant.status.in_(OPEN_GRANT_STATES))
        .options(joinedload(Grant.program), selectinload(Grant.tranches))
    ).unique()
    for g in grants:
        title = by_id[g.initiative_id].title
        deadline = g.program.application_until
        if g.status == GrantStatus.PLANNED and deadline and deadline >= since:
            cal.add_component(
                _event(
                    f"grant-{g.id}-deadline",
                    deadline,
                    _(
                        "Application deadline: %(program)s – %(title)s",
                        program=g.program.name,
                        title=title,
                    ),  # fmt: skip
                    _("Last day to apply for “%(program)s”.", program=g.program.name),
                    stamp,
                    host,
                )
            )
        for t in g.tranches:
            if t.state != TrancheState.RECEIVED and t.due_on >= since:
                cal.add_component(
                    _event(
                        f"tranche-{t.id}",
                        t.due_on,
                        _("Drawdown: %(title)s", title=title),
                        _(
                            "Drawdown of %(amount)s from “%(program)s”.",
                            amount=money(t.amount, lang),
                            program=g.program.name,
                        ),  # fmt: skip
                        stamp,
                        host,
                    )
                )
        if g.proof_of_use_due and g.proof_of_use_submitted is None:
            cal.add_component(
                _event(
                    f"grant-{g.id}-proof",
                    g.proof_of_use_due,
                    _("Proof of use: %(title)s", title=title),
                    _("Proof of use for “%(program)s” due.", program=g.program.name),
                    stamp,
                    host,
                )
            )
    return cal.to_ical()
