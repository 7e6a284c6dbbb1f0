"""Proposed resolutions: confirm (possibly with changes) into a resolution, or dismiss.
Nothing unconfirmed enters the decision status."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth import permissions
from ..commands import parse, values_of
from ..errors import ConflictError, PermissionDenied, ValidationError, check_version
from ..extensions import db
from ..initiatives import services as initiatives
from ..models import Proposal, ProposalState, ResultReading, User
from ..resolutions import services as resolutions
from ..resolutions.schemas import ResolutionRecord
from .results import parse_result, reading_key
from .schemas import ProposalConfirm

# What a proposal carries into its resolution: what the person may change on confirming (the
# command) and the link to the council's paper.
EDITABLE = (*(name for name in ProposalConfirm.model_fields if name != "version"), "source_url")


def can_decide(user, proposal: Proposal) -> bool:
    """Whoever may record a resolution for the proposal's body may confirm or dismiss it."""
    return permissions.can_record_resolution(user, proposal.initiative, proposal.body_id)


def proposal_query(*, initiative_id=None, body_id=None, state=None):
    """Proposals, newest session first, filtered by initiative, body and state."""
    stmt = select(Proposal).options(joinedload(Proposal.initiative), joinedload(Proposal.body))
    if initiative_id is not None:
        stmt = stmt.where(Proposal.initiative_id == initiative_id)
    if body_id is not None:
        stmt = stmt.where(Proposal.body_id == body_id)
    if state is not None:
        stmt = stmt.where(Proposal.state == state)
    return stmt.order_by(Proposal.session_date.desc().nulls_last(), Proposal.id)


def load(proposal_id: int) -> Proposal | None:
    """A proposal with its initiative and body, or None."""
    return db.session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(joinedload(Proposal.initiative), joinedload(Proposal.body))
    )


def _open(proposal: Proposal, actor: User | None, expected_version: int | None) -> None:
    if actor is not None and not can_decide(actor, proposal):
        raise PermissionDenied(_("Your role does not allow this."))
    check_version(proposal, expected_version)
    if proposal.state != ProposalState.OPEN:
        raise ConflictError(
            _("This proposal has already been %(state)s.", state=_state_word(proposal.state)),
            {"state": proposal.state.value},
        )


def _state_word(state) -> str:
    return _("confirmed") if state == ProposalState.CONFIRMED else _("dismissed")


def confirm(
    proposal: Proposal,
    changes: ProposalConfirm | None = None,
    *,
    actor: User | None,
    expected_version: int | None = None,
):
    """Record the proposal, with the person's changes, as a resolution."""
    _open(proposal, actor, expected_version)
    data = {key: getattr(proposal, key) for key in EDITABLE}
    data["body_id"] = proposal.body_id
    given = values_of(changes, leave_out=("version",)) if changes is not None else {}
    for key, value in given.items():
        if key in EDITABLE:
            data[key] = value
    for key in ("kind", "outcome"):
        if hasattr(data[key], "value"):
            data[key] = data[key].value
    if data.get("outcome") in (None, ""):
        raise ValidationError(
            _("Please correct the marked fields."),
            {"outcome": _("The result could not be read; choose the outcome.")},
        )
    _remember_reading(proposal, data)
    initiative = initiatives.load_initiative(proposal.initiative_id)
    resolution = resolutions.create_resolution(
        initiative, parse(ResolutionRecord, data), actor=actor
    )
    resolution.external_id = proposal.consultation_id
    proposal.state = ProposalState.CONFIRMED
    proposal.resolution_id = resolution.id
    db.session.flush()
    return resolution


def dismiss(proposal: Proposal, *, actor: User | None, expected_version: int | None = None):
    """Dismiss an open proposal (flushes)."""
    _open(proposal, actor, expected_version)
    proposal.state = ProposalState.DISMISSED
    db.session.flush()


def _remember_reading(proposal: Proposal, data: dict) -> None:
    """When the person's outcome or votes differ from what the parser read in the result
    text, keep their reading for that text: the next paper that says the same takes it."""
    key = reading_key(proposal.result_text)
    if key is None:
        return
    parsed = parse_result(proposal.result_text)
    chosen = (
        str(data.get("outcome") or "") or None,
        *(data.get(k) for k in ("votes_yes", "votes_no", "votes_abstain")),
    )
    if chosen == (parsed.outcome, parsed.votes_yes, parsed.votes_no, parsed.votes_abstain):
        return
    votes = {}
    for k in ("votes_yes", "votes_no", "votes_abstain"):
        value = data.get(k)
        votes[k] = int(value) if isinstance(value, int | str) and str(value).isdigit() else None
    reading = db.session.scalar(select(ResultReading).where(ResultReading.text == key))
    if reading is None:
        reading = ResultReading(text=key)
        db.session.add(reading)
    reading.outcome = chosen[0]
    for k, value in votes.items():
        setattr(reading, k, value)
