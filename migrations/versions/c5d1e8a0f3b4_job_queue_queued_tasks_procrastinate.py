"""Job queue: queued_tasks (SQLite), procrastinate's schema (PostgreSQL), import progress

Revision ID: c5d1e8a0f3b4
Revises: b3e9d41f7a25
Create Date: 2026-12-08 00:40:00
"""

import sqlalchemy as sa
from alembic import op

import coop.models.base

revision = "c5d1e8a0f3b4"
down_revision = "b3e9d41f7a25"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "queued_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=100), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("lock", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=255), nullable=True),
        sa.Column("heartbeat_at", coop.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", coop.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", coop.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_tasks")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("queued_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_queued_tasks_state_id", ["state", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_queued_tasks_lock"), ["lock"], unique=False)
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress", sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # procrastinate's tables, types and functions, as its version 3.10 defines them
        from procrastinate.schema import SchemaManager

        op.execute(SchemaManager.get_schema())


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_jobs, procrastinate_workers CASCADE"
        )
        op.execute(
            "DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type, "
            "procrastinate_job_to_defer_v1 CASCADE"
        )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_column("progress")
    with op.batch_alter_table("queued_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queued_tasks_lock"))
        batch_op.drop_index("ix_queued_tasks_state_id")
    op.drop_table("queued_tasks")
