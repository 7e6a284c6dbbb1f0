"""The audit trail sees every delete, also of rows removed from a list (through the shared
flush hook, whichever service removes them)."""

from sqlalchemy import select

from coop.audit import acting_as
from coop.extensions import db
from coop.funding.schemas import GrantUpdate
from coop.models import AuditAction, AuditEntry
from tests import factories


def _deleted(entity_type: str, entity_id: int) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == entity_type,
            AuditEntry.entity_id == entity_id,
            AuditEntry.action == AuditAction.DELETE,
        )
    ).all()


def test_rows_removed_from_lists_are_in_the_trail(app, seed):
    from coop.funding import services as funding
    from coop.initiatives import services as initiatives

    with acting_as(None, "test"):
        ini = factories.initiative(seed, milestones=[{"title": "Vertrag", "due_on": "2026-03-01"}])
        grant = factories.grant(
            ini,
            factories.program(),
            status="approved",
            application_date="2022-04-29",
            eligible_costs="600000.00",
            amount_requested="245000.00",
            amount_granted="245000.00",
            grant_letter_date="2022-06-15",
            period_start="2022-07-01",
            period_end="2027-06-30",
            tranches=[{"date": "2022-09-01", "amount": "245000.00", "state": "received"}],
        )
        db.session.commit()
    ini = initiatives.load_initiative(ini.id)
    gone_partner = ini.participants[-1]
    partner_id, partner_name = gone_partner.id, gone_partner.body.name
    milestone_id = ini.milestones[0].id
    with acting_as(seed.users["coordinator"].id, "coordinator@test.example"):
        ini.participants.remove(gone_partner)  # as any service or form would
        ini.milestones.clear()
        db.session.commit()
    (entry,) = _deleted("Participant", partner_id)
    assert entry.actor_label == "coordinator@test.example" and partner_name in entry.entity_label
    assert entry.context_type == "Initiative" and entry.context_id == ini.id
    assert _deleted("Milestone", milestone_id)
    tranche_ids = [t.id for t in grant.tranches]
    assert tranche_ids
    with acting_as(None, "test"):
        funding.save_grant(
            grant, GrantUpdate.model_validate({"tranches": []}), actor=None
        )  # the service's own path
        db.session.commit()
    assert all(_deleted("Tranche", t) for t in tranche_ids)
