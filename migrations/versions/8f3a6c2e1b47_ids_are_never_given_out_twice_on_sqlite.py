"""Ids are never given out twice on SQLite: every table with an integer id is rebuilt with
AUTOINCREMENT (PostgreSQL's sequences never go back; nothing to do there)

Without it SQLite gives the id of a deleted newest row to the next row, so a link, an API
client, the audit trail or the OParl server would name another record. Each table's counter
starts beyond the largest id the audit trail and the OParl server's marks know, so the ids of
rows deleted before this revision do not come back either.

Revision ID: 8f3a6c2e1b47
Revises: 7d2e5b1c4a90
Create Date: 2026-12-07 22:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8f3a6c2e1b47"
down_revision = "7d2e5b1c4a90"
branch_labels = None
depends_on = None

# Every table of this revision with an integer surrogate id (the models mark them all:
# coop/extensions.py), with the entity name the audit trail gives its rows, where it keeps any.
TABLES = {
    "activities": None,
    "api_tokens": "ApiToken",
    "audit_entries": None,
    "bodies": "Body",
    "cost_events": "CostEvent",
    "cost_lines": "CostLine",
    "cost_model_partners": "CostModelPartner",
    "cost_models": "CostModel",
    "cost_partner_years": "CostPartnerYear",
    "cost_payments": "CostPayment",
    "cost_rate_tables": "CostRateTable",
    "cost_rates": "CostRate",
    "data_generation": None,
    "documents": "Document",
    "follows": "Follow",
    "funding_programs": "FundingProgram",
    "grant_documents": "GrantDocument",
    "grant_tranches": "Tranche",
    "grants": "Grant",
    "idempotency_keys": None,
    "import_jobs": None,
    "initiative_participants": "Participant",
    "initiatives": "Initiative",
    "login_throttles": None,
    "milestones": "Milestone",
    "nudges": "Nudge",
    "oparl_objects": None,
    "oparl_published_marks": None,
    "oparl_syncs": None,
    "phase_changes": "PhaseChange",
    "proposals": "Proposal",
    "reminders_sent": None,
    "resolution_tasks": "ResolutionTask",
    "resolutions": "Resolution",
    "result_readings": "ResultReading",
    "saved_searches": "SavedSearch",
    "scheduler_runs": None,
    "search_entries": None,
    "users": "User",
}
# Ids the OParl server published in its marks of deleted objects (coop/oparl/marks.py).
MARKED = {"resolutions": ("consultation", "agendaItem"), "documents": ("file",)}


def _rebuild(bind, autoincrement: bool) -> None:
    for name in TABLES:
        # a rebuild drops the table's triggers (the search's full-text index has three)
        triggers = bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": name},
        ).scalars().all()
        with op.batch_alter_table(
            name, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
        for sql in triggers:
            op.execute(sql)


def _known_ids(bind, name: str) -> int:
    """The largest id of the table that left the database: its own, the audit trail's, the
    OParl server's marks."""
    known = [bind.execute(sa.text(f"SELECT max(id) FROM {name}")).scalar()]
    if TABLES[name]:
        known.append(
            bind.execute(
                sa.text("SELECT max(entity_id) FROM audit_entries WHERE entity_type = :t"),
                {"t": TABLES[name]},
            ).scalar()
        )
    kinds = MARKED.get(name, ())
    if kinds:
        known.append(
            bind.execute(
                sa.text("SELECT max(ref_id) FROM oparl_published_marks WHERE kind IN :kinds")
                .bindparams(sa.bindparam("kinds", expanding=True)),
                {"kinds": list(kinds)},
            ).scalar()
        )
    return max((k for k in known if k is not None), default=0)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _rebuild(bind, autoincrement=True)
    for name in TABLES:
        known = _known_ids(bind, name)
        if not known:
            continue
        # SQLite keeps each AUTOINCREMENT table's largest id given out in sqlite_sequence
        done = bind.execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :n) WHERE name = :t"),
            {"n": known, "t": name},
        ).rowcount
        if not done:
            bind.execute(
                sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"),
                {"n": known, "t": name},
            )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _rebuild(bind, autoincrement=False)
