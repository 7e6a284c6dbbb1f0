"""Implementation tracking after the decision (Beschlusskontrolle): the tasks a decided
resolution gives, who does them, by when, and when they were done. Flushes, never commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..core import clock
from ..errors import ValidationError
from ..extensions import db
from ..models import Outcome, Resolution, ResolutionTask
from .schemas import TaskIn


def may_have_tasks(resolution: Resolution) -> bool:
    """Only a resolution that was adopted gives tasks."""
    return resolution.outcome in (Outcome.ADOPTED, Outcome.ADOPTED_AMENDED)


def add_task(resolution: Resolution, command: TaskIn) -> ResolutionTask:
    """A new task of an adopted resolution: title (what), responsible (who), due_on."""
    if not may_have_tasks(resolution):
        raise ValidationError(
            _("Only an adopted resolution has tasks to implement."),
            {"title": _("Only an adopted resolution has tasks to implement.")},
        )
    title, responsible, due_on = command.title, command.responsible, command.due_on
    task = ResolutionTask(
        resolution_id=resolution.id,
        initiative_id=resolution.initiative_id,
        title=title,
        responsible=responsible,
        due_on=due_on,
    )
    db.session.add(task)
    db.session.flush()
    return task


def mark_done(task: ResolutionTask, done: bool = True) -> None:
    """Done today, or open again."""
    task.done_on = clock.today() if done else None
    db.session.flush()


def delete_task(task: ResolutionTask) -> None:
    """Remove a task entered by mistake."""
    db.session.delete(task)
    db.session.flush()


def tasks_of(resolution_ids: list[int]) -> dict[int, list[ResolutionTask]]:
    """The tasks of these resolutions, open ones first by due date: one query."""
    out: dict[int, list[ResolutionTask]] = {rid: [] for rid in resolution_ids}
    if not resolution_ids:
        return out
    rows = db.session.scalars(
        select(ResolutionTask)
        .where(ResolutionTask.resolution_id.in_(resolution_ids))
        .order_by(
            ResolutionTask.done_on.is_not(None),
            ResolutionTask.due_on.is_(None),
            ResolutionTask.due_on,
            ResolutionTask.id,
        )
    )
    for task in rows:
        out[task.resolution_id].append(task)
    return out


def overdue(task: ResolutionTask, on=None) -> bool:
    """Not done and past its due date."""
    return task.done_on is None and task.due_on is not None and task.due_on < (on or clock.today())


def open_tasks(initiative_id: int, limit: int = 50) -> list[ResolutionTask]:
    """The open tasks of an initiative's resolutions, soonest due first, with their body."""
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            select(ResolutionTask)
            .where(ResolutionTask.initiative_id == initiative_id, ResolutionTask.done_on.is_(None))
            .options(joinedload(ResolutionTask.resolution).joinedload(Resolution.body))
            .order_by(ResolutionTask.due_on.is_(None), ResolutionTask.due_on, ResolutionTask.id)
            .limit(limit)
        )
    )
