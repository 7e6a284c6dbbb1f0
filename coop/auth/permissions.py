"""The one place that decides who may see and change what. Views, the API and the CLI ask here.

Roles:
- admin: everything.
- coordinator: bound to a district; manages the bodies of that district (the district itself and
  every body whose district it is) and parentless associations such as Dataport AöR, which serve
  many districts; gives colleagues in its district accounts as partner editor or viewer.
- partner_editor: bound to one body; records that body's own data only.
- funding_officer: reads everything; keeps the funding programmes and manages every grant
  (coordinators manage the grants of initiatives they manage).
- viewer: reads only.
"""

from __future__ import annotations

from ..models import Body, BodyKind, Role, User

# What a partner editor may change on its own body; official keys and hierarchy stay with the
# coordinators, who answer for the registry. So does the address of the council information
# system: coop's server reads it (and every viewer finds what it read), so it is set by those
# who answer for the district (can_set_oparl_url).
PARTNER_EDITABLE_FIELDS = frozenset({"population", "council_name", "website", "contact"})
ALL_BODY_FIELDS = frozenset(
    {
        "name",
        "kind",
        "kind_detail",
        "ags",
        "ars",
        "population",
        "parent_id",
        "state",
        "council_name",
        "website",
        "contact",
        "oparl_url",
        "attributes",
    }
)


def _is(user, *roles: Role) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.role in roles)


def coordinator_district_id(user: User) -> int | None:
    """The district a coordinator manages (None if unbound)."""
    if user.body is None:
        return None
    return user.body.district_id or user.body.id


def in_scope(user: User, body: Body | None) -> bool:
    """Whether `body` lies in the coordinator's district (parentless associations count)."""
    if body is None:
        return False
    if body.kind == BodyKind.ASSOCIATION and body.parent_id is None:
        return True
    district_id = coordinator_district_id(user)
    return district_id is not None and district_id in (body.district_id, body.id)


def can_view_registry(user) -> bool:
    """Anyone signed in sees the registry of bodies."""
    return bool(user and user.is_authenticated)


def can_create_body(user, kind: BodyKind | str | None = None, parent: Body | None = None) -> bool:
    """May create a body at all (kind/parent None) or one of this kind under this parent."""
    if _is(user, Role.ADMIN):
        return True
    if not _is(user, Role.COORDINATOR):
        return False
    if kind is None and parent is None:
        return True
    if parent is None:
        return kind == BodyKind.ASSOCIATION
    return in_scope(user, parent)


def can_edit_body(user, body: Body) -> bool:
    """Admins edit any body; coordinators the bodies of their district."""
    if _is(user, Role.ADMIN):
        return True
    if _is(user, Role.COORDINATOR):
        return in_scope(user, body)
    if _is(user, Role.PARTNER_EDITOR):
        return user.body_id == body.id
    return False


def can_map_system(user, body: Body) -> bool:
    """Admins and the district's coordinators map the bodies of one council information
    system to the district's partners."""
    if body.kind != BodyKind.DISTRICT:
        return False
    return _is(user, Role.ADMIN) or (_is(user, Role.COORDINATOR) and in_scope(user, body))


def can_set_oparl_url(user, body: Body | None) -> bool:
    """Admins and the coordinators of the body's district (for a new body: those who may
    create it) set the address of a body's council information system; partner editors not."""
    if _is(user, Role.ADMIN):
        return True
    if not _is(user, Role.COORDINATOR):
        return False
    return can_create_body(user) if body is None else in_scope(user, body)


def editable_body_fields(user, body: Body | None) -> frozenset[str]:
    """The fields of `body` (None: a new body) that `user` may set."""
    if body is None:
        return ALL_BODY_FIELDS if can_create_body(user) else frozenset()
    if not can_edit_body(user, body):
        return frozenset()
    if _is(user, Role.PARTNER_EDITOR):
        return PARTNER_EDITABLE_FIELDS
    return ALL_BODY_FIELDS


def can_delete_body(user, body: Body) -> bool:
    """Admins delete any body; coordinators the bodies of their district."""
    if _is(user, Role.ADMIN):
        return True
    return _is(user, Role.COORDINATOR) and in_scope(user, body)


def can_restore(user, item) -> bool:
    """What is in the recycle bin comes back through admins, whoever deleted it, and the
    coordinators of the district it belonged to."""
    if _is(user, Role.ADMIN):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if item.deleted_by_id is not None and item.deleted_by_id == user.id:
        return True
    district_id = coordinator_district_id(user) if _is(user, Role.COORDINATOR) else None
    return district_id is not None and item.district_id == district_id


def bin_scope(user):
    """Which bin items a person sees: None for all (admins), else (own user id, district id)."""
    if _is(user, Role.ADMIN):
        return None
    district_id = coordinator_district_id(user) if _is(user, Role.COORDINATOR) else None
    return user.id, district_id


def can_view_audit(user) -> bool:
    """Admins and coordinators see who changed what."""
    return _is(user, Role.ADMIN, Role.COORDINATOR)


def is_admin(user) -> bool:
    """Admins only: data protection duties (export, anonymise) and the like."""
    return _is(user, Role.ADMIN)


def can_manage_users(user) -> bool:
    """Admins and coordinators manage accounts (coordinators those of their district)."""
    return _is(user, Role.ADMIN, Role.COORDINATOR)


def assignable_roles(user) -> list[Role]:
    """Roles `user` may give to others."""
    if _is(user, Role.ADMIN):
        return list(Role)
    if _is(user, Role.COORDINATOR):
        return [Role.PARTNER_EDITOR, Role.VIEWER]
    return []


def can_edit_user(user, target: User) -> bool:
    """Admins edit every account; coordinators the others of their district, never their own
    role."""
    if _is(user, Role.ADMIN):
        return True
    if not _is(user, Role.COORDINATOR) or target.id == user.id:
        return False
    return target.role in assignable_roles(user) and in_scope(user, target.body)


def can_assign(user, role: Role, body: Body | None) -> bool:
    """May give an account this role bound to this body."""
    if _is(user, Role.ADMIN):
        return True
    return role in assignable_roles(user) and in_scope(user, body)


# --- initiatives and resolutions ------------------------------------------------------------


def can_view_initiative(user, initiative) -> bool:
    """Signed-in users read every initiative; the public reads the public ones."""
    return bool(initiative.public) or can_view_registry(user)


def can_view_resolution(user, resolution) -> bool:
    """The public sees public resolutions of public initiatives; signed-in users see all."""
    if can_view_registry(user):
        return True
    return bool(resolution.public and resolution.initiative.public)


def can_create_initiative(user) -> bool:
    """Admins and coordinators register initiatives."""
    return _is(user, Role.ADMIN, Role.COORDINATOR)


def district_takes_part(user, initiative) -> bool:
    """Whether the coordinator's district leads or takes part in the initiative.

    Associations serving many districts (Dataport AöR) do not make an initiative the
    district's own; a body of the district must take part.
    """
    district_id = coordinator_district_id(user)
    if district_id is None:
        return False
    bodies = [p.body for p in initiative.participants if p.body is not None]
    if initiative.lead_body is not None:
        bodies.append(initiative.lead_body)
    return any(district_id in (b.district_id, b.id) for b in bodies)


def can_nudge(user, initiative) -> bool:
    """Who may remind a partner to decide: admins, the funding officers, and coordinators of
    a district that takes part."""
    if _is(user, Role.ADMIN, Role.FUNDING_OFFICER):
        return True
    return _is(user, Role.COORDINATOR) and district_takes_part(user, initiative)


def can_record_session(user, body) -> bool:
    """Who is offered to record a council session of `body` with all its items: admins,
    coordinators of its district, and its own partner editors (the page itself then offers
    only the initiatives they may record for)."""
    if _is(user, Role.ADMIN):
        return True
    if _is(user, Role.COORDINATOR):
        return in_scope(user, body)
    return _is(user, Role.PARTNER_EDITOR) and user.body_id == body.id


def can_import(user, kind: str) -> bool:
    """Importing a matrix: initiatives as those who register them; resolutions also partner
    editors (the import then takes only their own body's cells)."""
    if kind == "initiatives":
        return can_create_initiative(user)
    return _is(user, Role.ADMIN, Role.COORDINATOR, Role.PARTNER_EDITOR)


def can_edit_initiative(user, initiative) -> bool:
    """Admins, and coordinators of a district that takes part."""
    if _is(user, Role.ADMIN):
        return True
    return _is(user, Role.COORDINATOR) and district_takes_part(user, initiative)


can_delete_initiative = can_edit_initiative


def recordable_body_ids(user, initiative) -> set[int]:
    """The participants whose resolutions `user` may record on the initiative."""
    participant_ids = {p.body_id for p in initiative.participants}
    if can_edit_initiative(user, initiative):
        return participant_ids
    if _is(user, Role.PARTNER_EDITOR) and user.body_id in participant_ids:
        return {user.body_id}
    return set()


def can_record_resolution(user, initiative, body_id: int | None = None) -> bool:
    """May record resolutions on the initiative at all, or of this body.

    Coordinators who manage the initiative record for every participant; a partner editor
    records those of their own body only.
    """
    allowed = recordable_body_ids(user, initiative)
    return bool(allowed) if body_id is None else body_id in allowed


def can_edit_resolution(user, resolution) -> bool:
    """Whoever may record a resolution for its body may change it."""
    return can_record_resolution(user, resolution.initiative, resolution.body_id)


# --- funding ---------------------------------------------------------------------------------


def can_view_funding(user) -> bool:
    """Grants and their checks are internal: signed-in users read them."""
    return can_view_registry(user)


def can_manage_programs(user) -> bool:
    """Programmes are shared rules: admins and funding officers keep them."""
    return _is(user, Role.ADMIN, Role.FUNDING_OFFICER)


def can_create_grant(user, initiative=None) -> bool:
    """Funding officers for any initiative; coordinators for initiatives they manage."""
    if _is(user, Role.ADMIN, Role.FUNDING_OFFICER):
        return True
    if not _is(user, Role.COORDINATOR):
        return False
    return initiative is None or can_edit_initiative(user, initiative)


def can_edit_grant(user, grant) -> bool:
    """Whoever may add a grant to its initiative may change it."""
    return can_create_grant(user, grant.initiative)


can_delete_grant = can_edit_grant


def sees_all_reminders(user) -> bool:
    """Admins and funding officers see every reminder and every run of the scheduler."""
    return _is(user, Role.ADMIN, Role.FUNDING_OFFICER)


def can_read_outbox(user, open_to_all: bool = False) -> bool:
    """Admins read the outbox; in the demo (`OUTBOX_OPEN`) everyone signed in."""
    if not getattr(user, "is_authenticated", False):
        return False
    return open_to_all or _is(user, Role.ADMIN)


def can_view_reminders(user) -> bool:
    """Admins, funding officers and coordinators see the reminders and their log."""
    return _is(user, Role.ADMIN, Role.FUNDING_OFFICER, Role.COORDINATOR)


# --- savings ---------------------------------------------------------------------------------


def can_view_savings(user, initiative) -> bool:
    """Savings estimates are read with their initiative (public ones by everyone)."""
    return can_view_initiative(user, initiative)


def can_edit_cost_model(user, initiative) -> bool:
    """Admins and the coordinators who manage the initiative keep its cost models."""
    return can_edit_initiative(user, initiative)


def can_edit_partner_costs(user, initiative) -> bool:
    """A partner editor enters their own body's current costs and values."""
    if can_edit_cost_model(user, initiative):
        return True
    return _is(user, Role.PARTNER_EDITOR) and any(
        p.body_id == user.body_id for p in initiative.deciding_participants
    )


def can_manage_rate_tables(user) -> bool:
    """Only admins change the cost-rate tables (they apply to every estimate)."""
    return _is(user, Role.ADMIN)


def can_view_dashboard(user) -> bool:
    """Anyone signed in sees the district dashboard and the report."""
    return can_view_registry(user)
