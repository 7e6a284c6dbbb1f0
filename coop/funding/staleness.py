"""Keeps the stored funding checks honest: whatever changes an input of a grant's check marks
the grant's stored result stale, in the same flush and in the database (so another app instance
never serves an old result), whichever code path made the change.

Inputs of a check: the grant itself, its programme, the initiative (dates, participants), the
resolutions of the initiative, and the initiative's savings estimates (the savings rate)."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..models import (
    CostEvent,
    CostLine,
    CostModel,
    CostModelPartner,
    CostRate,
    CostRateTable,
    FundingProgram,
    Grant,
    Initiative,
    Participant,
    PhaseChange,
    Resolution,
)

_BY_INITIATIVE = (Resolution, Participant, CostModel, PhaseChange)
_BY_MODEL = (CostLine, CostModelPartner, CostEvent)


def mark_stale(session: Session, *, grant_ids=(), initiative_ids=(), program_ids=(), every=False):
    """Clear the stored checks of these grants (and bump their generation)."""
    table = Grant.__table__
    stmt = update(table).values(checked_on=None, check_generation=table.c.check_generation + 1)
    if every:
        session.connection().execute(stmt)
        return
    conditions = []
    if grant_ids:
        conditions.append(table.c.id.in_(sorted(grant_ids)))
    if initiative_ids:
        conditions.append(table.c.initiative_id.in_(sorted(initiative_ids)))
    if program_ids:
        conditions.append(table.c.program_id.in_(sorted(program_ids)))
    if conditions:
        session.connection().execute(stmt.where(or_(*conditions)))


def _collect(session: Session):
    grants, initiatives, programs, models = set(), set(), set(), set()
    every = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Grant):
            # a new grant has no stored check yet; a deleted one needs none
            if obj in session.dirty and session.is_modified(obj, include_collections=False):
                grants.add(obj.id)
        elif isinstance(obj, Initiative):
            if obj.id is not None and obj not in session.new:
                initiatives.add(obj.id)
        elif isinstance(obj, _BY_INITIATIVE):
            if obj.initiative_id is not None:
                initiatives.add(obj.initiative_id)
        elif isinstance(obj, _BY_MODEL):
            if obj.model_id is not None:
                models.add(obj.model_id)
        elif isinstance(obj, FundingProgram):
            if obj.id is not None:
                programs.add(obj.id)
        elif isinstance(obj, CostRate | CostRateTable):
            every = True
    return grants, initiatives, programs, models, every


def mark_checks_stale(session: Session, _context) -> None:
    """After a flush: mark the stored funding checks that the written records touch stale."""
    # after the flush the new records have their keys, and new, dirty and deleted still list
    # what this flush wrote
    grants, initiatives, programs, models, every = _collect(session)
    if models:
        initiatives |= set(
            session.connection()
            .execute(select(CostModel.initiative_id).where(CostModel.id.in_(sorted(models))))
            .scalars()
        )
    if every or grants or initiatives or programs:
        mark_stale(
            session,
            grant_ids=grants,
            initiative_ids=initiatives,
            program_ids=programs,
            every=every,
        )
