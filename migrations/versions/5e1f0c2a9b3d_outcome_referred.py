"""resolutions and proposals may be referred to another organ (outcome 'referred')

Revision ID: 5e1f0c2a9b3d
Revises: 92d2a5bc9973
Create Date: 2026-11-30 04:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5e1f0c2a9b3d"
down_revision = "92d2a5bc9973"
branch_labels = None
depends_on = None

OLD = ("scheduled", "adopted", "adopted_amended", "rejected", "deferred", "withdrawn", "noted")
NEW = (*OLD, "referred")


def _allow(values):
    """The outcome column stays VARCHAR(40); only its CHECK of the allowed codes changes."""
    for table in ("resolutions", "proposals"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_outcome"), type_="check")
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(
                op.f(f"ck_{table}_outcome"), sa.column("outcome").in_(values)
            )


def upgrade():
    _allow(NEW)


def downgrade():
    op.execute("UPDATE resolutions SET outcome = 'deferred' WHERE outcome = 'referred'")
    op.execute("UPDATE proposals SET outcome = 'deferred' WHERE outcome = 'referred'")
    _allow(OLD)
