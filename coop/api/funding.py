"""/api/v1/funding-programs and /api/v1/grants, with each grant's condition check."""

from flask import g
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..auth import permissions
from ..extensions import db
from ..funding import services
from ..models import FundingProgram, Grant, GrantDocument, GrantStatus
from . import bp
from .auth import ApiAbort, expected_version, found, page_of, parse_json, parse_query
from .schemas import (
    FundingProgramCreate,
    FundingProgramList,
    FundingProgramOut,
    FundingProgramUpdate,
    GrantCheckOut,
    GrantCreate,
    GrantList,
    GrantOut,
    GrantQuery,
    GrantUpdate,
    check_out,
    grant_out,
    program_out,
)
from .spec import changing, creating, deleting, listing, reading


def _forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise ApiAbort(403, _("Your role does not allow this."))


def _program(program_id: int) -> FundingProgram:
    return found(
        db.session.get(FundingProgram, program_id),
        _("There is no programme with id %(id)d.", id=program_id),
    )


@bp.get("/funding-programs")
@listing("listFundingPrograms", "List funding programmes", FundingProgramList, "funding programmes")
def list_programs():
    """Funding programmes by name."""
    return page_of(services.program_query(), program_out)


@bp.post("/funding-programs")
@creating(
    "createFundingProgram", "Create a funding programme", FundingProgramCreate, FundingProgramOut
)
def create_program():
    """Add a programme (admins and funding officers)."""
    payload = parse_json(FundingProgramCreate)
    _forbid_unless(permissions.can_manage_programs(g.api_user))
    program = services.save_program(None, payload, actor=g.api_user)
    db.session.commit()
    return program_out(program), 201, {"Location": f"/api/v1/funding-programs/{program.id}"}


@bp.get("/funding-programs/<int:program_id>")
@reading("getFundingProgram", "One funding programme", FundingProgramOut, "The funding programme")
def get_program(program_id: int):
    """One funding programme."""
    return program_out(_program(program_id))


@bp.patch("/funding-programs/<int:program_id>")
@changing(
    "updateFundingProgram",
    "Change fields of a funding programme",
    FundingProgramUpdate,
    FundingProgramOut,
)
def update_program(program_id: int):
    """Change the given fields of a programme (admins and funding officers)."""
    program = _program(program_id)
    payload = parse_json(FundingProgramUpdate)
    _forbid_unless(permissions.can_manage_programs(g.api_user))
    version = expected_version(payload.version)
    services.save_program(program, payload, actor=g.api_user, expected_version=version)
    db.session.commit()
    return program_out(program)


@bp.delete("/funding-programs/<int:program_id>")
@deleting("deleteFundingProgram", "Delete a funding programme")
def delete_program(program_id: int):
    """Delete a programme that no grant uses (admins and funding officers)."""
    program = _program(program_id)
    _forbid_unless(permissions.can_manage_programs(g.api_user))
    services.delete_program(program, actor=g.api_user, expected_version=expected_version(None))
    db.session.commit()
    return "", 204


def _grant(grant_id: int):
    return found(services.load_grant(grant_id), _("There is no grant with id %(id)d.", id=grant_id))


@bp.get("/grants")
@listing("listGrants", "List grants", GrantList, "grants", query=GrantQuery)
def list_grants():
    """Grants; filters status, program_id, initiative_id."""
    args = parse_query(GrantQuery)
    stmt = services.grant_query(
        status=GrantStatus(args.status) if args.status else None,
        program_id=args.program_id,
        initiative_id=args.initiative_id,
    ).options(selectinload(Grant.documents).joinedload(GrantDocument.document))
    return page_of(stmt, grant_out)


@bp.post("/grants")
@creating("createGrant", "Create a grant", GrantCreate, GrantOut)
def create_grant():
    """Add a grant with its tranches (funding officers; coordinators for their initiatives)."""
    payload = parse_json(GrantCreate)
    _forbid_unless(permissions.can_create_grant(g.api_user))
    grant = services.save_grant(None, payload, actor=g.api_user)
    db.session.commit()
    grant = _grant(grant.id)
    return grant_out(grant), 201, {"Location": f"/api/v1/grants/{grant.id}"}


@bp.get("/grants/<int:grant_id>")
@reading("getGrant", "One grant", GrantOut, "The grant")
def get_grant(grant_id: int):
    """One grant with its tranches and documents."""
    return grant_out(_grant(grant_id))


@bp.patch("/grants/<int:grant_id>")
@changing("updateGrant", "Change fields of a grant", GrantUpdate, GrantOut)
def update_grant(grant_id: int):
    """Change the given fields; `tranches`, when given, replace the list."""
    grant = _grant(grant_id)
    payload = parse_json(GrantUpdate)
    _forbid_unless(permissions.can_edit_grant(g.api_user, grant))
    version = expected_version(payload.version)
    services.save_grant(grant, payload, actor=g.api_user, expected_version=version)
    db.session.commit()
    return grant_out(_grant(grant_id))


@bp.delete("/grants/<int:grant_id>")
@deleting("deleteGrant", "Delete a grant")
def delete_grant(grant_id: int):
    """Delete a grant with its tranches, papers and follows."""
    grant = _grant(grant_id)
    _forbid_unless(permissions.can_delete_grant(g.api_user, grant))
    services.delete_grant(grant, actor=g.api_user, expected_version=expected_version(None))
    db.session.commit()
    return "", 204


@bp.get("/grants/<int:grant_id>/check")
@reading(
    "checkGrant",
    "Every condition of the programme checked against today's data",
    GrantCheckOut,
    "The check",
)
def check_grant(grant_id: int):
    """Every condition of the programme, checked against today's data."""
    return check_out(services.check_grant(_grant(grant_id)))
