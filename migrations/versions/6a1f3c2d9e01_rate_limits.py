"""Rate limits shared by every instance: uses of an action per key and time window (the
accessibility feedback form)

Revision ID: 6a1f3c2d9e01
Revises: 185d9f2ea390
Create Date: 2026-12-07 21:45:00

"""

import sqlalchemy as sa
from alembic import op

from coop.models.base import UtcDateTime

revision = "6a1f3c2d9e01"
down_revision = "185d9f2ea390"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", UtcDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_limits")),
    )
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limits_window_start"), ["window_start"], unique=False
        )


def downgrade():
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limits_window_start"))
    op.drop_table("rate_limits")
